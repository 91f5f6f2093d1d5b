import type { BudgetScope, KnownRefusal } from '../alpha-vantage/budget-store';
import { PLANS } from '../alpha-vantage/options';
import type { Db } from '../db/types';

// SQL of the `api_refusals` table: premium refusals remembered per key hash and service origin.
// `parameter` / `value` are '' for a refusal of the whole endpoint.

/** Inserts or refreshes one refusal. @internal */
export async function upsertRefusal(
  db: Db,
  table: string,
  scope: BudgetScope,
  r: KnownRefusal,
): Promise<void> {
  await db.query(
    `INSERT INTO ${table} (key_hash, origin, plan, endpoint, parameter, value, refused_at, notice)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (key_hash, origin, plan, endpoint, parameter, value)
     DO UPDATE SET refused_at = GREATEST(EXCLUDED.refused_at, ${table}.refused_at),
                   notice = COALESCE(EXCLUDED.notice, ${table}.notice)`,
    [
      scope.keyHash,
      scope.origin,
      r.plan,
      r.endpoint,
      r.parameter?.name ?? '',
      r.parameter?.value ?? '',
      r.refusedAt.toISOString(),
      r.notice,
    ],
  );
}

/** Refusals of a scope recorded at or after `since`, oldest first. @internal */
export async function selectRefusals(
  db: Db,
  table: string,
  scope: BudgetScope,
  since: Date,
): Promise<KnownRefusal[]> {
  const { rows } = await db.query<{
    plan: string;
    endpoint: string;
    parameter: string;
    value: string;
    refused_at: string | Date;
    notice: string | null;
  }>(
    `SELECT plan, endpoint, parameter, value, refused_at, notice FROM ${table}
      WHERE key_hash = $1 AND origin = $2 AND refused_at >= $3
      ORDER BY refused_at, endpoint, parameter, value`,
    [scope.keyHash, scope.origin, since.toISOString()],
  );
  const out: KnownRefusal[] = [];
  for (const row of rows) {
    // A plan name this package does not know (written by a newer one) cannot apply to it.
    const plan = PLANS.find((p) => p === row.plan);
    if (!plan) continue;
    out.push({
      endpoint: row.endpoint,
      parameter: row.parameter === '' ? null : { name: row.parameter, value: row.value },
      plan,
      refusedAt: new Date(row.refused_at),
      notice: row.notice,
    });
  }
  return out;
}

/** Deletes every refusal of a scope; returns how many. @internal */
export async function deleteRefusals(db: Db, table: string, scope: BudgetScope): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM ${table} WHERE key_hash = $1 AND origin = $2 RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [scope.keyHash, scope.origin],
  );
  return rows[0]?.n ?? 0;
}
