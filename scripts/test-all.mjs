#!/usr/bin/env node
// `npm test`: everything a contributor must keep green, in order, stopping at the first failure.
// Integration tests always run on PGlite, and also on PostgreSQL when DATABASE_URL is set.
import { spawnSync } from 'node:child_process';

const steps = [
  ['lint', 'npx', ['biome', 'check', '.']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  // The transformer and calendar must not depend on the host's time zone: run unit tests twice.
  ['unit tests (TZ=UTC)', 'npx', ['vitest', 'run', '--project', 'unit'], { TZ: 'UTC' }],
  [
    'unit tests (TZ=Asia/Tokyo)',
    'npx',
    ['vitest', 'run', '--project', 'unit'],
    { TZ: 'Asia/Tokyo' },
  ],
  [
    `integration tests (PGlite${process.env.DATABASE_URL ? ' + PostgreSQL' : ''})`,
    'npx',
    ['vitest', 'run', '--project', 'integration'],
    { TZ: 'America/Los_Angeles' },
  ],
  // The reliability suite (issue 12) at its quick size: fault matrix, fuzzing, key-leak scan.
  // Its own step (not a vitest project) so it runs at a size of its own and writes its figures
  // to .tmp/reliability-results.quick.json; `npm run reliability` is the full run.
  [
    `reliability suite, quick${process.env.DATABASE_URL ? '' : ' (no DATABASE_URL: database scenarios skipped)'}`,
    'node',
    ['scripts/reliability.mjs', '--quick'],
  ],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['docs (typedoc, warnings are errors)', 'npx', ['typedoc', '--logLevel', 'Warn']],
  ['package checks (publint, attw)', 'node', ['scripts/check-package.mjs']],
];
// The benchmark must never rot: run it at tiny sizes (it needs a PostgreSQL server).
if (process.env.DATABASE_URL) {
  steps.push([
    'benchmark smoke (npm run bench -- --quick)',
    'node',
    ['scripts/bench.mjs', '--quick'],
  ]);
}

const started = Date.now();
let passed = 0;
for (const [name, cmd, args, env] of steps) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed (exit ${result.status ?? result.signal})`);
    console.log(`${passed} passed, 1 failed`);
    process.exit(1);
  }
  passed++;
  console.log(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
