#!/usr/bin/env node
// Packs the library as npm would publish it and checks the tarball with publint and
// @arethetypeswrong/cli (ESM + CommonJS entry points, per-condition types), then type-checks a
// consumer of the tarball with `skipLibCheck: false` (ESM and CommonJS), requires it the way Node
// 20.0–20.18 would, and type-checks and runs the examples against the built package.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'stock-etl-pack-'));
// The consumer lives inside the repository so that its imports of pg, valibot, @types/node and
// TypeScript itself resolve to our node_modules; stock-etl resolves to the unpacked tarball.
mkdirSync(resolve('.tmp'), { recursive: true }); // absent on a clean checkout
const consumer = mkdtempSync(join(resolve('.tmp'), 'consumer-'));
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
  checkConsumer(tarball);
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
  rmSync(consumer, { recursive: true, force: true });
}

/**
 * A user's project with the strictest settings that matter for our types: `skipLibCheck: false`
 * (so our .d.ts must not need types the user does not have, such as PGlite's Emscripten ones),
 * NodeNext resolution, one ES module and one CommonJS file. Then the CommonJS build is required
 * with require(esm) switched off, as on Node 20.0–20.18: an ESM-only dependency it still
 * `require()`s fails there with ERR_REQUIRE_ESM.
 */
function checkConsumer(tarball) {
  const pkg = join(consumer, 'node_modules', 'stock-etl');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
        typeRoots: [resolve('node_modules/@types')],
      },
      files: ['esm.mts', 'cjs.cts'],
    }),
  );
  const body = `
const db: EmbeddedDb = await createEmbeddedDb();
await installSchema(db, { schema: 'consumer' });
const pipeline = new Pipeline({ db, extractor: new AlphaVantageExtractor({ apiKey: 'k' }) });
pipeline.on('job:finish', (job) => job.inserted);
const loader: Loader = new Loader({ db });
const t = new Transformer();
const fake: FakeAlphaVantage = await startFakeAlphaVantage();
const { rows } = await db.query<{ n: number }>('select 1 as n');
export const used = [loader, t, fake, rows, isStockEtlError(new Error('x'))];
`;
  writeFileSync(
    join(consumer, 'esm.mts'),
    `import { AlphaVantageExtractor, createEmbeddedDb, type EmbeddedDb, installSchema, isStockEtlError, Loader, Pipeline, Transformer } from 'stock-etl';
import { type FakeAlphaVantage, startFakeAlphaVantage } from 'stock-etl/testing';
${body}`,
  );
  writeFileSync(
    join(consumer, 'cjs.cts'),
    `import { AlphaVantageExtractor, createEmbeddedDb, type EmbeddedDb, installSchema, isStockEtlError, Loader, Pipeline, Transformer } from 'stock-etl';
import { type FakeAlphaVantage, startFakeAlphaVantage } from 'stock-etl/testing';
export async function main(): Promise<unknown[]> {
${body.replace('export const used =', 'return')}
}
`,
  );
  execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', consumer], {
    stdio: 'inherit',
  });
  const noRequireEsm = process.allowedNodeEnvironmentFlags.has('--experimental-require-module')
    ? ['--no-experimental-require-module']
    : [];
  execFileSync(
    process.execPath,
    [
      ...noRequireEsm,
      '-e',
      "const m = require('stock-etl'); const t = require('stock-etl/testing'); if (typeof m.Pipeline !== 'function' || typeof t.startFakeAlphaVantage !== 'function') process.exit(1)",
    ],
    { cwd: consumer, stdio: 'inherit' },
  );
  console.log('consumer OK: types compile with skipLibCheck false (ESM + CJS); require() works');
}
