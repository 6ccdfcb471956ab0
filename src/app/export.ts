/**
 * The export use case both adapters call: find each step's image (from this run's build, else
 * from the registry by the plan's content-hash tags), then write the files that hand the images
 * to workflow engines under `<outDir>/<engine>/`. Never reads a committed record of a past build:
 * a pull request could point it anywhere.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError, writeFailure } from '../common/errors.js';
import { assertWritable, replaceFolder } from '../common/paths.js';
import { pinningPhrase } from '../export/common.js';
import {
  exportFor,
  type ExportEngine,
  type ExportInput,
  type ExportResult,
  type SlurmRuntime,
  type StepImages,
} from '../export/index.js';
import { LOCAL_REGISTRY, type BuildResult } from '../images/build.js';
import { groupRepository, parseRepository } from '../images/reference.js';
import { registryCommands } from '../images/commands.js';
import { RegistryClient, type RegistryOptions } from '../images/registry.js';
import { contentHashTag } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
import type { ImportOrigin } from '../workflow/importers/common.js';
import type { Workflow } from '../workflow/model.js';
import { stepImageMap, type StepImageMap } from './step-images.js';

export interface FindImagesOptions {
  /** `<registry>` of `<registry>/<group>`. */
  registry?: string;
  /** This run's build results, when it built. */
  builds?: readonly BuildResult[];
  /** Ask the registry for the digests of groups this run did not build (default true). */
  lookUp?: boolean;
  registryOptions?: RegistryOptions;
}

/**
 * Each step's image: this run's builds first; for the other groups, the registry's digest of the
 * plan's content-hash tag when it has one (pinned by digest), else that tag. Notes say what was
 * not found, for the adapter to print.
 */
export async function findStepImages(
  plan: Plan,
  options: FindImagesOptions,
): Promise<{ map: StepImageMap; notes: string[] }> {
  const notes: string[] = [];
  const given = options.registry?.trim() || undefined;
  if (!given && !options.builds) {
    notes.push(
      `no registry: exporting the local images \`stowage build --no-push\` makes (${LOCAL_REGISTRY}/<group>)`,
    );
  }
  const registry = given ?? (options.builds ? undefined : LOCAL_REGISTRY);
  const built = new Set(
    (options.builds ?? []).filter((b) => b.status !== 'failed').map((b) => b.group),
  );
  const digests: Record<string, string> = {};
  const wanted = plan.groups.filter((g) => g.contentHash && !built.has(g.name));
  let client: RegistryClient | undefined;
  if (given && wanted.length > 0 && options.lookUp !== false) {
    client = new RegistryClient(parseRepository(`${given}/x`).host, {
      retries: 2,
      timeoutMs: 10_000,
      budgetMs: 60_000,
      ...options.registryOptions,
    });
    const absent: string[] = [];
    for (const group of wanted) {
      const repo = groupRepository(given, group.name);
      try {
        const found = await client.headManifest(repo.path, contentHashTag(group.contentHash));
        if (found) digests[group.name] = found.digest;
        else absent.push(group.name);
      } catch (error) {
        notes.push(
          `cannot ask ${given} for the images (${(error as Error).message}): using the plan's content-hash tags, not digests`,
        );
        break;
      }
    }
    if (absent.length > 0)
      notes.push(
        `not in ${given} yet (build and push them first): ${absent.join(', ')}; exported by the tag a build will push`,
      );
  }
  const map = stepImageMap(plan, { registry, builds: options.builds, digests });
  for (const m of map.missing) notes.push(`group ${m.group}: no image: ${m.reason}`);
  if (client && given) await readGroupCommands(client, given, map, digests, notes);
  return { map, notes };
}

/**
 * The commands each image found in the registry provides, read from the image itself (a layer of
 * a few kilobytes), for the shims and modules; the plan's list stays where it cannot be read.
 */
async function readGroupCommands(
  client: RegistryClient,
  registry: string,
  map: StepImageMap,
  digests: Readonly<Record<string, string>>,
  notes: string[],
): Promise<void> {
  const groups = new Map(
    Object.values(map.images).flatMap((i) => (i.group ? [[i.group.name, i.group] as const] : [])),
  );
  for (const [name, group] of groups) {
    const digest = digests[name];
    if (!digest || group.commandsFrom === 'image') continue;
    try {
      const found = await registryCommands(client, groupRepository(registry, name).path, digest);
      if (found) Object.assign(group, { commands: found, commandsFrom: 'image' });
    } catch (error) {
      notes.push(
        `group ${name}: cannot read the commands its image provides (${(error as Error).message}): using the commands its steps call`,
      );
    }
  }
}

/**
 * Why each step without an image has none, for the exports to say: the plan's reason for an
 * unplanned step, its group's for a step of a group that got no image.
 */
