export { AbortedError, throwIfAborted } from './aborted-error';
export {
  type AlphaVantageNotice,
  ApiError,
  type ApiErrorOptions,
  DailyLimitError,
  InvalidApiKeyError,
  InvalidRequestError,
  PremiumEndpointError,
  type PremiumEndpointErrorOptions,
  type PremiumParameter,
  RateLimitError,
  type RateLimitErrorOptions,
  ResponseFormatError,
  UnrecognizedNoticeError,
  UpstreamError,
  type UpstreamErrorOptions,
} from './api-errors';
export { DatabaseError, type DatabaseErrorOptions } from './database-error';
export {
  isAbortedError,
  isDailyLimitError,
  isDatabaseError,
  isInvalidApiKeyError,
  isInvalidRequestError,
  isPremiumEndpointError,
  isRateLimitError,
  isRejectedRowsError,
  isResponseFormatError,
  isSchemaError,
  isSourceFileError,
  isStepError,
  isUpstreamError,
  isValidationError,
} from './guards';
export { RejectedRowsError } from './rejected-rows-error';
export { SchemaError, type SchemaErrorReason } from './schema-error';
export { SourceFileError, type SourceFileReason } from './source-file-error';
export { StepError } from './step-error';
export {
  errorCodeOf,
  isStockEtlError,
  StockEtlError,
  type StockEtlErrorCode,
  type StockEtlErrorJSON,
  type StockEtlErrorOptions,
} from './stock-etl-error';
export { ValidationError } from './validation-error';
