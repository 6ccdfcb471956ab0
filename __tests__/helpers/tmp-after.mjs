// jest globalTeardown: the run fails when its tests left anything in its temporary root (see
// tmp-before.mjs); the root is removed either way, so /tmp is as the run found it.
import { readdirSync, rmSync } from 'node:fs';

export default function after() {
  const root = globalThis.stowageTmpRoot;
  if (!root) return;
  // The run's repodata cache (STOWAGE_CACHE) is meant to stay until the end.
  const left = readdirSync(root).filter((name) => name !== 'cache');
  rmSync(root, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their temporary folder: ${left.slice(0, 10).join(', ')}`,
    );
  }
}
