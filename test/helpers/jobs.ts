/** Helpers for job liveness and coordination tests. */
import type { PipelineExtractor } from '../../src/pipeline';
import type { DbContext } from './db';

/** An extractor whose `method` waits at a gate: `reached` when a call arrives, `open()` lets all through. */
export function gated(
  base: PipelineExtractor,
  method: 'daily' | 'quote' | 'intraday',
): { extractor: PipelineExtractor; reached: Promise<void>; open: () => void; calls: () => number } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  let calls = 0;
  const original = base[method].bind(base) as (...args: unknown[]) => Promise<unknown>;
  const wrapped = async (...args: unknown[]) => {
    calls++;
    reach();
    await opened;
    return original(...args);
  };
  // Every other method runs on the real extractor (its private fields need the real receiver).
  const extractor = new Proxy(base, {
    get: (target, key) => {
      if (key === method) return wrapped;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { extractor, reached, open, calls: () => calls };
}

/** One `etl_job_logs` row. */
export async function jobRow(
  ctx: Pick<DbContext, 'db' | 'q'>,
  id: number,
): Promise<Record<string, unknown>> {
  const { rows } = await ctx.db.query(`SELECT * FROM ${ctx.q}.etl_job_logs WHERE id = $1`, [id]);
  if (!rows[0]) throw new Error(`no job ${id}`);
  return rows[0];
}

/** Polls `check` until it holds (an event we cannot await directly), failing after `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
