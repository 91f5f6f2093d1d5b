import { INTRADAY_INTERVALS } from '../alpha-vantage/types';
import { describeValue } from '../bounded-text';
import { StepError } from '../errors/step-error';
import { parseIsoDate } from '../time/civil-date';
import { type RejectPolicy, ResultBuilder } from './context';
import type {
  DailyPriceRow,
  IndexPriceRow,
  IntradayPriceRow,
  PeriodPriceRow,
  QuoteRow,
  RejectedRow,
  StockRow,
  TransformResult,
} from './rows';
import { priceProblem, validateAdjusted, validateBar } from './validate';

/**
 * Steps of your own between transform and load: pure functions from the transformed rows of one
 * response to the rows to load — filter, enrich, re-validate. They run inside the `Transformer`
 * after its own validation, so they see only valid, de-duplicated rows, and whatever they return
 * is loaded (in a `Pipeline`, in the job's transaction).
 */

/** The row type each kind of step works on: the transformer method's rows. */
export interface StepRows {
  /** `Transformer.daily` (daily and daily adjusted): `stock_prices` rows. */
  daily: DailyPriceRow;
  /** `Transformer.weekly`: `stock_prices_weekly` rows. */
  weekly: PeriodPriceRow;
  /** `Transformer.monthly`: `stock_prices_monthly` rows. */
  monthly: PeriodPriceRow;
  /** `Transformer.intraday`: `stock_prices_intraday` rows. */
  intraday: IntradayPriceRow;
  /** `Transformer.quote` and `Transformer.bulkQuotes`: `stock_quotes` rows. */
  quote: QuoteRow;
  /** `Transformer.overview`: `stocks` rows. */
  overview: StockRow;
  /** `Transformer.listing`: `stocks` rows. */
  listing: StockRow;
  /** `Transformer.index`: `market_index_prices` rows. */
  index: IndexPriceRow;
}

/** The kinds of rows a step can be attached to (the keys of {@link TransformSteps}). */
export type StepKind = keyof StepRows;

/** What a step is told about the rows it gets. */
export interface StepContext<R> {
  /** Which transformer method produced the rows. */
  kind: StepKind;
  /** The symbol of the response (for `listing`, empty; for bulk quotes, the first symbol). */
  symbol: string;
  /** The dataset, as recorded on rejects: `daily`, `daily_adjusted`, `intraday:5min`, … */
  dataset: string;
  /**
   * Rejects a row with a reason: it is left out of what the step returns (whether or not the step
   * also filters it) and handled by the reject policy like a row that failed validation —
   * quarantined in `etl_rejected_rows` (`'quarantine'`), counted (`'skip'`), or the whole response
   * refused with a `RejectedRowsError` (`'throw'`). The reason is stored prefixed with the step name.
   */
  reject(row: R, reason: string): void;
}

/**
 * One step: takes the rows (never mutate them — return new objects) and returns the rows to load.
 * Return a subset to filter, rows with extra properties to enrich (the built-in loader writes
 * only the table's columns; a `Loader` subclass of yours can write the rest to your own table).
 * Must be synchronous and pure: no I/O, no clock, the same rows in give the same rows out.
 *
 * @example
 * ```ts
 * const dropZeroVolume = <R extends { volume: string | null }>(rows: readonly R[]) =>
 *   rows.filter((r) => r.volume !== '0');
 * ```
 */
export type TransformStep<R> = (rows: readonly R[], ctx: StepContext<R>) => readonly R[];

/**
 * Steps per kind of rows, run in order. A kind without steps costs nothing: the transform's
 * result is returned as it is.
 *
 * @example
 * ```ts
 * new Transformer({ steps: { daily: [dropZeroVolume], intraday: [dropZeroVolume] } });
 * ```
 */
export type TransformSteps = {
  [K in StepKind]?: readonly TransformStep<StepRows[K]>[];
};

/** The row's key as stored on a reject (`sourceKey`). */
const SOURCE_KEY: { [K in StepKind]: (row: StepRows[K]) => unknown } = {
  daily: (r) => r.tradeDate,
  weekly: (r) => r.periodStart,
  monthly: (r) => r.periodStart,
  intraday: (r) => r.ts,
  quote: (r) => r.observedAt,
  overview: (r) => r.symbol,
  listing: (r) => r.symbol,
  index: (r) => r.tradeDate,
};

/** Every step kind, for option validation. */
export const STEP_KINDS = Object.keys(SOURCE_KEY) as readonly StepKind[];

/** What {@link runSteps} needs to know about the response. @internal */
export interface StepRun {
  kind: StepKind;
  symbol: string;
  dataset: string;
  policy: RejectPolicy;
}

/**
 * Runs `steps` over a transform's result. Rejected rows join the transform's rejects; with policy
 * `'throw'` any step reject throws `RejectedRowsError`. @internal
 * @throws {@link StepError} when a step throws, returns no array, or returns a row that cannot be loaded
 */
