import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: dual ESM + CommonJS with per-condition type declarations.
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', queue: 'src/queue/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
  },
  {
    // The CLI: ESM only, a shebang, no declarations (it is not imported).
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
