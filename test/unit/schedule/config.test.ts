import { describe, expect, it } from 'vitest';
import { parseScheduleConfig, validateScheduleJobs } from '../../../src/schedule';

describe('parseScheduleConfig: a small file changes the built-in jobs and adds others', () => {
  it('changes, drops and adds jobs, keeping the built-in order first', () => {
    const config = parseScheduleConfig({
      symbols: ['IBM', 'MSFT'],
      jobs: {
        intraday: { cron: '0 10-16 * * 1-5' },
        weekly: false,
        quotes: { cron: '*/5 9-16 * * 1-5', when: 'market-open', datasets: ['quote'] },
      },
    });
    expect(config.symbols).toEqual(['IBM', 'MSFT']);
    expect(config.jobs.map((j) => `${j.name} ${j.cron}`)).toEqual([
      'daily 30 16 * * 1-5',
      'intraday 0 10-16 * * 1-5',
      'health */30 * * * *',
      'quotes */5 9-16 * * 1-5',
    ]);
    expect(config.jobs[1]).toMatchObject({ when: 'market-open', datasets: ['intraday:5min'] });
    expect(() => validateScheduleJobs(config.jobs, { symbols: config.symbols })).not.toThrow();
  });

  it.each([
    [
      { jobs: { daily: { cron: 5 } } },
      /jobs\.daily\.cron: Invalid type: Expected string but received 5/,
    ],
    [{ jobs: { daily: { crn: '5' } } }, /jobs\.daily\.crn: unknown field/],
    [
      { jobs: { daily: { when: 'sometimes' } } },
      /jobs\.daily\.when: Invalid type: Expected \("always" \| "market-open" \| "after-close"\)/,
    ],
    [{ symbol: ['IBM'] }, /symbol: unknown field/],
    [[], /must be an object/],
  ])('names the bad field: %j', (value, message) => {
    expect(() => parseScheduleConfig(value)).toThrow(message);
  });

  it('a new job needs a cron and something to do; validation names it', () => {
    const { jobs } = parseScheduleConfig({ jobs: { extra: { datasets: ['quote'] } } });
    expect(() => validateScheduleJobs(jobs, { symbols: ['IBM'] })).toThrow(
      /job "extra" needs a cron expression/,
    );
    const nothing = parseScheduleConfig({ jobs: { extra: { cron: '0 1 * * *' } } }).jobs;
    expect(() => validateScheduleJobs(nothing, { symbols: ['IBM'] })).toThrow(
      /job "extra" needs exactly one of datasets, health or run/,
    );
  });
});
