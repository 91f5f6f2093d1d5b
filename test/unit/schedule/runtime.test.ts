import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../../src/errors/aborted-error';
import type { BatchResult, Dataset } from '../../../src/pipeline';
import {
  createSchedule,
  defaultScheduleJobs,
  type ScheduleOptions,
  type ScheduleRunResult,
} from '../../../src/schedule';
import { VirtualClock } from '../../helpers/virtual-clock';

/** A pipeline whose batches take `durationMs` of virtual time and record when they ran. */
function fakePipeline(clock: VirtualClock, durationMs = 1_000) {
  const calls: { at: string; symbols: string[]; datasets: Dataset[] }[] = [];
  return {
    calls,
    schema: 'stock_etl',
    async runBatch(
      symbols: readonly string[],
      datasets: Dataset | readonly Dataset[],
      options: { signal?: AbortSignal } = {},
    ): Promise<BatchResult> {
      calls.push({
        at: new Date(clock.now()).toISOString(),
        symbols: [...symbols],
        datasets: [...(Array.isArray(datasets) ? datasets : [datasets])] as Dataset[],
      });
      let aborted = false;
      if (durationMs > 0) {
        await clock.sleep(durationMs, options.signal).catch((e) => {
          if (e instanceof AbortedError) aborted = true;
          else throw e;
        });
      }
      const jobs = symbols.map((symbol) => ({
        symbol,
        dataset: 'daily' as Dataset,
        status: aborted ? ('failed' as const) : ('success' as const),
        extracted: 1,
        inserted: aborted ? 0 : 1,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        apiCalls: 1,
        durationMs,
        jobId: 1,
        warnings: [],
        ...(aborted ? { error: { code: 'ABORTED', message: 'aborted' } } : {}),
      }));
      return {
        jobs,
        inputs: jobs.map((j, i) => ({
          symbol: j.symbol,
          dataset: j.dataset,
          job: i,
          duplicate: false,
        })),
        succeeded: aborted ? 0 : jobs.length,
        failed: aborted ? jobs.length : 0,
        totals: { extracted: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0, apiCalls: 1 },
        durationMs,
      };
    },
  };
}

function base(clock: VirtualClock, pipeline: ReturnType<typeof fakePipeline>): ScheduleOptions {
  return { clock, pipeline, symbols: ['IBM', 'MSFT'] };
}

