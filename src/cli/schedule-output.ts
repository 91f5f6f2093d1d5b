import type {
  PlannedRun,
  ScheduleBudgetCheck,
  ScheduleJob,
  ScheduleRunResult,
} from '../schedule/types';

/** `2024-03-12 09:30 EDT` in `zone`. */
export function formatZoned(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(at);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
}

/** The jobs with their cron, condition and next run, as printed when the schedule starts. */
export function formatPlan(jobs: readonly ScheduleJob[], next: PlannedRun[], zone: string): string {
  const condition = { always: '', 'market-open': 'while open', 'after-close': 'after the close' };
  const rows = jobs.map((j) => {
    const at = next.find((r) => r.job === j.name)?.at;
    const what = j.datasets ? j.datasets.join(', ') : j.health ? 'health check' : 'task';
    return [
      j.name,
      j.cron,
      condition[j.when ?? 'always'],
      at ? formatZoned(at, zone) : 'never',
      what,
    ];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return [
    `schedule started (cron times in ${zone}); Ctrl-C aborts the running job, SIGTERM lets it finish`,
    ...rows.map((r) =>
      `  ${r.map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c)).join('  ')}`.replace(/ +$/, ''),
    ),
  ].join('\n');
}

/** The budget check as one line. */
export function formatBudget(c: ScheduleBudgetCheck): string {
  const perJob = c.perJob.map((j) => `${j.job} ${j.runs}×${j.requestsPerRun}`).join(' + ');
  const need = `busiest day ${c.peakDay}: ${c.peakRequests} requests${perJob ? ` (${perJob})` : ''}`;
  if (c.perDay === null) {
    return `API budget: no daily limit; ${need}${c.usedToday === null ? '' : `; ${c.usedToday} used today`}`;
  }
  return `API budget: ${c.perDay} a day, ${c.remainingToday} left today; ${need}; rest of today ${c.restOfToday}${c.fits && c.todayFits ? '' : ' — OVER BUDGET'}`;
}

/** One finished run, with the job's next run when known. */
export function formatRun(r: ScheduleRunResult, next: Date | undefined, zone: string): string {
  const status = r.status === 'success' ? 'ok  ' : r.status === 'aborted' ? 'ABORTED' : 'FAIL';
  const then = next ? `; next ${formatZoned(next, zone)}` : '';
  return `${r.startedAt.toISOString()} ${status} ${r.job}: ${r.summary} (${(r.durationMs / 1000).toFixed(1)} s${then})`;
}
