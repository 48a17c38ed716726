import { defineConfig } from 'tsdown';

// One bundle per module format, each with its declarations (index.mjs with index.d.mts, index.cjs with
// index.d.cts), so `import` and `require` consumers both get types that match what they load. Fixed extensions:
// the package has no "type", so that the repository's CommonJS tools (ts-node, Jest) load its sources.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  fixedExtension: true,
  dts: true,
  clean: true,
  sourcemap: true,
  tsconfig: 'tsconfig.json',
});
