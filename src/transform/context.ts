import type { MalformedBar } from '../alpha-vantage/types';
import { RejectedRowsError } from '../errors/rejected-rows-error';
import type { RejectedRow, TransformResult } from './rows';

/**
 * What to do with rows that fail validation:
 * - `'quarantine'` — return them as `rejects`; the caller stores them in the quarantine table.
 * - `'skip'` — return them as `rejects` too, but the caller only counts them.
 * - `'throw'` — throw {@link RejectedRowsError} on the first response with any reject; nothing of
 *   that response is returned (so nothing of it is loaded).
 *
 * In every case the good rows of the same response still load unless the policy is `'throw'`.
 */
export type RejectPolicy = 'quarantine' | 'skip' | 'throw';

/** Every reject policy, for option validation. */
export const REJECT_POLICIES: readonly RejectPolicy[] = ['quarantine', 'skip', 'throw'];

/** Context every transform takes: who the rows are for and what to do with bad ones. */
export interface TransformContext {
  /**
   * The requested symbol, already validated and normalised by the caller. Rows carry this, never
   * the symbol the server echoed: see {@link TransformResult.warnings} for a mismatch.
   */
  symbol: string;
  /** The dataset being loaded, recorded on each reject, e.g. `daily` or `intraday:5min`. */
  dataset: string;
  /**
   * What to do with rows that fail validation.
   * @default 'quarantine'
   */
  policy?: RejectPolicy;
}

/** Collects rows, rejects and warnings of one response and applies the reject policy at the end. */
export class ResultBuilder<R> {
  /** Rows accepted so far. */
  readonly rows: R[] = [];
  /** Rows rejected so far. */
  readonly rejects: RejectedRow[] = [];
  /** Oddities that did not reject anything. */
  readonly warnings: string[] = [];

  /**
   * @param dataset - recorded on each reject
   * @param symbol - recorded on each reject
   * @param policy - applied by {@link ResultBuilder.finish}
   */
  constructor(
    private readonly dataset: string,
    private readonly symbol: string,
    private readonly policy: RejectPolicy = 'quarantine',
  ) {}

  /** Records a rejected source row. */
  reject(sourceKey: string | null, reason: string, raw: unknown, symbol = this.symbol): void {
    this.rejects.push({ dataset: this.dataset, symbol, sourceKey, reason, raw });
  }

  /** Records the bars the extractor could not parse, with the extractor's reason. */
  rejectMalformed(malformed: readonly MalformedBar[] | undefined): void {
    if (!malformed) return;
    for (const m of malformed) this.reject(m.time, m.reason, m.raw);
  }

  /**
   * Warns when the server echoed another symbol than the one requested (case-insensitive). The
   * rows still carry the requested symbol: Alpha Vantage echoes aliases and old spellings, and
   * rejecting a whole response for that would lose good data — but it is surfaced, not hidden.
   */
  checkEchoedSymbol(echoed: string | undefined): void {
    if (typeof echoed !== 'string' || echoed.trim() === '') return;
    if (echoed.trim().toUpperCase() !== this.symbol.toUpperCase()) {
      this.warnings.push(
        `response is for symbol ${JSON.stringify(echoed)}, requested ${JSON.stringify(this.symbol)}; rows use the requested symbol`,
      );
    }
  }

  /**
   * The result. With policy `'throw'` and any reject, throws {@link RejectedRowsError} instead.
   * @throws {@link RejectedRowsError}
   */
  finish(): TransformResult<R> {
    if (this.policy === 'throw' && this.rejects.length > 0) {
      const first = this.rejects[0]!;
      const n = this.rejects.length;
      throw new RejectedRowsError(
        `${n} row${n === 1 ? '' : 's'} of ${this.dataset} for ${this.symbol} rejected; first: ${first.reason}`,
        this.rejects,
      );
    }
    const result: TransformResult<R> = { rows: this.rows, rejects: this.rejects };
    if (this.warnings.length > 0) result.warnings = this.warnings;
    return result;
  }
}
