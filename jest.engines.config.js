/**
 * The engine suite (`npm run test:engines`): real workflow engines and a real Slurm cluster run
 * workflows in Stowage's images. Slow (minutes), so apart from `npm test`; `.ci/run` runs both.
 */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/__tests__/engines'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600_000,
};
