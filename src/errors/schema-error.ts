import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/** Why the schema installer refused to go on. */
export type SchemaErrorReason = 'checksum-mismatch' | 'database-ahead' | 'lock-timeout';

/**
 * The database schema cannot be used or migrated safely: an applied migration was edited, the
 * database is ahead of this package on a breaking migration, or the install lock timed out.
 */
export class SchemaError extends StockEtlError {
  /** Which check failed. */
  readonly reason: SchemaErrorReason;
  /**
   * @param reason - which check failed
   * @param message - what to do about it
   * @param options - cause
   */
  constructor(reason: SchemaErrorReason, message: string, options?: StockEtlErrorOptions) {
    super('SCHEMA', message, options);
    this.reason = reason;
  }
}
