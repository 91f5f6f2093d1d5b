import type { MalformedBar } from '../alpha-vantage/types';
import { capText, describeValue } from '../bounded-text';
import { RejectedRowsError } from '../errors/rejected-rows-error';
import type { TradingCalendar } from './bounds';
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

/** Longest reject reason kept; longer ones are cut and marked (a bad value can be 50 MB). @internal */
export const MAX_REASON_CHARS = 1000;
/** Longest source key kept on a reject (a real one is a date or date-time). @internal */
export const MAX_SOURCE_KEY_CHARS = 100;

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
  /**
   * When the response was received, in milliseconds since the epoch, from the caller's clock (the
   * pipeline passes its `Clock`'s reading; the transforms are pure and never read a clock). Bars
   * dated after `now + futureSkewMs` cannot exist yet and are rejected; for day-keyed series the
   * latest accepted date is the date already begun anywhere on Earth (UTC+14) at that instant.
   * @default undefined — no upper bound; only the earliest-date bound applies
   */
  now?: number;
  /**
   * Tolerance past `now` for a host clock that runs behind the source's.
   * @default 900000 (15 minutes, `DEFAULT_FUTURE_SKEW_MS`)
   */
  futureSkewMs?: number;
  /**
   * Trading calendar (a `MarketCalendar`): a daily bar — or an intraday bar, with the session
   * check on — dated on a day without a session (weekend, holiday) is rejected with the reason.
   * Applied to US listings only (see `checkTradingDays`), and from 1972 on.
   * @default undefined — no trading-day check (intraday still rejects weekends)
   */
  calendar?: TradingCalendar;
  /**
   * Whether to check trading days against `calendar`.
   * @default true for a symbol without an exchange suffix (`IBM`, not `TSCO.LON`), which trades on
   * US exchanges; a listing elsewhere trades on its own exchange's days
   */
  checkTradingDays?: boolean;
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

  /**
   * Records a rejected source row. The reason and the source key are capped
   * ({@link MAX_REASON_CHARS}, {@link MAX_SOURCE_KEY_CHARS}) and marked when cut, so no log line,
   * error or quarantine row repeats a huge bad value; `raw` is capped when it is stored.
   */
  reject(sourceKey: string | null, reason: string, raw: unknown, symbol = this.symbol): void {
    this.rejects.push({
      dataset: this.dataset,
      symbol,
      sourceKey:
        typeof sourceKey === 'string' ? capText(sourceKey, MAX_SOURCE_KEY_CHARS) : sourceKey,
      reason: capText(reason, MAX_REASON_CHARS),
      raw,
    });
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
        `response is for symbol ${describeValue(echoed, 40)}, requested ${JSON.stringify(this.symbol)}; rows use the requested symbol`,
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