export function runSteps<K extends StepKind>(
  result: TransformResult<StepRows[K]>,
  steps: readonly TransformStep<StepRows[K]>[],
  run: StepRun & { kind: K },
): TransformResult<StepRows[K]> {
  type R = StepRows[K];
  const rejected = new ResultBuilder<R>(run.dataset, run.symbol, run.policy);
  const keyOf = SOURCE_KEY[run.kind] as (row: R) => unknown;
  let rows: readonly R[] = result.rows;
  steps.forEach((step, i) => {
    const name = step.name || `#${i}`;
    const fail = (what: string, cause?: unknown) =>
      new StepError(`step "${name}" of ${run.kind} for ${run.symbol || run.dataset} ${what}`, {
        step: name,
        kind: run.kind,
        symbol: run.symbol,
        dataset: run.dataset,
        ...(cause === undefined ? {} : { cause }),
      });
    let dropped: Set<R> | undefined;
    const ctx: StepContext<R> = {
      kind: run.kind,
      symbol: run.symbol,
      dataset: run.dataset,
      reject: (row, reason) => {
        const key = row !== null && typeof row === 'object' ? keyOf(row) : null;
        const symbol = (row as { symbol?: unknown } | null)?.symbol;
        rejected.reject(
          typeof key === 'string' ? key : null,
          `step ${name}: ${String(reason)}`,
          row,
          typeof symbol === 'string' ? symbol : run.symbol,
        );
        dropped ??= new Set();
        dropped.add(row);
      },
    };
    let out: unknown;
    try {
      out = step(rows, ctx);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw fail(`threw: ${why}`, error);
    }
    if (!Array.isArray(out)) {
      throw fail(`returned ${describeValue(out, 40)} instead of an array of rows`);
    }
    const kept: readonly R[] = dropped ? out.filter((row) => !dropped?.has(row)) : out;
    for (const row of kept) {
      const problem = rowProblem(run.kind, row);
      if (problem !== null) {
        const key = row !== null && typeof row === 'object' ? keyOf(row) : undefined;
        throw fail(
          `returned a row that cannot be loaded${typeof key === 'string' ? ` (${key})` : ''}: ${problem}`,
        );
      }
    }
    rows = kept;
  });
  // Applies the policy to the step rejects: throws RejectedRowsError for 'throw'.
  const stepRejects: RejectedRow[] = rejected.finish().rejects;
  const out: TransformResult<R> = {
    rows: rows as R[],
    rejects: stepRejects.length === 0 ? result.rejects : [...result.rejects, ...stepRejects],
  };
  if (result.warnings) out.warnings = result.warnings;
  return out;
}

function dateProblem(field: string, value: unknown): string | null {
  return typeof value === 'string' && parseIsoDate(value)
    ? null
    : `${field} is not a YYYY-MM-DD date: ${describeValue(value, 40)}`;
}

/** The canonical form the transformer writes (`Date#toISOString`): checked without parsing. */
const CANONICAL_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function instantProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string')
    return `${field} is not an ISO instant: ${describeValue(value, 40)}`;
  if (CANONICAL_INSTANT_RE.test(value) || Number.isFinite(Date.parse(value))) return null;
  return `${field} is not an ISO instant: ${describeValue(value, 40)}`;
}

/**
 * Why a row a step returned cannot be loaded, or `null`: the checks the transform made on the
 * way in (key present and well-formed, prices plain non-negative decimals, low ≤ open, close ≤
 * high), so a step can never load what the transformer would have rejected.
 */
function rowProblem(kind: StepKind, value: unknown): string | null {
  if (value === null || typeof value !== 'object') {
    return `not a row object: ${describeValue(value, 40)}`;
  }
  const row = value as Record<string, unknown>;
  if (typeof row.symbol !== 'string' || row.symbol === '') return 'symbol is missing';
  switch (kind) {
    case 'daily':
    case 'index': {
      const r = row as unknown as DailyPriceRow;
      return (
        dateProblem('tradeDate', r.tradeDate) ??
        validateBar(r) ??
        (kind === 'daily' && r.adjustedClose !== null && r.adjustedClose !== undefined
          ? validateAdjusted({
              adjustedClose: r.adjustedClose,
              dividendAmount: r.dividendAmount ?? '0',
              splitCoefficient: r.splitCoefficient ?? null,
            })
          : null)
      );
    }
    case 'weekly':
    case 'monthly': {
      const r = row as unknown as PeriodPriceRow;
      return (
        dateProblem('periodStart', r.periodStart) ??
        dateProblem('lastTradeDate', r.lastTradeDate) ??
        validateBar(r)
      );
    }
    case 'intraday': {
      const r = row as unknown as IntradayPriceRow;
      if (!INTRADAY_INTERVALS.includes(r.interval)) {
        return `interval is not one of ${INTRADAY_INTERVALS.join(', ')}: ${describeValue(r.interval, 20)}`;
      }
      return instantProblem('ts', r.ts) ?? validateBar(r);
    }
    case 'quote': {
      const r = row as unknown as QuoteRow;
      return (
        instantProblem('observedAt', r.observedAt) ??
        dateProblem('latestTradingDay', r.latestTradingDay) ??
        priceProblem('price', r.price)
      );
    }
    default:
      return typeof row.isActive === 'boolean' ? null : 'isActive is not a boolean';
  }
}
