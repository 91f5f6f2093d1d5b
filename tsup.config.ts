import { defineConfig, type Options } from 'tsup';

// The library, shared by its ESM and CommonJS builds.
const library: Options = {
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', queue: 'src/queue/index.ts' },
  // Per-condition declarations (.d.ts / .d.cts); `@internal` declarations are left out of them.
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
};

// ky and p-retry ship only ESM, which `require()` cannot load before Node 20.19 (and loads with
// a warning up to 22.12): the CommonJS build carries its own copy of them. The ESM build imports
// them as dependencies, as usual.
const ESM_ONLY_DEPENDENCIES = ['ky', 'p-retry'];

export default defineConfig([
  { ...library, format: ['esm'], clean: true },
  { ...library, format: ['cjs'], clean: false, noExternal: ESM_ONLY_DEPENDENCIES },
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
