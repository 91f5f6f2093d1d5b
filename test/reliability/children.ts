/**
 * Pipeline child processes (test/helpers/pipeline-child.ts) for the process scenarios: start one
 * on a schema and the fake server, wait for it to finish cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Work } from './harness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/pipeline-child.ts', import.meta.url));

export type ChildWork =
  | { batch: [string[], string[]] }
  | { backfill: [string, string, string, string] };

export const BATCH: Work = {
  symbols: ['IBM', 'MSFT', 'AAPL'],
  datasets: ['daily', 'intraday:5min'],
};
export const BACKFILL: Work = {
  symbols: [],
  datasets: [],
  backfill: { symbol: 'IBM', from: '2024-01', to: '2024-06' },
};
export const toChild = (w: Work): ChildWork[] => [
  ...(w.symbols.length ? [{ batch: [w.symbols, w.datasets] as [string[], string[]] }] : []),
  ...(w.backfill
    ? [
        {
          backfill: ['IBM', '5min', w.backfill.from, w.backfill.to] as [
            string,
            string,
            string,
            string,
          ],
        },
      ]
    : []),
];

export interface Child {
  events: Record<string, unknown>[];
  exited: Promise<number | null>;
  process: ChildProcess;
  stderr: () => string;
}

/** An application_name unique to one child, to find (and only ever kill) its backends by. */
export const appName = () => `stock_etl_relp_${randomBytes(5).toString('hex')}`;

export function startChild(
  serverUrl: string,
  schema: string,
  work: ChildWork[],
  app = appName(),
): Child {
  const url = new URL(process.env.DATABASE_URL as string);
  url.searchParams.set('application_name', app);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      CHILD_DB: 'pg',
      CHILD_SCHEMA: schema,
      CHILD_AV_URL: serverUrl,
      CHILD_WORK: JSON.stringify(work),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let buffered = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { events, exited, process: child, stderr: () => err };
}

export async function finishChild(child: Child) {
  const code = await child.exited;
  expect(code, child.stderr().slice(-2000)).toBe(0);
  expect(child.events.at(-1)).toEqual({ event: 'done' });
  for (const e of child.events) expect(e.event).not.toBe('crash');
  return child.events;
}
