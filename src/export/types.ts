/**
 * Exports hand the images Stowage built back to the engines that run on clusters. Each export is
 * a pure function from the workflow and a step → image map to file contents; the CLI writes them.
 */
import type { Workflow } from '../workflow/model.js';
import type { ImportOrigin } from '../workflow/importers/common.js';

/** The image a step runs in: `ref` is `repo@sha256:…` when pinned by digest, `repo:tag` otherwise. */
export interface StepImage {
  ref: string;
  pinned: 'digest' | 'tag';
}

export type StepImages = Record<string, StepImage>;

export const EXPORT_ENGINES = ['nextflow', 'snakemake', 'cwl', 'slurm'] as const;
export type ExportEngine = (typeof EXPORT_ENGINES)[number];

/** The container runtimes a Slurm job can start an image with (Apptainer is the clusters' usual). */
export const SLURM_RUNTIMES = ['apptainer', 'docker', 'podman', 'charliecloud'] as const;
export type SlurmRuntime = (typeof SLURM_RUNTIMES)[number];

export interface ExportInput {
  workflow: Workflow;
  stepImages: StepImages;
  /** From the importer: engine names of steps and, for CWL, their tool documents. */
  origin?: ImportOrigin;
  /**
   * Repository-relative folder the engine's files are written to (default
   * `.stowage/export/<engine>`): CWL overrides name tools relative to it; the Slurm submit
   * script finds the workflow's folder from it.
   */
  outDir?: string;
  /** The runtime the Slurm scripts start images with (default apptainer). */
  slurmRuntime?: SlurmRuntime;
  /**
   * Why a step has no image, by step: the plan's reason for an unplanned step (no software, a
   * refused requirement, …) or its group's (blocked, build failed). Said for each skipped step.
   */
  noImage?: Readonly<Record<string, string>>;
}

/** How the images are pinned across the exported steps. */
export type Pinning = 'digest' | 'tag' | 'mixed' | 'none';

export interface ExportResult {
  engine: ExportEngine;
  /** File name (relative to the engine's output folder) → contents. */
  files: Record<string, string>;
  pinning: Pinning;
  /** Steps written to the export, in workflow order. */
  steps: string[];
  /** Steps left out, each with the reason (no image, an invalid reference, no engine name). */
  skipped: { step: string; reason: string }[];
  /** How to use the files, for the CLI and the job summary. */
  usage: string;
}
