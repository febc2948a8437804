/** Unit tests import TypeScript directly; end-to-end tests load the built dist/Code.js. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
  },
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summaryReporter.cjs'],
};
