import * as v from 'valibot';
import { ResponseFormatError } from '../../errors/api-errors';

/**
 * Shared pieces of the response parsers. Parsers are pure: they take the body text and return
 * typed results or throw {@link ResponseFormatError} naming the endpoint and what was wrong.
 */

/** A decimal as Alpha Vantage sends it: `313.0800`, `-0.25`, `0`. Kept as text (no float). */
export const DECIMAL_RE = /^-?\d+(?:\.\d+)?$/;
/** A non-negative integer (volumes). */
export const DIGITS_RE = /^\d+$/;
/** `YYYY-MM-DD` with a plausible month and day. */
export const DATE_RE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
/** `YYYY-MM-DD HH:MM:SS`. */
export const DATE_TIME_RE =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
/** `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (Last Refreshed is either, QUIRKS D.27). */
export const DATE_OR_DATE_TIME_RE =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?: (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)?$/;

/** Context naming the call in error messages. */
export interface ParseContext {
  /** Alpha Vantage `function`. */
  endpoint: string;
  /** Symbol of the call, when there was one. */
  symbol?: string;
}

/** Builds a {@link ResponseFormatError} that names the endpoint (and symbol). */
export function formatError(
  ctx: ParseContext,
  what: string,
  extra?: { cause?: unknown; issues?: readonly unknown[] },
): ResponseFormatError {
  const where = ctx.symbol ? `${ctx.endpoint} ${ctx.symbol}` : ctx.endpoint;
  return new ResponseFormatError(`Unexpected ${where} response: ${what}`, {
    endpoint: ctx.endpoint,
    ...(ctx.symbol ? { symbol: ctx.symbol } : {}),
    ...extra,
  });
}

/**
 * Parses a JSON body. Truncated text, HTML from a proxy, an empty body or a non-object top level
 * become a {@link ResponseFormatError}, never a bare `SyntaxError`.
 */
export function parseJsonBody(text: string, ctx: ParseContext): unknown {
  // Some recordings (and some proxies) start with a UTF-8 BOM, which JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = body.trimStart();
  if (head.length === 0) throw formatError(ctx, 'empty body');
  if (head.startsWith('<')) {
    throw formatError(ctx, `HTML instead of JSON (a proxy or error page?): ${snippet(head)}`);
  }
  try {
    return JSON.parse(body);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw formatError(ctx, `not valid JSON (truncated?): ${why}`, { cause });
  }
}

/** The first characters of a body, on one line, for error messages. */
export function snippet(text: string, max = 80): string {
  const line = text.slice(0, max).replace(/\s+/g, ' ').trim();
  return JSON.stringify(text.length > max ? `${line}…` : line);
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Strips an ordinal prefix: `1. open` → `open`, `01. symbol` → `symbol`, `1: Symbol` → `Symbol`. */
export function stripPrefix(key: string): string {
  return key.replace(/^\d+[.:]\s*/, '');
}

/** Copies an object with its keys' ordinal prefixes stripped (later duplicates win). */
export function stripKeys(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[stripPrefix(key)] = record[key];
  return out;
}

/**
 * Runs a valibot schema and turns failure into a {@link ResponseFormatError} listing the issues.
 */
export function check<TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
  ctx: ParseContext,
  what: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const detail = result.issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  throw formatError(ctx, `${what} ${detail}`, { issues: result.issues });
}

/** A valibot string that is a decimal. */
export const decimalSchema = v.pipe(v.string(), v.regex(DECIMAL_RE, 'not a decimal number'));
/** A valibot string of digits. */
export const digitsSchema = v.pipe(v.string(), v.regex(DIGITS_RE, 'not a whole number'));
/** A valibot `YYYY-MM-DD` string. */
export const dateSchema = v.pipe(v.string(), v.regex(DATE_RE, 'not a YYYY-MM-DD date'));
/** A valibot non-empty string. */
export const nonEmpty = v.pipe(v.string(), v.minLength(1, 'empty'));
/** A percent like `1.8418%` or `0.3456`, returned without the `%`. */
export const percentSchema = v.pipe(
  v.string(),
  v.transform((s) => (s.endsWith('%') ? s.slice(0, -1) : s)),
  v.regex(DECIMAL_RE, 'not a percentage'),
);
