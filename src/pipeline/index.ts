export type { ExtractCallOptions, PipelineExtractor } from '../extractor';
export type { BackfillRejectEntry, BackfillRejectsReport } from '../load/backfill-rejects';
export { DEFAULT_MAX_REFETCHES } from './backfill';
export { assertDataset, DATASETS, type Dataset, intradayDataset } from './datasets';
export {
  type BudgetSource,
  type HealthCheckItem,
  type HealthCheckOptions,
  type HealthReport,
  healthCheck,
} from './health';
export { DEFAULT_STALE_JOB_AFTER_MS } from './lease';
export {
  type BackfillOptions,
  type BatchOptions,
  Pipeline,
  type PipelineOptions,
  type RunOptions,
} from './pipeline';
export { type FreshnessEntry, getStatus, type StatusOptions, type StatusReport } from './status';
export type {
  BackfillMonth,
  BackfillProgress,
  BackfillRejectedMonth,
  BackfillResult,
  BatchInput,
  BatchResult,
  JobCounts,
  JobError,
  JobResult,
  PipelineEvents,
  RowsCommitted,
} from './types';
