export { assertDataset, DATASETS, type Dataset, intradayDataset } from './datasets';
export type { ExtractCallOptions, PipelineExtractor } from './extractor-port';
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
export type {
  BackfillMonth,
  BackfillProgress,
  BackfillResult,
  BatchResult,
  JobCounts,
  JobError,
  JobResult,
  PipelineEvents,
} from './types';
