import { ValidationError } from '../errors/validation-error';

/** The schema stock-etl installs into unless told otherwise. */
export const DEFAULT_SCHEMA = 'stock_etl';

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Names PostgreSQL keeps for itself: every `pg_` schema (`pg_catalog`, `pg_toast`, the
 * per-session `pg_temp_N`, …; `CREATE SCHEMA` refuses the prefix) and `information_schema`.
 * Compared case-insensitively: `PG_Catalog` would be a legal but confusing twin.
 */
const RESERVED_SCHEMA = /^(pg_|information_schema$)/i;

/**
 * Validates a schema name and returns it quoted for SQL (`"stock_etl"`).
 *
 * Only plain identifiers are accepted (a letter or `_`, then letters, digits or `_`; at most 63
 * bytes, PostgreSQL's limit). Anything else — quotes, spaces, semicolons — is a
 * {@link ValidationError}, so a hostile name can never reach the SQL text; so are the names
 * PostgreSQL reserves for its own schemas (`pg_catalog`, `pg_temp…`, `pg_toast…`, anything
 * starting with `pg_`, and `information_schema`).
 * @internal
 */
export function quoteSchema(schema: string | undefined, field = 'schema'): string {
  const name = schema ?? DEFAULT_SCHEMA;
  if (typeof name !== 'string' || !PLAIN_IDENTIFIER.test(name)) {
    throw new ValidationError(
      `Invalid ${field} ${JSON.stringify(name)}: use a plain identifier (letters, digits and _, starting with a letter or _, at most 63 characters)`,
      { field },
    );
  }
  if (RESERVED_SCHEMA.test(name)) {
    throw new ValidationError(
      `Invalid ${field} ${JSON.stringify(name)}: names starting with pg_ and information_schema are reserved for PostgreSQL's own schemas`,
      { field },
    );
  }
  return `"${name}"`;
}

/** Replaces the `:SCHEMA` placeholder of a SQL text with the quoted schema. */
export function withSchema(sql: string, quotedSchema: string): string {
  return sql.replaceAll(':SCHEMA.', `${quotedSchema}.`);
}
