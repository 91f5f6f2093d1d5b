/**
 * Streaming strategies on a recorded-like quote tape: how many requests each spends per changed
 * quote it stores, over one simulated regular session with a daily budget the fixed poll cannot
 * last on. Simulated time (no waiting); quotes stored in in-memory PGlite.
 */
import { createEmbeddedDb } from '../../src/db';
import { installSchema } from '../../src/db/install';
import { StreamingService } from '../../src/streaming';
import type { StreamStrategyName } from '../../src/streaming/strategy';
import { SimClock } from '../../test/helpers/sim-clock';
import { makeTape, tapeExtractor } from '../lib/quote-tape';
import { type Figure, figure } from '../lib/stats';

/** Sizes of the stream section. */
export interface StreamSizes {
  /** Symbols on the tape (a fifth of them active). */
  symbols: number;
  /** The key's daily budget (requests). */
  perDay: number;
  /** Runs (tapes with different seeds). */
  runs: number;
}

const STRATEGIES: readonly StreamStrategyName[] = ['fixed', 'budget', 'adaptive'];

/** Runs the section. */
export async function benchStream(
  sizes: StreamSizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const perChanged: Record<StreamStrategyName, number[]> = { fixed: [], budget: [], adaptive: [] };
  const unspent: number[] = [];
  const db = await createEmbeddedDb();
  try {
    for (let run = 0; run < sizes.runs; run++) {
      const tape = makeTape(sizes.symbols, 1000 + run);
      for (const strategy of STRATEGIES) {
        const schema = `bench_stream_${run}_${strategy}`;
        await installSchema(db, { schema });
        const clock = new SimClock(tape.openMs - 60_000);
        const extractor = tapeExtractor(tape, clock, sizes.perDay);
        const stream = new StreamingService({
          db,
          schema,
          extractor,
          symbols: tape.symbols,
          strategy,
          intervalMs: 60_000,
          clock,
        });
        let changedStored = 0;
        stream.on('quote', (q) => {
          if (q.stored && q.changed) changedStored++;
        });
        await stream.start();
        await clock.runUntil(tape.openMs + (tape.minutes + 30) * 60_000);
        await stream.stop();
        const requests = extractor.used();
        perChanged[strategy].push(requests / Math.max(1, changedStored));
        if (strategy === 'budget') unspent.push(sizes.perDay - requests);
        log(
          `  stream run ${run + 1}/${sizes.runs} ${strategy}: ${requests} requests, ` +
            `${changedStored} changed quotes stored (tape: ${tape.changes} changes)`,
        );
        await db.exec(`DROP SCHEMA ${schema} CASCADE`);
      }
    }
  } finally {
    await db.close();
  }
  const note = (s: string) =>
    `${s}: requests ÷ changed quotes stored, ${sizes.symbols} symbols (1/5 active), one 390-minute session, ${sizes.perDay} requests/day, 60 s interval`;
  return {
    stream_requests_per_changed_quote_fixed: figure('ratio', perChanged.fixed, note('fixed')),
    stream_requests_per_changed_quote_budget: figure('ratio', perChanged.budget, note('budget')),
    stream_requests_per_changed_quote_adaptive: figure(
      'ratio',
      perChanged.adaptive,
      note('adaptive (floor 60 s, ceiling 16 min)'),
    ),
    stream_budget_unspent_requests: figure(
      'requests',
      unspent,
      `the budget strategy's daily budget left at the close (of ${sizes.perDay})`,
    ),
  };
}
