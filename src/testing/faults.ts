import { ValidationError } from '../errors/validation-error';
import { prettyJson } from './format';
import { Prng } from './prng';
import type { FakeFaultOptions, FaultKind, FaultSpec } from './types';

/** Every fault kind, in the order random faults are tried. */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze([
  'http-500',
  'http-503',
  'delay',
  'reset',
  'truncate',
  'malformed-number',
  'duplicate-timestamp',
  'empty-series',
  'empty-object',
  'html',
  'rate-limit-note',
  'rate-limit-information',
  'burst',
  'daily-limit',
  'premium',
  'premium-parameter',
  'invalid-call',
  'invalid-key',
]);

/** Faults that edit a normally generated body instead of replacing it. */
export const BODY_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'delay',
  'truncate',
  'malformed-number',
  'duplicate-timestamp',
  'empty-series',
]);

interface Queued {
  spec: FaultSpec;
  left: number;
}

/** Scripted fault queue plus seeded random faults. */
export class FaultPlan {
  private queue: Queued[] = [];
  private rng: Prng;
  private readonly seed: number;
  private readonly odds: Array<[FaultKind, number]>;

  constructor(options: FakeFaultOptions = {}) {
    this.seed = options.seed ?? 1;
    this.rng = new Prng(this.seed);
    this.odds = [];
    for (const kind of FAULT_KINDS) {
      const p = options.probability?.[kind];
      if (p === undefined || p === 0) continue;
      if (!(p > 0 && p <= 1)) {
        throw new ValidationError(`Fault probability of "${kind}" must be in (0, 1]`, {
          field: 'faults.probability',
        });
      }
      this.odds.push([kind, p]);
    }
    for (const key of Object.keys(options.probability ?? {})) {
      if (!FAULT_KINDS.includes(key as FaultKind)) {
        throw new ValidationError(`Unknown fault kind "${key}"`, { field: 'faults.probability' });
      }
    }
  }

  /** Queues a scripted fault. */
  inject(spec: FaultSpec): void {
    if (!FAULT_KINDS.includes(spec.kind)) {
      throw new ValidationError(`Unknown fault kind "${String(spec.kind)}"`, { field: 'kind' });
    }
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new ValidationError('Fault `times` must be a positive integer', { field: 'times' });
    }
    if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) {
      throw new ValidationError('Fault `delayMs` must be >= 0', { field: 'delayMs' });
    }
    this.queue.push({
      spec: { ...spec, match: spec.match ? { ...spec.match } : undefined },
      left: times,
    });
  }

  /** The fault for a request: the first matching scripted one, else maybe a random one. */
  take(fn: string, symbol: string): FaultSpec | null {
    for (let i = 0; i < this.queue.length; i++) {
      const q = this.queue[i]!;
      const m = q.spec.match;
      if (m?.function && m.function.toUpperCase() !== fn) continue;
      if (m?.symbol && m.symbol.toUpperCase() !== symbol.toUpperCase()) continue;
      q.left--;
      if (q.left === 0) this.queue.splice(i, 1);
      return q.spec;
    }
    if (this.odds.length === 0) return null;
    // One draw per request keeps the sequence reproducible whatever the outcome.
    const x = this.rng.next();
    let acc = 0;
    for (const [kind, p] of this.odds) {
      acc += p;
      if (x < acc) return { kind };
    }
    return null;
  }

  /** Scripted faults still to fire. */
  pending(): number {
    return this.queue.reduce((n, q) => n + q.left, 0);
  }

  /** Empties the queue and re-seeds the dice. */
  reset(): void {
    this.queue = [];
    this.rng = new Prng(this.seed);
  }
}

/** `"12.3400"` → `"12.3400x"`: the first decimal value in a JSON body, or in the first CSV row. */
export function malformNumber(body: string, csv: boolean): string {
  if (csv) {
    const nl = body.indexOf('\n');
    const m = /,(-?\d+(?:\.\d+)?)(?=[,\r\n])/.exec(body.slice(nl + 1));
    if (!m) return body;
    const at = nl + 1 + m.index + m[0].length;
    return `${body.slice(0, at)}x${body.slice(at)}`;
  }
  const m = /"(-?\d+\.\d+)"/.exec(body);
  if (!m) return body;
  const at = m.index + m[0].length - 1;
  return `${body.slice(0, at)}x${body.slice(at)}`;
}

/** Repeats the newest series entry (JSON text keeps both keys) or the first CSV data row. */
export function duplicateTimestamp(body: string, csv: boolean): string {
  if (csv) {
    const first = body.indexOf('\n');
    const second = body.indexOf('\n', first + 1);
    if (first < 0 || second < 0) return body;
    const row = body.slice(first + 1, second + 1);
    return body.slice(0, second + 1) + row + body.slice(second + 1);
  }
  const m = /"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?"\s*:\s*\{[^{}]*\}/.exec(body);
  if (!m) return body;
  const at = m.index + m[0].length;
  return `${body.slice(0, at)},\n        ${m[0]}${body.slice(at)}`;
}

/** Keeps `Meta Data` but empties the data: `{}` series, `[]` lists, a header-only CSV. */
export function emptySeries(body: string, csv: boolean): string {
  if (csv) {
    const nl = body.indexOf('\n');
    return nl < 0 ? body : body.slice(0, nl + 1);
  }
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const key of Object.keys(parsed)) {
      if (key === 'Meta Data' || key === 'endpoint' || key === 'message') continue;
      const v = parsed[key];
      if (Array.isArray(v)) parsed[key] = [];
      else if (v !== null && typeof v === 'object') parsed[key] = {};
    }
    return prettyJson(parsed);
  } catch {
    return body;
  }
}
