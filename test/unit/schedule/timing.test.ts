import { describe, expect, it } from 'vitest';
import type { BatchResult } from '../../../src/pipeline';
import {
  createSchedule,
  DEFAULT_SCHEDULE_JOBS,
  defaultScheduleJobs,
  type Schedule,
  type ScheduleOptions,
} from '../../../src/schedule';

/** A pipeline that is never called here: these tests only ask when jobs fire. */
const pipeline = {
  schema: 'stock_etl',
  runBatch: async (): Promise<BatchResult> => {
    throw new Error('not called');
  },
};
const db = {} as ScheduleOptions['db'];

function schedule(options: Partial<ScheduleOptions> = {}): Schedule {
  return createSchedule({ pipeline, db, symbols: ['IBM'], ...options });
}

/** Runs in [from, until) as `job@ISO` strings. */
function fired(s: Schedule, from: string, until: string, job?: string): string[] {
  return s
    .runsBetween(new Date(from), new Date(until))
    .filter((r) => job === undefined || r.job === job)
    .map((r) => `${r.job}@${r.at.toISOString()}`);
}

describe('schedule timing: the original system’s defaults', () => {
  it('has the original times and datasets', () => {
    expect(DEFAULT_SCHEDULE_JOBS.daily).toMatchObject({
      cron: '30 16 * * 1-5',
      when: 'after-close',
    });
    expect(DEFAULT_SCHEDULE_JOBS.intraday).toMatchObject({
      cron: '*/15 9-16 * * 1-5',
      when: 'market-open',
    });
    expect(DEFAULT_SCHEDULE_JOBS.weekly.cron).toBe('0 10 * * 6');
    expect(DEFAULT_SCHEDULE_JOBS.health).toMatchObject({ cron: '*/30 * * * *', health: true });
    expect(defaultScheduleJobs().map((j) => j.name)).toEqual([
      'daily',
      'intraday',
      'weekly',
      'health',
    ]);
  });

  it('a regular trading day: intraday 09:30–16:00 every 15 min, daily at 16:30 New York time', () => {
    const s = schedule();
    // Tuesday 2024-03-12 (EDT, UTC-4).
    const intraday = fired(s, '2024-03-12T04:00:00Z', '2024-03-13T04:00:00Z', 'intraday');
    expect(intraday).toHaveLength(27);
    expect(intraday[0]).toBe('intraday@2024-03-12T13:30:00.000Z');
    expect(intraday.at(-1)).toBe('intraday@2024-03-12T20:00:00.000Z'); // the run at the close
    expect(fired(s, '2024-03-12T04:00:00Z', '2024-03-13T04:00:00Z', 'daily')).toEqual([
      'daily@2024-03-12T20:30:00.000Z',
    ]);
    expect(fired(s, '2024-03-12T04:00:00Z', '2024-03-13T04:00:00Z', 'health')).toHaveLength(48);
  });

  it('across the spring DST change the New York times stay, the UTC times move an hour', () => {
    const s = schedule();
    const daily = fired(s, '2024-03-07T00:00:00Z', '2024-03-12T00:00:00Z', 'daily');
    expect(daily).toEqual([
      'daily@2024-03-07T21:30:00.000Z', // Thursday, EST
      'daily@2024-03-08T21:30:00.000Z', // Friday, EST
      'daily@2024-03-11T20:30:00.000Z', // Monday, EDT
    ]);
    expect(fired(s, '2024-03-08T00:00:00Z', '2024-03-12T00:00:00Z', 'intraday')[0]).toBe(
      'intraday@2024-03-08T14:30:00.000Z',
    );
    expect(
      fired(s, '2024-03-11T00:00:00Z', '2024-03-12T00:00:00Z', 'intraday').slice(0, 1),
    ).toEqual(['intraday@2024-03-11T13:30:00.000Z']);
    // The health check keeps its 30-minute rhythm through the missing hour (02:00–03:00 EST).
    expect(fired(s, '2024-03-10T06:00:00Z', '2024-03-10T08:01:00Z', 'health')).toEqual([
      'health@2024-03-10T06:00:00.000Z', // 01:00 EST
      'health@2024-03-10T06:30:00.000Z', // 01:30 EST
      'health@2024-03-10T07:00:00.000Z', // 03:00 EDT
      'health@2024-03-10T07:30:00.000Z',
      'health@2024-03-10T08:00:00.000Z',
    ]);
    // Weekly: Saturday 10:00 New York before and after the change.
    expect(fired(s, '2024-03-01T00:00:00Z', '2024-03-17T00:00:00Z', 'weekly')).toEqual([
      'weekly@2024-03-02T15:00:00.000Z',
      'weekly@2024-03-09T15:00:00.000Z',
      'weekly@2024-03-16T14:00:00.000Z',
    ]);
  });

  it('across the autumn DST change the repeated hour does not double the daily job', () => {
    const s = schedule();
    expect(fired(s, '2024-11-01T00:00:00Z', '2024-11-05T00:00:00Z', 'daily')).toEqual([
      'daily@2024-11-01T20:30:00.000Z', // Friday, EDT
      'daily@2024-11-04T21:30:00.000Z', // Monday, EST
    ]);
  });

  it('a holiday: no intraday, no daily; the early close the day before ends intraday at 13:00', () => {
    const s = schedule();
    // Wednesday 2024-07-03 closes at 13:00; Thursday 2024-07-04 is closed.
    const jul3 = fired(s, '2024-07-03T04:00:00Z', '2024-07-04T04:00:00Z');
    const intraday = jul3.filter((r) => r.startsWith('intraday'));
    expect(intraday[0]).toBe('intraday@2024-07-03T13:30:00.000Z');
    expect(intraday.at(-1)).toBe('intraday@2024-07-03T17:00:00.000Z'); // 13:00, the early close
    expect(intraday).toHaveLength(15);
    expect(jul3.filter((r) => r.startsWith('daily'))).toEqual(['daily@2024-07-03T20:30:00.000Z']);
    const jul4 = fired(s, '2024-07-04T04:00:00Z', '2024-07-05T04:00:00Z');
    expect(jul4.filter((r) => !r.startsWith('health'))).toEqual([]);
    expect(jul4).toHaveLength(48); // the health check runs every day
    const jul5 = fired(s, '2024-07-05T04:00:00Z', '2024-07-06T04:00:00Z', 'intraday');
    expect(jul5[0]).toBe('intraday@2024-07-05T13:30:00.000Z');
  });

  it('after Christmas Eve the next intraday run is on the 26th', () => {
    const s = schedule({ jobs: defaultScheduleJobs({ weekly: false, health: false }) });
    const next = s.nextRuns(new Date('2024-12-24T18:05:00Z')); // Christmas Eve after its 13:00 close
    expect(next.map((r) => `${r.job}@${r.at.toISOString()}`)).toEqual([
      'daily@2024-12-24T21:30:00.000Z',
      'intraday@2024-12-26T14:30:00.000Z',
    ]);
  });

  it('extended hours widen the market-open window; custom crons and zones are honoured', () => {
    const s = schedule({
      jobs: [
        {
          name: 'pre',
          cron: '0 * * * 1-5',
          when: 'market-open',
          extendedHours: true,
          datasets: ['intraday:60min'],
        },
      ],
    });
    const runs = fired(s, '2024-03-12T04:00:00Z', '2024-03-13T04:00:00Z');
    expect(runs[0]).toBe('pre@2024-03-12T08:00:00.000Z'); // 04:00 EDT
    expect(runs.at(-1)).toBe('pre@2024-03-13T00:00:00.000Z'); // 20:00 EDT
    const tokyo = schedule({
      timeZone: 'Asia/Tokyo',
      jobs: [{ name: 'morning', cron: '0 9 * * *', health: true }],
    });
    expect(fired(tokyo, '2024-03-12T00:00:00Z', '2024-03-13T00:00:00Z')).toEqual([
      'morning@2024-03-12T00:00:00.000Z',
    ]);
  });
});

