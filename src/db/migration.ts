/** One numbered SQL migration from `sql/`. */
export interface Migration {
  /** Its number (`000003_x.sql` → 3). */
  id: number;
  /** Its name (`000003_x.sql` → `x`). */
  name: string;
  /** SHA-256 of the file (with the placeholder, LF line endings). */
  checksum: string;
  /** A breaking migration: an older package refuses a database that has it. */
  breaking: boolean;
  /** The SQL, with `:SCHEMA` where the quoted schema name goes. */
  sql: string;
}
