/**
 * The Workflow model: what every importer produces and what lint and plan consume.
 *
 * The model is plain data. Source positions live beside it in `workflow.source`, addressed by the
 * path of the node in the original document (e.g. `['steps', 'train', 'software', 'pip', 0]`),
 * so rules can point at any node without the model carrying positions on every field.
 */
import type { Location } from '../common/findings.js';

export type { Location };

/** The formats Stowage reads: its own spec and the pipelines it imports. */
export const WORKFLOW_FORMATS = ['stowage', 'nextflow', 'snakemake', 'cwl'] as const;
export type WorkflowFormat = (typeof WORKFLOW_FORMATS)[number];

/** A path to a node in the source document: mapping keys and sequence indexes. */
export type NodePath = readonly (string | number)[];

/**
 * Finds where a node came from. `part: 'key'` asks for the mapping key of the node (useful for
 * "unknown key" or "this step"), `'value'` (default) for the node itself. A path that does not
 * exist resolves to its nearest existing ancestor, so a locator always answers.
 */
export interface SourceLocator {
  locate(path: NodePath, part?: 'key' | 'value'): Location;
  /** The text of a 1-based line of `file` (for carets and suppression comments). */
  lineText(file: string, line: number): string | undefined;
  /** Every file this workflow was read from, with its text. */
  files(): ReadonlyMap<string, string>;
}

export interface WorkflowInput {
  name: string;
  path?: string;
  /** Bytes. */
  size?: number;
  description?: string;
}

/** A desired result of the workflow: names `step.output`. */
export interface DesiredOutput {
  name: string;
  step: string;
  output: string;
}

export interface Economics {
  runsPerYear?: number;
  manualMinutesPerRun?: number;
  developmentHours?: number;
  maintenanceHoursPerYear?: number;
  horizonYears?: number;
}

export interface Cluster {
  /**
   * The cluster profile file the limits were read from (`--cluster`), when they are not the
   * spec's own `cluster:`.
   */
  file?: string;
  scheduler?: string;
  maxCpus?: number;
  /** Bytes. */
  maxMemory?: number;
  /** Seconds. */
  maxTime?: number;
  gpus?: number;
}

export interface GroupPin {
  name: string;
  steps: string[];
  base?: string;
}

export interface ContainersConfig {
  /** Images are `<registry>/<group>`. */
  registry?: string;
  /** Bytes per image. */
  sizeBudget?: number;
  /** Family → base image reference. */
  baseImages: Record<string, string>;
  groups: GroupPin[];
  /** Package name (as written in `software`) → estimated installed bytes. */
  packageSizes: Record<string, number>;
  /** conda channel name → URL (mirrors, private channels), for the resolve stage. */
  channelUrls?: Record<string, string>;
  /** The PEP 503 index pip resolves against. */
  pipIndexUrl?: string;
  /** The npm registry npm resolves against. */
  npmRegistry?: string;
}

export interface Software {
  python?: string;
  pip: string[];
  conda: string[];
  r?: string;
  cran: string[];
  bioconductor: string[];
  java?: string;
  maven: string[];
  apt: string[];
  npm: string[];
  /** Shell run in a builder stage; its results are copied into the image. */
  build?: string;
  /** Paths (relative to the spec's directory) copied into the image. */
  files: string[];
  /**
   * The conda channels the `conda` packages come from, as their environment file lists them
   * (`channels:`, names or URLs, in priority order; `defaults`, `nodefaults` as conda reads them).
   * Absent: Stowage's defaults (conda-forge, bioconda). Set by the importers.
   */
  channels?: string[];
}

export interface Resources {
  cpus?: number;
  /** Bytes. */
  memory?: number;
  /** Seconds. */
  time?: number;
  gpus?: number;
}

