/** Jest runs the TypeScript sources as ES modules (run with NODE_OPTIONS=--experimental-vm-modules). */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // The engine suite runs apart: npm run test:engines (jest.engines.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/engines/'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
  // Temporary folders go with their test file; the run fails when any is left in /tmp.
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/cleanup.ts'],
  globalSetup: '<rootDir>/__tests__/helpers/tmp-before.mjs',
  globalTeardown: '<rootDir>/__tests__/helpers/tmp-after.mjs',
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
