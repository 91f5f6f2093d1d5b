import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/** Bad input from the caller: a symbol, interval, month, schema name, date or option. */
export class ValidationError extends StockEtlError {
  /** Which argument or option was wrong, e.g. `symbol` or `options.schema`. */
  readonly field: string | undefined;
  /** valibot issues, when the check was a valibot schema. */
  readonly issues: readonly unknown[] | undefined;
  /**
   * @param message - what was wrong and what is accepted
   * @param options - `field`, valibot `issues`, cause
   */
  constructor(
    message: string,
    options?: StockEtlErrorOptions & { field?: string; issues?: readonly unknown[] },
  ) {
    super('VALIDATION', message, options);
    this.field = options?.field;
    this.issues = options?.issues;
  }
}
