// bank-app's tests: unit specs beside the code (src/**/*.spec.ts) and e2e specs against the real
// MariaDB (test/**/*.e2e-spec.ts). Run in band from the root: one spec stops and restarts the database.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'bank-app',
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: ['src/.*\\.spec\\.ts$', 'test/.*\\.e2e-spec\\.ts$'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // Applies the migrations (as the migrator user) before any spec runs; unit specs do not need it,
  // but one schema step for the whole run is simpler than deciding per file.
  globalSetup: '<rootDir>/test/global-setup.ts',
  // (testTimeout is a global-only option, so a project sets its default here.)
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.ts'],
};
