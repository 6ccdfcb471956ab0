/**
 * `stowage` command line: its arguments as the run's options, the run (src/app/run.ts), and what
 * it prints — like a compiler. Returns the exit code instead of exiting, so tests drive it
 * in-process.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { draftClusterProfile } from '../app/cluster.js';
import type { LintAndPlanResult } from '../app/lint-and-plan.js';
import { optionName } from '../app/options.js';
import {
  runFailures,
  runStowage,
  type BuildLog,
  type FetchFn,
  type FetchText,
  type RunOptions,
  type RunOutcome,
} from '../app/run.js';
import { InputError } from '../common/errors.js';
import type { RunProcess } from '../common/process.js';
import { RULES } from '../common/rules.js';
import { escapeText } from '../common/text.js';
import { fetchText } from '../host/fetch-text.js';
import { runProcess } from '../host/process.js';
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
  /** Aborted when the user interrupts (Ctrl-C): running programs stop, nothing more is written. */
  signal?: AbortSignal;
}

export const EXIT = { clean: 0, findings: 1, usage: 2, interrupted: 130 } as const;

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
      // One line, as git's: what is wrong and where the help is (not the whole usage).
      io.stderr(`stowage: ${escapeText(parsed.message)}\n`);
      return EXIT.usage;
  }
  const options = parsed.options;
  try {
    if (options.command === 'cluster') {
      // A profile for --cluster, printed: redirect it into a file and check it.
      io.stdout(
        await draftClusterProfile(io.run ?? runProcess, {
          partition: options.partition,
          slurmConf: io.env.SLURM_CONF,
        }),
      );
      return EXIT.clean;
    }
    // The repository root: --root, else the git top-level of the path given, else this folder.
    const root = repositoryRoot(io.cwd, options.path, options.root);
    options.root = root;
    const password = await registryPassword(options, io);
    const outcome = await runStowage(
      runOptions(options, io, root, password),
      {
        run: io.run ?? runProcess,
        fetch: io.fetch ?? fetch,
        fetchText: io.fetchText ?? fetchText(),
        buildLog: terminalLog(io, options.verbose),
        ...(io.signal ? { signal: io.signal } : {}),
      },
      {
        checked: (o) => checked(o, options, io),
        built: (o) => built(o, options, io),
        exported: (o) => exported(o, options, io),
      },
    );
    if (outcome.interrupted) {
      io.stderr('stowage: interrupted\n');
      return EXIT.interrupted;
    }
    if (outcome.buildError !== undefined)
      io.stderr(`stowage build: ${escapeLines(outcome.buildError)}\n`);
    return runFailures(outcome).length > 0 ? EXIT.findings : EXIT.clean;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`stowage: ${escapeLines(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** The command line as the run's options. */
function runOptions(
  options: CliOptions,
  io: Io,
  root: string,
  password: string | undefined,
): RunOptions {
  const fromCwd = (p: string) => path.relative(root, path.resolve(io.cwd, p));
  return {
    command: options.command,
    adapter: 'cli',
    spec: fromCwd(options.path) || '.',
    root,
    workspace: io.cwd,
    outDir: path.resolve(io.cwd, options.outDir),
    config: options.config === undefined ? undefined : fromCwd(options.config),
    cluster: options.cluster === undefined ? undefined : fromCwd(options.cluster),
    importFormat: options.importFormat,
    failOn: options.failOn,
    wrapperPrefix: options.wrapperPrefix,
    baseImages: options.baseImages,
    platforms: options.platforms,
    resolve: {
      mode: options.resolve,
      channelUrls: options.channelUrls,
      pipIndexUrl: options.pipIndexUrl,
      timeoutMs: options.resolveTimeoutMs,
      repodataCache: { env: io.env, home: homedir() },
      npmRegistry: options.npmRegistry,
      python: io.env.STOWAGE_PYTHON,
      ...(options.verifyLock ? { verifyLock: options.verifyLock } : {}),
    },
    build: {
      registry: options.registry,
      push: options.push,
      context: {},
      tagRules: options.tags,
      credentials:
        options.username && password ? { username: options.username, password } : undefined,
      registryNamedByUser: options.registry !== undefined,
      builder: options.builder,
      network: options.network,
      dockerBinary: io.env.STOWAGE_DOCKER,
      parallel: options.parallel,
      groups: options.groups,
      registryTimeoutMs: options.registryTimeoutMs,
      authHosts: options.authHosts,
      verbose: options.verbose,
      stallTimeoutMs: options.stallTimeoutMs,
    },
    export: {
      engines: options.engines,
      slurmRuntime: options.runtime,
      registry: options.registry,
      registryOptions: { budgetMs: options.registryTimeoutMs },
    },
  };
}

/** The registry password: standard input with `--password-stdin`, else STOWAGE_REGISTRY_PASSWORD. */
async function registryPassword(options: CliOptions, io: Io): Promise<string | undefined> {
  if (!options.passwordStdin) return io.env.STOWAGE_REGISTRY_PASSWORD;
  if (!io.readStdin) throw new InputError('--password-stdin: no standard input to read');
  return (await io.readStdin()).replace(/\r?\n$/, '');
}

/** Lint and plan are done: notices, then the findings and the plan as the command prints them. */
function checked(outcome: RunOutcome, options: CliOptions, io: Io): void {
  const { check } = outcome;
  for (const note of check.resolved?.notes ?? [])
    io.stderr(`stowage: notice: ${escapeText(note)}\n`);
  if (outcome.lockMismatches.length > 0) {
    for (const m of outcome.lockMismatches)
      io.stderr(`stowage: error: stowage.lock: ${escapeText(m)}\n`);
    io.stderr(
      'stowage: the lock file is not what the solvers answer; if it was made honestly, the sources changed since: run `stowage lock`, review the diff and commit it.\n',
    );
    return;
  }
  switch (options.command) {
    case 'lint':
      io.stdout(findingsText(check, options, io));
      return;
    case 'plan':
    case 'lock':
      planOutput(outcome, options, io);
      return;
    case 'build':
    case 'export':
      // stdout is for the build's and the export's own results.
      if (check.findings.length > 0)
        io.stderr(findingsText(check, { ...options, format: 'text' }, io));
      if (!check.plan)
        io.stderr(
          `stowage: no plan${options.command === 'export' ? ' to export' : ''}: ${escapeText(check.planSkipped ?? 'the workflow did not load')}\n`,
        );
  }
}

/** The findings in the chosen format (`text` when the format is for the plan). */
function findingsText(result: LintAndPlanResult, options: CliOptions, io: Io): string {
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
function planOutput(outcome: RunOutcome, options: CliOptions, io: Io): void {
  const result = outcome.check;
  const plan = result.plan;
  if (options.format === 'json') {
    const out = {
      ...findingsDocument(result.findings),
      ...(result.resolved?.notes.length ? { notices: result.resolved.notes } : {}),
      plan: plan ?? null,
      ...(plan ? {} : { planSkipped: result.planSkipped ?? 'the workflow did not load' }),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  io.stdout(findingsText(result, options, io));
  if (!plan) {
    io.stderr(
      `stowage: no plan: ${escapeText(result.planSkipped ?? 'the workflow did not load')}\n`,
    );
    return;
  }
  const table = options.format === 'text' ? io.stdout : io.stderr;
  table(
    `\n${planTable(plan, { verbose: options.verbose, name: (key) => optionName(key, 'cli') })}`,
  );
  // Nothing planned: nothing to compare (each step keeps its own image).
  if (result.workflow && Object.keys(result.currentImages).length > 0 && plan.groups.length > 0) {
    const comparison = compareImages(result.workflow, result.currentImages, plan);
    table(`\nCurrent containers against the plan:\n${comparisonText(comparison)}\n`);
  }
  const blocked = plan.groups.filter((g) => g.blocked).map((g) => g.name);
  if (outcome.lockFile)
    table(
      `Wrote ${path.relative(io.cwd, outcome.lockFile)}: commit it, so reruns reuse its answers.\n`,
    );
  table(
    `Wrote ${path.join(options.outDir, 'plan.json')}` +
      (plan.groups.length > 0 ? ` and a folder per group under ${options.outDir}/` : '') +
      (blocked.length > 0
        ? ` (no Dockerfile for ${blocked.join(', ')}: see the findings).\n`
        : '.\n'),
  );
}

/** The build is done: a failed smoke test at the steps' lines, then the images. */
function built(outcome: RunOutcome, options: CliOptions, io: Io): void {
  const build = outcome.build!;
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(build.images, null, 2)}\n`);
    return;
  }
  if (build.findings.length > 0)
    io.stderr(
      formatText(build.findings, {
        sources: outcome.check.sources,
        color: options.color && io.isTTY === true,
      }),
    );
  io.stdout(buildTable(build.results));
}