describe('schedule validation: fails at creation, naming the job', () => {
  const cases: [string, Partial<ScheduleOptions>, RegExp][] = [
    [
      'bad cron',
      { jobs: [{ name: 'x', cron: '61 * * * *', health: true }] },
      /job "x": invalid cron expression "61 \* \* \* \*"/,
    ],
    ['short cron', { jobs: [{ name: 'x', cron: '* * *', health: true }] }, /invalid cron/],
    [
      'never fires',
      { jobs: [{ name: 'night', cron: '0 3 * * *', when: 'market-open', health: true }] },
      /job "night": cron "0 3 \* \* \*" never runs while the condition "market-open" holds/,
    ],
    [
      'unknown dataset',
      { jobs: [{ name: 'd', cron: '0 17 * * *', datasets: ['dayly' as 'daily'] }] },
      /Unknown dataset "dayly"/,
    ],
    [
      'no symbols',
      { symbols: [], jobs: [{ name: 'd', cron: '0 17 * * *', datasets: ['daily'] }] },
      /job "d" has datasets but no symbols/,
    ],
    ['bad symbol', { symbols: ['IB M'] }, /symbols\[0\] "IB M" may only contain/],
    [
      'health without db',
      { db: undefined },
      /job "health" is a health check: options.db is required/,
    ],
    [
      'two kinds',
      { jobs: [{ name: 'x', cron: '0 17 * * *', health: true, datasets: ['daily'] }] },
      /exactly one of datasets, health or run/,
    ],
    [
      'duplicate',
      {
        jobs: [
          { name: 'x', cron: '0 17 * * *', health: true },
          { name: 'x', cron: '0 18 * * *', health: true },
        ],
      },
      /two jobs are named "x"/,
    ],
    ['bad zone', { timeZone: 'Mars/Olympus' }, /Mars\/Olympus/],
  ];
  for (const [label, options, message] of cases) {
    it(label, () => {
      expect(() => schedule(options)).toThrow(message);
    });
  }

  it('an unknown built-in job name in the overrides', () => {
    expect(() => defaultScheduleJobs({ hourly: false } as never)).toThrow(
      /Unknown job "hourly"; the built-in jobs are daily, intraday, weekly, health/,
    );
  });
});
