/**
 * Seeded pseudo-random numbers for the fake server. `Math.random` is never used: the same seed
 * must give the same bytes on every run and every machine, or tests that assert on synthetic data
 * and benchmarks that compare runs would flake.
 */

/** 32-bit FNV-1a hash of `text`, mixed with `salt`; stable across platforms. */
export function hashString(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche so that nearby inputs ("IBM", "IBN") give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mulberry32: tiny, fast, good enough for synthetic prices and fault dice. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * Approximately standard normal (mean 0, variance 1): a scaled sum of three uniforms. Cheaper
   * than Box-Muller, and the bounded tails (±3) keep synthetic prices from ever going wild.
   */
  gauss(): number {
    return (this.next() + this.next() + this.next() - 1.5) * 2;
  }
}
