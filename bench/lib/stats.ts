/**
 * Figures: every measured number is a list of runs summarised as min / median / max, so one noisy
 * run on a shared machine cannot make or break a target.
 */

/** One benchmark figure, as written to `results.json`. */
export interface Figure {
  /** Unit of the runs, e.g. `rows/s`, `MB`, `ratio`. */
  unit: string;
  /** Smallest run. */
  min: number;
  /** Median run (the number the tables and targets use). */
  median: number;
  /** Largest run. */
  max: number;
  /** Every run, in execution order. */
  runs: number[];
  /** What was measured (sizes, settings), for the table and README. */
  note?: string;
}

/** Summarises runs into a figure. */
export function figure(unit: string, runs: readonly number[], note?: string): Figure {
  if (runs.length === 0) throw new Error('a figure needs at least one run');
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    unit,
    min: sorted[0] as number,
    median,
    max: sorted[sorted.length - 1] as number,
    runs: [...runs],
    ...(note ? { note } : {}),
  };
}

/** Runs `fn` and returns its wall time in seconds (high-resolution clock). */
export async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Rows per second of `rows` rows done in `secs`. */
export function rate(rows: number, secs: number): number {
  return secs > 0 ? rows / secs : 0;
}

/**
 * Ratio figure of two figures, run by run (run i of `a` against run i of `b`, measured side by
 * side), so the spread reflects paired measurements rather than min/max of independent ones.
 */
export function ratioFigure(a: Figure, b: Figure, note?: string): Figure {
  const n = Math.min(a.runs.length, b.runs.length);
  const runs: number[] = [];
  for (let i = 0; i < n; i++) runs.push((a.runs[i] as number) / (b.runs[i] as number));
  return figure('ratio', runs, note);
}

/** Least-squares slope of `ys` against `xs` (0 with fewer than two points). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    num += dx * ((ys[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}
