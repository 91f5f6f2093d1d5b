import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/**
 * A transformer step of yours failed: it threw, returned something other than an array of rows,
 * or returned a row that can no longer be loaded (a price that is not a plain decimal, a missing
 * key). In a `Pipeline` it fails that job only — nothing of the job's response is loaded — with
 * code `STEP`; the original error is the `cause`.
 */
export class StepError extends StockEtlError {
  /** The step's name (its function name, or `#i` for an anonymous step, counting from 0). */
  readonly step: string;
  /** What the step ran on: `daily`, `weekly`, `monthly`, `intraday`, `quote`, … */
  readonly kind: string;
  /** The job's symbol. */
  readonly symbol: string;
  /** The dataset being transformed, e.g. `daily` or `intraday:5min`. */
  readonly dataset: string;
  /**
   * @param message - what the step did wrong
   * @param options - where it happened, and the error the step threw as `cause`
   */
  constructor(
    message: string,
    options: StockEtlErrorOptions & { step: string; kind: string; symbol: string; dataset: string },
  ) {
    super('STEP', message, options);
    this.step = options.step;
    this.kind = options.kind;
    this.symbol = options.symbol;
    this.dataset = options.dataset;
  }
}
