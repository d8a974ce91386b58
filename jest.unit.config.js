// The unit tier (`npm run test:unit`, and the first step of `npm test`): every spec that needs no
// infrastructure, with no global setup, in seconds. No database, no Kafka, no Connect, no Druid, no
// running bank-app: services are replaced (NestJS testing modules with mocks), HTTP goes to a server the
// spec starts itself on a spare loopback port. A spec that needs the stack belongs to an integration
// project of jest.config.js instead; each spec file sits in exactly one of the two.
// Two projects of one tier: bank-app compiles with its own tsconfig (decorator metadata), the rest with
// the root one, and two ts-jest configurations in one project interfere (NestJS specs then fail on a
// cold cache).
const project = (tsconfig, testMatch) => ({
  displayName: 'unit',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig }] },
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    // bank-app's specs beside the code, controller specs (*.controller.spec.ts) included.
    project('<rootDir>/bank-app/tsconfig.json', ['<rootDir>/bank-app/src/**/*.spec.ts']),
    project('<rootDir>/tsconfig.json', [
      '<rootDir>/bench/src/**/*.spec.ts',
      // stack/test's specs that need no stack, by name: stack/jest.config.js leaves out exactly these.
      '<rootDir>/stack/test/compose.spec.ts',
      '<rootDir>/stack/test/kafka-cluster-id.spec.ts',
      '<rootDir>/stack/test/register-topics.spec.ts',
    ]),
  ],
};
