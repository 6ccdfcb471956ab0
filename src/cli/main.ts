/**
 * `stowage` command line: parse arguments, call the use cases, print like a compiler. Returns the
 * exit code instead of exiting, so tests drive it in-process.
 */
import path from 'node:path';
import { buildImages } from '../app/build.js';
import { check, type CheckResult } from '../app/check.js';
import { exportImages, findStepImages, noImageReasons } from '../app/export.js';
import { checkOutputs, writePlanFiles } from '../app/plan-files.js';
import { writeLockFile } from '../app/resolve.js';
import { InputError } from '../common/errors.js';
import { failsAt } from '../common/findings.js';
import { RULES } from '../common/rules.js';
import { escapeText } from '../common/text.js';
import { runProcess } from '../host/process.js';
import { fetchText } from '../host/fetch-text.js';
import type { BuildLog } from '../images/build.js';
import { parseTagRules } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
import { parseChannelUrls } from '../resolve/sources.js';
import type { RunProcess } from '../common/process.js';
import type { FetchFn } from '../resolve/types.js';
import type { StepImageMap } from '../app/step-images.js';
import type { FetchText } from '../workflow/importers/index.js';
import { formatAnnotation } from '../report/annotations.js';
import { buildTable } from '../report/build.js';
import { compareImages, comparisonText } from '../report/comparison.js';
import { findingsDocument, formatJson } from '../report/json.js';
import { planTable } from '../report/plan.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import { VERSION } from '../version.js';
import { commandUsage, parseCli, USAGE, type CliOptions } from './args.js';
import { repositoryRoot } from './root.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY?: boolean;
  /** Reads all of standard input (for `--password-stdin`). */
  readStdin?: () => Promise<string>;
  /** Runs programs (builders, pip, npm); default: the real runner (src/host/process.ts). */
  run?: RunProcess;
  /** The network the resolve stage uses; default: the real one. */
  fetch?: FetchFn;
  /** Fetches files from outside the repository (Snakemake wrappers); default: the real one. */
  fetchText?: FetchText;
}

