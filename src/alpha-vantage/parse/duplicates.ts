/**
 * `JSON.parse` silently keeps the last of two equal keys, so a series with a duplicated timestamp
 * would lose a bar without a trace. Detection is two-step to stay cheap on the common path: count
 * the bars in the raw text by the first field's key (`"1. open"`, one `indexOf` pass); only when
 * that exceeds the parsed bar count, scan the text for the timestamps that repeat.
 */

/**
 * Returns the duplicated series keys with their occurrence counts, or `undefined` when there are
 * none (or when they cannot be counted).
 * @param text - the raw JSON body
 * @param firstFieldKey - a key every bar has exactly once, e.g. `1. open`
 * @param parsedCount - how many bars `JSON.parse` kept
 */
export function findDuplicateKeys(
  text: string,
  firstFieldKey: string | undefined,
  parsedCount: number,
): Map<string, number> | undefined {
  if (firstFieldKey === undefined) return undefined;
  const needle = JSON.stringify(firstFieldKey);
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    count++;
  }
  if (count <= parsedCount) return undefined;
  const seen = new Map<string, number>();
  // A series key is a quoted date(-time) followed by `: {` (whitespace allowed).
  const re = /"(\d{4}-\d{2}-\d{2}(?: [\d:.]+)?)"\s*:\s*\{/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = m[1] as string;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicates = new Map<string, number>();
  for (const [key, n] of seen) if (n > 1) duplicates.set(key, n);
  return duplicates.size > 0 ? duplicates : undefined;
}
