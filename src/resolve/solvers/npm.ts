/**
 * npm: npm itself (npm.ts), `npm install --package-lock-only` once for all architectures (npm's
 * lock is the same for every one); its `package-lock.json` is kept as the group's lock, and an
 * answer from the lock file is trusted only when that lock installs registry tarballs of exactly
 * what was requested.
 */
import { npmDependencies, solveNpm } from '../npm.js';
import { fileUrlProblem } from '../sources.js';
import type { SolveRequest } from '../types.js';
import { groupSpecs, type Solver } from './solver.js';

/** Where a registry keeps a version's tarball: `<registry>/@scope/name/-/name-1.0.0.tgz`. */
function npmTarball(registry: string, name: string, version: string): string {
  return `${registry}/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

interface NpmLockEntry {
  version?: unknown;
  resolved?: unknown;
  integrity?: unknown;
  link?: unknown;
  dependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
  peerDependencies?: Record<string, unknown>;
}

/** npm: the lock `npm ci` installs from asks for the request and installs registry tarballs only. */
function npmLockfileProblem(request: SolveRequest, text: string | undefined): string | undefined {
  if (text === undefined) return 'it has no npm lock file';
  let lock: { packages?: Record<string, NpmLockEntry> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch {
    return 'its npm lock file is not JSON';
  }
  const entries = Object.entries(lock.packages ?? {});
  const nameOf = (where: string) => where.slice(where.lastIndexOf('node_modules/') + 13);
  const root = lock.packages?.[''];
  const asked = JSON.stringify(npmDependencies(request.specs));
  const rootDeps = JSON.stringify(sortedKeys(root?.dependencies ?? {}));
  if (rootDeps !== asked)
    return `its npm lock file asks for ${rootDeps}, not for the requested ${asked}`;
  for (const [where, entry] of entries) {
    if (where === '') continue;
    if (!/^(?:node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/?)+$/.test(where) || where.endsWith('/'))
      return `its npm lock file installs "${where}", which is not a registry package`;
    if (entry.link !== undefined) return `its npm lock file links "${where}"`;
    if (
      typeof entry.resolved !== 'string' ||
      typeof entry.integrity !== 'string' ||
      typeof entry.version !== 'string'
    )
      return `its npm lock file has no registry tarball, version and integrity for "${where}"`;
    const problem = fileUrlProblem(entry.resolved, request.sources[0]!, 'under-source');
    if (problem) return `its npm lock file: ${where}: ${problem}`;
    const tarball = npmTarball(request.sources[0]!, nameOf(where), entry.version);
    if (entry.resolved !== tarball)
      return `its npm lock file installs "${entry.resolved}" as ${where}, not ${tarball}`;
  }
  // Every installed package is reached from the root through dependencies, by name.
  const reached = new Set<string>();
  const byName = new Map<string, NpmLockEntry[]>();
  for (const [where, entry] of entries)
    if (where !== '') byName.set(nameOf(where), [...(byName.get(nameOf(where)) ?? []), entry]);
  const queue = Object.keys(root?.dependencies ?? {});
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const entry of byName.get(name) ?? [])
      queue.push(
        ...Object.keys({
          ...entry.dependencies,
          ...entry.optionalDependencies,
          ...entry.peerDependencies,
        }),
      );
  }
  const extra = [...byName.keys()].find((n) => !reached.has(n));
  return extra ? `its npm lock file installs ${extra}, which nothing requested needs` : undefined;
}

function sortedKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export const npm: Solver = {
  ecosystem: 'npm',
  arches: 'first',
  request: (group, arch, { settings }) => ({
    ecosystem: 'npm',
    arch,
    specs: groupSpecs(group, 'npm'),
    sources: [settings.npmRegistry],
  }),
  specs: (texts) => [...texts],
  probe(r) {
    const first = r.specs[0]!;
    const at = first.indexOf('@', 1);
    return `${r.sources[0]!}/${encodeURIComponent(first.slice(0, at > 0 ? at : undefined)).replace('%40', '@')}`;
  },
  open: (io) => (r) => solveNpm(r, io.run, io.settings.npm, io.timeLeft()),
  answer: {
    files: 'under-source',
    expectedFile: (p) =>
      p.url === npmTarball(p.source, p.name, p.version)
        ? undefined
        : npmTarball(p.source, p.name, p.version),
    digest: 'integrity',
    nameKey: (name) => name.toLowerCase(),
    extraProblem: (r, outcome) => npmLockfileProblem(r, outcome.npmLockfile),
  },
};
