/**
 * Reading a SQLSTATE out of what a database driver threw. No imports, so the error classes and
 * `errorCodeOf` can share it without an import cycle.
 */

/** Five characters; never Node's errno style (`EPIPE`, `ECONNRESET`), which no SQLSTATE class uses. */
const SQLSTATE = /^(?!E[A-Z]{4}$)[0-9A-Z]{5}$/;

/** Socket-level failures of a driver, by Node's error code, and the SQLSTATE that describes them. */
const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: '08001',
  ENOTFOUND: '08001',
  EHOSTUNREACH: '08001',
  ENETUNREACH: '08001',
  EAI_AGAIN: '08001',
  ETIMEDOUT: '08006',
  ECONNRESET: '08006',
  ECONNABORTED: '08006',
  EPIPE: '08006',
};

/** pg's and PGlite's wording for a connection that is gone (they set no code). */
const LOST_MESSAGES: readonly [RegExp, string][] = [
  [/^Connection terminated/i, '08006'],
  [/not queryable|Client was closed|PGlite is closed/i, '08003'],
  [/timeout exceeded when trying to connect|connection timeout/i, '08001'],
];

/**
 * The SQLSTATE a driver error stands for: its own `code` when that is a SQLSTATE (pg, PGlite), the
 * `08xxx` code for pg's "Connection terminated …" family and — with `socket` — for Node socket
 * errors (`ECONNRESET`, `EPIPE`, `ECONNREFUSED`, …), which only mean "database" when the caller
 * knows the error came from a database driver. `undefined` otherwise.
 * @internal
 */
export function driverSqlstate(error: unknown, socket = false): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLSTATE.test(code)) return code;
    if (socket && SOCKET_ERRORS[code]) return SOCKET_ERRORS[code];
  }
  return LOST_MESSAGES.find(([pattern]) => pattern.test(error.message))?.[1];
}
