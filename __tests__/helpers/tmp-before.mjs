// jest globalSetup: the `stowage-*` names in /tmp before the run (read back by tmp-after.mjs).
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

export default function before() {
  globalThis.stowageTmpBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('stowage-'));
}
