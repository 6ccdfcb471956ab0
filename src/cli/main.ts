/**
 * `stowage` command line: parses arguments, runs the shared engine, prints like a compiler.
 * Returns the exit code instead of exiting, so tests drive it in-process.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { failsAt } from '../common/findings.js';
import { check, InputError, type CheckResult } from '../app/check.js';
import { imagesOutput, type ImageOutput } from '../images/outputs.js';
import {
  compareImages,
  comparisonText,
  stepImagesFromPlan,
  plannedImages,
  type GroupImage,
} from '../export/index.js';
import { runExportCommand, isExportEngine } from '../app/export.js';
import { RULES } from '../lint/index.js';
import { writePlanFiles } from '../app/plan-files.js';
import { planTable } from '../report/plan.js';
import type { Plan } from '../plan/types.js';
import { formatAnnotation } from '../report/annotations.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import { VERSION } from '../version.js';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { runBuildCommand } from '../app/build.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY?: boolean;
  /** Reads all of standard input (for `--password-stdin`). */
  readStdin?: () => Promise<string>;
}

export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCli(argv, io.env);
  switch (parsed.kind) {
    case 'help':
      io.stdout(USAGE);
      return EXIT.clean;
    case 'version':
      io.stdout(`stowage ${VERSION}\n`);
      return EXIT.clean;
    case 'error':
      io.stderr(`stowage: ${parsed.message}\n\n${USAGE}`);
      return EXIT.usage;
  }
  const options = parsed.options;
  try {
    const result = check(options.path, {
      root: io.cwd,
      configPath: options.config,
      importFormat: options.importFormat,
      plan: options.command !== 'lint',
      baseImages: options.baseImages,
    });
    const findingsFailed = failsAt(result.findings, options.failOn);
    switch (options.command) {
      case 'lint':
        printFindings(result, options, io, io.stdout);
        return findingsFailed ? EXIT.findings : EXIT.clean;
      case 'plan':
        return planCommand(result, options, io, findingsFailed);
      case 'build':
        return await buildCommand(result, options, io, findingsFailed);
      case 'export':
        return exportCommand(result, options, io);
    }
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`stowage: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function printFindings(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  write: (text: string) => void,
): void {
  switch (options.format) {
    case 'json':
      write(formatJson(result.findings));
      return;
    case 'github':
      for (const finding of result.findings) write(`${formatAnnotation(finding)}\n`);
      return;
    case 'sarif':
      write(
        formatSarif(result.findings, {
          rules: RULES,
          toolVersion: VERSION,
          srcRoot: io.cwd,
          suppressed: result.suppressed,
        }),
      );
      return;
    default:
      write(
        formatText(result.findings, {
          sources: result.sources,
          color: options.color && io.isTTY === true,
        }),
      );
  }
}

/**
 * `plan` prints the findings and the plan table. With `--format json` stdout carries the plan
 * alone (findings go to stderr); with `sarif` or `github` it carries the findings alone (the
 * table goes to stderr), so each can be piped into a file or another tool.
 */
function planCommand(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  findingsFailed: boolean,
): number {
  const format = options.format;
  const table = format === 'text' ? io.stdout : io.stderr;
  if (format === 'json') printFindings(result, { ...options, format: 'text' }, io, io.stderr);
  else printFindings(result, options, io, io.stdout);
  const plan = writtenPlan(result, options, io);
  if (!plan) return EXIT.findings;
  if (format === 'json') io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  else {
    table(`\n${planTable(plan)}`);
    if (result.workflow && Object.keys(result.currentImages).length > 0) {
      table(
        `\nCurrent containers against the plan:\n${comparisonText(compareImages(result.workflow, result.currentImages, plan))}\n`,
      );
    }
    const blocked = plan.groups.filter((g) => g.blocked).map((g) => g.name);
    table(
      `Wrote ${path.join(options.outDir, 'plan.json')} and a folder per group under ${options.outDir}/` +
        (blocked.length > 0
          ? ` (no Dockerfile for ${blocked.join(', ')}: see the findings).\n`
          : '.\n'),
    );
  }
  return findingsFailed ? EXIT.findings : EXIT.clean;
}

function writtenPlan(result: CheckResult, options: CliOptions, io: Io): Plan | undefined {
  if (!result.plan) {
    io.stderr(`stowage: no plan: ${result.planSkipped ?? 'the workflow did not load'}\n`);
    return undefined;
  }
  writePlanFiles(result.plan, path.resolve(io.cwd, options.outDir), io.cwd);
  return result.plan;
}

async function buildCommand(
  result: CheckResult,
  options: CliOptions,
  io: Io,
  findingsFailed: boolean,
): Promise<number> {
  printFindings(
    result,
    options.format === 'json' ? { ...options, format: 'text' } : options,
    io,
    io.stderr,
  );
  const plan = writtenPlan(result, options, io);
  if (!plan) return EXIT.findings;
  let password = io.env.STOWAGE_REGISTRY_PASSWORD;
  if (options.passwordStdin) {
    if (!io.readStdin) throw new InputError('--password-stdin: no standard input to read');
    password = (await io.readStdin()).replace(/\r?\n$/, '');
  }
  const { exitCode, results } = await runBuildCommand(plan, {
    registry: options.registry,
    specRegistry: result.workflow?.containers.registry,
    workspace: io.cwd,
    builder: options.builder,
    push: options.push,
    tags: options.tags,
    username: options.username,
    password,
    parallel: options.parallel,
    groups: options.groups,
    json: options.format === 'json',
    out: (line) => io.stdout(`${line}\n`),
    err: (line) => io.stderr(`${line}\n`),
  });
  if (results.length > 0) {
    const file = path.resolve(io.cwd, options.outDir, 'images.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(imagesOutput(results), null, 2)}\n`);
  }
  if (exitCode !== 0) return exitCode;
  return findingsFailed ? EXIT.findings : EXIT.clean;
}

