/**
 * The module graph, enforced by `npm run lint` (dependency-cruiser): no loop between the folders of src/ (each
 * folder is a module of the architecture; see the README's "Layout and choices"), and the Notify emulator reaches
 * production code only through the sandbox module.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-loop',
      comment: 'Folders of src/ form a graph without loops: a loop means two modules that are really one.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
      scope: 'folder',
    },
    {
      name: 'emulator-only-in-sandbox',
      comment: 'Production code never imports the emulator; the sandbox module wires it in.',
      severity: 'error',
      from: { path: '^(src|libs/notify/)', pathNot: '^src/sandbox/' },
      to: { path: '^libs/notify-emulator/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^(src|libs)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
