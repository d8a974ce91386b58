// The integration tier: the stack's own integration tests, bank-app's e2e tests and the chaos suite,
// against the real stack. `npm test` runs it in band, after the unit tier (jest.unit.config.js) has
// passed and the stack is up: some tests stop and restart components, which must not race other tests.
module.exports = {
  // Integration tests wait on real components (bounded polls inside each test).
  testTimeout: 180000,
  projects: [
    '<rootDir>/stack/jest.config.js',
    '<rootDir>/bank-app',
    '<rootDir>/bank-app/jest.chaos.config.js',
  ],
};
