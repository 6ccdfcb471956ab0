/**
 * The stowage plan: which steps share which container image. Produced by `plan()` (pure,
 * deterministic), written to `.stowage/plan.json`, consumed by the builders and the reporters.
 */

import type { Family } from '../software/family.js';
import type { Ecosystem } from '../software/requirements.js';

export type { Family };

/** A requirement as it will be installed, e.g. `{ ecosystem: 'pip', name: 'numpy', spec: 'numpy==2.0.1' }`. */
export interface PlannedPackage {
  ecosystem: Ecosystem;
  name: string;
  /** The requirement as written (validated), e.g. `numpy==2.0.1`. */
  spec: string;
  /** Steps of the group that ask for it. */
  steps: string[];
}

export interface PlannedGroup {
  /** Image name within the registry: `python`, `jvm`, `python-gpu`, `python-2`, or a user pin's name. */
  name: string;
  family: Family;
  gpu: boolean;
  /** True when the group comes from `containers.groups` in the spec. */
  pinned: boolean;
  /** Steps in document order. */
  steps: string[];
  /** Runtime versions the image provides, e.g. `{ python: '3.12' }`. */
  runtimes: Record<string, string>;
  packages: PlannedPackage[];
  /**
   * The conda channels (names or URLs), in priority order, when the steps' environment files
   * list others than Stowage's defaults (conda-forge, bioconda): solved against, locked from, and
   * installed from by name in an unsolved group's Dockerfile.
   */
  channels?: string[];
  baseImage: string;
  /** Estimated image size in bytes. */
  estimatedSize: number;
  /**
   * Files to write under `.stowage/<group>/` before a build, by name relative to that folder:
   * at least `Dockerfile`, plus generated helpers such as the entrypoint script.
   */
  generated: Record<string, string>;
  /** Files copied from the build context (paths relative to the context root, sorted). */
  contextFiles: string[];
  /**
   * Step → the commands it is known to call (programs its `run` starts, absolute paths kept), which
   * the image must provide: the smoke test checks each inside the built image.
   */
  commands: Record<string, string[]>;
  /** sha256 (hex) over the Dockerfile, the generated files, the copied files' bytes and the base image. */
  contentHash: string;
  /**
   * Present when the group must not be built: why (an invalid requirement, file or image reference
   * — each also reported as a finding). A blocked group has `generated: {}` and `contentHash: ''`.
   */
  blocked?: string[];
  /**
   * Why this group is not merged into an earlier group of the same kind of image (a later group of
   * a family only): the requirements that conflict, in the steps that ask for them, or the size
   * budget. Absent for pinned groups (the user chose them).
   */
  apart?: { from: string; reason: string }[];
  /**
   * What the resolve stage found (absent when the plan was not resolved): whether the group's
   * packages were solved by their ecosystem's own solver, and the exact packages its lock pins.
   */
  resolution?: GroupResolution;
}

/**
 * Ecosystems with a real solver in the resolve stage, one file each in src/resolve/solvers/ (whose
 * list the compiler holds to this union); the others stay name-level.
 */
export type SolvedEcosystem = 'conda' | 'pip' | 'npm';

/** CPU architectures a lock is made for, named as Docker's `TARGETARCH`. */
export type Arch = 'amd64' | 'arm64';

/** One package a lock pins: what the solver chose, where from, and how to check the download. */
export interface ResolvedPackage {
  ecosystem: SolvedEcosystem;
  name: string;
  version: string;
  /** conda: the build string. */
  build?: string;
  /** The conda channel, pip index or npm registry URL it came from. */
  source: string;
  url: string;
  sha256?: string;
  md5?: string;
  /** npm: the `integrity` (SRI) string. */
  integrity?: string;
  /**
   * Bytes of the file `url` names (conda: the record's `size`; pip and npm: the `Content-Length`
   * the source answers), when known: the plan's size estimate starts from it (sizes.ts).
   */
  size?: number;
  /**
   * conda and pip: the names of the packages it depends on (as the channel or index says), so a
   * lock's answer can be checked for packages nothing needs.
   */
  depends?: string[];
  arch: Arch;
}

