/**
 * How an ecosystem's packages get into a group's image: the apt packages a base of another family
 * lacks for them, the build stage or environment they need, the lock files a solved group installs
 * from, and the install steps themselves. The Dockerfile renderer (dockerfile.ts) asks each entry
 * of INSTALLERS (index.ts) in turn and knows no ecosystem by name; the resolve stage's solvers
 * (src/resolve/solvers/) make the locks these files render.
 *
 * Pure: plain data in, Dockerfile lines and file texts out.
 */
import { dockerJsonArray } from '../../common/escape/dockerfile.js';
import type { Ecosystem } from '../../software/requirements.js';
import { line } from '../dockerfile-lines.js';
import type { Arch, Family, GroupLock, PlannedGroup, ResolvedPackage } from '../types.js';

/** What of a group its Dockerfile is rendered from. */
export type InstallGroup = Pick<
  PlannedGroup,
  'name' | 'family' | 'gpu' | 'steps' | 'packages' | 'channels' | 'baseImage'
>;

/** The group's lock files (by name, as `lockFiles` wrote them) and the architectures they are for. */
export interface Locked {
  files: ReadonlySet<string>;
  arches: readonly Arch[];
}

export interface Installer {
  /**
   * The `software:` lists whose packages it installs. The hooks below are asked only for a group
   * that has some, but `install`, which is asked for every group (a lock may be all it has).
   */
  ecosystems: readonly Ecosystem[];
  /** apt packages a base of this family lacks to host them (`python3-pip` for pip in an R image). */
  helperApt?(family: Family): readonly string[];
  /** `ENV` lines of the image, set before anything is installed. */
  env?(family: Family): string[];
  /** A build stage ahead of the image (Maven's); the files it copies in go into `generated`. */
  stage?(
    input: { group: InstallGroup; mavenImage: string },
    generated: Record<string, string>,
  ): string[];
  /** The lock files of a solved group, by file name, written beside the Dockerfile. */
  lockFiles?(group: string, lock: GroupLock): Record<string, string>;
  /**
   * The lines that install the group's packages: from its lock files when `locked` holds them
   * (without solving again), else by name, shared packages first; none when it has neither.
   */
  install(group: InstallGroup, locked: Locked): string[];
}

/** Where the locks are copied inside the image (kept: the image carries its own record). */
export const LOCK_DIR = '/usr/local/share/stowage';

/** `conda-amd64.lock`, `pip-arm64.lock`: a lock made for one architecture. */
export function lockFileName(ecosystem: Ecosystem, arch: Arch): string {
  return `${ecosystem}-${arch}.lock`;
}

/** The packages a lock pins for one ecosystem and architecture. */
export function lockedPackages(
  lock: GroupLock,
  ecosystem: Ecosystem,
  arch: Arch,
): ResolvedPackage[] {
  return lock.resolution.packages.filter((p) => p.ecosystem === ecosystem && p.arch === arch);
}

/** One lock file per architecture the ecosystem has packages for (`<ecosystem>-<arch>.lock`). */
export function locksPerArch(
  lock: GroupLock,
  ecosystem: Ecosystem,
  render: (arch: Arch) => string,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const arch of lock.resolution.arches)
    if (lockedPackages(lock, ecosystem, arch).length > 0)
      files[lockFileName(ecosystem, arch)] = render(arch);
  return files;
}

/** A URL goes on one line of a lock file: no whitespace, no `#` but the hash separator. */
export function checkedUrl(url: string): string {
  if (!/^https?:\/\/[^\s#]+$/.test(url))
    throw new Error(`refusing to write a lock line for the URL "${url}"`);
  return url;
}

/**
 * The per-architecture lock of an ecosystem, copied into the image and named for the install
 * command: the file itself for one architecture, `<eco>-$TARGETARCH.lock` (all of them copied)
 * for several. Undefined when the group has no such lock.
 */
export function lockSteps(
  ecosystem: Ecosystem,
  locked: Locked,
): { copy: string[]; path: string } | undefined {
  const names = locked.arches
    .map((a) => lockFileName(ecosystem, a))
    .filter((n) => locked.files.has(n));
  if (names.length === 0) return undefined;
  const copyLine = line(`COPY ${dockerJsonArray([...names, `${LOCK_DIR}/`])}`);
  if (names.length === 1) return { copy: [copyLine], path: `${LOCK_DIR}/${names[0]}` };
  return { copy: ['ARG TARGETARCH', copyLine], path: `${LOCK_DIR}/${ecosystem}-$TARGETARCH.lock` };
}
