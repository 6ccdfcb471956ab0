// jest globalSetup: this run's own temporary root. Every test file (the workers start after this)
// and every program they start (TMPDIR is inherited) make their temporary files under it, so the
// leftover check in tmp-after.mjs looks at this run's files only, whatever else uses /tmp.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function before() {
  const root = mkdtempSync(join(tmpdir(), 'stowage-test-run-'));
  globalThis.stowageTmpRoot = root;
  process.env.TMPDIR = root;
  // The repodata cache too: a run starts cold and leaves nothing in ~/.cache.
  process.env.STOWAGE_CACHE = join(root, 'cache');
}
