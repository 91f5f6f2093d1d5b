/**
 * Duplicate detection for instants that usually arrive sorted.
 *
 * A `Set<number>` of a million epoch-millisecond values (too large for small integers, so each is a
 * boxed heap number) costs more than the rest of the intraday transform together. Bars come
 * strictly newest-first, and in a strictly monotonic sequence no value can repeat, so while the
 * order holds nothing needs to be remembered but the previous value. The first time the order
 * breaks, a map from instant to position is built from the instants accepted so far and used from
 * then on.
 */
export class SeenInstants {
  private direction = 0; // -1 descending, +1 ascending, 0 not known yet
  private previous = Number.NaN;
  private count = 0;
  private map: Map<number, number> | null = null;

  /** @param accepted - the instants accepted so far in order, read only when the order first breaks */
  constructor(private readonly accepted: () => Iterable<number>) {}

  /** Whether `ms` was added before. */
  has(ms: number): boolean {
    return this.indexOf(ms) !== -1;
  }

  /** The position (0-based, in the order of {@link SeenInstants.add}) at which `ms` was added, or -1. */
  indexOf(ms: number): number {
    if (this.map !== null) return this.map.get(ms) ?? -1;
    if (Number.isNaN(this.previous)) return -1;
    if (ms === this.previous) return this.count - 1;
    const step = ms < this.previous ? -1 : 1;
    if (this.direction === 0 || step === this.direction) return -1;
    // Out of order: fall back to remembering everything.
    const map = new Map<number, number>();
    let index = 0;
    for (const value of this.accepted()) map.set(value, index++);
    this.map = map;
    return map.get(ms) ?? -1;
  }

  /** Records `ms` as accepted; call only after {@link SeenInstants.indexOf} returned -1. */
  add(ms: number): void {
    const index = this.count++;
    if (this.map !== null) {
      this.map.set(ms, index);
      return;
    }
    if (!Number.isNaN(this.previous)) this.direction = ms < this.previous ? -1 : 1;
    this.previous = ms;
  }
}
