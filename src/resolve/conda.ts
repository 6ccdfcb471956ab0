/**
 * conda groups solved by rattler's solver (resolvo), through its WebAssembly bindings
 * `@conda-org/rattler`: the same repodata, match specs and explanations conda users know, with no
 * conda installation on the runner.
 *
 * The bindings fetch repodata with the global `fetch`. For the length of a solve it answers from
 * the run's `CondaGateway` (conda-gateway.ts): each channel read once per run, through the run's
 * `Network` (bounded waits, one attempt per unreachable host) and the disk cache, and each solve
 * served only the records its specs can reach. Solves run one at a time, so nothing else sees the
 * swap. A request whose records already show conflicts (conda-needs.ts) is answered with all of
 * them and not solved.
 */
import type { Arch, ResolvedPackage } from '../plan/types.js';
import { loadRattler } from '../software/conda-spec.js';
import { condaForms, parseRequirement } from '../software/requirements.js';
import { CondaGateway, RepodataError, specName } from './conda-gateway.js';
import { Unreachable, type Network } from './network.js';
import { normalizeUrl } from './sources.js';
import type { SolveOutcome, SolveRequest } from './types.js';

export const CONDA_SUBDIR: Record<Arch, 'linux-64' | 'linux-aarch64'> = {
  amd64: 'linux-64',
  arm64: 'linux-aarch64',
};

/**
 * The virtual packages of the target: Linux with the glibc of the default micromamba image
 * (Debian bookworm), a conservative cluster kernel, and a CUDA driver for GPU groups.
 */
export function virtualPackages(arch: Arch, gpu: boolean): Record<string, unknown>[] {
  const subdir = CONDA_SUBDIR[arch];
  const v = (name: string, version: string, build = '0') => ({
    url: `https://virtual.invalid/${subdir}/${name}-${version}-${build}.conda`,
    packageName: name,
    build,
    buildNumber: 0,
    version,
    filename: `${name}-${version}-${build}.conda`,
    subdir,
    depends: [],
  });
  const list = [
    v('__unix', '0'),
    v('__linux', '4.18'),
    v('__glibc', '2.36'),
    v('__archspec', '1', arch === 'amd64' ? 'x86_64' : 'aarch64'),
  ];
  if (gpu) list.push(v('__cuda', '12.4'));
  return list;
}

interface SolvedRecord {
  url: string;
  packageName: string;
  build: string;
  version: string;
  repoName?: string;
  md5?: string;
  sha256?: string;
  depends?: string[];
  size?: bigint | number;
}

type SimpleSolve = (
  specs: string[],
  channels: string[],
  platforms: string[],
  locked: unknown,
) => Promise<SolvedRecord[]>;

let solver: Promise<SimpleSolve> | undefined;

/**
 * The bindings load on first use (a few MB of WebAssembly), never for a name-level plan; the
 * requirement grammar shares them (conda-spec.ts).
 */
