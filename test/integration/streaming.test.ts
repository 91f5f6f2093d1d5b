/**
 * StreamingService against PGlite and PostgreSQL. Time is real elapsed time shifted to a chosen
 * instant (e.g. inside the 2024-03-12 session), with 20–40 ms intervals, so the loop, its sleeps
 * and its aborts run for real while the calendar sees market hours.
 */
import { describe, expect, it, vi } from 'vitest';
import { AlphaVantageExtractor } from '../../src/alpha-vantage/extractor';
import type { Quote } from '../../src/alpha-vantage/types';
import { type Clock, systemClock } from '../../src/clock';
import {
  DailyLimitError,
  InvalidApiKeyError,
  InvalidRequestError,
  RateLimitError,
  UpstreamError,
} from '../../src/errors';
import { AbortedError } from '../../src/errors/aborted-error';
import { sqlstateOf } from '../../src/errors/database-error';
import type { Logger } from '../../src/logger';
import {
  type StreamingEvents,
  type StreamingExtractor,
  type StreamingOptions,
  StreamingService,
} from '../../src/streaming';
import { startFakeAlphaVantage } from '../../src/testing';
import { type DbContext, describeEachDb } from '../helpers/db';

/** Real time, shifted so that "now" starts at `iso`. */
function shiftedClock(iso: string): Clock {
  const offset = Date.parse(iso) - Date.now();
  return { now: () => Date.now() + offset, sleep: systemClock.sleep };
}

function quote(symbol: string, price: string, volume = '1000'): Quote {
  return {
    symbol,
    open: '100.0000',
    high: '200.0000',
    low: '50.0000',
    price,
    volume,
    latestTradingDay: '2024-03-12',
    previousClose: '99.0000',
    change: '1.0000',
    changePercent: '1.0101',
  };
}

type Answer = (symbol: string, n: number, signal?: AbortSignal) => Quote | Promise<Quote>;

/** A test double of the extractor: records calls and answers with `answer`. */
function fakeExtractor(answer: Answer) {
  const calls: { symbol: string; at: number }[] = [];
  const ext: StreamingExtractor & { calls: typeof calls } = {
    calls,
    async quote(symbol, options) {
      options?.onRequest?.({ endpoint: 'GLOBAL_QUOTE', attempt: 1 });
      calls.push({ symbol, at: Date.now() });
      return answer(symbol, calls.length, options?.signal);
    },
  };
  return ext;
}

/** A price that moves on every call, so every quote is a change. */
const moving: Answer = (symbol, n) => quote(symbol, `${100 + n}.5000`);

/** Never answers; rejects like the extractor does when the signal aborts. */
const hanging: Answer = (_s, _n, signal) =>
  new Promise<Quote>((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(new AbortedError('aborted')), { once: true });
  });