/** The exports are written: what was found in the registry, what each export holds. */
function exported(outcome: RunOutcome, options: CliOptions, io: Io): void {
  for (const note of outcome.imageNotes) io.stderr(`${escapeText(note)}\n`);
  // After a build with --format json, stdout holds the images' JSON alone.
  const print = options.command === 'build' && options.format === 'json' ? io.stderr : io.stdout;
  for (const line of outcome.exported?.lines ?? []) print(`${escapeText(line)}\n`);
  for (const engine of outcome.exported?.empty ?? [])
    io.stderr(
      `stowage: the ${engine} export would run none of the workflow's steps in an image (each skipped step and why is listed above).\n`,
    );
}

/** How many lines of a failed group's output are printed again at its end. */
const FAILURE_TAIL = 30;

/**
 * Progress on stdout, as each group builds (a line per Dockerfile step; every line with
 * --verbose); a group's whole output again when it failed.
 */
function terminalLog(io: Io, verbose: boolean): BuildLog {
  return {
    info: (m) => io.stdout(`${escapeText(m)}\n`),
    warning: (m) => io.stderr(`warning: ${escapeLines(m)}\n`),
    progress: (line) => io.stdout(`${escapeText(line)}\n`),
    group: (title, lines, ok) => {
      // A failed group's last lines say why (the progress above said where it was).
      if (lines.length === 0 || ok) return;
      const tail = lines.slice(-FAILURE_TAIL);
      const cut = lines.length > tail.length && !verbose ? ' (--verbose shows every line)' : '';
      // A build's output is the project's: it must not drive the terminal either.
      io.stdout(
        `── ${escapeText(title)}: its last ${tail.length} lines${cut}\n${tail.map((l) => `   ${escapeText(l)}\n`).join('')}`,
      );
    },
  };
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
