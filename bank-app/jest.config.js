// bank-app's e2e specs (test/**/*.e2e-spec.ts), against the real MariaDB, Kafka, Connect and Druid. Run
// in band from the root: one spec stops and restarts the database. The unit specs beside the code
// (src/**/*.spec.ts) need none of that: they are in the unit tier (jest.unit.config.js at the root), which
// has no global setup.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'bank-app',
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: ['test/.*\\.e2e-spec\\.ts$'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // Once before the specs: applies the migrations (as the migrator user) and checks that no other
  // bank-app is projecting.
  globalSetup: '<rootDir>/test/global-setup.ts',
  // (testTimeout is a global-only option, so a project sets its default here.) After each spec file,
  // the responses it received are checked against the OpenAPI document (the contract test).
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.ts', '<rootDir>/test/support/contract-setup.ts'],
};
