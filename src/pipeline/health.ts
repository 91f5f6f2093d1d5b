import { MarketCalendar } from '../calendar';
import { type Clock, systemClock } from '../clock';
import { toDb } from '../db/adapters';
import { DEFAULT_SCHEMA, quoteSchema } from '../db/identifier';
import { SCHEMA_VERSION } from '../db/install';
import type { Db, DbHandle } from '../db/types';
import type { PremiumParameter } from '../errors/api-errors';
import { listDeadJobs } from '../load/job-log';
import { listDailyWatermarks, pingDb, readSchemaVersion } from '../load/status-queries';
import { deadJobsCheck } from './job-status';
import { DEFAULT_STALE_JOB_AFTER_MS } from './lease';
import { newYorkDate } from './planning';

/** Anything with a `budget()` method, like {@link AlphaVantageExtractor}. */
export interface BudgetSource {
  /** The API budget of the day. */
  budget(): Promise<{
    /** The daily limit, or `null` when there is none. */
    perDay: number | null;
    /** Requests spent in the current budget day. */
    usedToday: number;
    /** Requests left today, or `null` without a daily limit. */
    remainingToday: number | null;
  }>;
  /** What the key was refused as premium and is not asked again (listed by the `api-refusals` check). */
  refusals?(): Promise<
    {
      /** The refused endpoint. */
      endpoint: string;
      /** The refused parameter value, `null` for the whole endpoint. */
      parameter: PremiumParameter | null;
      /** When it was refused. */
      refusedAt: Date;
    }[]
  >;
}

/** Options of {@link healthCheck}. */
export interface HealthCheckOptions {
  /** Schema. @default 'stock_etl' */
  schema?: string;
  /** The extractor, to report the remaining API budget. */
  extractor?: BudgetSource;
  /** Calendar for freshness. @default new MarketCalendar() */
  calendar?: MarketCalendar;
  /** Time source. @default systemClock */
  clock?: Clock;
  /**
   * A `running` job without a lease that recorded no heartbeat limit of its own (rows written
   * before 0.2) counts as dead after this long without a heartbeat. Jobs with a lease are judged
   * by the lease alone, at once.
   * @default 1800000 (30 minutes)
   */
  stuckAfterMs?: number;
  /**
   * Daily data is stale when its newest trading day is more than this many trading days behind
   * the last completed session.
   * @default 1
   */
  maxLagTradingDays?: number;
}

/** One check of {@link healthCheck}. */
export interface HealthCheckItem {
  /** Check name: `database`, `schema`, `jobs`, `freshness`, `api-budget`, `api-refusals`. */
  name: string;
  /** Passed? */
  ok: boolean;
  /** What was found. */
  detail: string;
}

/** What {@link healthCheck} reports. */
export interface HealthReport {
  /** True when every check passed. */
  ok: boolean;
  /** The checks. */
  checks: HealthCheckItem[];
}

/**
 * Checks the ETL's health: database reachable, schema version current, no dead jobs, daily data
 * fresh against the market calendar, API budget left. Never throws for an unhealthy system; a
 * failing check is reported with `ok: false`.
 *
 * Read-only: the `jobs` check reports jobs still marked `running` whose process is gone (see
 * {@link StatusReport.deadJobs}) and fails while there are any; the next pipeline run marks them
 * failed (`STALE`).
 */
export async function healthCheck(
  db: DbHandle,
  options: HealthCheckOptions = {},
): Promise<HealthReport> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const clock = options.clock ?? systemClock;
  const calendar = options.calendar ?? new MarketCalendar();
  const checks: HealthCheckItem[] = [];
  const d = toDb(db);
  try {
    await pingDb(d);
    checks.push({ name: 'database', ok: true, detail: 'reachable' });
  } catch (e) {
    checks.push({ name: 'database', ok: false, detail: `unreachable: ${(e as Error).message}` });
    return { ok: false, checks };
  }
  try {
    const version = await readSchemaVersion(d, q);
    checks.push({
      name: 'schema',
      ok: version >= SCHEMA_VERSION,
      detail:
        version >= SCHEMA_VERSION
          ? `version ${version}`
          : `version ${version}, package expects ${SCHEMA_VERSION}: run installSchema`,
    });
  } catch {
    checks.push({
      name: 'schema',
      ok: false,
      detail: `schema "${schema}" is not installed: run installSchema`,
    });
    return { ok: false, checks };
  }
  const now = clock.now();
  const dead = await listDeadJobs(
    d,
    q,
    new Date(now),
    options.stuckAfterMs ?? DEFAULT_STALE_JOB_AFTER_MS,
  );
  checks.push(deadJobsCheck(dead));
  checks.push(await freshnessCheck(d, q, calendar, now, options.maxLagTradingDays ?? 1));
  if (options.extractor) {
    try {
      const b = await options.extractor.budget();
      checks.push({
        name: 'api-budget',
        ok: b.remainingToday === null || b.remainingToday > 0,
        detail:
          b.remainingToday === null
            ? `no daily limit (${b.usedToday} used today)`
            : `${b.remainingToday} of ${b.perDay} requests left today`,
      });
    } catch (e) {
      checks.push({ name: 'api-budget', ok: false, detail: `unknown: ${(e as Error).message}` });
    }
    if (options.extractor.refusals) checks.push(await refusalsCheck(options.extractor));
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** Lists remembered premium refusals; informational (a refusal is the plan, not a fault). */
async function refusalsCheck(source: BudgetSource): Promise<HealthCheckItem> {
  try {
    const list = (await source.refusals?.()) ?? [];
    const shown = list.map(
      (r) =>
        `${r.endpoint}${r.parameter ? ` ${r.parameter.name}=${r.parameter.value}` : ''} (since ${r.refusedAt.toISOString()})`,
    );
    return {
      name: 'api-refusals',
      ok: true,
      detail:
        list.length === 0
          ? 'no premium refusals remembered'
          : `refused as premium: ${shown.join(', ')}`,
    };
  } catch (e) {
    return { name: 'api-refusals', ok: true, detail: `unknown: ${(e as Error).message}` };
  }
}

async function freshnessCheck(
  db: Db,
  q: string,
  calendar: MarketCalendar,
  now: number,
  maxLag: number,
): Promise<HealthCheckItem> {
  const rows = await listDailyWatermarks(db, q);
  if (rows.length === 0)
    return { name: 'freshness', ok: true, detail: 'no daily data tracked yet' };
  // The newest session that has closed by now: its bar is what "fresh" daily data ends with.
  const today = newYorkDate(now);
  const todaySession = calendar.session(today);
  const expected =
    todaySession && todaySession.close.getTime() <= now
      ? today
      : calendar.previousTradingDay(today);
  const stale = rows.filter((r) => {
    const day = r.lastPoint.slice(0, 10);
    if (day >= expected) return false;
    const lag = calendar.tradingDaysBetween(day, expected).filter((d) => d > day).length;
    return lag > maxLag;
  });
  return {
    name: 'freshness',
    ok: stale.length === 0,
    detail:
      stale.length === 0
        ? `${rows.length} daily series current (through ${expected})`
        : `${stale.length} of ${rows.length} daily series behind ${expected}: ${stale
            .slice(0, 5)
            .map((r) => `${r.symbol} ${r.dataset} at ${r.lastPoint}`)
            .join(', ')}`,
  };
}
