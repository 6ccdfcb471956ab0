/**
 * The one sequence both adapters run, from one options object: lint and plan (and resolve) the
 * workflow, then — after every place it writes was checked — the plan's files and the lock file,
 * then the build, then the exports. Each stage's outcome is handed to the adapter's reporter as
 * the stage ends (the action annotates and summarises before a long build; the CLI prints the
 * findings first), and the whole outcome is returned, with the reasons the run failed.
 *
 * The adapters map their options to `RunOptions` and render; they decide nothing else.
 */
import path from 'node:path';
import type { Finding, Severity } from '../common/findings.js';
import { failsAt } from '../common/findings.js';
import { InputError } from '../common/errors.js';
import type { RunProcess } from '../common/process.js';
import type { ExportEngine, SlurmRuntime } from '../export/types.js';
import type { BuildLog } from '../images/build.js';
import { matrixOutput } from '../images/outputs.js';
import { nameOptions } from '../common/option-names.js';
import { optionName, type RunCommand } from './options.js';
import type { RegistryOptions } from '../images/registry.js';
import { reasonOf } from '../report/build.js';
import type { FetchFn } from '../resolve/types.js';
import type { FetchText } from '../workflow/importers/index.js';
import type { WorkflowFormat } from '../workflow/model.js';
import type { BuildImagesOptions, BuildOutcome } from './build.js';
import type { ExportOutcome } from './export.js';
import { lintAndPlan, type LintAndPlanResult } from './lint-and-plan.js';
import { checkOutputs, writePlanFiles } from './plan-files.js';
import type { ResolveOptions } from './resolve.js';
import { writeLockFile } from './lock-file.js';
import type { StepImageMap } from './step-images.js';

export type { RunCommand };
// What the adapters hand in and render, named here so they import only the app layer.
export type { BuildLog } from '../images/build.js';
export type { CacheMode } from '../images/builder.js';
export type { RunContext } from '../images/tags.js';
export type { Plan } from '../plan/types.js';
export type { FetchFn } from '../resolve/types.js';
export type { FetchText } from '../workflow/importers/index.js';
export { decidePush } from '../images/tags.js';

export interface RunOptions {
  command: RunCommand;
  /** Whose words the messages use for options (`--channel-url` or the `channel-urls` input). */
  adapter: 'cli' | 'action';
  /** The spec or pipeline folder, relative to `root`. */
  spec: string;
  /** The repository root: file names in findings are relative to it; nothing outside is read. */
  root: string;
  /** The folder the run's outputs are confined to (the CLI's working folder, the workspace). */
  workspace: string;
  /** Where plan.json, the group folders, images.json and `export/` go (absolute). */
  outDir: string;
  /** The lint config, relative to `root`. */
  config?: string;
  /** A cluster profile file (the spec's `cluster:` keys), relative to `root`: over the spec's. */
  cluster?: string;
  importFormat: WorkflowFormat | 'auto';
  failOn: Severity | 'never';
  wrapperPrefix?: string;
  baseImages: Record<string, string>;
  platforms: readonly string[];
  resolve: Omit<ResolveOptions, 'fetch' | 'run' | 'platforms'>;
  /**
   * `build` only: everything but what the sequence itself knows. Without a registry, the spec's
   * `containers.registry` (the images' names; credentials go only where the user named).
   */
  build?: Omit<BuildImagesOptions, 'workspace' | 'outDir' | 'platforms' | 'workflow'> & {
    /** Why the adapter decided to push or not, for the log. */
    pushReason?: string;
  };
  /** Engines to write exports for (after the build when there is one). */
  export?: {
    engines: readonly ExportEngine[];
    slurmRuntime: SlurmRuntime;
    /** Where to find the images when this run does not build them. */
    registry?: string;
    registryOptions?: RegistryOptions;
  };
  /** Other files the adapter will write (the SARIF file, relative to `workspace`). */
  extraOutputs?: readonly string[];
}

export interface RunDeps {
  run: RunProcess;
  fetch: FetchFn;
  fetchText: FetchText;
  buildLog: BuildLog;
  /**
   * Aborted when the user interrupts the run (Ctrl-C, SIGTERM): the programs it runs are stopped,
   * no build starts, nothing more is written, and the outcome says `interrupted`.
   */
  signal?: AbortSignal;
}

