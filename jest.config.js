/** Three tiers, one command: `npm test` runs unit, integration (real Redis) and e2e (whole app over HTTP). */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: __dirname,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^@app/notify-emulator(|/.*)$': '<rootDir>/libs/notify-emulator/src$1',
    '^@app/notify(|/.*)$': '<rootDir>/libs/notify/src$1',
    '^@notify-otp/client$': '<rootDir>/libs/client/src',
  },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{src,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
  testTimeout: 30000,
};
