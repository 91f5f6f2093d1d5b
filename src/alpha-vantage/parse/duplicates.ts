/**
 * `JSON.parse` silently keeps the last of two equal keys, so a series with a duplicated timestamp
 * would lose a bar without a trace. Detection is two-step to stay cheap on the common path: count
 * the bars in the raw text by the first field's key (`"1. open"`, one `indexOf` pass); only when
 * that exceeds the parsed bar count, scan the text for the timestamps that repeat.
 *
 * A repeated timestamp whose copies are identical is one bar sent twice (`JSON.parse` kept a copy
 * equal to every other): it is reported with `identical: true` and the caller keeps the bar. Only
 * copies that differ are a real conflict.
 */

/** A series key that occurs more than once in the body. */
export interface DuplicateKey {
  /** How many times the key occurs. */
  count: number;
  /** True when every copy of the bar is the same text (whitespace outside strings aside). */
  identical: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * The JSON value starting at `text[start]` (an object or array) with whitespace outside strings
 * removed, or `null` when it does not end. Iterative: a hostile value nested thousands of levels
 * deep costs a counter, not a stack frame.
 */
export function compactValueAt(text: string, start: number): string | null {
  const open = text.charCodeAt(start);
  if (open !== LBRACE && open !== LBRACKET) return null;
  const parts: string[] = [];
  let from = start;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if (c === RBRACE || c === RBRACKET) {
      depth--;
      if (depth === 0) {
        parts.push(text.slice(from, i + 1));
        return parts.join('');
      }
    } else if (isWs(c)) {
      if (i > from) parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  return null;
}

/**
 * Returns the duplicated series keys with their occurrence counts and whether the copies agree,
 * or `undefined` when there are none (or when they cannot be counted).
 * @param text - the raw JSON body
 * @param firstFieldKey - a key every bar has exactly once, e.g. `1. open`
 * @param parsedCount - how many bars `JSON.parse` kept
 */
export function findDuplicateKeys(
  text: string,
  firstFieldKey: string | undefined,
  parsedCount: number,
): Map<string, DuplicateKey> | undefined {
  if (firstFieldKey === undefined) return undefined;
  const needle = JSON.stringify(firstFieldKey);
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    count++;
  }
  if (count <= parsedCount) return undefined;
  // Where each key's bar object starts; a number until a key repeats (most never do).
  const seen = new Map<string, number | number[]>();
  // A series key is a quoted date(-time) followed by `: {` (whitespace allowed).
  const re = /"(\d{4}-\d{2}-\d{2}(?: [\d:.]+)?)"\s*:\s*\{/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = m[1] as string;
    const at = m.index + m[0].length - 1;
    const before = seen.get(key);
    if (before === undefined) seen.set(key, at);
    else if (typeof before === 'number') seen.set(key, [before, at]);
    else before.push(at);
  }
  const duplicates = new Map<string, DuplicateKey>();
  for (const [key, at] of seen) {
    if (typeof at === 'number') continue;
    duplicates.set(key, { count: at.length, identical: sameCopies(text, at) });
  }
  return duplicates.size > 0 ? duplicates : undefined;
}

/** True when the values starting at `starts` are all the same compact text. */
function sameCopies(text: string, starts: readonly number[]): boolean {
  const first = compactValueAt(text, starts[0] as number);
  if (first === null) return false;
  for (let i = 1; i < starts.length; i++) {
    if (compactValueAt(text, starts[i] as number) !== first) return false;
  }
  return true;
}