/** Called as each stage ends, in this order; each may be left out. */
export interface RunReporter {
  /** Lint and plan are done and the plan's files written; nothing is built yet. */
  checked?(outcome: RunOutcome): void | Promise<void>;
  built?(outcome: RunOutcome): void | Promise<void>;
  exported?(outcome: RunOutcome): void | Promise<void>;
}

export interface RunOutcome {
  options: RunOptions;
  check: LintAndPlanResult;
  /** Lock answers that are not the solvers' (`lock-policy: verify`): nothing was written. */
  lockMismatches: string[];
  /** The lock file written (absolute), when it changed. */
  lockFile?: string;
  /** plan.json and the group folders were written. */
  planWritten: boolean;
  /** The `matrix` output: a job per group (of the `groups` filter when given). */
  matrix?: { include: { group: string }[] };
  build?: BuildOutcome;
  /** Why the build could not start or went wrong as a whole (no builder, …), when it did. */
  buildError?: string;
  /** The run was interrupted (its signal aborted): what it did so far, nothing after. */
  interrupted?: boolean;
  /** Where each step's image came from, for the exports (this build, or the registry). */
  stepImages?: StepImageMap;
  /** What finding the images in the registry said (a group not pushed yet, …). */
  imageNotes: string[];
  exported?: ExportOutcome;
}

export async function runStowage(
  options: RunOptions,
  deps: RunDeps,
  reporter: RunReporter = {},
): Promise<RunOutcome> {
  const say = (text: string) =>
    nameOptions(text, (key, value) => optionName(key, options.adapter, value));
  try {
    return await runSequence(options, deps, reporter, say);
  } catch (error) {
    // A usage error names options in the adapter's words too.
    if (error instanceof InputError) throw new InputError(say(error.message));
    throw error;
  }
}

async function runSequence(
  options: RunOptions,
  given: RunDeps,
  reporter: RunReporter,
  say: (text: string) => string,
): Promise<RunOutcome> {
  // Every program the run starts stops when the run is interrupted.
  const signal = given.signal;
  const deps: RunDeps = signal
    ? { ...given, run: (command, args, o = {}) => given.run(command, args, { signal, ...o }) }
    : given;
  const buildLog: BuildLog = {
    info: (m) => given.buildLog.info(say(m)),
    warning: (m) => given.buildLog.warning(say(m)),
    group: (title, lines, ok) => given.buildLog.group(title, lines, ok),
    progress: (line) => given.buildLog.progress?.(line),
  };
  const check = await lintAndPlan(options.spec, {
    root: options.root,
    configPath: options.config,
    clusterPath: options.cluster,
    importFormat: options.importFormat,
    plan: options.command !== 'lint',
    baseImages: options.baseImages,
    platforms: options.platforms,
    resolve: { ...options.resolve, platforms: options.platforms, fetch: deps.fetch, run: deps.run },
    wrapperPrefix: options.wrapperPrefix,
    fetchText: deps.fetchText,
  });
  if (check.resolved) check.resolved.notes = check.resolved.notes.map(say);
  const outcome: RunOutcome = {
    options,
    check,
    lockMismatches: check.resolved?.lockMismatches ?? [],
    planWritten: false,
    imageNotes: [],
  };
  // A lock that is not what the solvers answer: nothing is written, built or pushed.
  if (outcome.lockMismatches.length > 0) {
    await reporter.checked?.(outcome);
    return outcome;
  }
  const engines = options.export?.engines ?? [];
  if (options.command !== 'lint') {
    // Every place this run writes is checked before the first write: a committed link is refused.
    checkOutputs(options.workspace, path.relative(options.workspace, options.outDir) || '.', {
      plan: check.plan,
      engines,
      images: options.command === 'build',
      files: options.extraOutputs ?? [],
    });
  }
  const plan = check.plan;
  if (plan && writesPlan(options.command)) {
    writePlanFiles(plan, options.outDir, options.workspace);
    outcome.planWritten = true;
    outcome.matrix = matrixOutput(plan, options.build?.groups);
  }
  if (options.command !== 'lint' && options.command !== 'export')
    outcome.lockFile = writeLockFile(check.resolved, options.root);
  await reporter.checked?.(outcome);

  const registry = (given?: string) => given ?? check.workflow?.containers.registry;
  if (options.command === 'build' && plan && options.build) {
    // The build and the exports load when a run gets to them (builders, registry client).
    const { buildImages } = await import('./build.js');
    try {
      outcome.build = await buildImages(
        plan,
        {
          ...options.build,
          registry: registry(options.build.registry),
          workspace: options.root,
          outDir: path.relative(options.root, options.outDir),
          platforms: options.platforms,
          workflow: check.workflow,
          say,
        },
        { exec: deps.run, log: buildLog, signal },
      );
    } catch (error) {
      // A usage error is the adapter's to show; anything else ends the build, said in one line.
      if (error instanceof InputError) throw error;
      outcome.buildError = error instanceof Error ? error.message : String(error);
      return outcome;
    }
    outcome.stepImages = outcome.build.stepImages;
    if (signal?.aborted) {
      outcome.interrupted = true;
      return outcome;
    }
    await reporter.built?.(outcome);
  }

  if (engines.length > 0 && plan && check.workflow && options.export) {
    const { exportImages, findStepImages, noImageReasons } = await import('./export.js');
    if (!outcome.stepImages) {
      const found = await findStepImages(plan, {
        registry: registry(options.export.registry),
        registryOptions: options.export.registryOptions,
      });
      outcome.stepImages = found.map;
      outcome.imageNotes = found.notes;
    }
    outcome.exported = exportImages({
      engines,
      slurmRuntime: options.export.slurmRuntime,
      workflow: check.workflow,
      stepImages: outcome.stepImages.images,
      noImage: noImageReasons(plan, outcome.stepImages.missing),
      // Relative to the repository root, where CWL overrides name the tools from.
      outDir: path.relative(options.root, path.join(options.outDir, 'export')),
      origin: check.origin,
      root: options.root,
    });
    await reporter.exported?.(outcome);
  }
  return outcome;
}

