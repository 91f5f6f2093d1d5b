/**
 * Issue 10 §8: PGlite is one process. The data folder is locked while a database is open on it;
 * a second opener waits or is refused with "in use by PID n"; a lock whose process is gone is
 * taken over; a folder that is not a database, or a file, is refused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE, type DataDirLockWait } from '../../src/db/data-dir-lock';
import { createEmbeddedDb } from '../../src/db/embedded';

const root = mkdtempSync(join(tmpdir(), 'stock-etl-lock-'));
const template = join(root, 'template');
// initdb once (slow); every test that needs a database folder gets a copy (fast to reopen).
beforeAll(async () => {
  const db = await createEmbeddedDb({ dataDir: template });
  await db.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2), (3)');
  await db.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => join(root, `db${++n}`);
const database = () => {
  const dir = folder();
  cpSync(template, dir, { recursive: true });
  return dir;
};

/** Starts the holder child and resolves once its database is open. */
function holder(dir: string, mode: 'hold' | 'exit'): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/embedded-holder-child.ts'],
      {
        env: { ...process.env, EMBEDDED_DIR: dir, EMBEDDED_MODE: mode },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (mode === 'hold') reject(new Error(`holder exited early (${code})`));
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('embedded database: the data folder', () => {
  it('refuses a path that is a file, with a readable reason (not [object Object])', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'hello');
    await expect(createEmbeddedDb({ dataDir: file })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'options.dataDir',
      message: expect.stringMatching(/is a file, not a folder/),
    });
  });

  it('refuses a non-empty folder that is not a database, and writes nothing into it', async () => {
    const dir = folder();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(createEmbeddedDb({ dataDir: dir })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/not empty and is not a PostgreSQL data folder/),
    });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('validates lockWaitMs', async () => {
    await expect(createEmbeddedDb({ dataDir: folder(), lockWaitMs: -1 })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'options.lockWaitMs',
    });
  });

  it('locks the folder while open: a second instance is refused at once, or waits for close()', async () => {
    const dir = database();
    const first = await createEmbeddedDb({ dataDir: dir });
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(true);
    await expect(createEmbeddedDb({ dataDir: dir })).rejects.toMatchObject({
      code: 'DATABASE',
      sqlstate: '55006',
      message: expect.stringMatching(`in use by PID ${process.pid} \\(this process\\)`),
    });
    const waits: DataDirLockWait[] = [];
    const second = createEmbeddedDb({
      dataDir: dir,
      lockWaitMs: 60_000,
      onLockWait: (w) => {
        waits.push(w);
        void first.close(); // the holder lets go while the second one waits
      },
    });
    const db = await second;
    expect(waits[0]).toMatchObject({
      dataDir: dir,
      holder: { pid: process.pid },
      timeoutMs: 60_000,
    });
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await db.close();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  });

  it('an abort stops the wait', async () => {
    const dir = database();
    const first = await createEmbeddedDb({ dataDir: dir });
    try {
      const controller = new AbortController();
      const waiting = createEmbeddedDb({
        dataDir: dir,
        lockWaitMs: 600_000,
        signal: controller.signal,
        onLockWait: () => controller.abort(),
      });
      await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      await first.close();
    }
  });

  it('refuses while another process holds it, and takes over once that process is killed', async () => {
    const dir = database();
    const child = await holder(dir, 'hold');
    try {
      await expect(createEmbeddedDb({ dataDir: dir })).rejects.toMatchObject({
        code: 'DATABASE',
        message: expect.stringMatching(`data folder .* in use by PID ${child.pid}`),
      });
    } finally {
      child.kill('SIGKILL'); // no close, no exit handler: the lock file stays behind
      await exited(child);
    }
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(true);
    const db = await createEmbeddedDb({ dataDir: dir }); // the stale lock is taken over
    try {
      expect((await db.query('SELECT count(*)::int AS n FROM kept')).rows).toEqual([{ n: 3 }]);
    } finally {
      await db.close();
    }
  });

  it('a process that exits without close() releases the folder', async () => {
    const dir = database();
    const child = await holder(dir, 'exit');
    await exited(child);
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  });

  it('takes over a lock left by a dead process, or half-written debris', async () => {
    const dir = database();
    // A PID that is certainly gone: a child that has exited.
    const gone = spawn(process.execPath, ['-e', '0']);
    await exited(gone);
    const lock = {
      pid: gone.pid,
      hostname: hostname(),
      since: new Date().toISOString(),
      token: 'x',
    };
    writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify(lock));
    const db = await createEmbeddedDb({ dataDir: dir });
    await db.close();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
    // A lock file cut short by a crash while it was written, long ago: debris, taken over.
    const debris = join(dir, DATA_DIR_LOCK_FILE);
    writeFileSync(debris, '{"pid":');
    utimesSync(debris, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const again = await createEmbeddedDb({ dataDir: dir });
    expect((await again.query('SELECT count(*)::int AS n FROM kept')).rows).toEqual([{ n: 3 }]);
    await again.close();
  });

  it('refuses a folder a PostgreSQL server runs on (its postmaster.pid names a live process)', async () => {
    const dir = database();
    // This test process stands in for the server: any live PID other than our own.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(join(dir, 'postmaster.pid'), `${other.pid}\n${dir}\n`);
      await expect(createEmbeddedDb({ dataDir: dir })).rejects.toMatchObject({
        code: 'DATABASE',
        message: expect.stringMatching(`in use by PID ${other.pid}, a PostgreSQL server`),
      });
      expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false); // released again
    } finally {
      other.kill();
      await exited(other);
    }
  });
});
