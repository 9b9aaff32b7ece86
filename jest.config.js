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
  // Integration tests wait on the action's polls (5 s apart) in real time: a test's time
  // grows with the workers running beside it, and this leaves it three times its usual.
  testTimeout: 60000,
  // Integration tests mostly wait on child processes and the polls' sleeps: more workers
  // than cores keeps a 2-core CI machine busy (measured: 3 workers ~240 s, 5 ~190 s).
  maxWorkers: 5,
  reporters: ['default', '<rootDir>/scripts/jest-count-reporter.mjs'],
};
