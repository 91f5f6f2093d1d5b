/**
 * Starts `bench/fake-server-child.ts` and talks to it over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeAlphaVantageOptions, FakeStats } from '../../src/testing';

const CHILD = fileURLToPath(new URL('../fake-server-child.ts', import.meta.url));

/** A fake Alpha Vantage running in a child process. */
export interface RemoteFake {
  /** Base URL for the extractor's `baseUrl`. */
  url: string;
  /** The server's counters. */
  stats(): Promise<FakeStats>;
  /** Arrival time (server clock, ms) and outcome of every recorded request. */
  requests(): Promise<{ at: number; outcome: string }[]>;
  /** Stops the child. */
  close(): Promise<void>;
}

/** Forks the fake server with JSON-serialisable options (no functions). */
export async function startRemoteFake(options: FakeAlphaVantageOptions = {}): Promise<RemoteFake> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake server exited early (${code})`)));
    child.once('message', (m) => resolve((m as { url: string }).url));
  });
  child.removeAllListeners('exit');
  return {
    url,
    stats: () =>
      new Promise<FakeStats>((resolve) => {
        child.once('message', (m) => resolve((m as { stats: FakeStats }).stats));
        child.send('stats');
      }),
    requests: () =>
      new Promise((resolve) => {
        child.once('message', (m) =>
          resolve((m as { requests: { at: number; outcome: string }[] }).requests),
        );
        child.send('requests');
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
