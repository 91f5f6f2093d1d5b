import type { Db } from '../db/types';
import type { StockRow } from '../transform/rows';
import type { TableSpec } from './table-spec';
import type { LoadCounts } from './upsert';
import { dedupeByKey } from './upsert';

const stockKeySpec: TableSpec<StockRow> = {
  table: 'stocks',
  columns: [{ name: 'symbol', type: 'text', get: (r) => r.symbol }],
  key: ['symbol'],
  update: [],
  touchUpdatedAt: true,
};

/**
 * Upserts master data into `stocks`. A field the source did not give (null) never erases a known
 * value — LISTING_STATUS has no sector, OVERVIEW has no IPO date — and a row whose `isActive` is
 * false soft-deletes the symbol (`is_active = false`, `deactivated_at` set once); rows are never
 * deleted. A delisted symbol that is listed as active again is reactivated.
 */
export async function upsertStocks(
  db: Db,
  q: string,
  input: readonly StockRow[],
): Promise<LoadCounts> {
  if (input.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const rows = dedupeByKey(input, stockKeySpec);
  const col = <K extends keyof StockRow>(k: K) => rows.map((r) => r[k]);
  const fields = [
    'name',
    'exchange',
    'asset_type',
    'currency',
    'sector',
    'industry',
    'country',
    'ipo_date',
    'delisting_date',
    'overview',
  ];
  const merged = fields.map((f) => `COALESCE(EXCLUDED.${f}, t.${f})`);
  const sql = `WITH upserted AS (
      INSERT INTO ${q}.stocks AS t (symbol, ${fields.join(', ')}, is_active, deactivated_at)
      SELECT s.symbol, s.name, s.exchange, s.asset_type, s.currency, s.sector, s.industry, s.country,
             s.ipo_date, s.delisting_date, s.overview, s.is_active,
             CASE WHEN s.is_active THEN NULL ELSE now() END
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                    $8::text[], $9::date[], $10::date[], $11::jsonb[], $12::boolean[])
          AS s(symbol, name, exchange, asset_type, currency, sector, industry, country, ipo_date,
               delisting_date, overview, is_active)
      ON CONFLICT (symbol) DO UPDATE SET
        ${fields.map((f, i) => `${f} = ${merged[i]}`).join(',\n        ')},
        is_active = EXCLUDED.is_active,
        deactivated_at = CASE WHEN EXCLUDED.is_active THEN NULL ELSE COALESCE(t.deactivated_at, now()) END,
        updated_at = now()
      WHERE (${fields.map((f) => `t.${f}`).join(', ')}, t.is_active)
            IS DISTINCT FROM (${merged.join(', ')}, EXCLUDED.is_active)
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
           count(*) FILTER (WHERE NOT inserted)::int AS updated
      FROM upserted`;
  const { rows: out } = await db.query<{ inserted: number; updated: number }>(sql, [
    col('symbol'),
    col('name'),
    col('exchange'),
    col('assetType'),
    col('currency'),
    col('sector'),
    col('industry'),
    col('country'),
    col('ipoDate'),
    col('delistingDate'),
    rows.map((r) => (r.overview ? JSON.stringify(r.overview) : null)),
    col('isActive'),
  ]);
  const inserted = out[0]?.inserted ?? 0;
  const updated = out[0]?.updated ?? 0;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}

/**
 * Soft-deletes `symbols` (`is_active = false`); returns how many were active before. Unknown
 * symbols are ignored. Nothing is ever deleted.
 */
export async function deactivateStocks(
  db: Db,
  q: string,
  symbols: readonly string[],
): Promise<number> {
  if (symbols.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE ${q}.stocks SET is_active = false, deactivated_at = now(), updated_at = now()
      WHERE symbol = ANY($1::text[]) AND is_active`,
    [symbols],
  );
  return rowCount;
}
