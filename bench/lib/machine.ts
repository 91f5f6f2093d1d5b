/** Where the figures came from: hardware, OS and versions, for `results.json`. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Machine and software description. */
export interface Machine {
  /** Logical CPUs. */
  cpus: number;
  /** CPU model string. */
  cpuModel: string;
  /** Total memory, GB. */
  memGb: number;
  /** Node.js version. */
  node: string;
  /** PostgreSQL server version (of DATABASE_URL). */
  postgres: string;
  /** `@electric-sql/pglite` version. */
  pglite: string;
  /** OS type, release and architecture. */
  os: string;
}

/** Describes this machine; `postgres` comes from the server. */
export function describeMachine(postgres: string): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres,
    pglite: packageVersion('@electric-sql/pglite'),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
