import { defineConfig } from 'tsdown';

// One bundle per module format, each with its declarations (index.d.ts beside index.js, index.d.cts beside
// index.cjs), so `import` and `require` consumers both get types that match what they load.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  sourcemap: true,
  tsconfig: 'tsconfig.json',
});
