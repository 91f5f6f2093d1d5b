/**
 * The fake Alpha Vantage server in its own process, so generating month-sized bodies costs the
 * measured process nothing (a real API is elsewhere too) and its memory stays out of RSS figures.
 *
 * Protocol (Node IPC): started with the JSON of the options as argv[2]; sends `{ url }` once
 * listening; answers `'stats'` with `{ stats }` and
 * `'requests'` with `{ requests: { at, outcome }[] }` (for diagnosing limiter runs); closes and exits when the parent disconnects.
 */

import type { FakeAlphaVantageOptions } from '../src/testing';
import { startFakeAlphaVantage } from '../src/testing';

const options = JSON.parse(process.argv[2] ?? '{}') as FakeAlphaVantageOptions;
const fake = await startFakeAlphaVantage(options);
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ stats: fake.stats() });
  if (message === 'requests') {
    process.send?.({ requests: fake.requests.map((r) => ({ at: r.at, outcome: r.outcome })) });
  }
});
process.on('disconnect', () => {
  void fake.close().then(() => process.exit(0));
});
process.send?.({ url: fake.url });
