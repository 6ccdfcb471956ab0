/**
 * Paths a spec names must stay inside the repository, also through symbolic links: a pull request
 * can commit a link (`.stowage -> /somewhere`, `data -> /home/runner`) that plain path checks miss.
 */
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export class UnsafePathError extends Error {}

/**
 * The real location of `relative` under `root`, which must be a regular file or folder inside
 * root's real location. Links inside the repository pointing inside it are fine.
 */
export function realPathInside(root: string, relative: string): string {
  const realRoot = realpathSync(root);
  const real = realpathSync(path.resolve(root, relative));
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UnsafePathError(
      `${relative} resolves outside the repository (to ${real}); links must stay inside it`,
    );
  }
  const stat = statSync(real);
  if (!stat.isFile() && !stat.isDirectory()) {
    throw new UnsafePathError(`${relative} is neither a file nor a folder`);
  }
  return real;
}

/**
 * Refuses to write into `dir` when it, or a folder between `root` and it, is a symbolic link, so
 * output folders such as `.stowage/` cannot be redirected outside the repository.
 */
export function assertNoLinkOnTheWay(root: string, dir: string): void {
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return; // not under the repository: the user chose it
  let current = root;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    if (!existsSync(current)) return;
    if (lstatSync(current).isSymbolicLink()) {
      throw new UnsafePathError(
        `${path.relative(root, current)} is a symbolic link; Stowage writes only into real folders of the repository`,
      );
    }
  }
}
