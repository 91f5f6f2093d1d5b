#!/usr/bin/env node
// Runs the examples against the BUILT package, the way a user's code runs: `stock-etl` resolves
// through package.json "exports" to dist/ (tsx with tsconfig.examples.json, which maps no paths
// to src/). Each must exit 0, write nothing to stderr and end with "<name>: ok". Offline: no
// DATABASE_URL and no API key reach them (embedded database, fake server or saved files).
// Run after `npm run build`; `scripts/check-package.mjs` does. examples/scale-out.ts needs
// PostgreSQL and pg-boss: it runs only when DATABASE_URL is set (and is given only that).
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The composable-stages examples (issue 11). main-job and scheduled-jobs have their own test.
const EXAMPLES = [
  'stage-alone',
  'own-step',
  'own-source',
  'own-sink',
  'composed-pipeline',
  'custom-strategy', // issue 15
];
const WITH_POSTGRES = process.env.DATABASE_URL ? ['scale-out'] : [];
const CONCURRENCY = 2; // the CI machine has 2 cores; each example starts its own PGlite
const TIMEOUT_MS = 180_000;

const {
  DATABASE_URL: _db,
  ALPHA_VANTAGE_API_KEY: _key,
  ALPHA_VANTAGE_BASE_URL: _url,
  ...env
} = process.env;

function run(name) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}.ts`], {
      cwd: root,
      env: {
        ...env,
        ...(WITH_POSTGRES.includes(name) ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
        TSX_TSCONFIG_PATH: resolve(root, 'tsconfig.examples.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ok = code === 0 && stderr === '' && stdout.includes(`\n${name}: ok\n`);
      done({ name, ok, code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const queue = [...EXAMPLES, ...WITH_POSTGRES];
const results = [];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (queue.length > 0) {
      const result = await run(queue.shift());
      results.push(result);
      console.log(
        `${result.ok ? 'ok  ' : 'FAIL'} examples/${result.name}.ts (${result.seconds.toFixed(1)} s)`,
      );
      if (!result.ok) {
        console.log(`--- exit ${result.code ?? result.signal}; stdout:\n${result.stdout}`);
        console.log(`--- stderr:\n${result.stderr}`);
      }
    }
  }),
);
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`${failed.length} example(s) failed: ${failed.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
console.log(`${results.length} examples ran against the built package`);
