/**
 * The repository root of a command-line run: the importers read nothing outside it, and findings
 * name files from it. It is `--root` when given, else the git top-level of the path given (the
 * nearest folder above it holding `.git`, a folder or a worktree's file), else the current
 * folder — so `cd workflows && stowage plan x.cwl` may read `../tools`. (The action's root is
 * GITHUB_WORKSPACE.)
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/errors.js';

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest folder from `start` up that holds `.git`, or undefined. */
export function gitTopLevel(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `--root` (checked: a folder holding the path), else the path's git top-level, else `cwd`. */
export function repositoryRoot(cwd: string, target: string, given?: string): string {
  const absolute = path.resolve(cwd, target);
  if (given !== undefined) {
    const root = path.resolve(cwd, given);
    if (!isFolder(root)) throw new InputError(`--root ${given}: no such folder`);
    const inside = path.relative(root, absolute);
    if (inside.startsWith('..') || path.isAbsolute(inside))
      throw new InputError(`--root ${given} does not hold ${target}: give the repository it is in`);
    return root;
  }
  return gitTopLevel(isFolder(absolute) ? absolute : path.dirname(absolute)) ?? cwd;
}
