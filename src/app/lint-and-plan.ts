/**
 * The first stage of every run (src/app/run.ts): load (or import) a workflow, validate its
 * software, plan it when asked — solving the groups with the ecosystems' solvers, which may ask
 * the network — and lint it. Plan findings (STW404–406, STW410) go through the lint engine
 * with the loader's and the importers', so one configuration and one set of suppression comments
 * governs every finding. Reads files; writes nothing (see `writePlanFiles`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/errors.js';
import { optionRef } from '../common/option-names.js';
import { assertReadable } from '../common/paths.js';
import { type Finding } from '../common/findings.js';
import { closest } from '../common/suggest.js';
import { lintWorkflow, loadLintConfig } from '../lint/index.js';
import { analyzeWorkflow } from '../plan/analyze.js';
import { prepareRequirements } from '../software/requirements.js';
import { prepareScripts } from '../workflow/shell.js';
import type { Plan } from '../plan/types.js';
import { relPath } from '../workflow/importers/common.js';
import {
  checkWrapperPrefix,
  detectFormat,
  formatMarkers,
  importWithRemote,
  importWorkflow,
  type FetchText,
  type ImportOrigin,
  type ImportResult,
} from '../workflow/importers/index.js';
import { readClusterProfile, type ClusterProfile } from '../workflow/cluster.js';
import type { LintConfig, Workflow, WorkflowFormat } from '../workflow/model.js';
import schema from '../workflow/schema.json' with { type: 'json' };
import { contextReader } from './plan-files.js';
import type { ResolveOptions, ResolveOutcome } from './resolve.js';

export interface LintAndPlanOptions {
  /** Repository root: file names in findings are relative to it. */
  root: string;
  /** Lint config file; default `.stowage/config.yml` under root when it exists. */
  configPath?: string;
  /**
   * A cluster profile file (the keys of the spec's `cluster:`), relative to root: the cluster the
   * cluster-fit rules check every step against, over the spec's own `cluster:`.
   */
  clusterPath?: string;
  importFormat?: WorkflowFormat | 'auto';
  /** Also compute the plan (when the workflow loads without errors). */
  plan?: boolean;
  /** Base images per family, over the spec's (from the action input or `--base-image`). */
  baseImages?: Record<string, string>;
  /**
   * Check the plan's groups with the ecosystems' solvers and lock them (see app/resolve.ts);
   * without it, or with mode `off`, the plan is name-level.
   */
  resolve?: ResolveOptions;
  /** The platforms the images will be built for (they are part of each content hash). */
  platforms?: readonly string[];
  /** Snakemake's `--wrapper-prefix` (default: the public wrappers repository). */
  wrapperPrefix?: string;
  /**
   * Fetches files from outside the repository (Snakemake wrappers' environments); without it,
   * such steps are reported as not fetched.
   */
  fetchText?: FetchText;
}

export interface LintAndPlanResult {
  workflow?: Workflow;
  /** Sorted, with configuration and suppressions applied. */
  findings: Finding[];
  /** Findings silenced by suppression comments (kept for SARIF). */
  suppressed: Finding[];
  /** Text of every file findings may point into, by the name findings use. */
  sources: Map<string, string>;
  /** Human-readable lines about the lint configuration in force (which file, which rules). */
  configLog: string[];
  plan?: Plan;
  /** Why there is no plan although one was asked for. */
  planSkipped?: string;
  /** What the resolve stage found (notes to show, the lock file to write). */
  resolved?: ResolveOutcome;
  /** For imported pipelines: step → the image the pipeline declares today. */
  currentImages: Record<string, string>;
  origin?: ImportOrigin;
}

const DEFAULT_CONFIG = '.stowage/config.yml';

