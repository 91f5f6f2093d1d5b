import { invalidCallText, noticeBody } from './notices';
import type { SessionIndex } from './sessions';
import type { FakeListingEntry, FakePlan } from './types';

/** One answer, before faults edit it. */
export interface Reply {
  /** HTTP status. */
  status: number;
  /** Body: text, or bytes for the large generated series. */
  body: string | Buffer;
  /** `Content-Type` header. */
  contentType: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** `served` for data, `rejected` for an error body. */
  outcome: 'served' | 'rejected';
}

/** Everything an endpoint handler may look at. */
export interface RequestContext {
  /** Upper-cased `function`. */
  fn: string;
  /** Query parameters. */
  params: URLSearchParams;
  /** Market time, UTC ms. */
  nowMs: number;
  /** The caller's plan. */
  plan: FakePlan;
  /** Calendar look-ups. */
  sessions: SessionIndex;
  /** First day of synthetic history. */
  historyStart: string;
  /** CSV line ending. */
  eol: string;
  /** Whether a symbol does not exist. */
  isUnknown(symbol: string): boolean;
  /** LISTING_STATUS rows. */
  listing: readonly FakeListingEntry[];
}

/** A JSON data reply. */
export function jsonReply(body: string | Buffer): Reply {
  return { status: 200, body, contentType: 'application/json', outcome: 'served' };
}

/**
 * A CSV data reply. The real service sends CSV as a download; clients should not depend on the
 * exact content type (and must sniff for a JSON error body first, QUIRKS §2).
 */
export function csvReply(body: string | Buffer, filename: string): Reply {
  return {
    status: 200,
    body,
    contentType: 'application/x-download',
    headers: { 'Content-Disposition': `attachment; filename=${filename}.csv` },
    outcome: 'served',
  };
}

/** `Invalid API call` for `fn`. */
export function invalidCall(fn: string): Reply {
  return {
    status: 200,
    body: noticeBody('Error Message', invalidCallText(fn)),
    contentType: 'application/json',
    outcome: 'rejected',
  };
}

/** The `datatype` asked for, or `null` when it is neither `json` nor `csv`. */
export function datatypeOf(params: URLSearchParams): 'json' | 'csv' | null {
  const d = params.get('datatype') ?? 'json';
  return d === 'json' || d === 'csv' ? d : null;
}

/** `outputsize`, or `null` when invalid. */
export function outputSizeOf(params: URLSearchParams): 'compact' | 'full' | null {
  const o = params.get('outputsize') ?? 'compact';
  return o === 'compact' || o === 'full' ? o : null;
}

/** A `true`/`false` flag with a default, or `null` when invalid. */
export function flagOf(params: URLSearchParams, name: string, fallback: boolean): boolean | null {
  const v = params.get(name);
  if (v === null) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}
