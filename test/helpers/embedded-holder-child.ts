/**
 * A child process that opens the embedded database in EMBEDDED_DIR and prints `ready`, then:
 * EMBEDDED_MODE=hold keeps it open until killed; EMBEDDED_MODE=exit ends the process without
 * closing the database (the lock must still go, through the exit handler).
 */
import { createEmbeddedDb } from '../../src/db/embedded';

const db = await createEmbeddedDb({ dataDir: process.env.EMBEDDED_DIR as string });
await db.query('SELECT 1');
console.log('ready');
if (process.env.EMBEDDED_MODE === 'exit') process.exit(0);
setInterval(() => {}, 60_000); // hold until killed
