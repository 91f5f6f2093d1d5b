// The one rule for marking a migration breaking, shared by the generator and its test.
// Exact marker: the file's first line is `-- breaking` (optionally followed by `:` or a space and a
// reason). Anything else — `-- non-breaking`, `-- not breaking`, a comment that merely mentions the
// word — is not breaking.
const MARKER = /^-- breaking(?:$|[:\s])/;

/** Whether a migration text declares itself breaking (by its first line). */
export function isBreakingMigration(text) {
  const first = (text.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  return MARKER.test(first);
}