export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCli(argv, io.env);
  switch (parsed.kind) {
    case 'help':
      io.stdout(parsed.command ? commandUsage(parsed.command) : USAGE);
      return EXIT.clean;
    case 'version':
      io.stdout(`stowage ${VERSION}\n`);
      return EXIT.clean;
    case 'error':
      io.stderr(`stowage: ${escapeText(parsed.message)}\n\n${USAGE}`);
      return EXIT.usage;
  }
  const options = parsed.options;
  try {
    // The repository root: --root, else the git top-level of the path given, else this folder.
    const root = repositoryRoot(io.cwd, options.path, options.root);
    options.root = root;
    const result = await check(path.relative(root, path.resolve(io.cwd, options.path)) || '.', {
      root,
      configPath:
        options.config === undefined
          ? undefined
          : path.relative(root, path.resolve(io.cwd, options.config)),
      importFormat: options.importFormat,
      plan: options.command !== 'lint',
      baseImages: options.baseImages,
      platforms: options.platforms,
      resolve: {
        mode: options.resolve,
        channelUrls: parseChannelUrls(options.channelUrls, '--channel-url'),
        pipIndexUrl: options.pipIndexUrl,
        npmRegistry: options.npmRegistry,
        platforms: options.platforms,
        python: io.env.STOWAGE_PYTHON,
        fetch: io.fetch ?? fetch,
        run: io.run ?? runProcess,
        ...(options.verifyLock ? { verifyLock: options.verifyLock } : {}),
      },
      wrapperPrefix: options.wrapperPrefix,
      fetchText: io.fetchText ?? fetchText(),
    });
    for (const note of result.resolved?.notes ?? [])
      io.stderr(`stowage: notice: ${escapeText(note)}\n`);
    const mismatches = result.resolved?.lockMismatches ?? [];
    if (mismatches.length > 0) {
      for (const m of mismatches) io.stderr(`stowage: error: stowage.lock: ${escapeText(m)}\n`);
      io.stderr(
        'stowage: the lock file is not what the solvers answer; if it was made honestly, the sources changed since: run `stowage lock`, review the diff and commit it.\n',
      );
      return EXIT.findings;
    }
    const findingsFail = failsAt(result.findings, options.failOn);
    if (options.command !== 'lint') {
      // Every place this command writes is checked before the first write.
      checkOutputs(io.cwd, options.outDir, {
        plan: result.plan,
        engines: options.engines,
        images: options.command === 'build',
      });
    }
    switch (options.command) {
      case 'lint':
        io.stdout(findingsText(result, options, io));
        return findingsFail ? EXIT.findings : EXIT.clean;
      case 'plan':
      case 'lock':
        return planCommand(result, options, io, findingsFail);
      case 'build':
        return await buildCommand(result, options, io, findingsFail);
      case 'export':
        return await exportCommand(result, options, io, findingsFail);
    }
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`stowage: ${escapeLines(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** The findings in the chosen format (`text` when the format is for the plan). */
function findingsText(result: CheckResult, options: CliOptions, io: Io): string {
  switch (options.format) {
    case 'json':
      return formatJson(result.findings);
    case 'github':
      return result.findings.map((f) => `${formatAnnotation(f)}\n`).join('');
    case 'sarif':
      return formatSarif(result.findings, {
        rules: RULES,
        toolVersion: VERSION,
        srcRoot: rootOf(options, io),
        suppressed: result.suppressed,
      });
    default:
      return formatText(result.findings, {
        sources: result.sources,
        color: options.color && io.isTTY === true,
      });
  }
}

/**
 * `plan` prints the findings and the plan table. With `--format json` stdout carries one JSON
 * object, the findings document (`version`, `counts`, `findings`) with `plan` (or null), always; with `sarif` or `github` it carries
 * the findings alone (the table goes to stderr), so each can be piped into a file or a tool.
 */
function planCommand(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  findingsFail: boolean,
): number {
  const plan = result.plan;
  if (plan) writePlanFiles(plan, path.resolve(io.cwd, options.outDir), io.cwd);
  const lockFile = writeLockFile(result.resolved, rootOf(options, io));
  if (options.format === 'json') {
    const out = {
      ...findingsDocument(result.findings),
      ...(result.resolved?.notes.length ? { notices: result.resolved.notes } : {}),
      plan: plan ?? null,
      ...(plan ? {} : { planSkipped: result.planSkipped ?? 'the workflow did not load' }),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return findingsFail || !plan ? EXIT.findings : EXIT.clean;
  }
  io.stdout(findingsText(result, options, io));
  if (!plan) {
    io.stderr(
      `stowage: no plan: ${escapeText(result.planSkipped ?? 'the workflow did not load')}\n`,
    );
    return EXIT.findings;
  }
  const table = options.format === 'text' ? io.stdout : io.stderr;
  table(`\n${planTable(plan)}`);
  // Nothing planned: nothing to compare (each step keeps its own image).
  if (result.workflow && Object.keys(result.currentImages).length > 0 && plan.groups.length > 0) {
    const comparison = compareImages(result.workflow, result.currentImages, plan);
    table(`\nCurrent containers against the plan:\n${comparisonText(comparison)}\n`);
  }
  const blocked = plan.groups.filter((g) => g.blocked).map((g) => g.name);
  if (lockFile)
    table(`Wrote ${path.relative(io.cwd, lockFile)}: commit it, so reruns reuse its answers.\n`);
  table(
    `Wrote ${path.join(options.outDir, 'plan.json')}` +
      (plan.groups.length > 0 ? ` and a folder per group under ${options.outDir}/` : '') +
      (blocked.length > 0
        ? ` (no Dockerfile for ${blocked.join(', ')}: see the findings).\n`
        : '.\n'),
  );
  return findingsFail ? EXIT.findings : EXIT.clean;
}

/**
 * Findings before a build or an export go to stderr (stdout is for their own results), and only
 * when there are some: "No findings." belongs to `lint` and `plan`.
 */
function findingsBeforeResults(result: CheckResult, options: CliOptions, io: Io): void {
  if (result.findings.length > 0)
    io.stderr(findingsText(result, { ...options, format: 'text' }, io));
}

/** The findings (see above), then the plan, written to `--out-dir`. */
function plannedForBuild(result: CheckResult, options: CliOptions, io: Io): Plan | undefined {
  findingsBeforeResults(result, options, io);
  if (!result.plan) {
    io.stderr(
      `stowage: no plan: ${escapeText(result.planSkipped ?? 'the workflow did not load')}\n`,
    );
    return undefined;
  }
  writePlanFiles(result.plan, path.resolve(io.cwd, options.outDir), io.cwd);
  writeLockFile(result.resolved, rootOf(options, io));
  return result.plan;
}

async function buildCommand(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  findingsFail: boolean,
): Promise<number> {
  const plan = plannedForBuild(result, options, io);
  if (!plan) return EXIT.findings;
  let password = io.env.STOWAGE_REGISTRY_PASSWORD;
  if (options.passwordStdin) {
    if (!io.readStdin) throw new InputError('--password-stdin: no standard input to read');
    password = (await io.readStdin()).replace(/\r?\n$/, '');
  }
  const registry = options.registry ?? result.workflow?.containers.registry;
  if (options.push && !registry) {
    throw new InputError(
      'nothing to push to: pass --registry host[:port]/path or set containers.registry in the spec; or build local images with --no-push',
    );
  }
  let outcome;
  try {
    outcome = await buildImages(
      plan,
      {
        // The plan's context is relative to the repository root; images.json goes to --out-dir.
        workspace: rootOf(options, io),
        registry,
        push: options.push,
        context: {},
        tagRules: parseTagRules(options.tags.join('\n')),
        credentials:
          options.username && password ? { username: options.username, password } : undefined,
        registryNamedByUser: options.registry !== undefined,
        builder: options.builder,
        network: options.network,
        platforms: options.platforms,
        dockerBinary: io.env.STOWAGE_DOCKER,
        parallel: options.parallel,
        groups: options.groups,
        outDir: path.relative(rootOf(options, io), path.resolve(io.cwd, options.outDir)),
        registryTimeoutMs: options.registryTimeoutMs,
        authHosts: options.authHosts,
        workflow: result.workflow,
      },
      { exec: io.run ?? runProcess, log: terminalLog(io, options.verbose) },
    );
  } catch (error) {
    if (error instanceof InputError) throw error;
    io.stderr(`stowage build: ${escapeLines((error as Error).message)}\n`);
    return EXIT.findings;
  }
  if (options.format === 'json') io.stdout(`${JSON.stringify(outcome.images, null, 2)}\n`);
  else {
    // A failed smoke test, compiler style at the steps' lines.
    if (outcome.findings.length > 0)
      io.stderr(
        formatText(outcome.findings, {
          sources: result.sources,
          color: options.color && io.isTTY === true,
        }),
      );
    io.stdout(buildTable(outcome.results));
  }
  // `--export`: the images this run built (and pushed), never a record of an earlier build.
  const exported =
    options.engines.length > 0 && result.workflow
      ? writeExports(result, options, io, plan, outcome.stepImages)
      : { empty: [] };
  if (outcome.failed.length > 0 || exported.empty.length > 0) return EXIT.findings;
  return findingsFail ? EXIT.findings : EXIT.clean;
}

/** The exports for `options.engines` from a step → image map; prints what it wrote and skipped. */
function writeExports(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  plan: Plan,
  map: StepImageMap,
): { empty: string[] } {
  const outcome = exportImages({
    engines: options.engines,
    slurmRuntime: options.runtime,
    workflow: result.workflow!,
    stepImages: map.images,
    noImage: noImageReasons(plan, map.missing),
    // Relative to the repository root, where CWL overrides name the tools from.
    outDir: path.relative(rootOf(options, io), path.resolve(io.cwd, options.outDir, 'export')),
    origin: result.origin,
    root: rootOf(options, io),
  });
  // After a build with --format json, stdout holds the images' JSON alone.
  const print = options.command === 'build' && options.format === 'json' ? io.stderr : io.stdout;
  for (const line of outcome.lines) print(`${escapeText(line)}\n`);
  for (const engine of outcome.empty)
    io.stderr(
      `stowage: the ${engine} export would run none of the workflow's steps in an image (each skipped step and why is listed above).\n`,
    );
  return outcome;
}

