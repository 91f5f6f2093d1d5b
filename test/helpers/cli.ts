/**
 * Runs the CLI as a user would: a child process (`node --import tsx src/cli/index.ts …`), in a
 * working directory of the test's choosing, with exactly the environment given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI's source entry point. */
export const CLI = join(ROOT, 'src', 'cli', 'index.ts');
/** tsx's loader, by absolute URL so the child may run in any directory. */
export const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a CLI run printed and how it ended. */
export interface CliRun {
  /** Exit code (null when killed by a signal it did not handle). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run. */
  ms: number;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** The whole environment of the child (PATH and HOME are added). */
  env: NodeJS.ProcessEnv;
  /** Working directory. @default the repository */
  cwd?: string;
  /** Called once the child runs (e.g. to send it a signal later). */
  onSpawn?: (child: ChildProcess) => void;
  /** Kill the child after this long (a hung CLI must fail the test, not hang it). @default 90000 */
  timeoutMs?: number;
}

/** Runs `stock-etl …args` as a child process. */
export function runCli(args: string[], options: RunCliOptions): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TZ: process.env.TZ,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    options.onSpawn?.(child);
  });
}

/** The JSON objects of a `--json` run's stdout, one per line (every line must parse). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Resolves once `predicate` holds (polled), or rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
