/**
 * Bad usage of the command line — an argument, a flag, an environment variable — found before
 * anything is opened. Exit code 2; the message names the flag or variable to fix.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** A job, a check or the database failed. */
  failed: 1,
  /** Bad usage (arguments, flags, environment). */
  usage: 2,
  /** Interrupted with Ctrl-C (SIGINT): 128 + 2. */
  sigint: 130,
  /** Terminated (SIGTERM): 128 + 15. */
  sigterm: 143,
} as const;
