import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

describe('stock-etl enqueue / worker: what they need, in words', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'stock-etl-queue-cli-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('refuses the embedded database: the queue needs PostgreSQL', async () => {
    for (const args of [['enqueue', 'IBM'], ['worker']]) {
      const r = await runCli(args, { env: { ALPHA_VANTAGE_API_KEY: 'demo' }, cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/needs PostgreSQL \(set DATABASE_URL\)/);
    }
  }, 60_000);

  it('checks its flags before opening anything', async () => {
    const env = { ALPHA_VANTAGE_API_KEY: 'demo', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' };
    const bad = await runCli(['worker', '--concurrency', '0'], { env, cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--concurrency must be an integer ≥ 1/);
    const poll = await runCli(['worker', '--poll-interval', '0.1'], { env, cwd });
    expect(poll.stderr).toMatch(/--poll-interval must be a number ≥ 0.5/);
    const flag = await runCli(['enqueue', 'IBM', '--concurrency', '2'], { env, cwd });
    expect(flag.stderr).toMatch(/--concurrency does not apply to enqueue/);
    const month = await runCli(
      ['enqueue', 'IBM', 'MSFT', '--interval', '1min', '--from', '2024-01'],
      {
        env,
        cwd,
      },
    );
    expect(month.stderr).toMatch(/exactly one SYMBOL/);
  }, 60_000);
});