function loadSolver(): Promise<SimpleSolve> {
  solver ??= loadRattler().then((m) => m.simpleSolve as unknown as SimpleSolve);
  return solver;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `work` with `fetch` as the global fetch, one at a time. */
function withGlobalFetch<T>(fetchFn: typeof globalThis.fetch, work: () => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const saved = globalThis.fetch;
    globalThis.fetch = fetchFn;
    try {
      return await work();
    } finally {
      globalThis.fetch = saved;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * A conda requirement as the solver takes it. The channel goes (`channel::` or `[channel=…]`):
 * the channel is in the channel list, and the bindings cannot parse a channel without a file
 * system (they abort). A spec only conda's grammar reads is passed in conda's canonical form.
 */
export function matchSpecOf(text: string): string {
  return condaForms(text).solver;
}

/** The channel a requirement names (`bioconda::samtools=1.20` → `bioconda`). */
export function channelOf(text: string): string | undefined {
  const parsed = parseRequirement('conda', text);
  if (parsed.ok && parsed.constraint.kind === 'conda') return parsed.constraint.channel;
  const i = text.indexOf('::');
  return i > 0 ? text.slice(0, i) : undefined;
}

export async function solveConda(
  request: SolveRequest,
  network: Network,
  gateway: CondaGateway,
): Promise<SolveOutcome> {
  const simpleSolve = await loadSolver();
  const platforms = [CONDA_SUBDIR[request.arch], 'noarch'];
  let prepared;
  try {
    prepared = await gateway.forSolve(request.specs, request.sources, platforms);
  } catch (error) {
    if (error instanceof Unreachable) return { kind: 'unreachable', reason: error.message };
    if (error instanceof RepodataError)
      return {
        kind: 'unreachable',
        reason: `a channel's repodata cannot be read: ${error.message}`,
      };
    throw error;
  }
  if ('conflicts' in prepared) {
    const pairs = prepared.conflicts;
    return {
      kind: 'conflict',
      // The pairs carry every reason; the explanation, a few (the lock keeps both).
      explanation: [
        ...pairs.slice(0, 3).map((p) => p.explanation),
        ...(pairs.length > 3 ? [`and ${pairs.length - 3} more pairs`] : []),
      ].join('\n'),
      names: [...new Set(pairs.flatMap((p) => p.specs.map(specName)))].sort(),
      pairs,
    };
  }
  let records: SolvedRecord[];
  try {
    const fetchFn = CondaGateway.fetchFor(prepared.served) as typeof globalThis.fetch;
    records = await withGlobalFetch(fetchFn, () =>
      simpleSolve(
        request.specs,
        request.sources,
        platforms,
        virtualPackages(request.arch, request.gpu === true),
      ),
    );
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    const down = request.sources
      .map((url) => [...network.down.entries()].find(([origin]) => url.startsWith(origin)))
      .find((hit) => hit !== undefined);
    if (down) return { kind: 'unreachable', reason: down[1] };
    if (!/Cannot solve the request/.test(text))
      return { kind: 'unreachable', reason: `the conda solver failed: ${text.split('\n')[0]}` };
    return { kind: 'conflict', explanation: explanationOf(text), names: namesInExplanation(text) };
  }
  const chosen = records.filter((r) => !r.packageName.startsWith('__'));
  const unhashed = chosen.filter((r) => !r.sha256).map((r) => r.packageName);
  // A lock must pin each file by sha256 (md5 alone is not enough to trust a mirror's file).
  if (unhashed.length > 0)
    return {
      kind: 'unreachable',
      reason: `the channel gives no sha256 for ${unhashed.slice(0, 5).join(', ')}${unhashed.length > 5 ? ', …' : ''}: a lock needs them`,
    };
  const packages = installOrder(chosen).map((r): ResolvedPackage => ({
    ecosystem: 'conda',
    name: r.packageName,
    version: r.version,
    build: r.build,
    source: sourceOf(r, request.sources),
    url: r.url,
    ...(r.sha256 ? { sha256: r.sha256 } : {}),
    ...(r.md5 ? { md5: r.md5 } : {}),
    depends: dependencyNames(r.depends ?? []),
    ...(r.size !== undefined && r.size !== null ? { size: Number(r.size) } : {}),
    arch: request.arch,
  }));
  return { kind: 'solved', packages };
}

/** `htslib >=1.17,<1.18` → `htslib`: the names a record depends on, sorted, once each. */
function dependencyNames(depends: readonly string[]): string[] {
  return [...new Set(depends.map((d) => d.trim().split(/[\s=<>!~]/)[0]!).filter(Boolean))].sort();
}

/** The configured channel URL a record came from (the solver reports it with a trailing slash). */
function sourceOf(record: SolvedRecord, channels: readonly string[]): string {
  const repo = normalizeUrl(record.repoName ?? '');
  return channels.find((c) => normalizeUrl(c) === repo || record.url.startsWith(`${c}/`)) ?? repo;
}

/**
 * Dependencies before the packages that need them (python before the noarch packages compiled
 * against it), ties by name: the order conda's explicit files use.
 */
export function installOrder(records: readonly SolvedRecord[]): SolvedRecord[] {
  const byName = new Map(records.map((r) => [r.packageName, r]));
  const sorted: SolvedRecord[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: SolvedRecord) => {
    if (state.has(r.packageName)) return; // done, or a cycle (conda allows them): break it here
    state.set(r.packageName, 'visiting');
    const deps = (r.depends ?? []).map((d) => d.split(/[\s=<>!~]/)[0]!).sort();
    for (const name of deps) {
      const dep = byName.get(name);
      if (dep) visit(dep);
    }
    state.set(r.packageName, 'done');
    sorted.push(r);
  };
  for (const r of [...records].sort((a, b) => (a.packageName < b.packageName ? -1 : 1))) visit(r);
  return sorted;
}

/** The requested packages an explanation starts from: the tree's top-level entries. */
export function namesInExplanation(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const top = /^[├└]─ (\S+)/.exec(line) ?? /because of: (\S+) \S+ cannot be installed/.exec(line);
    if (top) names.add(top[1]!.toLowerCase());
    const none = /No candidates were found for (\S+)/.exec(line);
    if (none) names.add(none[1]!.toLowerCase());
  }
  return [...names].sort();
}

/** The explanation without its preamble, as the solver wrote it. */
function explanationOf(text: string): string {
  return text.replace(/^Cannot solve the request because of:\s*/, '').trim();
}
