/**
 * An append-only ASCII byte buffer. Building multi-megabyte bodies as JS strings spends most of
 * its time in the garbage collector (millions of short-lived rope pieces); writing digits straight
 * into a growing `Buffer` allocates nothing per bar.
 */
export class ByteBuilder {
  private buf: Buffer;
  private len = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends pre-encoded bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    const buf = this.buf;
    let at = this.len;
    // A byte loop beats `set` for the short constant pieces this is called with.
    for (let i = 0; i < b.length; i++) buf[at++] = b[i]!;
    this.len = at;
  }

  /** Appends a string as UTF-8. */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** Appends a non-negative integer in decimal. */
  uint(n: number): void {
    this.ensure(20);
    const buf = this.buf;
    if (n < 10) {
      buf[this.len++] = 48 + n;
      return;
    }
    let digits = 0;
    for (let t = n; t >= 1; t = Math.floor(t / 10)) digits++;
    let at = this.len + digits;
    this.len = at;
    for (let t = n; t >= 1; t = Math.floor(t / 10)) buf[--at] = 48 + (t % 10);
  }

  /** Appends integer ten-thousandths as a 4-dp decimal (`3130800` → `313.0800`). */
  price4(units: number): void {
    if (units < 0) {
      this.ensure(1);
      this.buf[this.len++] = 45; // '-'
      units = -units;
    }
    const whole = Math.floor(units / 10_000);
    let frac = units - whole * 10_000;
    this.uint(whole);
    this.ensure(5);
    const buf = this.buf;
    const at = this.len;
    buf[at] = 46; // '.'
    buf[at + 4] = 48 + (frac % 10);
    frac = Math.floor(frac / 10);
    buf[at + 3] = 48 + (frac % 10);
    frac = Math.floor(frac / 10);
    buf[at + 2] = 48 + (frac % 10);
    buf[at + 1] = 48 + Math.floor(frac / 10);
    this.len = at + 5;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** The bytes written (a view; do not append afterwards). */
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** Encodes an ASCII constant once. */
export function ascii(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}
