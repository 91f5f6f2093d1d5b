/**
 * A recorded-like quote tape for the streaming benchmark: per symbol and minute of one regular
 * session, the quote as GLOBAL_QUOTE would show it. A few symbols trade actively (their quote
 * changes most minutes), most are quiet (a change every half hour or so), as on a real watch list.
 * Deterministic per seed. And an in-memory extractor that answers from the tape and keeps a daily
 * budget like the extractor's limiter (a spent budget refuses without a request).
 */
import type { Quote } from '../../src/alpha-vantage/types';
import type { Clock } from '../../src/clock';
import { DailyLimitError } from '../../src/errors/api-errors';
import type { StreamingBudget, StreamingCallOptions, StreamingExtractor } from '../../src/index';

/** The tape: `prices[symbol][minute]`, minute 0 = the open. */
export interface QuoteTape {
  symbols: string[];
  openMs: number;
  minutes: number;
  day: string;
  prices: number[][];
  /** Distinct quotes per symbol over the session (an upper bound on changed quotes to store). */
  changes: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds a tape of `symbols` symbols (a fifth of them active) over one 390-minute session. */
export function makeTape(symbols: number, seed: number): QuoteTape {
  const random = mulberry32(seed);
  const openMs = Date.parse('2024-03-12T13:30:00Z'); // 09:30 New York
  const minutes = 390;
  const names = Array.from({ length: symbols }, (_, i) => `SYM${String(i).padStart(3, '0')}`);
  let changes = 0;
  const prices = names.map((_, i) => {
    const active = i % 5 === 0;
    const p = active ? 0.8 : 0.03;
    let price = 100 + i;
    const row: number[] = [];
    for (let m = 0; m < minutes; m++) {
      if (m === 0 || random() < p) {
        price = Math.round((price + (random() - 0.5)) * 100) / 100;
        changes++;
      }
      row.push(price);
    }
    return row;
  });
  return { symbols: names, openMs, minutes, day: '2024-03-12', prices, changes };
}

/** An extractor answering GLOBAL_QUOTE from the tape, with a daily budget of `perDay`. */
export function tapeExtractor(tape: QuoteTape, clock: Clock, perDay: number) {
  let used = 0;
  const index = new Map(tape.symbols.map((s, i) => [s, i]));
  const resetsAt = new Date(tape.openMs + 14.5 * 3_600_000); // midnight New York
  const extractor: StreamingExtractor & { used(): number } = {
    used: () => used,
    async quote(symbol: string, options?: StreamingCallOptions): Promise<Quote> {
      if (used >= perDay) throw new DailyLimitError('daily budget spent', { resetsAt });
      used++;
      options?.onRequest?.({ endpoint: 'GLOBAL_QUOTE', attempt: 1 });
      const row = tape.prices[index.get(symbol) ?? 0] as number[];
      const minute = Math.min(
        tape.minutes - 1,
        Math.max(0, Math.floor((clock.now() - tape.openMs) / 60_000)),
      );
      const price = (row[minute] as number).toFixed(4);
      return {
        symbol,
        open: '100.0000',
        high: '200.0000',
        low: '50.0000',
        price,
        volume: '1000',
        latestTradingDay: tape.day,
        previousClose: '100.0000',
        change: '0.0000',
        changePercent: '0.0000',
      };
    },
    async budget(): Promise<StreamingBudget> {
      return { perDay, remainingToday: Math.max(0, perDay - used), resetsAt, perMinute: null };
    },
  };
  return extractor;
}
