import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/** Rows failed validation while the reject policy is `'throw'`. Nothing of that batch was loaded. */
export class RejectedRowsError extends StockEtlError {
  /** The rejected rows with their reasons. */
  readonly rejects: readonly {
    /** Why the row was rejected, e.g. `low 12.5 > open 12.0`. */
    reason: string;
    /** The raw values as received. */
    raw: unknown;
  }[];
  /**
   * @param message - summary
   * @param rejects - the rejected rows
   * @param options - cause
   */
  constructor(
    message: string,
    rejects: readonly { reason: string; raw: unknown }[],
    options?: StockEtlErrorOptions,
  ) {
    super('REJECTED_ROWS', message, options);
    this.rejects = rejects;
  }
}