/** Resolves with the first `event` payload matching `pred`; fails after `ms`. */
function next<K extends keyof StreamingEvents>(
  stream: StreamingService,
  event: K,
  pred: (p: StreamingEvents[K]) => boolean = () => true,
  ms = 5000,
): Promise<StreamingEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    const off = stream.on(event, (p) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

/** Records every event in order. */
function record(stream: StreamingService) {
  const log: { event: keyof StreamingEvents; payload: unknown }[] = [];
  const names: (keyof StreamingEvents)[] = [
    'quote',
    'poll:start',
    'poll:finish',
    'market:closed',
    'market:open',
    'symbol:dropped',
    'pause',
    'error',
    'stop',
  ];
  for (const name of names) stream.on(name, (payload) => log.push({ event: name, payload }));
  const of = <K extends keyof StreamingEvents>(name: K) =>
    log.filter((e) => e.event === name).map((e) => e.payload as StreamingEvents[K]);
  return { log, of };
}

const SESSION = '2024-03-12T15:00:00Z'; // Tuesday 11:00 EDT

function service(ctx: DbContext, over: Partial<StreamingOptions>): StreamingService {
  return new StreamingService({
    db: ctx.handle,
    schema: ctx.schema,
    extractor: fakeExtractor(moving),
    symbols: ['IBM'],
    intervalMs: 25,
    clock: shiftedClock(SESSION),
    ...over,
  });
}

async function quoteRows(ctx: DbContext, symbol?: string) {
  const { rows } = await ctx.db.query<{
    symbol: string;
    observed_at: Date | string;
    latest_trading_day: string;
    price: string;
    volume: string;
  }>(
    `SELECT symbol, observed_at, latest_trading_day::text AS latest_trading_day,
            price::text AS price, volume::text AS volume
       FROM ${ctx.q}.stock_quotes ${symbol ? 'WHERE symbol = $1' : ''}
      ORDER BY symbol, observed_at`,
    symbol ? [symbol] : [],
  );
  return rows;
}

describeEachDb('StreamingService', (ctx) => {
  it('stores quotes with the response time and emits events in order', async () => {
    const extractor = fakeExtractor(moving);
    const stream = service(ctx, { extractor, symbols: ['ibm', 'msft', 'IBM'] });
    const ev = record(stream);
    const t0 = Date.parse(SESSION);
    await stream.start();
    expect(stream.running).toBe(true);
    await next(stream, 'poll:finish', (p) => p.cycle === 2);
    await stream.stop();

    expect(stream.running).toBe(false);
    const stats = stream.stats();
    expect(stats).toMatchObject({ running: false, symbols: ['IBM', 'MSFT'], errors: 0 });
    expect(stats.cycles).toBeGreaterThanOrEqual(2);
    const rows = await quoteRows(ctx);
    expect(rows).toHaveLength(stats.stored);
    expect(stats.stored).toBe(stats.quotes);
    expect(stats.requests).toBe(extractor.calls.length);
    const ibm = rows.filter((r) => r.symbol === 'IBM');
    expect(ibm.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      const at = new Date(r.observed_at).getTime();
      expect(at).toBeGreaterThanOrEqual(t0);
      expect(at).toBeLessThan(t0 + 60_000);
      expect(r.latest_trading_day).toBe('2024-03-12');
      expect(r.price).toMatch(/^1\d\d\.5000$/);
      expect(r.volume).toBe('1000');
    }
    // Polled in rotation order, IBM first.
    expect(extractor.calls.slice(0, 4).map((c) => c.symbol)).toEqual([
      'IBM',
      'MSFT',
      'IBM',
      'MSFT',
    ]);

    expect(ev.of('market:open')).toEqual([
      { at: expect.any(Date), closesAt: new Date('2024-03-12T20:00:00Z') },
    ]);
    const first = ev.of('quote')[0];
    expect(first).toMatchObject({ symbol: 'IBM', changed: true, stored: true, price: '101.5000' });
    const finish = ev.of('poll:finish')[0];
    expect(finish).toMatchObject({ cycle: 1, quotes: 2, stored: 2, unchanged: 0, errors: 0 });
    expect(finish?.requests).toBe(2);
    expect(finish?.aborted).toBe(false);
    const order = ev.log.map((e) => e.event).slice(0, 5);
    expect(order).toEqual(['market:open', 'poll:start', 'quote', 'quote', 'poll:finish']);
    expect(ev.of('stop')).toEqual([{ reason: 'requested' }]);
    // Cycles start one interval apart, not back to back.
    const starts = ev.of('poll:start').map((p) => p.at.getTime());
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(24);
  });

  it('skipUnchanged stores an identical quote once, counts it, and survives a restart', async () => {
    const extractor = fakeExtractor((s) => quote(s, '187.4300'));
    // One clock for the three services, so their observed_at values never collide.
    const clock = shiftedClock(SESSION);
    const stream = service(ctx, { extractor, clock, symbols: ['IBM'] });
    const ev = record(stream);
    await stream.start();
    await next(stream, 'poll:finish', (p) => p.cycle === 3);
    await stream.stop();
    expect(await quoteRows(ctx)).toHaveLength(1);
    const quotes = ev.of('quote');
    expect(quotes[0]).toMatchObject({ changed: true, stored: true });
    expect(quotes.slice(1).every((q) => !q.changed && !q.stored)).toBe(true);
    const s = stream.stats();
    expect(s.stored).toBe(1);
    expect(s.unchanged).toBe(s.quotes - 1);

    // A new service reads the last stored quote: the same price is not stored again…
    const again = service(ctx, { extractor, clock, symbols: ['IBM'] });
    await again.start();
    const q = await next(again, 'quote');
    await again.stop();
    expect(q).toMatchObject({ changed: false, stored: false });
    expect(await quoteRows(ctx)).toHaveLength(1);

    // …and with skipUnchanged off every quote is a row.
    const all = service(ctx, { extractor, clock, symbols: ['IBM'], skipUnchanged: false });
    await all.start();
    await next(all, 'poll:finish', (p) => p.cycle === 2);
    await all.stop();
    expect(await quoteRows(ctx)).toHaveLength(1 + all.stats().stored);
    expect(all.stats().stored).toBeGreaterThanOrEqual(2);
  });

  it('sleeps through a closed market without polling, and stop() ends the sleep', async () => {
    const extractor = fakeExtractor(moving);
    const stream = service(ctx, { extractor, clock: shiftedClock('2024-03-16T15:00:00Z') });
    const ev = record(stream);
    // Subscribe first: the closed market is seen (and announced) inside start().
    const closedEvent = next(stream, 'market:closed');
    await stream.start();
    const closed = await closedEvent;
    expect(closed.nextOpen).toEqual(new Date('2024-03-18T13:30:00Z'));
    await new Promise((r) => setTimeout(r, 120));
    expect(extractor.calls).toHaveLength(0);
    expect(stream.stats().sleepingUntil).toEqual(new Date('2024-03-18T13:30:00Z'));
    const before = Date.now();
    await stream.stop();
    expect(Date.now() - before).toBeLessThan(1000);
    expect(ev.of('market:closed')).toHaveLength(1);
    expect(ev.of('poll:start')).toHaveLength(0);
    expect(stream.stats()).toMatchObject({ cycles: 0, running: false, sleepingUntil: null });
  });

  it('polls a closed market when marketHoursOnly is false', async () => {
    const extractor = fakeExtractor(moving);
    const stream = service(ctx, {
      extractor,
      marketHoursOnly: false,
      clock: shiftedClock('2024-03-16T15:00:00Z'),
    });
    await stream.start();
    await next(stream, 'poll:finish');
    await stream.stop();
    expect(extractor.calls.length).toBeGreaterThanOrEqual(1);
  });

  it('wakes at the open, then runs one closing cycle after the close', async () => {
    const extractor = fakeExtractor(moving);
    // 09:29:59.800 EDT: opens in 200 ms.
    const opening = service(ctx, { extractor, clock: shiftedClock('2024-03-12T13:29:59.800Z') });
    const ev = record(opening);
    await opening.start();
    await next(opening, 'poll:finish');
    await opening.stop();
    expect(ev.log[0]).toMatchObject({ event: 'market:closed' });
    expect(ev.of('market:open')).toHaveLength(1);
    expect(extractor.calls.length).toBeGreaterThanOrEqual(1);
    expect(ev.of('poll:start')[0]?.at.getTime()).toBeGreaterThanOrEqual(
      Date.parse('2024-03-12T13:30:00Z'),
    );

    // 15:59:59.800 EDT: a few cycles before 16:00, exactly one after.
    for (const pollAtClose of [true, false]) {
      const closing = service(ctx, {
        extractor,
        pollAtClose,
        clock: shiftedClock('2024-03-12T19:59:59.800Z'),
      });
      const cev = record(closing);
      await closing.start();
      await next(closing, 'market:closed');
      await closing.stop();
      const close = Date.parse('2024-03-12T20:00:00Z');
      const after = cev.of('poll:start').filter((p) => p.at.getTime() >= close);
      expect(after).toHaveLength(pollAtClose ? 1 : 0);
      expect(cev.of('market:closed')[0]?.nextOpen).toEqual(new Date('2024-03-13T13:30:00Z'));
    }
  });

  it('stop() during a request aborts it and resolves without an error event', async () => {
    const extractor = fakeExtractor(hanging);
    const stream = service(ctx, { extractor });
    const ev = record(stream);
    await stream.start();
    await vi.waitFor(() => expect(extractor.calls).toHaveLength(1));
    await stream.stop();
    expect(ev.of('error')).toHaveLength(0);
    expect(ev.of('poll:finish')).toEqual([expect.objectContaining({ aborted: true, quotes: 0 })]);
    expect(ev.of('stop')).toEqual([{ reason: 'requested' }]);
    // Restart works and start() twice is a no-op.
    const ok = fakeExtractor(moving);
    const again = service(ctx, { extractor: ok });
    await again.start();
    await again.start();
    await next(again, 'poll:finish');
    await again.stop();
    await again.start();
    await next(again, 'poll:finish', (p) => p.cycle >= 2);
    await Promise.all([again.stop(), again.stop()]);
    expect(again.running).toBe(false);
    expect(again.stats().cycles).toBeGreaterThanOrEqual(2);
  });

  it('drops an unknown symbol and stops when none is left', async () => {
    const extractor = fakeExtractor((s, n) => {
      if (s === 'BAD' || s === 'WORSE')
        throw new InvalidRequestError('Invalid API call', { symbol: s });
      return moving(s, n);
    });
    const stream = service(ctx, { extractor, symbols: ['IBM', 'BAD'] });
    const ev = record(stream);
    await stream.start();
    await next(stream, 'poll:finish', (p) => p.cycle === 2);
    await stream.stop();
    expect(ev.of('error')).toEqual([
      expect.objectContaining({ code: 'INVALID_REQUEST', symbol: 'BAD', fatal: false }),
    ]);
    expect(ev.of('symbol:dropped')).toEqual([
      expect.objectContaining({ symbol: 'BAD', remaining: ['IBM'] }),
    ]);
    expect(extractor.calls.filter((c) => c.symbol === 'BAD')).toHaveLength(1);
    expect(stream.stats()).toMatchObject({ symbols: ['IBM'], dropped: ['BAD'] });

    const doomed = service(ctx, { extractor, symbols: ['BAD', 'WORSE'] });
    const dev = record(doomed);
    await doomed.start();
    const stop = await next(doomed, 'stop');
    expect(stop.reason).toBe('no-symbols');
    expect(doomed.running).toBe(false);
    expect(dev.of('error').at(-1)).toMatchObject({ code: 'VALIDATION', fatal: true });
    await expect(doomed.start()).rejects.toMatchObject({ code: 'VALIDATION' });
    await doomed.stop();
  });

  it('backs off on rate limits with doubling waits and resumes with the refused symbol', async () => {
    const extractor = fakeExtractor((s, n) => {
      if (n <= 3 && s === 'IBM') throw new RateLimitError('slow down', { symbol: s });
      return moving(s, n);
    });
    const stream = service(ctx, { extractor, symbols: ['IBM', 'MSFT'], intervalMs: 20 });
    const ev = record(stream);
    await stream.start();
    await next(stream, 'poll:finish', (p) => p.quotes === 2);
    await stream.stop();
    const pauses = ev.of('pause');
    expect(pauses.map((p) => [p.reason, p.delayMs])).toEqual([
      ['rate-limit', 40],
      ['rate-limit', 80],
      ['rate-limit', 160],
    ]);
    // Cut-short cycles never reach MSFT; the refused symbol comes first again.
    expect(extractor.calls.slice(0, 5).map((c) => c.symbol)).toEqual([
      'IBM',
      'IBM',
      'IBM',
      'IBM',
      'MSFT',
    ]);
    const gap = (extractor.calls[3]?.at ?? 0) - (extractor.calls[2]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(150);
    expect(ev.of('error')).toHaveLength(0);
  });

  it('pauses until resetsAt after a daily limit, or until New York midnight', async () => {
    const clock = shiftedClock(SESSION);
    let resetsAt = 0;
    const extractor = fakeExtractor((s, n) => {
      if (n === 1) {
        resetsAt = clock.now() + 150;
        throw new DailyLimitError('quota spent', { symbol: s, resetsAt: new Date(resetsAt) });
      }
      return moving(s, n);
    });
    const stream = service(ctx, { extractor, symbols: ['IBM', 'MSFT'], clock });
    const ev = record(stream);
    await stream.start();
    await next(stream, 'poll:finish', (p) => p.quotes > 0);
    await stream.stop();
    expect(ev.of('error')).toEqual([
      expect.objectContaining({ code: 'DAILY_LIMIT', symbol: 'IBM' }),
    ]);
    expect(ev.of('pause')).toEqual([
      expect.objectContaining({ reason: 'daily-limit', until: new Date(resetsAt) }),
    ]);
    // Nothing in between: the second call comes after the reset, MSFT was not tried early.
    expect(extractor.calls[1]?.symbol).toBe('IBM');
    expect((extractor.calls[1]?.at ?? 0) - (extractor.calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(
      140,
    );

    const spent = fakeExtractor(() => {
      throw new DailyLimitError('quota spent');
    });
    const midnight = service(ctx, { extractor: spent });
    await midnight.start();
    const pause = await next(midnight, 'pause');
    expect(pause.until).toEqual(new Date('2024-03-13T04:00:00Z'));
    await new Promise((r) => setTimeout(r, 80));
    expect(spent.calls).toHaveLength(1);
    await midnight.stop();
  });

  it('keeps going after upstream and database errors; a bad API key is fatal', async () => {
    const badKey = fakeExtractor(() => {
      throw new InvalidApiKeyError('the key was rejected');
    });
    const fatal = service(ctx, { extractor: badKey });
    await fatal.start();
    const stop = await next(fatal, 'stop');
    expect(stop).toMatchObject({ reason: 'fatal', error: { code: 'INVALID_API_KEY' } });
    expect(badKey.calls).toHaveLength(1);

    const extractor = fakeExtractor((s, n) => {
      if (s === 'MSFT' && n <= 2) throw new UpstreamError('HTTP 503', { status: 503 });
      return moving(s, n);
    });
    const stream = service(ctx, { extractor, symbols: ['IBM', 'MSFT'] });
    const ev = record(stream);
    await stream.start();
    await next(stream, 'poll:finish', (p) => p.cycle === 2);
    // Break the table: stores fail with a database error, polling continues.
    await ctx.db.exec(`DROP TABLE ${ctx.q}.stock_quotes`);
    const failed = await next(stream, 'poll:finish', (p) => p.errors > 0 && p.stored === 0);
    await stream.stop();
    expect(failed.quotes).toBe(2);
    expect(ev.of('error').filter((e) => e.code === 'UPSTREAM')).toHaveLength(1);
    expect(
      ev
        .of('error')
        .some((e) => e.code === 'DATABASE' && sqlstateOf(e.error) === '42P01' && !e.fatal),
    ).toBe(true);
    expect(ev.of('quote').some((q) => q.stored === false && q.changed)).toBe(true);
    expect(ev.of('stop')).toEqual([{ reason: 'requested' }]);
  });

  it('a throwing listener does not stop the loop; its error is logged', async () => {
    const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const stream = service(ctx, { logger });
    stream.on('quote', () => {
      throw new Error('listener bug');
    });
    await stream.start();
    await next(stream, 'poll:finish', (p) => p.cycle === 3);
    await stream.stop();
    expect(await quoteRows(ctx)).toHaveLength(stream.stats().stored);
    expect(stream.stats().stored).toBeGreaterThanOrEqual(3);
    expect(logger.error).toHaveBeenCalledWith(
      'streaming event listener threw',
      expect.objectContaining({ event: 'quote' }),
    );
  });

  it('start() rejects when the schema is not installed', async () => {
    const stream = new StreamingService({
      db: ctx.handle,
      schema: `${ctx.schema}_missing`,
      extractor: fakeExtractor(moving),
      symbols: ['IBM'],
    });
    await expect(stream.start()).rejects.toThrow();
    expect(stream.running).toBe(false);
    await stream.stop();
  });

  it('bulk mode asks for 100 symbols per call', async () => {
    const symbols = Array.from({ length: 150 }, (_, i) => `S${i}`);
    const sizes: number[] = [];
    const extractor: StreamingExtractor = {
      quote: () => Promise.reject(new Error('not used')),
      async bulkQuotes(chunk) {
        sizes.push(chunk.length);
        return chunk.map((symbol) => ({
          symbol,
          timestamp: '2024-03-12 11:00:00.000',
          open: '10',
          high: '12',
          low: '9',
          close: '11',
          volume: '500',
          previousClose: '10',
          change: '1',
          changePercent: '10',
          extendedHoursQuote: null,
          extendedHoursChange: null,
          extendedHoursChangePercent: null,
        }));
      },
    };
    const stream = service(ctx, { extractor, symbols, mode: 'bulk' });
    const finish = next(stream, 'poll:finish');
    await stream.start();
    const first = await finish;
    await stream.stop();
    expect(sizes.slice(0, 2)).toEqual([100, 50]);
    expect(first).toMatchObject({ quotes: 150, stored: 150 });
    const rows = await quoteRows(ctx, 'S0');
    expect(new Date(rows[0]?.observed_at ?? 0).toISOString()).toBe('2024-03-12T15:00:00.000Z');
  });
});

describeEachDb('StreamingService with AlphaVantageExtractor and the fake server', (ctx) => {
  it('stores GLOBAL_QUOTE answers and drops a symbol the server does not know', async () => {
    const clock = shiftedClock(SESSION);
    const fake = await startFakeAlphaVantage({ now: () => new Date(clock.now()) });
    try {
      const extractor = new AlphaVantageExtractor({
        apiKey: 'stream-test-key',
        baseUrl: fake.url,
        plan: 'premium-1200',
      });
      const stream = service(ctx, { extractor, clock, symbols: ['IBM', 'INVALIDSYM'] });
      const ev = record(stream);
      await stream.start();
      await next(stream, 'poll:finish', (p) => p.cycle === 2);
      await stream.stop();

      expect(ev.of('symbol:dropped')).toEqual([
        expect.objectContaining({ symbol: 'INVALIDSYM', remaining: ['IBM'] }),
      ]);
      expect(ev.of('error')).toEqual([
        expect.objectContaining({ code: 'INVALID_REQUEST', symbol: 'INVALIDSYM' }),
      ]);
      const rows = await quoteRows(ctx, 'IBM');
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows).toHaveLength(stream.stats().stored);
      expect(rows[0]?.latest_trading_day).toBe('2024-03-12');
      expect(Number(rows[0]?.price)).toBeGreaterThan(0);
      // Every HTTP request was counted, and the dropped symbol was asked for once only.
      expect(stream.stats().requests).toBe(fake.requestCount());
      expect(fake.requests.filter((r) => r.symbol === 'INVALIDSYM')).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});

describe('StreamingService timers', () => {
  it('leaves no timer behind after stop()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const stream = new StreamingService({
        db: { query: async () => ({ rows: [], rowCount: 0 }) },
        extractor: fakeExtractor(moving),
        symbols: ['IBM'],
        clock: { now: () => Date.parse('2024-03-16T15:00:00Z'), sleep: systemClock.sleep },
      });
      await stream.start();
      await vi.waitFor(() => expect(stream.stats().sleepingUntil).not.toBeNull());
      expect(vi.getTimerCount()).toBe(1);
      await stream.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
