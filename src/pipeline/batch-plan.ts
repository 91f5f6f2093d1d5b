import { normalizeSymbol } from '../alpha-vantage/validate';
import { assertDataset, type Dataset } from './datasets';
import type { BatchInput } from './types';

/** One distinct job of a batch; `error` when its symbol or dataset is invalid. @internal */
export interface PlannedJob {
  symbol: string;
  dataset: Dataset;
  error?: unknown;
}

/**
 * Normalises and de-duplicates the pairs of a batch before anything runs, remembering for each
 * pair given which job handles it. Invalid pairs stay (as failed jobs), one per distinct input.
 * @internal
 */
export function planBatch(
  symbols: readonly string[],
  datasets: readonly Dataset[],
): { planned: PlannedJob[]; inputs: BatchInput[] } {
  const planned: PlannedJob[] = [];
  const inputs: BatchInput[] = [];
  const byKey = new Map<string, number>();
  for (const given of symbols) {
    for (const dataset of datasets) {
      let job: PlannedJob;
      let key: string;
      try {
        job = { symbol: normalizeSymbol(given), dataset };
        assertDataset(dataset);
        key = `ok\u0000${job.symbol}\u0000${dataset}`;
      } catch (error) {
        job = { symbol: String(given), dataset, error };
        key = `bad\u0000${String(given)}\u0000${String(dataset)}`;
      }
      let index = byKey.get(key);
      const duplicate = index !== undefined;
      if (index === undefined) {
        index = planned.push(job) - 1;
        byKey.set(key, index);
      }
      inputs.push({ symbol: String(given), dataset, job: index, duplicate });
    }
  }
  return { planned, inputs };
}
