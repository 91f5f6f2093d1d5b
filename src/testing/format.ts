/**
 * String-building helpers for the fake server's hot path. A month of extended-hours 1min bars is
 * ~20k bars and ~3.5 MB of JSON; formatting with lookup tables instead of `toFixed` and
 * `JSON.stringify` keeps generation well above a million bars per second.
 */

/** `PAD4[n]` is `n` as four digits (`0007`), for the fractional part of a 4-dp price. */
const PAD4: string[] = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

/** `CLOCK[m]` is minute-of-day `m` as `HH:MM:00`. */
export const CLOCK: string[] = Array.from({ length: 1440 }, (_, m) => {
  const h = Math.floor(m / 60);
  const mi = m % 60;
  return `${h < 10 ? '0' : ''}${h}:${mi < 10 ? '0' : ''}${mi}:00`;
});

/**
 * Formats a price held as integer ten-thousandths (`3130800` → `"313.0800"`), the way Alpha
 * Vantage pads prices to 4 dp. Negative values (changes) keep their sign.
 */
export function price4(units: number): string {
  if (units < 0) return `-${price4(-units)}`;
  const whole = Math.floor(units / 10_000);
  return `${whole}.${PAD4[units - whole * 10_000]}`;
}

/** A float rounded to 4 dp and padded (`1.5` → `"1.5000"`). */
export function fixed4(value: number): string {
  return price4(Math.round(value * 10_000));
}

/** Integer ten-thousandths as the shortest decimal (`2182000` → `"218.2"`, `10000` → `"1.0"`). */
export function priceShort(units: number): string {
  const v = units / 10_000;
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** Escapes a string as a JSON string literal (only used for small, non-hot values). */
export function q(text: string): string {
  return JSON.stringify(text);
}

/**
 * Serialises a flat `{ key: string }` object the way Alpha Vantage pretty-prints: 4-space indent,
 * `"key": "value"`, keys in insertion order. `indent` is the indentation of the braces.
 */
export function flatObject(
  entries: ReadonlyArray<readonly [string, string]>,
  indent: string,
): string {
  if (entries.length === 0) return '{}';
  const inner = `${indent}    `;
  let out = '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    out += `${inner}${q(k)}: ${q(v)}${i < entries.length - 1 ? ',' : ''}\n`;
  }
  return `${out}${indent}}`;
}

/** Pretty-prints any JSON value with the service's 4-space indentation. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 4);
}
