/**
 * Duplicate detection for instants that usually arrive sorted.
 *
 * A `Set<number>` of a million epoch-millisecond values (too large for small integers, so each is a
 * boxed heap number) costs more than the rest of the intraday transform together. Bars come
 * strictly newest-first, and in a strictly monotonic sequence no value can repeat, so while the
 * order holds nothing needs to be remembered but the previous value. The first time the order
 * breaks, the set is built from the instants accepted so far and used from then on.
 */
export class SeenInstants {
  private direction = 0; // -1 descending, +1 ascending, 0 not known yet
  private previous = Number.NaN;
  private set: Set<number> | null = null;

  /** @param accepted - the instants accepted so far, read only when the order first breaks */
  constructor(private readonly accepted: () => Iterable<number>) {}

  /** Whether `ms` was added before. */
  has(ms: number): boolean {
    if (this.set !== null) return this.set.has(ms);
    if (Number.isNaN(this.previous)) return false;
    if (ms === this.previous) return true;
    const step = ms < this.previous ? -1 : 1;
    if (this.direction === 0 || step === this.direction) return false;
    // Out of order: fall back to remembering everything.
    this.set = new Set(this.accepted());
    return this.set.has(ms);
  }

  /** Records `ms` as accepted; call only after {@link SeenInstants.has} returned `false`. */
  add(ms: number): void {
    if (this.set !== null) {
      this.set.add(ms);
      return;
    }
    if (!Number.isNaN(this.previous)) this.direction = ms < this.previous ? -1 : 1;
    this.previous = ms;
  }
}
