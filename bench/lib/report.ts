/**
 * Targets of issue 4 and the console table. Throughput targets judge the median; ceilings
 * (server rejections, peak memory) judge the worst run, because one breach is a breach.
 */
import type { Figure } from './stats';

/** A target and whether this run met it. */
export interface TargetResult {
  /** The target, human-readable. */
  target: string;
  /** The value judged. */
  value: number;
  /** Whether it was met. */
  met: boolean;
}

/** Evaluates every target whose figures exist (quick runs may skip some sections). */
export function evaluateTargets(f: Record<string, Figure>): Record<string, TargetResult> {
  const out: Record<string, TargetResult> = {};
  const add = (
    name: string,
    target: string,
    value: number | undefined,
    met: (v: number) => boolean,
  ) => {
    if (value !== undefined) out[name] = { target, value, met: met(value) };
  };
  add(
    'ratio_pipeline_to_copy',
    '≥ 0.5 (median)',
    f.ratio_pipeline_to_copy?.median,
    (v) => v >= 0.5,
  );
  add('ratio_loader_to_naive', '≥ 20 (median)', f.ratio_loader_to_naive?.median, (v) => v >= 20);
  const insert = f.loader_insert_rows_s?.median;
  add(
    'loader_noop_rows_s',
    `≥ loader_insert_rows_s (${insert === undefined ? '?' : Math.round(insert)}) (median)`,
    f.loader_noop_rows_s?.median,
    (v) => insert !== undefined && v >= insert,
  );
  add('limiter_utilization', '≥ 0.95 (median)', f.limiter_utilization?.median, (v) => v >= 0.95);
  add(
    'limiter_server_rejections',
    '= 0 (every run)',
    f.limiter_server_rejections?.max,
    (v) => v === 0,
  );
  for (const n of [1, 2, 4]) {
    const name = `scaleout_utilization_${n}`;
    add(name, '≥ 0.97 (median)', f[name]?.median, (v) => v >= 0.97);
  }
  add(
    'scaleout_server_rejections',
    '= 0 (every run)',
    f.scaleout_server_rejections?.max,
    (v) => v === 0,
  );
  add('backfill_peak_rss_mb', '≤ 200 MB (worst run)', f.backfill_peak_rss_mb?.max, (v) => v <= 200);
  add(
    'rss_growth_mb_per_month',
    '≈ 0: |slope| ≤ 1 MB/month (median)',
    f.rss_growth_mb_per_month?.median,
    (v) => Math.abs(v) <= 1,
  );
  return out;
}

/** Formats a figure value for the table. */
export function formatValue(value: number, unit: string): string {
  if (unit === 'rows/s') return Math.round(value).toLocaleString('en-US');
  if (unit === 'requests') return String(Math.round(value));
  return value.toFixed(unit === 'ratio' ? 3 : 1);
}

/** The figures and targets as an aligned plain-text table. */
export function renderTable(
  figures: Record<string, Figure>,
  targets: Record<string, TargetResult>,
): string {
  const header = ['figure', 'median', 'min', 'max', 'unit', 'target'];
  const lines = Object.entries(figures).map(([name, f]) => {
    const t = targets[name];
    const verdict = t ? `${t.met ? 'MET' : 'MISSED'} ${t.target}` : '';
    return [
      name,
      formatValue(f.median, f.unit),
      formatValue(f.min, f.unit),
      formatValue(f.max, f.unit),
      f.unit,
      verdict,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}
