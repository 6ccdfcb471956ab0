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
  /** The planned group whose image this is (absent for a step's own `container` image). */
  group?: GroupImage;
}

/** A planned group's image as the shims, modules and compose exports need it. */
export interface GroupImage {
  name: string;
  /** The plan's content hash (hex); its first 12 characters version the group's module. */
  contentHash: string;
  gpu: boolean;
  steps: string[];
  /**
   * The executables the image adds to its base, read from the image (`image`), or — when the
   * image could not be read — the commands the plan knows its steps call (`plan`).
   */
  commands: string[];
  commandsFrom: 'image' | 'plan';
  /** Groups kept apart from this one because their requirements conflict (module conflicts). */
  conflicts: string[];
}

export type StepImages = Record<string, StepImage>;

export const EXPORT_ENGINES = [
  'nextflow',
  'snakemake',
  'cwl',
  'slurm',
  'shims',
  'modules',
  'compose',
] as const;
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
  /** The runtime the Slurm scripts, shims and modules start images with (default apptainer). */
  slurmRuntime?: SlurmRuntime;
  /**
   * The user exporting, for the Compose file's default user (whose files the steps write); it
   * can be overridden when Compose runs.
   */
  host?: { uid: number; gid: number };
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
  /** File name (relative to the engine's output folder; `/` between folders) → contents. */
  files: Record<string, string>;
  /** The files among them to write executable (shims). */
  executable?: string[];
  pinning: Pinning;
  /**
   * Why this engine's export does not apply to the workflow at all (the CWL overrides of a
   * workflow that is not CWL): no file is written, and the run says so instead.
   */
  notApplicable?: string;
  /** Steps written to the export, in workflow order. */
  steps: string[];
  /** Steps left out, each with the reason (no image, an invalid reference, no engine name). */
  skipped: { step: string; reason: string }[];
  /** How to use the files, for the CLI and the job summary. */
  usage: string;
}
