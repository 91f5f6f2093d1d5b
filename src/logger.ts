/** Fields attached to a log line. Never contains the API key. */
export type LogFields = Record<string, unknown>;

/**
 * The logger stock-etl writes to. `console` fits; so do pino and winston loggers.
 * The default is {@link noopLogger}: the library is silent unless you pass one.
 */
export interface Logger {
  /** Fine-grained progress (each request, each batch). */
  debug(message: string, fields?: LogFields): void;
  /** Milestones (job finished, schema installed). */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong but work goes on (a retry, a quarantined row). */
  warn(message: string, fields?: LogFields): void;
  /** A job or request failed for good. */
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything (the default). */
export const noopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
