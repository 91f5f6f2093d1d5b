import { describeValue } from '../../bounded-text';
import { DATE_OR_DATE_TIME_RE, formatError, type ParseContext, snippet } from './common';

/**
 * Alpha Vantage's `datatype=csv` bodies, turned into the JSON body the same endpoint sends, so
 * they go through the one parser of each endpoint (validation, malformed-bar reporting, duplicate
 * timestamps) — there is no second parser for CSV. Formats (API.md §2.1–2.6, recorded files):
 *
 * - series: `timestamp,open,high,low,close,volume`, adjusted daily with underscored names
 *   (`adjusted_close,volume,dividend_amount,split_coefficient`), adjusted weekly/monthly with
 *   spaces (`adjusted close,volume,dividend amount`), the old INTRADAY_EXTENDED with `time`;
 *   newest first; LF or CRLF; prices not always padded to 4 decimals.
 * - GLOBAL_QUOTE: `symbol,open,high,low,price,volume,latestDay,previousClose,change,changePercent`,
 *   one row, `%` kept on `changePercent`.
 *
 * A CSV series carries no `Meta Data`: the symbol is the requested one, the time zone
 * `US/Eastern` (the zone of every US equity series, API.md §3 — *assumed* for a CSV, which does
 * not say), last refreshed the newest well-formed timestamp.
 */

/** A CSV body split into a header (names normalised) and data rows. */
interface CsvTable {
  /** Column names: trimmed, lower-case, `_` as a space (`adjusted_close` → `adjusted close`). */
  header: string[];
  /** Data rows' cells (blank lines skipped). */
  rows: string[][];
}

function readCsv(text: string, ctx: ParseContext): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = body.trimStart();
  if (head.length === 0) throw formatError(ctx, 'empty body');
  if (head.startsWith('<')) {
    throw formatError(ctx, `HTML instead of CSV (a proxy or error page?): ${snippet(head)}`);
  }
  // Blank lines occur where a CRLF body was saved with its CRs turned into LFs (QUIRKS).
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/_/g, ' '));
  return { header, rows: lines.slice(1).map((line) => line.split(',')) };
}

function requireColumns(table: CsvTable, names: readonly string[], ctx: ParseContext): void {
  const missing = names.filter((n) => !table.header.includes(n));
  if (missing.length > 0) {
    throw formatError(
      ctx,
      `CSV header lacks ${missing.join(', ')}: ${describeValue(table.header.join(','), 200)}`,
    );
  }
}

/** How a CSV series maps to the endpoint's JSON body. */
export interface CsvSeriesSpec extends ParseContext {
  /** The JSON body's series key, e.g. `Time Series (Daily)`. */
  seriesKey: string;
  /** Columns every row must have besides the time (`open`, …, `adjusted close`, …). */
  columns: readonly string[];
  /** For intraday series: the requested interval, put into `Meta Data`. */
  interval?: string;
}

/**
 * A TIME_SERIES_* CSV body → the endpoint's JSON body text. Rows keep their order, and a
 * timestamp repeated in the CSV is repeated as a JSON key, so the series parser sees duplicates
 * exactly as in a JSON body. A row with fewer cells than the header lacks the last fields (the
 * parser reports them missing); a row with more cells cannot be read safely: its time is marked
 * (`… (CSV row with 7 cells, header has 6)`) so the parser reports it as malformed.
 * @throws {@link ResponseFormatError} for an empty or HTML body, or a header without the columns
 */
export function csvSeriesToJson(text: string, spec: CsvSeriesSpec): string {
  const table = readCsv(text, spec);
  const timeColumn = table.header.includes('timestamp') ? 'timestamp' : 'time';
  requireColumns(table, [timeColumn, ...spec.columns], spec);
  const t = table.header.indexOf(timeColumn);
  const newest = table.rows.find((cells) => DATE_OR_DATE_TIME_RE.test(cells[t]?.trim() ?? ''));
  const meta: Record<string, string> = {
    '1. Information': `${spec.endpoint} (from CSV)`,
    '2. Symbol': spec.symbol ?? '',
    '3. Last Refreshed': newest?.[t]?.trim() ?? '',
  };
  if (spec.interval !== undefined) meta['4. Interval'] = spec.interval;
  meta['5. Time Zone'] = 'US/Eastern';
  const bars = table.rows.map((cells) => {
    let time = cells[t]?.trim() ?? '';
    // Which cell is which is unknown: the bar is reported malformed by its (marked) time.
    if (cells.length > table.header.length) {
      time = `${time} (CSV row with ${cells.length} cells, header has ${table.header.length})`;
    }
    const fields = table.header
      .map((name, i) =>
        i === t || i >= cells.length
          ? null
          : `${JSON.stringify(`${i + 1}. ${name}`)}:${JSON.stringify(cells[i]?.trim())}`,
      )
      .filter((field) => field !== null);
    return `${JSON.stringify(time)}:{${fields.join(',')}}`;
  });
  return `{"Meta Data":${JSON.stringify(meta)},${JSON.stringify(spec.seriesKey)}:{${bars.join(',')}}}`;
}

/**
 * An INDEX_DATA CSV body (assumed to be shaped like the stock series': `timestamp,open,…`; no
 * recording exists) → a JSON body with one `data` array, one object per row.
 */
export function csvIndexToJson(text: string, ctx: ParseContext): string {
  const table = readCsv(text, ctx);
  const timeColumn = table.header.includes('timestamp') ? 'timestamp' : 'date';
  requireColumns(table, [timeColumn, 'open', 'high', 'low', 'close'], ctx);
  const data = table.rows.map((cells) =>
    Object.fromEntries(table.header.map((name, i) => [name, cells[i]?.trim() ?? ''])),
  );
  return JSON.stringify({ 'Meta Data': { Symbol: ctx.symbol ?? '' }, data });
}

/** GLOBAL_QUOTE CSV column → the JSON field it stands for. */
const QUOTE_FIELDS: Record<string, string> = {
  symbol: '01. symbol',
  open: '02. open',
  high: '03. high',
  low: '04. low',
  price: '05. price',
  volume: '06. volume',
  latestday: '07. latest trading day',
  previousclose: '08. previous close',
  change: '09. change',
  changepercent: '10. change percent',
};

/**
 * A GLOBAL_QUOTE CSV body → `{"Global Quote": {…}}` with the JSON field names. A header without
 * a row becomes `{"Global Quote": {}}` — what the JSON endpoint answers for an unknown symbol.
 * @throws {@link ResponseFormatError} for more than one row, or a header without the columns
 */
export function csvQuoteToJson(text: string, ctx: ParseContext): string {
  const table = readCsv(text, ctx);
  const names = table.header.map((h) => h.replace(/ /g, ''));
  requireColumns({ ...table, header: names }, Object.keys(QUOTE_FIELDS), ctx);
  if (table.rows.length > 1) {
    throw formatError(ctx, `CSV has ${table.rows.length} quote rows, expected one`);
  }
  const quote: Record<string, string> = {};
  const cells = table.rows[0];
  if (cells) {
    names.forEach((name, i) => {
      const field = QUOTE_FIELDS[name];
      if (field) quote[field] = cells[i]?.trim() ?? '';
    });
  }
  return JSON.stringify({ 'Global Quote': quote });
}
