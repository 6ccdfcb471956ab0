/**
 * Builds a plan: for each group, write its generated files, ask the registry whether the
 * content-hash tag exists (then only add the run's tags: `skipped`), else build and push. Groups
 * run concurrently up to `parallel`; one group's failure never hides the others' results; moving
 * tags (`latest`, the branch) are applied only when every group succeeded.
 *
 * Each group builds in its own staged context, `<spec dir>/.stowage/<group>/`: the generated files
 * plus copies of the context files the Dockerfile copies (see `stageBuildContext`).
 */
import { cpSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Plan, PlannedGroup } from '../plan/types.js';
import { realPathInside } from '../common/paths.js';
import { BuildError, type Builder, type CacheMode } from './builder.js';
import {
  groupRepository,
  normaliseRegistry,
  isLoopbackHost,
  parseRepository,
  repositoryName,
  type Repository,
} from './reference.js';
import { RegistryClient, type Credentials, type RegistryOptions } from './registry.js';
import {
  contentHashTag,
  ociLabels,
  runTags,
  type RunContext,
  type RunTag,
  type TagRule,
} from './tags.js';

export type BuildStatus = 'built' | 'skipped' | 'failed';

export interface BuildResult {
  group: string;
  steps: string[];
  /** `host/path` of the group's image. */
  image: string;
  /** Tags the image has after this run (when pushed) or would have (when not). */
  tags: string[];
  /** The manifest digest in the registry; undefined when nothing was pushed or the build failed. */
  digest?: string;
  status: BuildStatus;
  /** Whether the run's tags were written to the registry. */
  pushed: boolean;
  /** Real size in bytes: compressed pull size from the registry, else the engine's image size. */
  size?: number;
  estimatedSize: number;
  durationMs: number;
  error?: string;
}

/** Where progress and build output go. The action maps `group` to `core.group`. */
export interface BuildLog {
  info(message: string): void;
  warning(message: string): void;
  /** A finished group's output, collapsed under a title. */
  group(title: string, lines: readonly string[]): void;
}

export interface BuildOptions {
  /** Images are `<registry>/<group>`, e.g. `ghcr.io/acme/flood` or `127.0.0.1:5000/demo`. */
  registry: string;
  /** The backend, or a function that picks it: called only when a group must be built, so an
   * unchanged rerun never starts a tool. */
  builder: Builder | (() => Promise<Builder>);
  /** The repository root; the plan's context is relative to it. */
  workspace: string;
  context: RunContext;
  push: boolean;
  tagRules?: readonly TagRule[];
  credentials?: Credentials;
  /** Concurrent group builds. Default 2. */
  parallel?: number;
  /** Only these groups (for a matrix job per group). */
  groups?: readonly string[];
  cache?: CacheMode;
  platforms?: readonly string[];
  /** The `created` label. Default: now. */
  created?: Date;
  log?: BuildLog;
  /** Retries, backoff, a fetch for tests. */
  registryOptions?: Omit<RegistryOptions, 'credentials'>;
}

const quietLog: BuildLog = {
  info: () => undefined,
  warning: () => undefined,
  group: () => undefined,
};

/** `dir/name`, refusing names that are absolute or climb out of `dir`. */
function inside(dir: string, name: string, what: string): string {
  const target = resolve(dir, name);
  const rel = relative(dir, target);
  if (isAbsolute(name) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new BuildError(`${what} ${JSON.stringify(name)} leaves ${dir}`);
  }
  return target;
}

/**
 * Stages a group's build context in `<stagingRoot>/<group>/`: its generated files (Dockerfile,
 * entrypoint, build scripts) beside copies of the context files it copies in, at their paths
 * relative to the context root — the layout the plan's Dockerfile expects. A small context of
 * exactly the group's inputs keeps the rest of the repository out of the build. The staging root
 * is a fresh temporary folder, never a path inside the repository, so a committed symbolic link
 * cannot send these writes elsewhere; copied files must resolve inside the repository.
 */
