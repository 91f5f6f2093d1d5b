/**
 * Bounded text of untrusted values, for error messages, log fields and the quarantine table.
 *
 * A broken or hostile response can carry a 50 MB value, or one nested thousands of levels deep.
 * `JSON.stringify` would copy all of it into every message built from it (or overflow the stack
 * and turn a bad bar into an internal error), so every message and stored raw value is built
 * through these helpers instead: they never recurse and never produce much more than `max`
 * characters, whatever the input.
 */

/** A JSON rendering cut to a budget. */
export interface JsonPreview {
  /** `JSON.stringify(value)` when it fits in the budget, else its first `max` characters. */
  text: string;
  /** True when `text` is cut (and so is not valid JSON on its own). */
  truncated: boolean;
}

interface Frame {
  /** The array, or the object whose `keys` are walked. */
  value: unknown[] | Record<string, unknown>;
  keys: string[] | null;
  next: number;
  /** Whether an object member was written (so the next needs a comma). */
  wrote: boolean;
}

/** A value `JSON.stringify` leaves out of objects (and writes as `null` in arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * `JSON.stringify(value)` limited to `max` characters, computed iteratively: the same text for
 * anything that fits, a prefix marked `truncated` for anything larger, deeper or cyclic. Strings
 * are sliced before they are quoted, so a 50 MB string costs a `max`-sized copy.
 * @param value - any value (typically parsed JSON)
 * @param max - the character budget
 */
export function previewJson(value: unknown, max: number): JsonPreview {
  const parts: string[] = [];
  let length = 0;
  let cut = false;
  const stack: Frame[] = [];
  const emit = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length <= max;
  };
  const emitString = (text: string): boolean => {
    const room = max - length + 1;
    if (text.length <= room) return emit(JSON.stringify(text));
    cut = true;
    emit(JSON.stringify(text.slice(0, Math.max(0, room))));
    return false;
  };
  /** Writes a scalar, or opens a container; false once the budget is spent. */
  const write = (raw: unknown): boolean => {
    let v = raw;
    if (
      v !== null &&
      typeof v === 'object' &&
      typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ) {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null || isSkipped(v)) return emit('null');
    switch (typeof v) {
      case 'string':
        return emitString(v);
      case 'number':
        return emit(Number.isFinite(v) ? String(v) : 'null');
      case 'boolean':
        return emit(v ? 'true' : 'false');
      case 'bigint':
        return emit(String(v));
      default:
        break;
    }
    if (Array.isArray(v)) {
      stack.push({ value: v, keys: null, next: 0, wrote: false });
      return emit('[');
    }
    const record = v as Record<string, unknown>;
    stack.push({ value: record, keys: Object.keys(record), next: 0, wrote: false });
    return emit('{');
  };
  const done = (ok: boolean): JsonPreview => {
    const text = parts.join('');
    if (ok && !cut) return { text, truncated: false };
    return { text: text.slice(0, max), truncated: true };
  };

  if (!write(value)) return done(false);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.keys === null) {
      const items = frame.value as unknown[];
      if (frame.next >= items.length) {
        stack.pop();
        if (!emit(']')) return done(false);
        continue;
      }
      if (frame.next > 0 && !emit(',')) return done(false);
      if (!write(items[frame.next++])) return done(false);
      continue;
    }
    const record = frame.value as Record<string, unknown>;
    let key: string | undefined;
    while (frame.next < frame.keys.length) {
      const k = frame.keys[frame.next++] as string;
      if (!isSkipped(record[k])) {
        key = k;
        break;
      }
    }
    if (key === undefined) {
      stack.pop();
      if (!emit('}')) return done(false);
      continue;
    }
    if (frame.wrote && !emit(',')) return done(false);
    frame.wrote = true;
    if (!emitString(key) || !emit(':')) return done(false);
    if (!write(record[key])) return done(false);
  }
  return done(true);
}

/** Longest rendering of a value inside a message. */
export const MAX_DESCRIBED_CHARS = 100;

/**
 * A value for a message: JSON-quoted when short (`"12.3x"`), else its beginning followed by `…`
 * and, for strings, the full length (`"aaaa…"… (52428800 characters)`).
 * @param value - the offending value
 * @param max - characters of the value to show
 * @default max 100
 */
export function describeValue(value: unknown, max = MAX_DESCRIBED_CHARS): string {
  if (typeof value === 'string') {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
  }
  if (value === undefined) return 'undefined';
  const preview = previewJson(value, max);
  return preview.truncated ? `${preview.text}… (truncated)` : preview.text;
}

/**
 * `text` when it has at most `max` characters, else its first `max` characters followed by a
 * marker giving the full length, e.g. `…[truncated: 52428850 characters in all]`.
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[truncated: ${text.length} characters in all]`;
}
