/**
 * Every ecosystem whose packages a group's image installs, one entry each, in the order of the
 * Dockerfile's install steps. dockerfile.ts reads them by this list and names none of them.
 *
 * A new ecosystem is one file here (an `Installer`: its install steps, and the lock files its
 * solver's answers render into) and one entry below; when it is solved, also one solver file in
 * src/resolve/solvers/ and one entry in that list.
 */
import type { GroupLock, PlannedPackage } from '../types.js';
import { conda } from './conda.js';
import type { Installer } from './installer.js';
import { maven } from './maven.js';
import { npm } from './npm.js';
import { pip } from './pip.js';
import { r } from './r.js';

export const INSTALLERS: readonly Installer[] = [conda, pip, r, npm, maven];

/** The installers of the ecosystems a group has packages of, in install order. */
export function installersOf(packages: readonly PlannedPackage[]): Installer[] {
  return INSTALLERS.filter((i) => packages.some((p) => i.ecosystems.includes(p.ecosystem)));
}

/** The lock files of a group, by file name (empty when it was not solved). */
export function lockFiles(group: string, lock: GroupLock | undefined): Record<string, string> {
  if (!lock || lock.resolution.status !== 'solved') return {};
  return Object.assign({}, ...INSTALLERS.map((i) => i.lockFiles?.(group, lock) ?? {})) as Record<
    string,
    string
  >;
}