export function stageBuildContext(
  contextRoot: string,
  group: PlannedGroup,
  stagingRoot: string,
): { contextDir: string; dockerfile: string } {
  if (group.blocked && group.blocked.length > 0) {
    throw new BuildError(`group ${group.name} cannot be built: ${group.blocked.join('; ')}`);
  }
  if (!group.generated.Dockerfile) {
    throw new BuildError(`group ${group.name} has no generated Dockerfile`);
  }
  const dir = inside(stagingRoot, group.name, 'group name');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(group.generated)) {
    const target = inside(dir, name, `group ${group.name}: generated file`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
  }
  for (const path of group.contextFiles) {
    if (Object.hasOwn(group.generated, path)) {
      throw new BuildError(
        `group ${group.name}: context file ${path} has the name of a generated file`,
      );
    }
    inside(contextRoot, path, `group ${group.name}: context file`);
    const target = inside(dir, path, `group ${group.name}: context file`);
    mkdirSync(dirname(target), { recursive: true });
    try {
      const source = realPathInside(contextRoot, path);
      cpSync(source, target, {
        recursive: true,
        dereference: false,
        // A link inside a copied folder must not reach outside the repository either.
        filter: (from) => {
          if (lstatSync(from).isSymbolicLink())
            realPathInside(contextRoot, relative(contextRoot, from));
          return true;
        },
      });
    } catch (err) {
      throw new BuildError(
        `group ${group.name}: cannot copy context file ${path}: ${(err as Error).message}`,
      );
    }
  }
  return { contextDir: dir, dockerfile: join(dir, 'Dockerfile') };
}

/** Runs `tasks` with at most `limit` at once; results in input order. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function selectGroups(plan: Plan, filter: readonly string[] | undefined): PlannedGroup[] {
  if (!filter || filter.length === 0) return plan.groups;
  const known = new Set(plan.groups.map((g) => g.name));
  const unknown = filter.filter((g) => !known.has(g));
  if (unknown.length > 0) {
    throw new BuildError(
      `groups ${unknown.join(', ')} not in the plan (its groups: ${[...known].join(', ') || 'none'})`,
    );
  }
  return plan.groups.filter((g) => filter.includes(g.name));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Builds (or skips) every selected group of the plan. Throws only for bad options; group failures are results. */
