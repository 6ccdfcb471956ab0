/** Jest runs the TypeScript sources as ES modules (run with NODE_OPTIONS=--experimental-vm-modules). */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // Unit and integration tests only. Real builds and pip against served wheels run apart
  // (npm run test:e2e, jest.e2e.config.js: __tests__/e2e and *.e2e.test.ts), and so do the
  // engines (npm run test:engines, jest.engines.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/__tests__/engines/',
    '<rootDir>/__tests__/e2e/',
    '\\.e2e\\.test\\.ts$',
  ],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
  // Jest's default on 2 cores is one worker (cores − 1): the unit suite is CPU-bound and the
  // machine has two, so both run test files.
  maxWorkers: 2,
  // Each run gets its own temporary root (TMPDIR); temporary folders go with their test file,
  // and the run fails when any is left there.
  setupFilesAfterEnv: [
    '<rootDir>/__tests__/helpers/cleanup.ts',
    '<rootDir>/__tests__/helpers/shell-parser.ts',
  ],
  globalSetup: '<rootDir>/__tests__/helpers/tmp-before.mjs',
  globalTeardown: '<rootDir>/__tests__/helpers/tmp-after.mjs',
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
