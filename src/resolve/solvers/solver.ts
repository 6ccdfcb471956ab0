/**
 * What the resolve stage asks of an ecosystem's solver: which groups it solves, the request for a
 * group (the lock file's key is computed from exactly that), the solve itself through the run's
 * injected I/O, and what an answer filed under a request must look like before the lock file's
 * copy of it is trusted (answer-check.ts). resolve.ts, store.ts and answer-check.ts read solvers
 * by the list in index.ts and name no ecosystem; how a solved group's packages get into its image
 * is the ecosystem's Installer (src/plan/ecosystems/).
 */
import type { RunProcess } from '../../common/process.js';
import type { Arch, PlannedGroup, ResolvedPackage, SolvedEcosystem } from '../../plan/types.js';
import type { Network } from '../network.js';
import type { RepodataCache } from '../repodata-cache.js';
import type { ResolveSettings, SolveOutcome, SolveRequest, StoredOutcome } from '../types.js';

export interface Solver {
  ecosystem: SolvedEcosystem;
  /** Whether a group with packages of the ecosystem is solved (pip: where the image's Python is known). */
  solves?(group: PlannedGroup): boolean;
  /** `each`: a request per architecture; `first`: one answer serves them all (npm's lock). */
  arches: 'each' | 'first';
  /** The request for a group and architecture. */
  request(group: PlannedGroup, arch: Arch, context: RequestContext): SolveRequest;
  /** Requirements as written in the spec → as the solver takes them (a request's `specs`). */
  specs(texts: readonly string[]): string[];
  /**
   * A URL asked once, within the run's limits, before a solver that fetches by itself (pip,
   * npm) is started: a source that does not answer leaves the group unverified at once.
   */
  probe?(request: SolveRequest): string;
  /** The solver for one run (state it keeps across calls, such as conda's channel reader). */
  open(io: SolverIo): (request: SolveRequest) => Promise<SolveOutcome>;
  /** What an answer to one of its requests must look like (answer-check.ts). */
  answer: AnswerShape;
}

export interface RequestContext {
  settings: ResolveSettings;
  /** What the solvers before this one in the list chose for the group (conda's Python, for pip). */
  solved: readonly ResolvedPackage[];
}

/** The run's I/O, injected: the network within its limits, the repodata cache, the program runner. */
export interface SolverIo {
  network: Network;
  cache: RepodataCache | undefined;
  run: RunProcess;
  settings: ResolveSettings;
  /** What is left of the resolve stage's time, in ms (at least 1); undefined without a limit. */
  timeLeft(): number | undefined;
}

export interface AnswerShape {
  /** Where a source's files are: under its path (a channel, a registry), or anywhere on its host (an index). */
  files: 'under-source' | 'on-host';
  /** The file a package's URL must name (`…/name-1.0.tgz`), or undefined when it names it. */
  expectedFile(p: ResolvedPackage, request: SolveRequest): string | undefined;
  /** The digest every locked file carries. */
  digest: 'sha256' | 'integrity';
  /** The name a requirement and a locked package are matched by. */
  nameKey(name: string): string;
  /** Why the answer installs what nothing requested needs (or its own lock file is off). */
  extraProblem(
    request: SolveRequest,
    outcome: Extract<StoredOutcome, { kind: 'solved' }>,
  ): string | undefined;
}

/** The group's requirements of one ecosystem, as written, once each, sorted. */
export function groupSpecs(group: PlannedGroup, ecosystem: SolvedEcosystem): string[] {
  return [
    ...new Set(group.packages.filter((p) => p.ecosystem === ecosystem).map((p) => p.spec)),
  ].sort();
}