export async function buildPlan(plan: Plan, options: BuildOptions): Promise<BuildResult[]> {
  const log = options.log ?? quietLog;
  const registry = normaliseRegistry(options.registry);
  const registryRepo = parseRepository(registry);
  if (registry !== options.registry.trim().replace(/\/+$/, '')) {
    log.info(`registry ${options.registry} written as ${registry} (image names are lower case)`);
  }
  const groups = selectGroups(plan, options.groups);
  const tags = runTags(options.context, options.tagRules ?? []);
  const fixed = tags.filter((t) => !t.moving).map((t) => t.tag);
  const moving = tags.filter((t) => t.moving).map((t) => t.tag);
  const insecure = options.registryOptions?.insecure ?? isLoopbackHost(registryRepo.host);
  const client = new RegistryClient(registryRepo.host, {
    ...options.registryOptions,
    insecure,
    credentials: options.credentials,
    onRetry: options.registryOptions?.onRetry ?? ((m) => log.info(`retrying: ${m}`)),
  });
  const contextRoot = resolve(options.workspace, plan.context);
  const created = options.created ?? new Date();
  const cache = options.cache ?? 'inline';

  log.info(
    `${options.push ? 'pushing' : 'not pushing'} ${groups.length} group(s) to ${repositoryName(registryRepo)}; ` +
      `run tags: ${tags.map((t) => t.tag + (t.moving ? ' (moving)' : '')).join(', ') || 'none'}`,
  );
  // The builder is resolved and logged in once, at the first group that needs a build.
  let ready: Promise<Builder> | undefined;
  const builder = (): Promise<Builder> =>
    (ready ??= (async () => {
      const b = typeof options.builder === 'function' ? await options.builder() : options.builder;
      log.info(`builder: ${b.description}`);
      if (options.credentials) {
        await b.login(
          registryRepo.host === 'registry-1.docker.io' ? 'docker.io' : registryRepo.host,
          options.credentials.username,
          options.credentials.password,
          insecure,
        );
      }
      return b;
    })());

  let done = 0;
  const stagingRoot = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'stowage-build-'));
  const results = await pool(groups, options.parallel ?? 2, async (group) => {
    const started = Date.now();
    const lines: string[] = [];
    const repo = groupRepository(registry, group.name);
    const result = await buildGroup(group, repo, lines).catch((err: unknown): BuildResult => {
      lines.push(`error: ${errorText(err)}`);
      return {
        ...baseResult(group, repo),
        status: 'failed',
        error: errorText(err),
      };
    });
    result.durationMs = Date.now() - started;
    done += 1;
    log.info(
      `[${done}/${groups.length}] ${group.name}: ${result.status}` +
        (result.digest ? ` ${result.digest.slice(0, 19)}` : '') +
        ` in ${(result.durationMs / 1000).toFixed(1)} s` +
        (result.error ? ` — ${result.error.split('\n')[0]}` : ''),
    );
    log.group(`${group.name}: ${result.status}`, lines);
    return result;
  });

  const failed = results.filter((r) => r.status === 'failed');
  if (moving.length > 0 && options.push) {
    if (failed.length > 0) {
      log.warning(
        `moving tags ${moving.join(', ')} were not applied because ${failed.map((r) => r.group).join(', ')} failed`,
      );
    } else {
      for (const r of results) {
        const repo = parseRepository(r.image);
        try {
          await client.addTags(
            repo.path,
            r.digest ?? contentHashTag(groupOf(plan, r.group).contentHash),
            moving,
          );
          r.tags.push(...moving);
        } catch (err) {
          r.status = 'failed';
          r.error = `adding tags ${moving.join(', ')}: ${errorText(err)}`;
          log.warning(`${r.group}: ${r.error}`);
        }
      }
    }
  } else if (!options.push) {
    for (const r of results) if (r.status !== 'failed') r.tags.push(...moving);
  }
  rmSync(stagingRoot, { recursive: true, force: true });
  return results;

  function baseResult(group: PlannedGroup, repo: Repository): BuildResult {
    return {
      group: group.name,
      steps: [...group.steps],
      image: repositoryName(repo),
      tags: [],
      status: 'failed',
      pushed: false,
      estimatedSize: group.estimatedSize,
      durationMs: 0,
    };
  }

  async function buildGroup(
    group: PlannedGroup,
    repo: Repository,
    lines: string[],
  ): Promise<BuildResult> {
    const { contextDir, dockerfile } = stageBuildContext(contextRoot, group, stagingRoot);
    const hashTag = contentHashTag(group.contentHash);
    const image = repositoryName(repo);
    const result = baseResult(group, repo);

    let existing: string | undefined;
    try {
      existing = (await client.headManifest(repo.path, hashTag))?.digest;
    } catch (err) {
      // Without push a PR may lack read access: build to check the Dockerfile anyway.
      if (options.push) throw err;
      lines.push(`registry check failed, building anyway: ${errorText(err)}`);
    }

    if (existing) {
      lines.push(`${image}:${hashTag} exists (${existing}): unchanged, not rebuilt`);
      result.status = 'skipped';
      result.digest = existing;
    } else {
      const cacheFrom: string[] = [];
      if (cache === 'inline') {
        // Earlier images of this group share layers; only refs that exist (a missing one fails some engines).
        for (const tag of ['latest', ...moving.filter((t) => t !== 'latest')]) {
          const found = await client.headManifest(repo.path, tag).catch(() => undefined);
          if (found) cacheFrom.push(`${image}:${tag}`);
        }
      }
      lines.push(`building ${image}:${hashTag}`);
      const output = await (
        await builder()
      ).build({
        group: group.name,
        contextDir,
        dockerfile,
        image,
        tags: [`${image}:${hashTag}`],
        labels: ociLabels(options.context, {
          workflow: plan.workflow,
          group: group.name,
          steps: group.steps,
          contentHash: group.contentHash,
          created,
        }),
        push: options.push,
        platforms: options.platforms ?? [],
        cache,
        cacheFrom,
        insecureRegistry: insecure,
        insecureBase: isLoopbackHost(baseImageHost(group.baseImage)),
        log: (line) => lines.push(line),
      });
      result.status = 'built';
      result.size = output.localSize;
      if (options.push) {
        // The registry's digest is the truth (a tool's report may name a local manifest).
        const pushed = await client.headManifest(repo.path, hashTag);
        if (!pushed)
          throw new BuildError(`${image}:${hashTag} was pushed but the registry does not have it`);
        if (output.digest && output.digest !== pushed.digest) {
          lines.push(
            `note: the builder reported ${output.digest}, the registry has ${pushed.digest}`,
          );
        }
        result.digest = pushed.digest;
      }
    }

    result.tags = [hashTag, ...fixed];
    // By digest from here on: the client has that manifest cached, so tagging is PUTs only.
    const ref = result.digest ?? hashTag;
    if (options.push) {
      await client.addTags(repo.path, ref, fixed);
      result.pushed = true;
      const info = await client.imageInfo(repo.path, ref);
      if (info) result.size = info.size;
    } else if (existing) {
      result.size = (await client.imageInfo(repo.path, ref).catch(() => undefined))?.size;
    }
    return result;
  }
}

function groupOf(plan: Plan, name: string): PlannedGroup {
  const g = plan.groups.find((x) => x.name === name);
  if (!g) throw new BuildError(`group ${name} is not in the plan`);
  return g;
}

/** The registry host of a base image reference (`docker.io` when it names none). */
function baseImageHost(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

export type { RunTag };