/** Progress on stdout; a group's build output only when it failed (all of it with --verbose). */
function terminalLog(io: Io, verbose: boolean): BuildLog {
  return {
    info: (m) => io.stdout(`${escapeText(m)}\n`),
    warning: (m) => io.stderr(`warning: ${escapeLines(m)}\n`),
    group: (title, lines, ok) => {
      if (lines.length === 0 || (ok && !verbose)) return;
      // A build's output is the project's: it must not drive the terminal either.
      io.stdout(`── ${escapeText(title)}\n${lines.map((l) => `   ${escapeText(l)}\n`).join('')}`);
    },
  };
}

/**
 * Step → image for an engine: the registry's digests of the plan's content-hash tags when it has
 * them, else those tags (a build pushes them); local images when there is no registry.
 */
async function exportCommand(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  findingsFail: boolean,
): Promise<number> {
  findingsBeforeResults(result, options, io);
  const plan = result.plan;
  if (!plan || !result.workflow) {
    io.stderr(
      `stowage: no plan to export: ${escapeText(result.planSkipped ?? 'the workflow did not load')}\n`,
    );
    return EXIT.findings;
  }
  const registry = options.registry ?? result.workflow.containers.registry;
  const { map, notes } = await findStepImages(plan, {
    registry,
    registryOptions: { budgetMs: options.registryTimeoutMs },
  });
  for (const note of notes) io.stderr(`${escapeText(note)}\n`);
  const outcome = writeExports(result, options, io, plan, map);
  // As `plan`: findings at or above --fail-on fail the run, the files are written all the same.
  return outcome.empty.length > 0 || findingsFail ? EXIT.findings : EXIT.clean;
}

/** The repository root `main` settled on (`options.root`), else the current folder. */
function rootOf(options: CliOptions, io: Io): string {
  return options.root ?? io.cwd;
}

/** Our own multi-line text with foreign parts: each line escaped on its own. */
function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeText(line))
    .join('\n');
}
