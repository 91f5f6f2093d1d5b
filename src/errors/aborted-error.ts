import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/** The operation was stopped through its `AbortSignal`; nothing half-done was committed. */
export class AbortedError extends StockEtlError {
  /**
   * @param message - what was interrupted
   * @param options - cause (the signal's reason)
   */
  constructor(message = 'The operation was aborted', options?: StockEtlErrorOptions) {
    super('ABORTED', message, options);
  }
}

/**
 * Throws {@link AbortedError} when `signal` is aborted.
 * @internal
 */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted) {
    throw new AbortedError(`The ${what} was aborted`, { cause: signal.reason });
  }
}
