// Type guards that compare `code`, so they survive two copies of the package in one process.
import type { AbortedError } from './aborted-error';
import type {
  DailyLimitError,
  InvalidApiKeyError,
  InvalidRequestError,
  PremiumEndpointError,
  RateLimitError,
  ResponseFormatError,
  UpstreamError,
} from './api-errors';
import type { DatabaseError } from './database-error';
import type { RejectedRowsError } from './rejected-rows-error';
import type { SchemaError } from './schema-error';
import type { SourceFileError } from './source-file-error';
import type { StepError } from './step-error';
import { isStockEtlError, type StockEtlErrorCode } from './stock-etl-error';
import type { ValidationError } from './validation-error';

function guard<T>(code: StockEtlErrorCode) {
  return (error: unknown): error is T => isStockEtlError(error) && error.code === code;
}

/** True for a {@link RateLimitError} (compares `code`, so it survives duplicate package copies). */
export const isRateLimitError = guard<RateLimitError>('RATE_LIMITED');
/** True for a {@link DailyLimitError}. */
export const isDailyLimitError = guard<DailyLimitError>('DAILY_LIMIT');
/** True for a {@link PremiumEndpointError}. */
export const isPremiumEndpointError = guard<PremiumEndpointError>('PREMIUM_ENDPOINT');
/** True for an {@link InvalidApiKeyError}. */
export const isInvalidApiKeyError = guard<InvalidApiKeyError>('INVALID_API_KEY');
/** True for an {@link InvalidRequestError}. */
export const isInvalidRequestError = guard<InvalidRequestError>('INVALID_REQUEST');
/** True for an {@link UpstreamError}. */
export const isUpstreamError = guard<UpstreamError>('UPSTREAM');
/** True for a {@link ResponseFormatError}. */
export const isResponseFormatError = guard<ResponseFormatError>('BAD_RESPONSE');
/** True for a {@link ValidationError}. */
export const isValidationError = guard<ValidationError>('VALIDATION');
/** True for a {@link SchemaError}. */
export const isSchemaError = guard<SchemaError>('SCHEMA');
/** True for an {@link AbortedError}. */
export const isAbortedError = guard<AbortedError>('ABORTED');
/** True for a {@link RejectedRowsError}. */
export const isRejectedRowsError = guard<RejectedRowsError>('REJECTED_ROWS');
/** True for a {@link DatabaseError}. */
export const isDatabaseError = guard<DatabaseError>('DATABASE');
/** True for a {@link StepError}. */
export const isStepError = guard<StepError>('STEP');
/** True for a {@link SourceFileError}. */
export const isSourceFileError = guard<SourceFileError>('SOURCE_FILE');
