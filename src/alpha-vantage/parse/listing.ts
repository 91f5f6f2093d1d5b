import { describeValue } from '../../bounded-text';
import type { ListingEntry } from '../types';
import { DATE_RE, formatError, type ParseContext, snippet } from './common';

/**
 * LISTING_STATUS is CSV only (API.md §2.10) and unquoted (QUIRKS C.22): names never contain commas
 * but carry trailing spaces and HTML entities; lines end in LF or CRLF (C.21); blank lines occur.
 * Columns are located by header name, not position, so a reordered or widened header still parses.
 */

const COLUMNS = [
  'symbol',
  'name',
  'exchange',
  'assetType',
  'ipoDate',
  'delistingDate',
  'status',
] as const;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Decodes the HTML entities seen in LISTING_STATUS names (`&NBSP;`, `&amp;`, `&#39;`). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X'
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Parses a LISTING_STATUS CSV body. */
export function parseListingStatus(text: string, ctx: ParseContext): ListingEntry[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart().startsWith('<')) {
    throw formatError(
      ctx,
      `HTML instead of CSV (a proxy or error page?): ${snippet(body.trimStart())}`,
    );
  }
  const lines = body.split(/\r?\n|\r/);
  let i = 0;
  while (i < lines.length && (lines[i] as string).trim() === '') i++;
  const header = (lines[i] ?? '').split(',').map((h) => h.trim());
  const index = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, k) => index[k] === -1);
  if (missing.length > 0) {
    throw formatError(ctx, `CSV header lacks ${missing.join(', ')}: ${snippet(lines[i] ?? '')}`);
  }
  const [iSymbol, iName, iExchange, iType, iIpo, iDelist, iStatus] = index as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const out: ListingEntry[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const row = i + 1;
    if (cells.length !== header.length) {
      throw formatError(
        ctx,
        `line ${row} has ${cells.length} fields, expected ${header.length} (truncated?)`,
      );
    }
    const cell = (k: number) => (cells[k] as string).trim();
    const symbol = cell(iSymbol);
    if (symbol === '') throw formatError(ctx, `line ${row} has an empty symbol`);
    const status = cell(iStatus);
    if (status !== 'Active' && status !== 'Delisted') {
      throw formatError(
        ctx,
        `line ${row}: status ${describeValue(status, 40)} is not Active/Delisted`,
      );
    }
    out.push({
      symbol,
      name: decodeEntities(cell(iName)).trim(),
      exchange: cell(iExchange),
      assetType: cell(iType),
      ipoDate: optionalDate(cell(iIpo), 'ipoDate', row, ctx),
      delistingDate: optionalDate(cell(iDelist), 'delistingDate', row, ctx),
      status,
    });
  }
  return out;
}

function optionalDate(value: string, field: string, row: number, ctx: ParseContext): string | null {
  if (value === '' || value === 'null' || value === 'None') return null;
  if (!DATE_RE.test(value))
    throw formatError(ctx, `line ${row}: ${field} ${describeValue(value, 40)} is not a date`);
  return value;
}
