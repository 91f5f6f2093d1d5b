export type { ExtractCallOptions, PipelineExtractor } from '../extractor';
export { DEFAULT_MAX_REFETCHES } from './backfill';
export { assertDataset, DATASETS, type Dataset, intradayDataset } from './datasets';
export { DEFAULT_STALE_JOB_AFTER_MS } from './lease';
export {
  type BackfillOptions,
  type BatchOptions,
  Pipeline,
  type PipelineOptions,
  type RunOptions,
} from './pipeline';
export {
  type BudgetSource,
  type FreshnessEntry,
  getStatus,
  type HealthCheckItem,
  type HealthCheckOptions,
  type HealthReport,
  healthCheck,
  type StatusOptions,
  type StatusReport,
} from './status';
export type { BackfillRejectEntry, BackfillRejectsReport } from './status-rejects';
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
