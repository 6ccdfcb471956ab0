/**
 * The end-to-end suite (`npm run test:e2e`): real builds with dockerd and buildah against a
 * registry on loopback, and pip's real resolver against wheels served here. Slower (minutes), so
 * apart from `npm test`; `.ci/run` (through scripts/test.sh) runs it.
 */
import base from './jest.config.js';

export default {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/engines/'],
  testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts', '**/*.e2e.test.ts'],
  testTimeout: 300_000,
  // Real builds share one dockerd and one machine: one file at a time.
  maxWorkers: 1,
};