/**
 * Step → image for an engine: the digests of the last `stowage build` (`<out-dir>/images.json`)
 * when there is one, else the content-hash tags the plan will be pushed under.
 */
function exportCommand(result: CheckResult, options: CliOptions, io: Io): number {
  printFindings(result, { ...options, format: 'text' }, io, io.stderr);
  const plan = result.plan;
  if (!plan || !result.workflow) {
    io.stderr(`stowage: no plan to export: ${result.planSkipped ?? 'the workflow did not load'}\n`);
    return EXIT.findings;
  }
  const engine = options.engine!;
  if (!isExportEngine(engine)) throw new InputError(`unknown engine "${engine}"`);
  const built: Record<string, GroupImage> = {};
  const imagesFile = path.resolve(io.cwd, options.outDir, 'images.json');
  if (existsSync(imagesFile)) {
    const images = JSON.parse(readFileSync(imagesFile, 'utf8')) as ImageOutput[];
    for (const image of images) {
      if (image.status !== 'failed')
        built[image.group] = {
          ref: `${image.image}:${image.tags[0] ?? 'latest'}`,
          digest: image.digest ?? undefined,
        };
    }
    io.stderr(`Using the images of the last build (${path.relative(io.cwd, imagesFile)}).\n`);
  } else {
    const registry = options.registry ?? result.workflow.containers.registry;
    if (!registry)
      throw new InputError(
        "no images to export: run `stowage build` first, or pass --registry so the plan's tags can be used",
      );
    Object.assign(built, plannedImages(plan, registry));
    io.stderr(
      'No build results found: exporting the content-hash tags the plan will be pushed under.\n',
    );
  }
  const { lines, exitCode } = runExportCommand(engine, {
    workflow: result.workflow,
    stepImages: stepImagesFromPlan(plan, built),
    outDir: path.join(options.outDir, 'export'),
    origin: result.origin,
    root: io.cwd,
  });
  for (const line of lines) io.stdout(`${line}\n`);
  return exitCode;
}
