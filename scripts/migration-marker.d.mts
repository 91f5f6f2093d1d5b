/** Whether a migration text declares itself breaking (its first line is exactly `-- breaking`). */
export function isBreakingMigration(text: string): boolean;
