/**
 * PostgreSQL COPY text format: tab-separated columns, newline-terminated rows, `\N` for NULL, and
 * backslash escapes for backslash, tab, newline and carriage return.
 */

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY text form. */
export function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Yields COPY text for `rows`, `rowsPerChunk` rows per string so memory stays bounded while the
 * driver streams.
 */
export function* copyChunks<R>(
  rows: readonly R[],
  getters: readonly ((row: R) => string | null)[],
  rowsPerChunk = 2000,
): Generator<string> {
  const width = getters.length;
  let chunk = '';
  let n = 0;
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < width; i++) {
      const v = copyValue((getters[i] as (row: R) => string | null)(row));
      line = i === 0 ? v : `${line}\t${v}`;
    }
    chunk += `${line}\n`;
    if (++n === rowsPerChunk) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk) yield chunk;
}