/**
 * - `solved`: every ecosystem of the group that has a solver was solved (now or before: see
 *   `fromLock`) and the Dockerfile installs from the locks;
 * - `unverified`: a channel or index could not be reached (or a solver is missing) and no lock
 *   was recorded: the group is the name-level plan's, its installs unpinned;
 * - `unsolvable`: the solver says no even for a group that cannot be split further (see the
 *   findings); the group is blocked;
 * - `name-level`: the group has only ecosystems without a solver here (apt, CRAN, Bioconductor,
 *   Maven).
 */
export type ResolutionStatus = 'solved' | 'unverified' | 'unsolvable' | 'name-level';

export interface GroupResolution {
  status: ResolutionStatus;
  /** True when every solve was read from the lock file, without asking a solver. */
  fromLock: boolean;
  /** Ecosystems solved, e.g. `['conda', 'pip']`. */
  solved: SolvedEcosystem[];
  /** Ecosystems of the group left name-level by design (apt, cran, bioconductor, maven). */
  nameLevel: string[];
  /** Why the group is unverified or unsolvable. */
  reason?: string;
  /** Architectures the locks were made for. */
  arches: Arch[];
  /** Every package the locks pin, sorted by ecosystem, arch and name. */
  packages: ResolvedPackage[];
}

/**
 * What the resolve stage hands the planner for one group (by name): the resolution, and npm's
 * own lock file text when the group has npm packages (the Dockerfile runs `npm ci` from it).
 */
export interface GroupLock {
  resolution: GroupResolution;
  npmLockfile?: string;
}

/**
 * A set of requirements (texts as written in the spec, one ecosystem) that a solver showed cannot
 * be installed together: a group holding all of them does not solve. Found by the resolve stage
 * and fed back to the planner, which keeps them apart like a name-level conflict.
 */
export interface SolverConflict {
  ecosystem: SolvedEcosystem;
  requirements: string[];
  /** The solver's explanation, a few lines. */
  explanation: string;
  /** Read from the channels' records before any solve (they need versions no record offers together). */
  by?: 'records';
}

/** A step whose `container` is an image reference: used as is, never built. */
export interface ExternalStep {
  step: string;
  image: string;
}

/**
 * A step in no group and in no image of its own, and why: it declares no software (or the engine
 * runs it itself), its container is not a valid image reference, or its software is refused
 * (STW410). Every step of a workflow is in exactly one of `groups`, `external` and `unplanned`.
 */
export interface UnplannedStep {
  step: string;
  reason: string;
}

export interface Baseline {
  images: number;
  estimatedTotalSize: number;
  /** Conflicting requirement pairs an image of this baseline would contain. */
  conflicts: number;
  /** Kinds of image (family + GPU) an image of this baseline would mix (the monolith only). */
  kinds?: string[];
}

export interface Plan {
  version: 1;
  /** Workflow name. */
  workflow: string;
  /** The build context root, relative to the repository (the spec's directory). */
  context: string;
  groups: PlannedGroup[];
  external: ExternalStep[];
  /** The steps no image is planned for, with the reason, in document order. */
  unplanned: UnplannedStep[];
  /**
   * Steps that name an image (a CWL DockerRequirement) but declare only software every base has
   * (`coreutils`, `gzip`…): placed in `group` (the smallest that takes them), so no step needs an
   * image Stowage did not build. Absent when there are none.
   */
  baseOnly?: { step: string; image: string; software: string[]; group: string }[];
  /**
   * No plan can use fewer built images: one per kind of image (family + GPU flag, each with its
   * own base image) at least, and within a kind the largest set of steps found that conflict
   * pairwise — by name-level conflicts, and the solvers' when the plan was resolved.
   * `lowerBoundByKind` gives each kind's part, in document order.
   */
  lowerBound: number;
  lowerBoundByKind: { kind: string; bound: number }[];
  /**
   * Conflicts the solvers found through dependencies (present when the plan was resolved): the
   * grouping keeps them apart, and the lower bound counts those between two requirements.
   */
  solverConflicts?: SolverConflict[];
  baselines: { perStep: Baseline; monolith: Baseline };
}
