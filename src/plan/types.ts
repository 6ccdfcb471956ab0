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
}

/** A step whose `container` is an image reference: used as is, never built. */
export interface ExternalStep {
  step: string;
  image: string;
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
  /**
   * No plan can use fewer built images: one per kind of image (family + GPU flag, each with its
   * own base image) at least, and within a kind the largest set of steps found that conflict
   * pairwise. `lowerBoundByKind` gives each kind's part, in document order.
   */
  lowerBound: number;
  lowerBoundByKind: { kind: string; bound: number }[];
  baselines: { perStep: Baseline; monolith: Baseline };
}
