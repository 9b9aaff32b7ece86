/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  // Refuses to test a dist/ built from other sources than the working tree's.
  globalSetup: '<rootDir>/scripts/jest-dist-guard.mjs',
  testTimeout: 30000,
  // Integration tests mostly wait on child processes and emulated time: more workers than
  // cores keeps a 2-core CI machine busy.
  maxWorkers: 3,
  reporters: ['default', '<rootDir>/scripts/jest-count-reporter.mjs'],
};
