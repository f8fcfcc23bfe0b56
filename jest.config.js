/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // 'ts' first: a stale compiled lib/*.js must never shadow its .ts source.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
  moduleNameMapper: { '^cdk-api-groups$': '<rootDir>/lib/index.ts' },
  // Builds assets/ (the bundled handlers) before any test: tests run the real artefact, never a stale one.
  globalSetup: '<rootDir>/scripts/bundle.mjs',
  // Folders the runtime tests create for the built asset (test/support/proxy-harness.ts).
  modulePathIgnorePatterns: ['<rootDir>/test/.work/'],
  testTimeout: 30000,
};