export async function lintAndPlan(
  specPath: string,
  options: LintAndPlanOptions,
): Promise<LintAndPlanResult> {
  const { resolved, isFolder, format } = resolveInput(specPath, options);
  if (options.wrapperPrefix !== undefined) {
    const problem = checkWrapperPrefix(options.wrapperPrefix);
    if (problem) throw new InputError(`${problem}.`);
  }
  const importOptions = { format, root: options.root, wrapperPrefix: options.wrapperPrefix };
  const imported = options.fetchText
    ? await importWithRemote(
        (remote) => importWorkflow(resolved, { ...importOptions, remote }),
        options.fetchText,
      )
    : importWorkflow(resolved, importOptions);
  const lintConfig = readLintConfig(options);
  const cluster = readCluster(options);
  const sources = new Map<string, string>([...lintConfig.sources, ...cluster.sources]);
  const workflow = imported.workflow;
  if (workflow) for (const [file, text] of workflow.source.files()) sources.set(file, text);
  else if (!isFolder) sources.set(relPath(options.root, resolved), readFileSync(resolved, 'utf8'));

  const base = { sources, currentImages: imported.currentImages, origin: imported.origin };
  if (!workflow) {
    return {
      ...base,
      findings: [...imported.findings, ...lintConfig.findings, ...cluster.findings],
      suppressed: [],
      configLog: [],
    };
  }
  if (cluster.profile)
    workflow.cluster = { ...cluster.profile.cluster, file: cluster.profile.file };
  if (options.baseImages) checkBaseImageKeys(options.baseImages, workflow);
  // A conda spec the fast grammar refuses gets conda's own verdict (rattler, loaded only then);
  // a script that is more than a plain command line, the shell parser (loaded only then).
  await prepareRequirements(workflow.steps.flatMap((s) => s.software.conda));
  await prepareScripts(workflow.steps.map((s) => s.run));
  const planned = options.plan
    ? await planIfLoaded(workflow, imported, options, { resolved, isFolder })
    : undefined;
  // Software that fails its grammar is reported by lint too (STW410), not only by `plan`.
  const softwareFindings = planned ? planned.findings : analyzeWorkflow(workflow).findings;
  const lint = lintWorkflow(workflow, {
    config: lintConfig.config,
    configFile: lintConfig.configFile,
    extra: [...imported.findings, ...lintConfig.findings, ...cluster.findings, ...softwareFindings],
  });
  return {
    ...base,
    workflow,
    findings: lint.findings,
    suppressed: lint.suppressed,
    configLog: [
      `Lint configuration: ${lint.configSource}`,
      `Active rules (${lint.activeRules.length}): ${lint.activeRules.join(', ')}`,
      ...(cluster.profile ? [`Cluster profile: ${cluster.profile.file}`] : []),
    ],
    plan: planned?.plan,
    planSkipped: planned?.skipped,
    ...(planned?.resolved ? { resolved: planned.resolved } : {}),
  };
}

/**
 * The spec file or pipeline folder, and its format. A folder's format is detected here, once, so
 * an unknown one is a usage error; the importer then reads it in the format found.
 */
function resolveInput(
  specPath: string,
  options: LintAndPlanOptions,
): { resolved: string; isFolder: boolean; format: WorkflowFormat | 'auto' } {
  const resolved = path.resolve(options.root, specPath);
  if (!existsSync(resolved)) {
    throw new InputError(
      `cannot read ${specPath}: no such file. Pass the path of your workflow spec (default: stowage.yml) or of a pipeline folder.`,
    );
  }
  assertReadable(options.root, resolved, specPath);
  const isFolder = statSync(resolved).isDirectory();
  const format = options.importFormat ?? 'auto';
  if (format !== 'auto' || !isFolder) return { resolved, isFolder, format };
  const detected = detectFormat(resolved);
  if (!detected) {
    throw new InputError(
      `cannot tell the workflow format of ${specPath}: no ${formatMarkers()} in it. Pass the spec file, or the format (${optionRef('importFormat')}).`,
    );
  }
  return { resolved, isFolder, format: detected };
}