/** The commands that write plan.json and the group folders (`export` only reads the plan). */
function writesPlan(command: RunCommand): boolean {
  return command === 'plan' || command === 'lock' || command === 'build';
}

/**
 * Why the run failed, one sentence each (empty when it did not): a lock that is not the solvers',
 * no plan where one was needed, failed groups, an export that would run no step in an image,
 * findings at or above `fail-on`. Both adapters fail on exactly these.
 */
export function runFailures(outcome: RunOutcome): string[] {
  const { options, check } = outcome;
  const failures: string[] = [];
  if (outcome.interrupted) failures.push('interrupted');
  if (outcome.lockMismatches.length > 0)
    failures.push(
      `${outcome.lockMismatches.length} answer(s) of the lock file are not what the solvers answer, so nothing is built or pushed. If the lock was made honestly, the sources changed since: run \`stowage lock\`, review the diff and commit it.`,
    );
  if (options.command !== 'lint' && !check.plan && outcome.lockMismatches.length === 0)
    failures.push(`no plan: ${check.planSkipped ?? 'the workflow did not load'}`);
  if (outcome.buildError !== undefined) failures.push(outcome.buildError);
  const failed = outcome.build?.failed ?? [];
  if (failed.length > 0)
    failures.push(
      `${failed.length} of ${outcome.build!.results.length} group(s) failed: ` +
        failed.map((r) => `${r.group} (${reasonOf(r.error)})`).join('; '),
    );
  const notApplicable = outcome.exported?.notApplicable ?? [];
  // Every export asked for does not apply to this workflow: nothing was exported.
  if (notApplicable.length > 0 && notApplicable.length === outcome.exported!.results.length)
    failures.push(
      `export: nothing to export: ${notApplicable.map((n) => `${n.engine}: ${n.reason}`).join(' ')}`,
    );
  const empty = outcome.exported?.empty ?? [];
  if (empty.length > 0)
    failures.push(
      `export: the ${empty.join(', ')} configuration would run none of the workflow's steps in an image (each skipped step and why is listed above; when it is "no image", build first or give the registry the images were pushed to).`,
    );
  if (failsAt(check.findings, options.failOn))
    failures.push(
      `Stowage found ${describeCounts(check.findings)} in ${options.spec} (fail-on: ${options.failOn}).`,
    );
  return failures;
}

export function describeCounts(findings: readonly Finding[]): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return `${count('error')} error(s), ${count('warning')} warning(s), ${count('notice')} notice(s)`;
}
