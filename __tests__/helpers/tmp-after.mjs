// jest globalTeardown: the suite fails when it left new `stowage-*` entries in /tmp.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

export default function after() {
  const before = new Set(globalThis.stowageTmpBefore ?? []);
  const left = readdirSync(tmpdir()).filter((n) => n.startsWith('stowage-') && !before.has(n));
  if (left.length > 0) {
    throw new Error(
      `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in ${tmpdir()}: ${left.slice(0, 10).join(', ')}`,
    );
  }
}
