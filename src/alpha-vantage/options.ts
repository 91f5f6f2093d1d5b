import { type Clock, systemClock } from '../clock';
import { ValidationError } from '../errors/validation-error';
import { type Logger, noopLogger } from '../logger';
import { NEW_YORK, zoneOffsetMinutes } from '../time/zone';
import { type BudgetStore, MemoryBudgetStore } from './budget-store';
import { DEFAULT_ENTITLEMENT_TTL_MS } from './entitlements';
import type { MalformedRowsMode } from './parse/series';
import type { RateLimits } from './rate-limiter';
import type { SharedRateLimit } from './shared-rate-limit';

/** Alpha Vantage subscription plans. */
export type AlphaVantagePlan =
  | 'free'
  | 'premium-75'
  | 'premium-150'
  | 'premium-300'
  | 'premium-600'
  | 'premium-1200';

/** Every plan name. */
export const PLANS: readonly AlphaVantagePlan[] = [
  'free',
  'premium-75',
  'premium-150',
  'premium-300',
  'premium-600',
  'premium-1200',
];

/** Retry policy for transient failures (network, timeout, 5xx, rate-limit notices). */
export interface RetryOptions {
  /**
   * Retries after the first attempt (so `retries + 1` attempts at most).
   * @default 4
   */
  retries?: number;
  /**
   * Backoff before the first retry; doubles each retry (equal jitter: half fixed, half random).
   * @default 1000
   */
  minDelayMs?: number;
  /**
   * Cap of one backoff (a rate-limit notice's own wait, e.g. 60 s for a per-minute limit, may exceed it).
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Total time budget of one call including retries; no retry starts that would end after it.
   * @default 120000
   */
  maxRetryTimeMs?: number;
  /**
   * Source of randomness for the jitter, in [0, 1) (inject for deterministic tests).
   * @default Math.random
   */
  random?: () => number;
}

/** Explicit request budgets; each given field overrides the plan's, `null` removes that limit. */
export interface RateLimitOptions {
  /** Requests per rolling second. */
  perSecond?: number | null;
  /** Requests per rolling minute. */
  perMinute?: number | null;
  /** Requests per budget day. */
  perDay?: number | null;
}

/** Options of `new AlphaVantageExtractor(options)`. */
export interface AlphaVantageExtractorOptions {
  /** The Alpha Vantage API key. Never logged, never put in errors or events. */
  apiKey: string;
  /**
   * Origin of the API; requests go to `${baseUrl}/query`.
   * @default 'https://www.alphavantage.co'
   */
  baseUrl?: string;
  /**
   * The key's plan, which sets the default budgets: `free` = 1/s and 25/day; `premium-N` = N/min,
   * no daily limit, and a per-second burst cap of max(5, N/60) (Alpha Vantage throttles premium
   * bursts at "5 req/s" per one report and documents 30/s for 1200/min; 5 is the safe floor).
   * It also sets what the pipeline asks for (a free key's daily jobs ask `compact`, since `full`
   * is premium), and premium refusals are remembered per plan: configuring another plan (after an
   * upgrade) forgets what the old one was refused, and a plan without a daily limit clears a
   * daily-limit mark left by one with a limit.
   * @default 'free'
   * @example 'premium-75'
   */
  plan?: AlphaVantagePlan;
  /** Budgets that override the plan's. */
  rateLimit?: RateLimitOptions;
  /**
   * The fetch implementation ky sends with; called as `fetch(url: string, { method, headers, signal })`.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Aborts every request of this extractor (e.g. on shutdown). */
  signal?: AbortSignal;
  /**
   * Timeout of one HTTP attempt (headers and body).
   * @default 30000
   */
  timeoutMs?: number;
  /** Retry policy. */
  retry?: RetryOptions;
  /**
   * Time source for the limiter, backoff and timeouts.
   * @default systemClock
   */
  clock?: Clock;
  /**
   * Where request lines go (debug), retries (warn), failures (error). Never sees the key.
   * @default noopLogger
   */
  logger?: Logger;
  /**
   * Where the daily budget, the daily-limit mark and the premium refusals of the key are kept;
   * use a `PostgresBudgetStore` to share them between processes (and data schemas).
   * @default new MemoryBudgetStore()
   */
  budgetStore?: BudgetStore;
  /**
   * The per-second and per-minute limits shared with every other process using the key (e.g. a
   * `PostgresRateLimit`): consulted before each request, after this extractor's own windows.
   * Without it each process paces only itself, and N processes together send N times the plan's rate.
   * @default undefined (the limits are this extractor's alone)
   */
  sharedRateLimit?: SharedRateLimit;
  /**
   * How long a premium refusal is remembered (no request is sent for it meanwhile). Alpha Vantage
   * moves endpoints and parameters in and out of premium, and keys get upgraded, so it expires.
   * @default 604800000 (7 days)
   */
  entitlementTtlMs?: number;
  /**
   * IANA zone whose midnight starts a new budget day. Alpha Vantage does not document its reset.
   * @default 'America/New_York'
   */
  budgetTimeZone?: string;
  /**
   * A bad bar (not a number, missing field, duplicated timestamp): `'throw'` fails the call with a
   * ResponseFormatError; `'report'` returns it in `result.malformed` and keeps the good bars.
   * @default 'throw'
   */
  malformedRows?: MalformedRowsMode;
}

