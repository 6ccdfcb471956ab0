/**
 * Files Stowage reads and writes stay inside the workspace (or the output folder the user named),
 * also through symbolic links: a pull request can commit a link (`.stowage/plan.json -> ~/.bashrc`,
 * `stowage.yml -> /proc/self/environ`, `data -> /home/runner`) that plain path checks miss.
 *
 * - Reads: `realPathInside` resolves every link and refuses a path whose real location leaves the
 *   root; `isInside` answers the same question without throwing.
 * - Writes: nothing is written through an existing link. A file is written to a fresh temporary
 *   sibling (created exclusively, `wx`) and renamed over its target; a folder is filled as a fresh
 *   temporary sibling and swapped in by rename (`replaceFolder`). `rename` replaces a link itself,
 *   never its target, and an interrupted run leaves the old file or folder, or none — never half.
 *   A link where Stowage writes is refused before anything is written (`assertWritable`).
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { InputError } from './errors.js';

/** A path that leaves the workspace, or a link where Stowage would write: the user must fix it. */
export class UnsafePathError extends InputError {
  override name = 'UnsafePathError';
}

/** True when `child` is `parent` or below it (both absolute and normalised). */
function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real location of `target` (absolute, or relative to root) with every link resolved. For a
 * path that does not exist yet, its nearest existing ancestor is resolved and the rest appended.
 */
export function realLocation(root: string, target: string): string {
  let existing = path.resolve(root, target);
  const rest: string[] = [];
  while (!existsSync(existing) && !isLink(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    // A dangling link: where it points, resolved against its folder.
    real = path.resolve(path.dirname(existing), readlinkSync(existing));
  }
  return path.join(real, ...rest);
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** True when `target`, links followed, is inside root's real location. */
export function isInside(root: string, target: string): boolean {
  return within(realpathSync(root), realLocation(root, target));
}

/**
 * Refuses to read `target` when it is in the workspace by name but, through a link, somewhere
 * else (`stowage.yml -> /proc/self/environ`). A path named outside the workspace (a CLI argument)
 * is the user's own choice and is read as given.
 */
export function assertReadable(root: string, target: string, shown = target): void {
  const absolute = path.resolve(root, target);
  if (!within(path.resolve(root), absolute) || isInside(root, absolute)) return;
  throw new UnsafePathError(
    `${shown} is a link to ${realLocation(root, absolute)}, outside the repository; Stowage reads nothing there`,
  );
}

/**
 * The real location of `relative` under `root`, which must be a regular file or folder inside
 * root's real location. Links inside the repository pointing inside it are fine.
 */
export function realPathInside(root: string, relative: string): string {
  const realRoot = realpathSync(root);
  const real = realpathSync(path.resolve(root, relative));
  if (!within(realRoot, real)) {
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
 * Refuses to write at `target` when it, or a folder between `root` and it, is a symbolic link;
 * `shown` names it in the message. A target outside root (an output folder the user named) is
 * checked from its own folder down only.
 */
/**
 * The text of a file of the workspace, read only when it resolves (through links) to a regular
 * file inside `root` and is at most `maxBytes`: a committed link to `/proc/self/environ` or
 * `/dev/zero` is refused before a byte is read.
 */
export function readWorkspaceFile(
  root: string,
  target: string,
  options: { maxBytes: number; shown?: string },
): string {
  const shown = options.shown ?? target;
  const real = realPathInside(root, path.relative(root, path.resolve(root, target)));
  const stat = statSync(real);
  if (!stat.isFile()) throw new UnsafePathError(`${shown} is not a regular file`);
  if (stat.size > options.maxBytes)
    throw new UnsafePathError(
      `${shown} is ${stat.size} bytes, more than the ${options.maxBytes} Stowage reads`,
    );
  return readFileSync(real, 'utf8');
}

export function assertWritable(root: string, target: string, shown = target): void {
  const absolute = path.resolve(root, target);
  const base = within(path.resolve(root), absolute) ? path.resolve(root) : path.dirname(absolute);
  let current = base;
  for (const part of path.relative(base, absolute).split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    if (isLink(current)) {
      const to = readlinkSync(current);
      throw new UnsafePathError(
        `${current === absolute ? shown : path.relative(root, current) || current} is a symbolic link (to ${to}); ` +
          'Stowage writes only real files and folders it makes. Remove the link (and do not commit one there)',
      );
    }
    if (!existsSync(current)) return;
  }
}

/** The old name kept for callers that check folders: no link from root down to `dir`. */
export function assertNoLinkOnTheWay(root: string, dir: string): void {
  assertWritable(root, dir);
}

/**
 * Writes `content` to `target` atomically, never through a link: a fresh temporary sibling is
 * created exclusively and renamed over the target. The caller checked the folders on the way.
 */
export function writeFileAtomic(target: string, content: string | Uint8Array, mode = 0o644): void {
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`,
  );
  try {
    writeFileSync(temp, content, { flag: 'wx', mode });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Replaces the folder `target` with one `fill` writes into: filled in a fresh temporary sibling
 * (nothing of an old folder or link is followed), then swapped in by rename; the old one is
 * removed after. Interrupted, it leaves the old folder or the new one, and at most a temporary
 * sibling named `.<name>.new-*` or `.<name>.old-*`.
 */
export function replaceFolder(target: string, fill: (dir: string) => void): void {
  const parent = path.dirname(target);
  const name = path.basename(target);
  mkdirSync(parent, { recursive: true });
  const fresh = mkdtempSync(path.join(parent, `.${name}.new-`));
  try {
    fill(fresh);
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
  const old = existsSync(target) || isLink(target) ? `${fresh.replace('.new-', '.old-')}` : '';
  if (old) renameSync(target, old);
  renameSync(fresh, target);
  if (old) rmSync(old, { recursive: true, force: true });
}
