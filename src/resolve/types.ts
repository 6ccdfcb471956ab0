/**
 * What the resolve stage asks of the outside world and of its solvers. Everything that does I/O
 * arrives injected (`fetch`, `run`: a `RunProcess`), so tests drive real solvers against channels and indexes
 * served on 127.0.0.1, and the adapters pass the real ones.
 */
import type { Arch, ResolvedPackage, SolvedEcosystem } from '../plan/types.js';

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

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
  /** The solver says no: its explanation and the requested packages it names. */
  | { kind: 'conflict'; explanation: string; names: string[] }
  /** The channel, index or tool could not be reached or run: no answer either way. */
  | { kind: 'unreachable'; reason: string };

/** How far to resolve. */
export const RESOLVE_MODES = ['auto', 'update', 'offline', 'off'] as const;
export type ResolveMode = (typeof RESOLVE_MODES)[number];

/** What the lock file keeps of an answer: a solution or a conflict (never an outage). */
export type StoredOutcome = Exclude<SolveOutcome, { kind: 'unreachable' }>;