/** Options after defaults and validation. @internal */
export interface ResolvedOptions {
  apiKey: string;
  plan: AlphaVantagePlan;
  /** Origin of the service (scope of the budget and the refusals). */
  origin: string;
  queryUrl: string;
  limits: RateLimits;
  fetch: typeof fetch;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  clock: Clock;
  logger: Logger;
  budgetStore: BudgetStore;
  sharedRateLimit: SharedRateLimit | undefined;
  budgetTimeZone: string;
  malformedRows: MalformedRowsMode;
  entitlementTtlMs: number;
}

/** Budgets of a plan (see {@link AlphaVantageExtractorOptions.plan}). */
export function planLimits(plan: AlphaVantagePlan): RateLimits {
  if (plan === 'free') return { perSecond: 1, perMinute: null, perDay: 25 };
  const perMinute = Number(plan.slice('premium-'.length));
  return { perSecond: Math.max(5, Math.floor(perMinute / 60)), perMinute, perDay: null };
}

/** Validates options and fills defaults. @internal */
export function resolveOptions(options: AlphaVantageExtractorOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options must be an object with at least apiKey', {
      field: 'options',
    });
  }
  const { apiKey } = options;
  if (typeof apiKey !== 'string' || apiKey.trim() === '' || /[\s&#?/]/.test(apiKey)) {
    throw new ValidationError(
      'options.apiKey must be a non-empty key without spaces or URL characters',
      {
        field: 'options.apiKey',
      },
    );
  }
  const plan = options.plan ?? 'free';
  if (!PLANS.includes(plan)) {
    throw new ValidationError(`options.plan must be one of ${PLANS.join(', ')}`, {
      field: 'options.plan',
    });
  }
  const limits = planLimits(plan);
  for (const key of ['perSecond', 'perMinute', 'perDay'] as const) {
    const value = options.rateLimit?.[key];
    if (value === undefined) continue;
    if (value !== null && !(Number.isFinite(value) && value > 0)) {
      throw new ValidationError(`options.rateLimit.${key} must be a positive number or null`, {
        field: `options.rateLimit.${key}`,
      });
    }
    limits[key] = value;
  }
  let base: URL;
  try {
    base = new URL(options.baseUrl ?? 'https://www.alphavantage.co');
  } catch (cause) {
    throw new ValidationError('options.baseUrl is not a URL', { field: 'options.baseUrl', cause });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new ValidationError('options.baseUrl must be http(s)', { field: 'options.baseUrl' });
  }
  const zone = options.budgetTimeZone ?? NEW_YORK;
  zoneOffsetMinutes(zone, 0); // throws ValidationError for an unknown zone
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') {
    throw new ValidationError('options.fetch must be a function', { field: 'options.fetch' });
  }
  const retry = {
    retries: positiveOrZero(options.retry?.retries, 4, 'retry.retries', true),
    minDelayMs: positiveOrZero(options.retry?.minDelayMs, 1_000, 'retry.minDelayMs'),
    maxDelayMs: positiveOrZero(options.retry?.maxDelayMs, 30_000, 'retry.maxDelayMs'),
    maxRetryTimeMs: positiveOrZero(options.retry?.maxRetryTimeMs, 120_000, 'retry.maxRetryTimeMs'),
    random: options.retry?.random ?? Math.random,
  };
  const malformedRows = options.malformedRows ?? 'throw';
  if (malformedRows !== 'throw' && malformedRows !== 'report') {
    throw new ValidationError("options.malformedRows must be 'throw' or 'report'", {
      field: 'options.malformedRows',
    });
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ValidationError('options.timeoutMs must be a positive number', {
      field: 'options.timeoutMs',
    });
  }
  const entitlementTtlMs = options.entitlementTtlMs ?? DEFAULT_ENTITLEMENT_TTL_MS;
  if (!(Number.isFinite(entitlementTtlMs) && entitlementTtlMs >= 0)) {
    throw new ValidationError('options.entitlementTtlMs must be a non-negative number', {
      field: 'options.entitlementTtlMs',
    });
  }
  return {
    apiKey,
    plan,
    origin: base.origin,
    entitlementTtlMs,
    queryUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}/query`,
    limits,
    fetch: fetchFn,
    signal: options.signal,
    timeoutMs,
    retry,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? noopLogger,
    budgetStore: options.budgetStore ?? new MemoryBudgetStore(),
    sharedRateLimit: options.sharedRateLimit,
    budgetTimeZone: zone,
    malformedRows,
  };
}

function positiveOrZero(
  value: number | undefined,
  fallback: number,
  name: string,
  integer = false,
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ValidationError(
      `options.${name} must be a non-negative ${integer ? 'integer' : 'number'}`,
      {
        field: `options.${name}`,
      },
    );
  }
  return value;
}
