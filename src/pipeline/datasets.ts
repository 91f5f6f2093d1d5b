import { INTRADAY_INTERVALS, type IntradayInterval } from '../alpha-vantage/types';
import { ValidationError } from '../errors/validation-error';

/** What a job loads. `intraday:*` names the bar length; `index` loads INDEX_DATA daily levels. */
export type Dataset =
  | 'daily'
  | 'daily_adjusted'
  | 'weekly'
  | 'weekly_adjusted'
  | 'monthly'
  | 'monthly_adjusted'
  | 'intraday:1min'
  | 'intraday:5min'
  | 'intraday:15min'
  | 'intraday:30min'
  | 'intraday:60min'
  | 'quote'
  | 'overview'
  | 'index';

/** Every dataset, in a stable order. */
export const DATASETS: readonly Dataset[] = [
  'daily',
  'daily_adjusted',
  'weekly',
  'weekly_adjusted',
  'monthly',
  'monthly_adjusted',
  ...INTRADAY_INTERVALS.map((i) => `intraday:${i}` as Dataset),
  'quote',
  'overview',
  'index',
];

const KNOWN = new Set<string>(DATASETS);

/** Throws {@link ValidationError} unless `dataset` is a {@link Dataset}. @internal */
export function assertDataset(dataset: unknown): asserts dataset is Dataset {
  if (typeof dataset !== 'string' || !KNOWN.has(dataset)) {
    throw new ValidationError(
      `Unknown dataset ${JSON.stringify(dataset)}; expected one of ${DATASETS.join(', ')}`,
      { field: 'dataset' },
    );
  }
}

/** The bar length of an `intraday:*` dataset, else undefined. */
export function intradayInterval(dataset: Dataset): IntradayInterval | undefined {
  return dataset.startsWith('intraday:') ? (dataset.slice(9) as IntradayInterval) : undefined;
}

/** The dataset name of an intraday interval (`'5min'` → `'intraday:5min'`). @internal */
export function intradayDataset(interval: IntradayInterval): Dataset {
  if (!INTRADAY_INTERVALS.includes(interval)) {
    throw new ValidationError(
      `Unknown interval ${JSON.stringify(interval)}; expected one of ${INTRADAY_INTERVALS.join(', ')}`,
      { field: 'interval' },
    );
  }
  return `intraday:${interval}` as Dataset;
}
