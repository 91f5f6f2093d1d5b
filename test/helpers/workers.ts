/**
 * `stock-etl worker` child processes for the scale-out tests: spawned like the CLI tests do, their
 * `--json` lines collected as they come.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, TSX } from './cli';

/** A running worker child. */
export interface WorkerChild {
  child: ChildProcess;
  /** Parsed `--json` lines so far. */
  events: Record<string, unknown>[];
  /** Everything on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal) when it ends. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Spawns `stock-etl worker --json …args` with exactly `env` (plus PATH/HOME/TZ). */
export function spawnWorker(args: string[], env: NodeJS.ProcessEnv): WorkerChild {
  const child = spawn(process.execPath, ['--import', TSX, CLI, 'worker', '--json', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: process.env.TZ, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal)),
  );
  return { child, events, stderr: () => stderr, exited };
}

/** Resolves once `predicate` holds (polled every 100 ms), or rejects after `timeoutMs`. */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