export function noImageReasons(
  plan: Plan,
  missing: StepImageMap['missing'] = [],
): Record<string, string> {
  const reasons: Record<string, string> = {};
  for (const u of plan.unplanned) reasons[u.step] = `not planned: ${u.reason}`;
  for (const m of missing) {
    const group = plan.groups.find((g) => g.name === m.group);
    for (const step of group?.steps ?? [])
      reasons[step] = `group ${m.group} has no image: ${m.reason}`;
  }
  return reasons;
}

export interface ExportImagesOptions {
  engines: readonly ExportEngine[];
  workflow: Workflow;
  stepImages: StepImages;
  /** Why steps have no image (`noImageReasons`), said for each skipped step. */
  noImage?: Readonly<Record<string, string>>;
  /** Folder for the exports, relative to `root` (e.g. `.stowage/export`). */
  outDir: string;
  origin?: ImportOrigin;
  /** Repository root. */
  root: string;
  slurmRuntime?: SlurmRuntime;
}

export interface ExportOutcome {
  results: ExportResult[];
  /** Repository-relative paths of the files written. */
  written: string[];
  /** What to print, one line each. */
  lines: string[];
  /** The engines that exported no step of a workflow that has steps (a failure). */
  empty: ExportEngine[];
  /** The engines whose export does not apply to the workflow (CWL overrides of a spec), and why. */
  notApplicable: { engine: ExportEngine; reason: string }[];
}

export function exportImages(options: ExportImagesOptions): ExportOutcome {
  const root = resolve(options.root);
  const outcome: ExportOutcome = {
    results: [],
    written: [],
    lines: [],
    empty: [],
    notApplicable: [],
  };
  for (const engine of options.engines) {
    const dir = resolve(root, options.outDir, engine);
    const outDir = relative(root, dir).split('\\').join('/') || '.';
    const result = exportFor(engine, {
      workflow: options.workflow,
      stepImages: options.stepImages,
      origin: options.origin,
      outDir,
      slurmRuntime: options.slurmRuntime,
      host: hostOf(),
      ...(options.noImage ? { noImage: options.noImage } : {}),
    });
    outcome.results.push(result);
    if (result.notApplicable !== undefined) {
      // Nothing is written: an empty file would suggest there is something to use.
      outcome.lines.push(`${engine}: ${result.notApplicable}`);
      outcome.notApplicable.push({ engine, reason: result.notApplicable });
      continue;
    }
    writeExport(root, dir, outDir, result.files, result.executable);
    const names = Object.keys(result.files);
    for (const name of names) outcome.written.push(`${outDir}/${name}`);
    // Shims and modules write a file per command: counted, not listed.
    if (names.length > 12) outcome.lines.push(`wrote ${names.length} files under ${outDir}/`);
    else for (const name of names) outcome.lines.push(`wrote ${outDir}/${name}`);
    // A usage of several lines (the Snakefile's two) is printed a line each, each escaped alone.
    const [usage, ...more] = result.usage.split('\n');
    outcome.lines.push(
      `${engine}: ${result.steps.length} step(s), ${pinningPhrase(result.pinning)}; use: ${usage}`,
      ...more,
    );
    for (const s of result.skipped)
      outcome.lines.push(`${engine}: skipped step ${s.step}: ${s.reason}`);
    if (result.steps.length === 0 && options.workflow.steps.length > 0) outcome.empty.push(engine);
  }
  return outcome;
}

/** The user exporting, for the Compose file's default user. */
function hostOf(): ExportInput['host'] {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** Dot files an export may write: the modulefiles' defaults. */
const DOT_FILES = new Set(['.modulerc', '.modulerc.lua']);

/**
 * One engine's files, replacing its folder whole (see `replaceFolder`): a link at the folder, on the
 * way to it or at a file of it is refused first, and nothing is ever written through one. Names
 * may hold folders (`bin/samtools`), each part plain; `executable` files get mode 0755.
 */
function writeExport(
  root: string,
  dir: string,
  shown: string,
  files: Readonly<Record<string, string>>,
  executable: readonly string[] = [],
): void {
  try {
    assertWritable(root, dir, shown);
    for (const name of Object.keys(files)) {
      const parts = name.split('/');
      if (
        parts.some((p) => p === '' || basename(p) !== p || (p.startsWith('.') && !DOT_FILES.has(p)))
      )
        throw new InputError(`export file name ${JSON.stringify(name)} is not a plain file name`);
      assertWritable(root, join(dir, name), `${shown}/${name}`);
    }
    const modes = new Set(executable);
    replaceFolder(dir, (fresh) => {
      // Made 0700 as a temporary folder: others may read an export (shims on a shared PATH).
      chmodSync(fresh, 0o755);
      for (const [name, content] of Object.entries(files)) {
        const target = join(fresh, name);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content, { flag: 'wx', mode: modes.has(name) ? 0o755 : 0o644 });
      }
    });
  } catch (error) {
    throw writeFailure(error, `the ${basename(dir)} export to ${shown}`);
  }
}
