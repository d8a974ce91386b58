// The bank-invariant chaos suite (`npm run test:chaos`, also part of `npm test`): scenarios that kill
// and pause real components while a load runs, then check the invariants exactly.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'chaos',
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: ['test/chaos/.*\\.chaos-spec\\.ts$'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.ts'],
};
