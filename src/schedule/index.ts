export { BUDGET_LOOKAHEAD_DAYS } from './budget';
export { parseScheduleConfig, type ScheduleConfig, validateScheduleJobs } from './config';
export {
  DEFAULT_JOB_NAMES,
  DEFAULT_SCHEDULE_JOBS,
  type DefaultJobName,
  type DefaultJobOverrides,
  type DefaultJobsOptions,
  defaultScheduleJobs,
  FREE_KEY_JOB_CHANGES,
} from './defaults';
export { createSchedule, SCHEDULE_TICK_MS, Schedule } from './schedule';
export {
  MARKET_CONDITIONS,
  type MarketCondition,
  type PlannedRun,
  type ScheduleBudgetCheck,
  type ScheduleEvents,
  type ScheduleJob,
  type ScheduleOptions,
  type SchedulePipeline,
  type ScheduleRunResult,
  type ScheduleSkipEvent,
  type ScheduleTaskContext,
} from './types';