/**
 * The plan, unless the spec itself breaks the schema (a plan of half a spec would mislead). An
 * imported pipeline is always planned: a file, process, rule or tool the importer could not read
 * is a finding (STW420) with its position, and everything else is planned; the lint configuration
 * decides how severe that finding is, and `fail-on` what it does to the exit code. Resolved by
 * the ecosystems' solvers when asked (the lock file beside the spec answers what it can).
 */
async function planIfLoaded(
  workflow: Workflow,
  imported: ImportResult,
  options: LintAndPlanOptions,
  spec: { resolved: string; isFolder: boolean },
): Promise<{ plan?: Plan; skipped?: string; findings: Finding[]; resolved?: ResolveOutcome }> {
  if (imported.findings.some((f) => f.rule === 'STW100' && f.severity === 'error')) {
    return { skipped: `${workflow.file} breaks the schema; fix it to get a plan.`, findings: [] };
  }
  const contextDir = path.resolve(
    options.root,
    workflow.file === '.' ? '.' : path.dirname(workflow.file),
  );
  const planOptions = {
    baseImages: options.baseImages,
    readFile: contextReader(contextDir),
    platforms: options.platforms,
  };
  // Loaded only for a plan: a lint run never pays for the planner or the solvers.
  const { plan: planWorkflow } = await import('../plan/plan.js');
  if (!options.resolve || options.resolve.mode === 'off')
    return planWorkflow(workflow, planOptions);
  const { lockFilePath, resolveWorkflow } = await import('./resolve.js');
  const { plan, findings, outcome } = await resolveWorkflow(
    workflow,
    planOptions,
    lockFilePath(spec.resolved, spec.isFolder),
    options.resolve,
    options.root,
  );
  return { plan, findings, resolved: outcome };
}

/** The keys `base-images` takes: families, GPU classes, the Maven stage, and pinned groups. */
export const BASE_IMAGE_KEYS = schema.definitions.containers.properties['base-images'].propertyNames
  .enum as string[];

/** A misspelt family in `--base-image` / the `base-images` input would be ignored silently: refuse it. */
function checkBaseImageKeys(baseImages: Record<string, string>, workflow: Workflow): void {
  const known = [...BASE_IMAGE_KEYS, ...workflow.containers.groups.map((g) => g.name)];
  for (const key of Object.keys(baseImages)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new InputError(
      `base image for "${key}": no such family or pinned group${near ? ` (did you mean "${near}"?)` : ''}; use one of: ${known.join(', ')}`,
    );
  }
}

/** The cluster profile `--cluster` names: its limits, and its problems as STW100 findings. */
function readCluster(options: LintAndPlanOptions): {
  profile?: ClusterProfile;
  findings: Finding[];
  sources: [string, string][];
} {
  if (options.clusterPath === undefined) return { findings: [], sources: [] };
  const resolved = path.resolve(options.root, options.clusterPath);
  if (!existsSync(resolved) || statSync(resolved).isDirectory())
    throw new InputError(
      `cannot read the cluster profile ${options.clusterPath}: no such file (draft one on the cluster with \`stowage cluster --from-slurm\`).`,
    );
  assertReadable(options.root, resolved, options.clusterPath);
  const text = readFileSync(resolved, 'utf8');
  const shown = relPath(options.root, resolved);
  const { profile, findings } = readClusterProfile(text, shown);
  return { profile, findings, sources: [[shown, text]] };
}

function readLintConfig(options: LintAndPlanOptions): {
  config?: LintConfig;
  configFile?: string;
  findings: Finding[];
  sources: [string, string][];
} {
  const explicit = options.configPath !== undefined;
  const file = options.configPath ?? DEFAULT_CONFIG;
  const resolved = path.resolve(options.root, file);
  if (!existsSync(resolved)) {
    if (explicit) throw new InputError(`cannot read the lint config ${file}: no such file.`);
    return { findings: [], sources: [] };
  }
  assertReadable(options.root, resolved, file);
  const text = readFileSync(resolved, 'utf8');
  const shown = relPath(options.root, resolved);
  const { config, findings } = loadLintConfig(text, shown);
  return { config, configFile: shown, findings, sources: [[shown, text]] };
}
