// Integration tests of the local stack itself: each component is the real thing and usable. The specs
// under test/ that need no stack (named in jest.unit.config.js) run in the unit tier instead.
const unitSpecs = require('../jest.unit.config.js')
  .projects.flatMap((project) => project.testMatch)
  .filter((pattern) => pattern.startsWith('<rootDir>/stack/test/'))
  .map((pattern) => pattern.slice('<rootDir>/stack/'.length).replace(/\./g, '\\.'));

module.exports = {
  displayName: 'stack',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...unitSpecs.map((file) => `<rootDir>/${file}$`)],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.json' }] },
};
