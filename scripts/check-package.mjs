#!/usr/bin/env node
// Packs the library as npm would publish it and checks the tarball with publint and
// @arethetypeswrong/cli (ESM + CommonJS entry points, per-condition types), then type-checks the
// examples against the built declarations and runs them against the built package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'stock-etl-pack-'));
try {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out);
  const tarball = join(dir, info.filename);
  const files = info.files.map((f) => f.path);
  const unexpected = files.filter(
    (f) => !/^(dist\/|sql\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f),
  );
  if (unexpected.length)
    throw new Error(`unexpected files in the package: ${unexpected.join(', ')}`);
  console.log(
    `packed ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(0)} KiB`,
  );
  execFileSync('npx', ['publint', '--strict', tarball], { stdio: 'inherit' });
  execFileSync('npx', ['attw', tarball, '--profile', 'node16'], { stdio: 'inherit' });
  // The built package works from both module systems and the bin starts.
  execFileSync(
    'node',
    [
      '-e',
      "const m = require('stock-etl'); const t = require('stock-etl/testing'); if (typeof m.installSchema !== 'function' || typeof t.startFakeAlphaVantage !== 'function') process.exit(1)",
    ],
    { stdio: 'inherit' },
  );
  execFileSync(
    'node',
    [
      '--input-type=module',
      '-e',
      "const m = await import('stock-etl'); const t = await import('stock-etl/testing'); if (typeof m.Pipeline !== 'function' || typeof t.startFakeAlphaVantage !== 'function') process.exit(1)",
    ],
    { stdio: 'inherit' },
  );
  // `stock-etl/queue` loads from both module systems, and the main entry never loads pg-boss (an
  // optional peer dependency): embedded users do not install it.
  execFileSync(
    'node',
    [
      '-e',
      "const q = require('stock-etl/queue'); if (typeof q.startWorker !== 'function' || typeof q.enqueueBatch !== 'function') process.exit(1)",
    ],
    { stdio: 'inherit' },
  );
  execFileSync(
    'node',
    [
      '--input-type=module',
      '-e',
      "const q = await import('stock-etl/queue'); if (typeof q.enqueueBackfill !== 'function') process.exit(1)",
    ],
    { stdio: 'inherit' },
  );
  for (const file of ['dist/index.js', 'dist/index.cjs']) {
    if (readFileSync(file, 'utf8').includes('pg-boss')) {
      throw new Error(`${file} mentions pg-boss: the main entry must not load it`);
    }
  }
  execFileSync('node', ['dist/cli.js', '--help'], { stdio: 'ignore' });
  // The examples type-check against the built declarations, as a user's code would.
  execFileSync('npx', ['tsc', '--noEmit', '-p', 'tsconfig.examples.json'], { stdio: 'inherit' });
  // …and run against the built package, offline (see scripts/run-examples.mjs).
  execFileSync('node', ['scripts/run-examples.mjs'], { stdio: 'inherit' });
  console.log(
    'package OK: ESM and CommonJS entry points load, the bin runs, the examples type-check and run',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
