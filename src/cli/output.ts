import type {
  BackfillResult,
  BatchResult,
  HealthReport,
  JobResult,
  StatusReport,
} from '../pipeline';

/** One line per job. */
export function formatJob(j: JobResult): string {
  const base = `${j.status === 'success' ? 'ok  ' : 'FAIL'} ${j.symbol.padEnd(8)} ${j.dataset.padEnd(16)}`;
  if (j.status === 'failed') return `${base} ${j.error?.code}: ${j.error?.message}`;
  return `${base} extracted ${j.extracted}, inserted ${j.inserted}, updated ${j.updated}, unchanged ${j.unchanged}, rejected ${j.rejected} (${j.apiCalls} call${j.apiCalls === 1 ? '' : 's'}, ${Math.round(j.durationMs)} ms)`;
}

/** The totals line of a batch. */
export function formatTotals(b: BatchResult): string {
  const t = b.totals;
  return `${b.succeeded} succeeded, ${b.failed} failed: inserted ${t.inserted}, updated ${t.updated}, unchanged ${t.unchanged}, rejected ${t.rejected}, ${t.apiCalls} API calls, ${(b.durationMs / 1000).toFixed(1)} s`;
}

/** The per-job statistics table (`--table`, the original `--pipeline`), then the totals. */
export function formatJobTable(b: BatchResult): string {
  const head = [
    'symbol',
    'dataset',
    'status',
    'extracted',
    'inserted',
    'updated',
    'unchanged',
    'rejected',
    'calls',
    'ms',
    'error',
  ];
  const rows = b.jobs.map((j) => [
    j.symbol,
    j.dataset,
    j.status,
    ...[j.extracted, j.inserted, j.updated, j.unchanged, j.rejected, j.apiCalls].map(String),
    String(Math.round(j.durationMs)),
    j.error ? `${j.error.code}: ${j.error.message}` : '',
  ]);
  const t = b.totals;
  rows.push([
    'total',
    '',
    `${b.succeeded} ok`,
    ...[t.extracted, t.inserted, t.updated, t.unchanged, t.rejected, t.apiCalls].map(String),
    String(Math.round(b.durationMs)),
    b.failed ? `${b.failed} failed` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (i: number) => i >= 3 && i <= 9;
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === cells.length - 1
          ? c
          : numeric(i)
            ? c.padStart(widths[i] ?? 0)
            : c.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w, i) => (i === widths.length - 1 ? '-----' : '-'.repeat(w))).join('  ');
  return [line(head), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) ?? [])].join(
    '\n',
  );
}

/** A backfill summary. */
export function formatBackfill(r: BackfillResult): string {
  const loaded = r.months.filter((m) => m.status === 'loaded').length;
  const skipped = r.months.filter((m) => m.status === 'skipped').length;
  const head = `${r.status === 'success' ? 'ok  ' : 'FAIL'} backfill ${r.symbol} ${r.interval}: ${loaded} month(s) loaded, ${skipped} skipped; inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected} (${r.apiCalls} calls, ${(r.durationMs / 1000).toFixed(1)} s)`;
  const lines = [head];
  for (const m of r.rejectedMonths) {
    lines.push(
      `  ${m.month}: ${m.rejected} row(s) rejected after ${m.fetches} fetch(es); ${m.refetch ? 'the next backfill fetches it again' : 're-fetches used up'}`,
    );
  }
  if (r.error) lines.push(`  ${r.error.code}: ${r.error.message}`);
  return lines.join('\n');
}

/** A status report as text. */
export function formatStatus(s: StatusReport): string {
  const lines = [
    `schema ${s.schema} (version ${s.schemaVersion})`,
    `jobs in the last 24 h: ${s.jobs24h.success} success, ${s.jobs24h.failed} failed, ${s.jobs24h.running} running`,
  ];
  for (const f of s.recentFailures) {
    lines.push(
      `  failed #${f.id} ${f.symbol ?? '-'} ${f.dataset} ${f.startedAt.toISOString()} ${f.errorCode}: ${f.errorMessage}`,
    );
  }
  lines.push('freshness:');
  if (s.freshness.length === 0) lines.push('  (nothing loaded yet)');
  for (const f of s.freshness) {
    lines.push(
      `  ${f.symbol.padEnd(8)} ${f.dataset.padEnd(16)} through ${f.lastPoint} (loaded ${f.lastSuccessAt.toISOString()})`,
    );
  }
  if (s.backfillRejects.months > 0) {
    lines.push(
      `backfill months with rejected rows: ${s.backfillRejects.months} (${s.backfillRejects.rows} rows)`,
    );
    for (const m of s.backfillRejects.recent) {
      lines.push(
        `  ${m.symbol.padEnd(8)} ${m.dataset.padEnd(16)} ${m.month}: ${m.rejected} rejected, fetched ${m.fetches}x`,
      );
    }
  }
  lines.push('tables:');
  for (const t of s.tables)
    lines.push(
      `  ${t.table.padEnd(24)} ${String(t.rows).padStart(10)} rows ${(t.bytes / 1024).toFixed(0).padStart(8)} KiB`,
    );
  return lines.join('\n');
}

/** A health report as text. */
export function formatHealth(h: HealthReport): string {
  return [
    h.ok ? 'healthy' : 'UNHEALTHY',
    // The library says what to call; the CLI user runs the command that does it.
    ...h.checks.map(
      (c) =>
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(11)} ${c.detail.replace('run installSchema', 'run `stock-etl init-db`')}`,
    ),
  ].join('\n');
}
