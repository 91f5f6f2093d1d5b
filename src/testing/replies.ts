import { ValidationError } from '../errors/validation-error';
import type { Reply } from './context';
import {
  dailyLimitText,
  freeBurstText,
  freeMinuteNoteText,
  htmlErrorPage,
  INVALID_KEY_TEXT,
  invalidCallText,
  noticeBody,
  PREMIUM_ENDPOINT_TEXT,
  PREMIUM_MINUTE_TEXT,
  premiumBurstText,
  premiumParameterText,
} from './notices';
import { type FakeAlphaVantageOptions, PLAN_LIMITS } from './options';
import type { LimitHit } from './rate-limiter';
import type { FakeRateLimit, FaultSpec } from './types';

/** A one-key notice reply. */
export function notice(key: 'Information' | 'Note' | 'Error Message', text: string): Reply {
  return {
    status: 200,
    body: noticeBody(key, text),
    contentType: 'application/json',
    outcome: 'rejected',
  };
}

/** A non-JSON reply (error pages). */
export function plain(status: number, body: string, contentType = 'text/html'): Reply {
  return { status, body, contentType, outcome: 'rejected' };
}

/** Throws {@link ValidationError} for unusable options. */
export function validateOptions(o: FakeAlphaVantageOptions): void {
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) {
    throw new ValidationError('`port` must be an integer 0–65535', { field: 'port' });
  }
  if (o.plan !== undefined && !Object.hasOwn(PLAN_LIMITS, o.plan)) {
    throw new ValidationError(`\`plan\` must be one of ${Object.keys(PLAN_LIMITS).join(', ')}`, {
      field: 'plan',
    });
  }
  for (const p of o.premiumParameters ?? []) {
    if (!p?.function || !p.parameter || typeof p.value !== 'string') {
      throw new ValidationError('`premiumParameters` entries need function, parameter and value', {
        field: 'premiumParameters',
      });
    }
  }
  if (o.historyStart !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.historyStart)) {
    throw new ValidationError('`historyStart` must be YYYY-MM-DD', { field: 'historyStart' });
  }
  const limits: Array<[string, FakeRateLimit | undefined]> = [['rateLimit', o.rateLimit]];
  for (const [k, v] of Object.entries(o.keys ?? {}))
    limits.push([`keys.${k === '' ? "''" : '…'}`, v]);
  for (const [field, l] of limits) {
    for (const w of ['perSecond', 'perMinute', 'perDay'] as const) {
      const n = l?.[w];
      if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
        throw new ValidationError(`\`${field}.${w}\` must be a non-negative integer`, { field });
      }
    }
  }
}

/** The notice for a request refused by the server's own limits, worded per plan and window. */
export function limitNotice(
  hit: LimitHit,
  free: boolean,
  apiKey: string,
  l: FakeRateLimit,
  wording: 'A' | 'B',
): Reply {
  const perDay = l.perDay ?? 25;
  if (hit === 'day') return notice('Information', dailyLimitText(apiKey, perDay, wording));
  if (hit === 'minute') {
    return free
      ? notice('Note', freeMinuteNoteText(l.perMinute!, perDay))
      : notice('Information', PREMIUM_MINUTE_TEXT);
  }
  return free
    ? notice('Information', freeBurstText(l.perSecond!, perDay))
    : notice('Information', premiumBurstText(l.perSecond!));
}

/** The body of a fault that replaces the answer outright. */
export function scriptedReply(
  fault: FaultSpec,
  fn: string,
  apiKey: string,
  wording: 'A' | 'B',
): Reply {
  switch (fault.kind) {
    case 'http-500':
      return plain(500, htmlErrorPage(500));
    case 'http-503':
      return plain(503, htmlErrorPage(503));
    case 'html':
      return plain(fault.status ?? 502, htmlErrorPage(502));
    case 'empty-object':
      return { status: 200, body: '{}', contentType: 'application/json', outcome: 'rejected' };
    case 'rate-limit-note':
      return notice('Note', freeMinuteNoteText(5, 500));
    case 'rate-limit-information':
      return notice('Information', freeBurstText(1, 25));
    case 'burst':
      return notice('Information', premiumBurstText(5));
    case 'daily-limit':
      return notice('Information', dailyLimitText(apiKey, 25, wording));
    case 'premium':
      return notice('Information', PREMIUM_ENDPOINT_TEXT);
    case 'premium-parameter':
      return notice('Information', premiumParameterText('outputsize', 'full', fn));
    case 'invalid-call':
      return notice('Error Message', invalidCallText(fn));
    default:
      return notice('Error Message', INVALID_KEY_TEXT);
  }
}

/** Whether a fixture's `match` fits the query (`apikey` is never compared). */
export function matchesFixture(match: Record<string, string>, params: URLSearchParams): boolean {
  for (const [k, v] of Object.entries(match)) {
    if (k === 'apikey') continue;
    const actual = params.get(k);
    if (actual === null) return false;
    if (
      k === 'function' || k === 'symbol' ? actual.toUpperCase() !== v.toUpperCase() : actual !== v
    )
      return false;
  }
  return true;
}