describe('schedule loop on a virtual clock', () => {
  it('runs each job at its times through an early close, a holiday and the weekend', async () => {
    // Wednesday 2024-07-03 (closes 13:00 New York), Thursday the 4th closed, Friday open.
    const clock = new VirtualClock(new Date('2024-07-03T12:00:00Z'));
    const pipeline = fakePipeline(clock);
    const s = createSchedule({
      ...base(clock, pipeline),
      jobs: defaultScheduleJobs({ health: false }),
    });
    const scheduled: string[] = [];
    s.on('job:scheduled', (e) => {
      if (e.passedOver.length) scheduled.push(`${e.job} ${e.passedOver.join(', ')}`);
    });
    const first = await s.start();
    expect(first.map((r) => `${r.job}@${r.at.toISOString()}`)).toEqual([
      'intraday@2024-07-03T13:30:00.000Z',
      'daily@2024-07-03T20:30:00.000Z',
      'weekly@2024-07-06T14:00:00.000Z',
    ]);
    await clock.advanceTo(new Date('2024-07-06T15:00:00Z'));
    await s.stop();
    const byJob = (datasets: string) =>
      pipeline.calls.filter((c) => c.datasets.join() === datasets).map((c) => c.at);
    const intraday = byJob('intraday:5min');
    expect(intraday.filter((t) => t.startsWith('2024-07-03'))).toHaveLength(15);
    expect(intraday.filter((t) => t.startsWith('2024-07-04'))).toEqual([]);
    expect(intraday.filter((t) => t.startsWith('2024-07-05'))).toHaveLength(27);
    expect(byJob('daily')).toEqual(['2024-07-03T20:30:00.000Z', '2024-07-05T20:30:00.000Z']);
    expect(byJob('weekly,monthly,overview')).toEqual(['2024-07-06T14:00:00.000Z']);
    expect(pipeline.calls[0]?.symbols).toEqual(['IBM', 'MSFT']);
    expect(scheduled).toContain('intraday 2024-07-04 Independence Day');
    expect(scheduled).toContain('daily 2024-07-04 Independence Day');
  });

  it('skips (and reports) a time that comes while the previous run is still going', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T14:00:00Z'));
    const pipeline = fakePipeline(clock, 20 * 60_000); // a 20-minute batch
    const s = createSchedule({
      ...base(clock, pipeline),
      jobs: [{ name: 'intraday', cron: '*/15 * * * *', datasets: ['intraday:5min'] }],
    });
    const skipped: string[] = [];
    const finished: ScheduleRunResult[] = [];
    s.on('job:skipped', (e) =>
      skipped.push(
        `${e.scheduledAt.toISOString()} ${e.reason} since ${e.runningSince.toISOString()}`,
      ),
    );
    s.on('job:finish', (r) => finished.push(r));
    await s.start();
    await clock.advanceTo(new Date('2024-03-12T14:50:00Z'));
    const stopping = s.stop();
    await clock.advance(30 * 60_000);
    await stopping;
    // 14:15 runs until 14:35, so 14:30 is skipped; 14:45 runs.
    expect(pipeline.calls.map((c) => c.at)).toEqual([
      '2024-03-12T14:15:00.000Z',
      '2024-03-12T14:45:00.000Z',
    ]);
    expect(skipped).toEqual(['2024-03-12T14:30:00.000Z overlap since 2024-03-12T14:15:00.000Z']);
    // stop() waited for the 14:45 run to finish (graceful).
    expect(finished.map((r) => r.status)).toEqual(['success', 'success']);
    expect(finished[0]?.summary).toMatch(/^2 ok, 0 failed: 1 inserted/);
  });

  it('stop({ abort: true }) aborts the running job; stop() lets it finish', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T14:00:00Z'));
    const pipeline = fakePipeline(clock, 10 * 60_000);
    const s = createSchedule({
      ...base(clock, pipeline),
      jobs: [{ name: 'daily', cron: '5 10 * * *', datasets: ['daily'] }],
    });
    const finished: ScheduleRunResult[] = [];
    s.on('job:finish', (r) => finished.push(r));
    let stopped: boolean | undefined;
    s.on('stop', (e) => {
      stopped = e.aborted;
    });
    await s.start();
    await clock.advanceTo(new Date('2024-03-12T14:06:00Z'));
    expect(s.running).toBe(true);
    expect(pipeline.calls.map((c) => c.at)).toEqual(['2024-03-12T14:05:00.000Z']); // 10:05 EDT
    await s.stop({ abort: true });
    expect(finished.map((r) => r.status)).toEqual(['aborted']);
    expect(stopped).toBe(true);
    expect(s.running).toBe(false);
  });

  it('an external signal stops the schedule and aborts the run', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T14:00:00Z'));
    const pipeline = fakePipeline(clock, 10 * 60_000);
    const controller = new AbortController();
    const s = createSchedule({
      ...base(clock, pipeline),
      signal: controller.signal,
      jobs: [{ name: 'daily', cron: '5 10 * * *', datasets: ['daily'] }],
    });
    const done = new Promise<boolean>((resolve) => s.on('stop', (e) => resolve(e.aborted)));
    await s.start();
    await clock.advanceTo(new Date('2024-03-12T14:06:00Z'));
    expect(pipeline.calls).toHaveLength(1);
    controller.abort();
    expect(await done).toBe(true);
  });

  it('stop() while start() is still checking the budget: the loop never starts', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T14:00:00Z'));
    let release: () => void = () => {};
    const slowBudget = {
      budget: () =>
        new Promise<{ perDay: null; usedToday: number; remainingToday: null }>((resolve) => {
          release = () => resolve({ perDay: null, usedToday: 0, remainingToday: null });
        }),
    };
    const s = createSchedule({
      clock,
      budget: slowBudget,
      jobs: [{ name: 'x', cron: '* * * * *', run: async () => 'ran' }],
    });
    const starting = s.start();
    await new Promise((r) => setImmediate(r));
    const stopping = s.stop();
    release();
    await expect(starting).rejects.toThrow(/stopped while starting/);
    await stopping;
    expect(s.running).toBe(false);
  });

  it('runOnce runs every job once, now, whatever the market, in order', async () => {
    // Sunday: the market is closed, yet every job runs.
    const clock = new VirtualClock(new Date('2024-03-10T12:00:00Z'));
    const pipeline = fakePipeline(clock, 0);
    const s = createSchedule({
      ...base(clock, pipeline),
      jobs: defaultScheduleJobs({ health: false }).concat({
        name: 'custom',
        cron: '0 0 1 1 *',
        run: async ({ symbols }) => `custom for ${symbols.join('+')}`,
      }),
    });
    const results = await s.runOnce();
    expect(results.map((r) => `${r.job} ${r.status}`)).toEqual([
      'daily success',
      'intraday success',
      'weekly success',
      'custom success',
    ]);
    expect(results[3]?.summary).toBe('custom for IBM+MSFT');
    expect((await s.runOnce({ jobs: ['daily'] })).map((r) => r.job)).toEqual(['daily']);
    await expect(s.runOnce({ jobs: ['nope'] })).rejects.toThrow(/Unknown job "nope"/);
  });

  it('a custom task that throws is a failed run with the error code; the loop goes on', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T14:00:00Z'));
    let calls = 0;
    const s = createSchedule({
      clock,
      jobs: [
        {
          name: 'flaky',
          cron: '*/10 * * * *',
          run: async () => {
            calls++;
            throw new Error('boom');
          },
        },
      ],
    });
    const finished: ScheduleRunResult[] = [];
    s.on('job:finish', (r) => finished.push(r));
    await s.start();
    await clock.advanceTo(new Date('2024-03-12T14:25:00Z'));
    await s.stop();
    expect(calls).toBe(2);
    expect(finished[0]).toMatchObject({
      status: 'failed',
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });
});