export interface Step {
  id: string;
  description?: string;
  run?: string;
  /** Workflow input names or `step.output` references, as written. */
  inputs: string[];
  /** Output name → path (may hold globs). */
  outputs: Record<string, string>;
  software: Software;
  resources?: Resources;
  /**
   * Imported steps only: requests the pipeline sets to a figure known only at run time (a
   * parameter, a function of the input): requested, but not checked against the cluster.
   */
  resourcesUnknown?: (keyof Resources)[];
  /** Expected processing time per run, seconds. */
  duration?: number;
  /** `auto`, a group name, or an image reference used as is. */
  container: string;
  entrypoint?: string[];
  service: boolean;
  /**
   * Imported steps only. `engine`: the workflow engine does this work itself — a CWL
   * ExpressionTool, a Nextflow `exec:` block — so the step needs no software and no image.
   */
  runsIn?: 'engine';
  /**
   * Imported steps only: the engine runs the step only when this holds (a Snakemake rule inside
   * an `if`, a CWL `when:`), as written in the source.
   */
  condition?: string;
  /**
   * Imported steps only: the outputs whose file pattern other steps make too, of which the engine
   * runs one per file (Snakemake picks one rule for each output it needs), so they never write one
   * file twice. Marked per output, not as pairs of steps: thousands of rules may share a pattern.
   */
  alternativeOutputs?: string[];
  /**
   * Imported steps only: the step names its software in a form Stowage could not read (a
   * Snakemake wrapper that could not be fetched): why. The import reported it once.
   */
  softwareUnknown?: string;
  /**
   * Imported steps only: software that is not written in a file of the pipeline — the
   * environment of a Snakemake wrapper (`wrapper`, its name), or the bioconda package a
   * BioContainers image names (`image`, the image).
   */
  softwareFrom?: { kind: 'wrapper' | 'image'; name: string };
  /**
   * Imported steps only: the software the step declares that every base image has (a CWL
   * SoftwarePackage `coreutils`, `gzip`, …): nothing to install, so the step needs no image of its
   * own; the plan puts it in the smallest group (docs/plan.md).
   */
  baseSoftware?: string[];
}

/**
 * Imported workflows only: code of the pipeline its user does not own — a module installed from
 * nf-core/modules, a Snakemake wrapper's environment. Findings inside it are the upstream's.
 */
export interface UpstreamCode {
  /** What it is, for messages: `nf-core module samtools/sort`, `Snakemake wrapper v7.2.0/bio/fastp`. */
  name: string;
  /** Every file under this repository-relative folder is the upstream's (`modules/nf-core/fastp/`). */
  folder?: string;
  /** Or these places: a wrapper's environment, read from elsewhere, is located at its `wrapper:` line. */
  at?: Location[];
  /** How to take the upstream's fix: the version to update to where known, else how to update. */
  update: string;
}

export type RuleLevel = 'off' | 'error' | 'warning' | 'notice';

export interface LintConfig {
  /** Rule ID or name → level. */
  rules: Record<string, RuleLevel>;
  /** Rule settings (thresholds), by setting name. */
  settings: Record<string, unknown>;
}

export interface Workflow {
  version: 1;
  name: string;
  description?: string;
  /** An existing workflow this adapts, or `none`; undefined when the key is missing. */
  basedOn?: string;
  inputs: WorkflowInput[];
  outputs: DesiredOutput[];
  economics?: Economics;
  cluster?: Cluster;
  containers: ContainersConfig;
  /** In document order. */
  steps: Step[];
  lint?: LintConfig;
  /** The main file the workflow was read from (repository-relative when known). */
  file: string;
  /** The format it was read from. */
  format: WorkflowFormat;
  /**
   * Imported workflows only: commands the engine puts on PATH for every step itself (Nextflow's
   * `bin/` scripts), so no image needs to provide them.
   */
  engineCommands?: string[];
  /** Imported workflows only: the parts of it that are upstream code (see UpstreamCode). */
  upstream?: UpstreamCode[];
  /**
   * Fields that are written but invalid (each already an STW100 finding), including the field a
   * misspelt key was meant to be. Rules that report a missing field stay quiet about these.
   */
  invalid?: NodePath[];
  source: SourceLocator;
}

export function emptySoftware(): Software {
  return { pip: [], conda: [], cran: [], bioconductor: [], maven: [], apt: [], npm: [], files: [] };
}
