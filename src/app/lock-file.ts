/**
 * Writing `stowage.lock` after a run: apart from the resolve stage, so writing the file needs
 * neither the solvers nor the lock's reader loaded.
 */
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertNoLinkOnTheWay, UnsafePathError } from '../common/paths.js';
import type { ResolveOutcome } from './resolve.js';

/** Writes the lock file when the resolve changed it; refuses a link between `root` and it. */
export function writeLockFile(
  outcome: ResolveOutcome | undefined,
  root: string,
): string | undefined {
  if (!outcome?.lockFile) return undefined;
  const file = outcome.lockFile.path;
  assertNoLinkOnTheWay(root, path.dirname(file));
  if (existsSync(file) && lstatSync(file).isSymbolicLink())
    throw new UnsafePathError(
      `${path.relative(root, file)} is a symbolic link; Stowage writes only real files of the repository`,
    );
  writeFileSync(outcome.lockFile.path, outcome.lockFile.text);
  return outcome.lockFile.path;
}