describe('schedule budget: says at start when the key cannot carry it', () => {
  const free = (used = 0) => ({
    budget: async () => ({ perDay: 25, usedToday: used, remainingToday: 25 - used }),
  });

  it('the default schedule for one symbol needs 28 requests on a trading day: over the free 25', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T12:00:00Z'));
    const s = createSchedule({
      ...base(clock, fakePipeline(clock)),
      symbols: ['IBM'],
      jobs: defaultScheduleJobs({ health: false }),
      budget: free(),
    });
    const check = await s.checkBudget();
    expect(check).toMatchObject({ perDay: 25, peakRequests: 28, fits: false });
    expect(check.perJob).toEqual([
      { job: 'daily', runs: 1, requestsPerRun: 1 },
      { job: 'intraday', runs: 27, requestsPerRun: 1 },
    ]);
    const warned: string[] = [];
    s.on('budget:exceeded', (e) => warned.push(e.message));
    await s.start();
    await s.stop();
    expect(warned[0]).toMatch(
      /^the schedule needs 28 API requests on 2024-03-\d\d \(daily 1 run × 1 \+ intraday 27 runs × 1\) but the key allows 25 a day;/,
    );
  });

  it('refuses with the numbers when asked to; an hourly intraday fits', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T12:00:00Z'));
    const options: ScheduleOptions = {
      ...base(clock, fakePipeline(clock)),
      jobs: defaultScheduleJobs({ health: false }),
      budget: free(),
      overBudget: 'refuse',
    };
    await expect(createSchedule(options).start()).rejects.toThrow(
      /Over the API budget: the schedule needs 56 API requests .* but the key allows 25 a day/,
    );
    const hourly = createSchedule({
      ...options,
      jobs: defaultScheduleJobs({ intraday: { cron: '0 10-16 * * 1-5' }, health: false }),
    });
    const check = await hourly.checkBudget();
    expect(check).toMatchObject({ peakRequests: 16, fits: true }); // (1 daily + 7 intraday) × 2
    await hourly.start();
    await hourly.stop();
  });

  it('a free key gets intraday once after the close by default: 8 symbols fit in 25 a day', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T12:00:00Z'));
    const symbolsOf = (n: number) =>
      Array.from({ length: n }, (_, i) => `S${String.fromCharCode(65 + i)}`);
    // An extractor on the free plan says so; createSchedule then picks the free defaults.
    const freeExtractor = { ...free(), plan: 'free' } as ScheduleOptions['budget'];
    const withDefaults = (n: number) =>
      createSchedule({
        ...base(clock, fakePipeline(clock)),
        db: {} as ScheduleOptions['db'], // the health job is planned, never run here
        symbols: symbolsOf(n),
        budget: freeExtractor,
      });
    // 2 requests a symbol on a trading day (daily + intraday), 3 on Saturday (the weekly refresh).
    expect(await withDefaults(8).checkBudget()).toMatchObject({ peakRequests: 24, fits: true });
    expect(await withDefaults(9).checkBudget()).toMatchObject({ peakRequests: 27, fits: false });
    const intraday = withDefaults(1)
      .runsBetween(new Date('2024-03-12T04:00:00Z'), new Date('2024-03-13T04:00:00Z'))
      .filter((r) => r.job === 'intraday');
    expect(intraday.map((r) => r.at.toISOString())).toEqual(['2024-03-13T00:15:00.000Z']);
    expect(
      defaultScheduleJobs({}, { plan: 'free' }).find((j) => j.name === 'intraday'),
    ).toMatchObject({ cron: '15 20 * * 1-5', when: 'after-close', datasets: ['intraday:5min'] });
    // Your overrides still win over the free changes; a premium plan keeps the 15-minute cadence.
    expect(
      defaultScheduleJobs({ intraday: { cron: '0 12 * * 1-5' } }, { plan: 'free' }).find(
        (j) => j.name === 'intraday',
      ),
    ).toMatchObject({ cron: '0 12 * * 1-5', when: 'after-close' });
    expect(
      defaultScheduleJobs({}, { plan: 'premium-75' }).find((j) => j.name === 'intraday'),
    ).toMatchObject({ cron: '*/15 9-16 * * 1-5', when: 'market-open' });
  });

  it('runOnce compares its runs with what is left today', async () => {
    const clock = new VirtualClock(new Date('2024-03-12T12:00:00Z'));
    const s = createSchedule({
      ...base(clock, fakePipeline(clock, 0)),
      jobs: defaultScheduleJobs({ health: false }),
      budget: free(20),
      overBudget: 'refuse',
    });
    // daily 2 + intraday 2 + weekly 6 = 10 requests; 5 left.
    await expect(s.runOnce()).rejects.toThrow(
      /the rest of today needs 10 requests but only 5 of 25 are left/,
    );
    expect(await s.runOnce({ jobs: ['daily'] })).toHaveLength(1);
  });
});
