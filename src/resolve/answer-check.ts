/**
 * The lock file is a cache of the solvers, and a pull request can edit it. A stored answer is used
 * only when it could be the solver's answer to the request it is filed under:
 *
 * - every requested package is there, at a version the request allows;
 * - nothing else is there but what a requested package needs (through the recorded dependencies);
 * - every file is named by a plain URL under a source of the request (parsed and compared: scheme,
 *   host, port, path; no `..`, no credentials, no query), with its sha256 (npm: its integrity);
 * - npm: the lock installs from the registry only (no git, file or link entries), and its root
 *   asks for exactly the requested packages.
 *
 * Otherwise the answer is not used: the request is solved again (offline: refused with the
 * reason). What it cannot prove — that each file is the one the channel publishes under that
 * name — is checked where it matters: a push re-solves the entries that changed (`lock-policy`).
 */
import type { ResolvedPackage } from '../plan/types.js';
import { allows, normalizePipName, parseRequirement } from '../software/requirements.js';
import { CONDA_SUBDIR } from './conda.js';
import { npmDependencies } from './npm.js';
import { fileUrlProblem } from './sources.js';
import type { SolveRequest, StoredOutcome } from './types.js';

/** Why `outcome` cannot be the answer to `request`, or undefined when it can. */
export function answerProblem(request: SolveRequest, outcome: StoredOutcome): string | undefined {
  if (outcome.kind !== 'solved') return undefined;
  const packages = outcome.packages;
  for (const p of packages) {
    if (p.arch !== request.arch) return `${p.name} is locked for ${p.arch}, not ${request.arch}`;
    if (!request.sources.includes(p.source))
      return `${p.name} names the source ${p.source}, which is not one of the request's`;
    const problem =
      fileUrlProblem(p.url, p.source, request.ecosystem) ?? fileNameProblem(request, p);
    if (problem) return `${p.name}: ${problem}`;
    if (request.ecosystem !== 'npm' && !p.sha256) return `${p.name} has no sha256`;
    if (request.ecosystem === 'npm' && !p.integrity) return `${p.name} has no integrity`;
  }
  return (
    requestedProblem(request, packages) ??
    (request.ecosystem === 'npm'
      ? npmLockfileProblem(request, outcome.npmLockfile)
      : extraProblem(request, packages))
  );
}

/**
 * The file a URL names is the package's own: conda `<subdir>/<name>-<version>-<build>.conda`, a pip
 * wheel `<name>-<version>-….whl`, an npm `<name>/-/<name>-<version>.tgz` — so a URL under the
 * right source cannot swap in another package's file.
 */
function fileNameProblem(request: SolveRequest, p: ResolvedPackage): string | undefined {
  const file = p.url.slice(p.url.lastIndexOf('/') + 1);
  const folder = p.url.slice(0, p.url.lastIndexOf('/'));
  const expected = (() => {
    switch (request.ecosystem) {
      case 'conda': {
        const subdirs = [CONDA_SUBDIR[request.arch], 'noarch'].map((d) => `${p.source}/${d}`);
        const stem = `${p.name}-${p.version}-${p.build ?? ''}`;
        return subdirs.includes(folder) && (file === `${stem}.conda` || file === `${stem}.tar.bz2`)
          ? undefined
          : `${stem}.conda (or .tar.bz2) in ${CONDA_SUBDIR[request.arch]}/ or noarch/`;
      }
      case 'pip': {
        const [name = '', version = ''] = file.split('-');
        return file.endsWith('.whl') &&
          normalizePipName(name) === normalizePipName(p.name) &&
          version === p.version
          ? undefined
          : `a wheel of ${p.name} ${p.version}`;
      }
      case 'npm':
        return p.url === npmTarball(p.source, p.name, p.version)
          ? undefined
          : npmTarball(p.source, p.name, p.version);
    }
  })();
  return expected === undefined ? undefined : `"${p.url}" is not ${expected}`;
}

/** Where a registry keeps a version's tarball: `<registry>/@scope/name/-/name-1.0.0.tgz`. */
function npmTarball(registry: string, name: string, version: string): string {
  return `${registry}/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

const nameKey = (ecosystem: SolveRequest['ecosystem'], name: string): string =>
  ecosystem === 'pip' ? normalizePipName(name) : name.toLowerCase();

/** Every requested package present, at a version its requirement allows. */
function requestedProblem(
  request: SolveRequest,
  packages: readonly ResolvedPackage[],
): string | undefined {
  for (const spec of request.specs) {
    const requirement = parseRequirement(request.ecosystem, spec);
    if (!requirement.ok) return `the request "${spec}" is not valid: ${requirement.reason}`;
    const found = packages.filter((p) => nameKey(request.ecosystem, p.name) === requirement.name);
    if (found.length === 0) return `${requirement.name}, requested as "${spec}", is not in it`;
    const outside = found.find((p) => !allows(requirement, p.version));
    if (outside) return `${outside.name} ${outside.version} is outside the requested "${spec}"`;
  }
  return undefined;
}

/** conda and pip: every package is requested or needed by one that is (recorded `depends`). */
function extraProblem(
  request: SolveRequest,
  packages: readonly ResolvedPackage[],
): string | undefined {
  const key = (name: string) => nameKey(request.ecosystem, name);
  const unrecorded = packages.find((p) => p.depends === undefined);
  if (unrecorded)
    return `${unrecorded.name} has no recorded dependencies (a lock of an earlier Stowage): it cannot be checked`;
  const byName = new Map(packages.map((p) => [key(p.name), p]));
  const reached = new Set<string>();
  const queue = request.specs.map((s) => {
    const r = parseRequirement(request.ecosystem, s);
    return r.ok ? r.name : '';
  });
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const dep of byName.get(name)?.depends ?? []) queue.push(key(dep));
  }
  const extra = packages.find((p) => !reached.has(key(p.name)));
  return extra ? `${extra.name} is in it, but nothing requested needs it` : undefined;
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
    const problem = fileUrlProblem(entry.resolved, request.sources[0]!, 'npm');
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
