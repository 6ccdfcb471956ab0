/**
 * What the resolve stage asks of the outside world and of its solvers. Everything that does I/O
 * arrives injected (`fetch`, `run`: a `RunProcess`), so tests drive real solvers against channels and indexes
 * served on 127.0.0.1, and the adapters pass the real ones.
 */
import type { Arch, ResolvedPackage, SolvedEcosystem } from '../plan/types.js';

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ResolveSettings {
  /** `auto`: answers from the lock file, the solvers for the rest; `update`: solve everything; `offline`: the lock file only. */
  mode: 'auto' | 'update' | 'offline';
  /** Channel name → URL (mirrors); unnamed channels live under conda.anaconda.org. */
  channelUrls: Readonly<Record<string, string>>;
  pipIndexUrl: string;
  npmRegistry: string;
  /** Architectures to lock for: `amd64`, and `arm64` when the build targets it. */
  arches: readonly Arch[];
  /** Commands: the Python that runs pip, and npm. */
  python: string;
  npm: string;
  /**
   * Lock answers to solve again before they are trusted (`lock-policy: verify`: those changed
   * since the base revision); a different answer is a mismatch in the result.
   */
  verify?: (request: SolveRequest) => boolean;
  /**
   * Where conda repodata is kept between runs (repodata-cache.ts; `defaultCacheDir`); none: read
   * from the channels every run.
   */
  cacheDir?: string;
  /**
   * The resolve stage's time (resolve-timeout): when it is up, requests in flight are aborted, no
   * solver is started again, and the groups not solved yet keep the name-level plan, unverified,
   * with a notice that names them. None: no limit but the network's.
   */
  timeoutMs?: number;
}

/** One call of a solver: the key of the lock file's entry is computed from exactly this. */
export interface SolveRequest {
  ecosystem: SolvedEcosystem;
  arch: Arch;
  /** Requirements as the solver takes them, sorted. */
  specs: string[];
  /** conda: channel URLs in priority order; pip: the index URL; npm: the registry URL. */
  sources: string[];
  /** pip: the Python version wheels are chosen for. */
  python?: string;
  /** conda: solved with the GPU's virtual package (`__cuda`). */
  gpu?: true;
}

export type SolveOutcome =
  | { kind: 'solved'; packages: ResolvedPackage[]; npmLockfile?: string }
  /**
   * The solver says no: its explanation and the requested packages it names. With `pairs`, the
   * channels' records said it before any solve (conda-needs.ts): every pair of the request's
   * specs that cannot be installed together.
   */
  | { kind: 'conflict'; explanation: string; names: string[]; pairs?: SpecPair[] }
  /** The channel, index or tool could not be reached or run: no answer either way. */
  | { kind: 'unreachable'; reason: string };

/** Two specs of a request (as the solver takes them) that cannot be installed together, and why. */
export interface SpecPair {
  specs: [string, string];
  explanation: string;
}

/** How far to resolve. */
export const RESOLVE_MODES = ['auto', 'update', 'offline', 'off'] as const;
export type ResolveMode = (typeof RESOLVE_MODES)[number];

/** What the lock file keeps of an answer: a solution or a conflict (never an outage). */
export type StoredOutcome = Exclude<SolveOutcome, { kind: 'unreachable' }>;
