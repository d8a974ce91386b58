// One jest run over every package: the stack's own integration tests and bank-app's unit and e2e tests.
// `npm test` runs it in band: some tests stop and restart components, which must not race other tests.
module.exports = {
  // Integration tests wait on real components (bounded polls inside each test).
  testTimeout: 180000,
  projects: [
    '<rootDir>/stack/jest.config.js',
    '<rootDir>/bank-app',
    '<rootDir>/bank-app/jest.chaos.config.js',
  ],
};
