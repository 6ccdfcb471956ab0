/**
 * Builds a plan: find a builder, then for each group stage its context, ask the registry whether
 * the content-hash tag exists (then only add the run's tags: `skipped`), else build and push.
 * Groups run concurrently up to `parallel`; one group's failure never hides the others' results;
 * moving tags (`latest`, the branch) are applied only when every group succeeded.
 *
 * Without a registry the images are local (`localhost/stowage/<group>:<content-hash tag>`): no
 * registry is asked and nothing is pushed.
 *
 * Each group builds in its own staged context in a fresh temporary folder: the generated files
 * plus copies of the context files the Dockerfile copies (see `stageBuildContext`).
 */
import { cpSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Plan, PlannedGroup } from '../plan/types.js';
import { optionRef } from '../common/option-names.js';
import { BuildProgress, elapsed } from './progress.js';
import { realPathInside } from '../common/paths.js';
import { pool } from '../common/pool.js';
import {
  BuildError,
  ToolFailure,
  type Builder,
  type BuildNetwork,
  type CacheMode,
} from './builder.js';
import {
  groupRepository,
  normaliseRegistry,
  isLoopbackHost,
  parseRepository,
  repositoryName,
  type Repository,
} from './reference.js';
import { registryCommands } from './commands.js';
import { RegistryClient, type Credentials, type RegistryOptions } from './registry.js';
import {
  contentHashTag,
  ociLabels,
  runTags,
  type RunContext,
  type RunTag,
  type TagRule,
} from './tags.js';
import { registryHostOf } from '../common/image-name.js';

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
  /**
   * Real size in bytes: the unpacked image as the engine that built it reports it (`docker image
   * inspect`'s `Size`), which is what `estimatedSize` estimates. Unknown for an image this run
   * did not build (unchanged) or built where the engine keeps no copy (buildx push, buildah).
   */
  size?: number;
  estimatedSize: number;
  /** What a pull downloads: config and compressed layers, from the registry (when pushed or found). */
  pullSize?: number;
  durationMs: number;
  error?: string;
  /**
   * The smoke test run inside the image as the build's last step (docs/build.md): `passed` for a
   * built image, and for a skipped one (the same content hash, so the same test passed when it was
   * built); `failed` with each step's missing commands when a build stopped there.
   */
  smokeTest?: SmokeTest;
  /**
   * The executables on the image's PATH that its base does not have (the environment's `bin/`,
   * the apt packages' commands, what `build:` installed), sorted: read back from the image after
   * the build (src/images/commands.ts). Absent when they could not be read.
   */
  commands?: string[];
}

export type SmokeTest =
  | { status: 'passed' }
  | { status: 'failed'; missing: Record<string, string[]>; undispatched: string[] };

/** Where progress and build output go. The action maps `group` to `core.group`. */
export interface BuildLog {
  info(message: string): void;
  warning(message: string): void;
  /** A line of a group's progress while it builds (`[python] step 3/9 RUN …`), at once. */
  progress?(line: string): void;
  /** A finished group's output under a title; `ok` is false when the group failed. */
  group(title: string, lines: readonly string[], ok: boolean): void;
}

export interface BuildOptions {
  /**
   * Images are `<registry>/<group>`, e.g. `ghcr.io/acme/flood` or `127.0.0.1:5000/demo`. Without
   * one, images are local (`LOCAL_REGISTRY`) and `push` must be false.
   */
  registry?: string;
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
  /** The network of RUN steps (`host` where the engine's bridge has no route out). */
  network?: BuildNetwork;
  /** The `created` label. Default: now. */
  created?: Date;
  log?: BuildLog;
  /** Progress shows every line of the builds' output, not only their steps. */
  verbose?: boolean;
  /**
   * A build that writes nothing for this long is stopped and fails with the likely cause (a RUN
   * step waiting on a network with no route out). Default 5 minutes; 0: never.
   */
  stallTimeoutMs?: number;
  /** How often a line says a long step is still running. Default a minute. */
  heartbeatMs?: number;
  /** Aborted when the run is interrupted: no group starts after it. */
  signal?: AbortSignal;
  /** Retries, backoff, a fetch for tests. */
  registryOptions?: Omit<RegistryOptions, 'credentials'>;
}

/** Where images go when no registry is given: named as buildah and podman name local images. */
export const LOCAL_REGISTRY = 'localhost/stowage';

const quietLog: BuildLog = {
  info: () => undefined,
  warning: () => undefined,
  group: () => undefined,
};

/** A build that writes nothing for this long is stopped (see BuildOptions.stallTimeoutMs). */
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;

/** Why a stopped build stalled: the step it was on, and what usually makes a step wait. */
function stalled(progress: BuildProgress, ms: number): ToolFailure {
  const step = progress.step;
  const where = step ? ` on step ${step.step} (${step.instruction.slice(0, 80)})` : '';
  const failure = new ToolFailure(
    `the build made no progress for ${elapsed(ms)}${where} and was stopped: a step that reaches the network waits silently when the builder's network has no route out (a daemon without NAT, a firewall) — build with ${optionRef('network', 'host')}, or point the step at a mirror it can reach`,
  );
  failure.stalled = true;
  return failure;
}

/** What a build log says of the smoke test (its lines, past the builder's `#12 0.35 ` prefixes). */
export function smokeTestOf(lines: readonly string[]): SmokeTest {
  const missing: Record<string, string[]> = {};
  const undispatched: string[] = [];
  for (const line of lines) {
    const m = /stowage-smoke-test: step (\S+): missing(.*)$/.exec(line);
    if (!m) continue;
    const step = m[1]!;
    let rest = m[2]!;
    if (rest.includes('(the entrypoint does not dispatch it)')) {
      undispatched.push(step);
      rest = rest.replace('(the entrypoint does not dispatch it)', '');
    }
    const commands = rest.trim().split(/\s+/).filter(Boolean);
    if (commands.length > 0) missing[step] = commands;
  }
  return Object.keys(missing).length > 0 || undispatched.length > 0
    ? { status: 'failed', missing, undispatched }
    : { status: 'passed' };
}

/** The one line a failed smoke test is reported by: each step and what it lacks. */
function smokeTestError(smoke: Extract<SmokeTest, { status: 'failed' }>): string {
  const parts = [
    ...Object.entries(smoke.missing).map(
      ([step, commands]) => `step ${step} lacks ${commands.join(', ')}`,
    ),
    ...smoke.undispatched.map((step) => `the entrypoint does not dispatch step ${step}`),
  ];
  return `the smoke test inside the image failed, so nothing was pushed: ${parts.join('; ')}. Add the package that provides each command to the step's software (or correct the command).`;
}

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
        // A link inside a copied folder must not reach outside the repository either, and no
        // `.git` folder (at any depth: a vendored tool's clone) enters an image: it may hold a token.
        filter: (from) => {
          if (basename(from) === '.git') return false;
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

/** Builds (or skips) every selected group of the plan. Throws only for bad options or no builder
 * when one is needed; group failures are results. */
export async function buildPlan(plan: Plan, options: BuildOptions): Promise<BuildResult[]> {
  const run = new PlanBuild(plan, options);
  try {
    return await run.execute();
  } finally {
    run.cleanup();
  }
}

/** One run of `buildPlan`: the settings every group shares, and the steps in order. */
class PlanBuild {
  private readonly log: BuildLog;
  private readonly local: boolean;
  private readonly registry: string;
  private readonly host: string;
  private readonly groups: PlannedGroup[];
  private readonly tags: RunTag[];
  private readonly fixed: string[];
  private readonly moving: string[];
  private readonly insecure: boolean;
  private readonly client?: RegistryClient;
  private readonly contextRoot: string;
  private readonly created: Date;
  private readonly cache: CacheMode;
  private readonly stagingRoot: string;
  /** The builder, or why there is none; found before any registry is asked. */
  private builder?: Builder | Error;

  constructor(
    private readonly plan: Plan,
    private readonly options: BuildOptions,
  ) {
    this.log = options.log ?? quietLog;
    this.local = !options.registry?.trim();
    if (this.local && options.push) {
      throw new BuildError(
        'nothing to push to: give a registry (host[:port]/path), or build without pushing',
      );
    }
    this.registry = this.local ? LOCAL_REGISTRY : normaliseRegistry(options.registry!);
    if (!this.local && this.registry !== options.registry!.trim().replace(/\/+$/, '')) {
      this.log.info(
        `registry ${options.registry} written as ${this.registry} (image names are lower case)`,
      );
    }
    this.host = parseRepository(this.registry).host;
    this.groups = selectGroups(plan, options.groups);
    this.tags = runTags(options.context, options.tagRules ?? []);
    this.fixed = this.tags.filter((t) => !t.moving).map((t) => t.tag);
    this.moving = this.tags.filter((t) => t.moving).map((t) => t.tag);
    this.insecure = options.registryOptions?.insecure ?? isLoopbackHost(this.host);
    if (!this.local) {
      this.client = new RegistryClient(this.host, {
        ...options.registryOptions,
        insecure: this.insecure,
        credentials: options.credentials,
        onRetry: options.registryOptions?.onRetry ?? ((m) => this.log.info(`retrying: ${m}`)),
      });
    }
    this.contextRoot = resolve(options.workspace, plan.context);
    this.created = options.created ?? new Date();
    this.cache = options.cache ?? 'inline';
    this.stagingRoot = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'stowage-build-'));
  }

  cleanup(): void {
    rmSync(this.stagingRoot, { recursive: true, force: true });
  }

  async execute(): Promise<BuildResult[]> {
    const where = this.local
      ? 'local images (no registry)'
      : repositoryName(parseRepository(this.registry));
    this.log.info(
      `${this.options.push ? 'pushing' : 'not pushing'} ${this.groups.length} group(s) to ${where}; ` +
        `run tags: ${this.tags.map((t) => t.tag + (t.moving ? ' (moving)' : '')).join(', ') || 'none'}`,
    );
    await this.findBuilder();
    let done = 0;
    const results = await pool(this.groups, this.options.parallel ?? 2, async (group) => {
      // Interrupted: no group starts; the ones running stop with their builder (its signal).
      if (this.options.signal?.aborted) {
        const repo = groupRepository(this.registry, group.name);
        return { ...this.baseResult(group, repo), error: 'interrupted before it started' };
      }
      const result = await this.buildGroupLogged(group);
      done += 1;
      this.log.info(
        `[${done}/${this.groups.length}] ${group.name}: ${result.status}` +
          (result.digest ? ` ${result.digest.slice(0, 19)}` : '') +
          ` in ${(result.durationMs / 1000).toFixed(1)} s`,
      );
      return result;
    });
    if (!this.options.signal?.aborted) await this.applyMovingTags(results);
    return results;
  }

  /**
   * The builder comes first, so a machine without one says so at once. A run that pushes may
   * still retag unchanged groups without a builder; one that does not push has nothing to do.
   */
  private async findBuilder(): Promise<void> {
    const { builder } = this.options;
    try {
      const b = typeof builder === 'function' ? await builder() : builder;
      this.log.info(`builder: ${b.description}`);
      this.builder = b;
    } catch (err) {
      if (!this.options.push) throw err;
      this.builder = err instanceof Error ? err : new Error(String(err));
      this.log.warning(`no builder: ${this.builder.message}; groups that need a build will fail`);
    }
  }

  private loggedIn?: Promise<void>;

  /** The builder, logged in to the registry once when pushing with credentials. */
  private async readyBuilder(): Promise<Builder> {
    if (!this.builder || this.builder instanceof Error)
      throw this.builder ?? new BuildError('no builder');
    const b = this.builder;
    const credentials = this.options.credentials;
    if (credentials && this.options.push) {
      this.loggedIn ??= b.login(
        this.host === 'registry-1.docker.io' ? 'docker.io' : this.host,
        credentials.username,
        credentials.password,
        this.insecure,
      );
      await this.loggedIn;
    }
    return b;
  }

  private async buildGroupLogged(group: PlannedGroup): Promise<BuildResult> {
    const started = Date.now();
    const lines: string[] = [];
    const repo = groupRepository(this.registry, group.name);
    const result = await this.buildGroup(group, repo, lines).catch((err: unknown): BuildResult => {
      // A tool's output is in the log already; other errors (registry, staging) are said here.
      if (!(err instanceof ToolFailure)) lines.push(`error: ${errorText(err)}`);
      const failed = { ...this.baseResult(group, repo), status: 'failed' as const };
      const smoke = smokeTestOf(lines);
      if (smoke.status === 'failed')
        return { ...failed, smokeTest: smoke, error: smokeTestError(smoke) };
      return { ...failed, error: errorText(err) };
    });
    result.durationMs = Date.now() - started;
    this.log.group(`${group.name}: ${result.status}`, lines, result.status !== 'failed');
    return result;
  }

  private baseResult(group: PlannedGroup, repo: Repository): BuildResult {
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

  private async buildGroup(
    group: PlannedGroup,
    repo: Repository,
    lines: string[],
  ): Promise<BuildResult> {
    const staged = stageBuildContext(this.contextRoot, group, this.stagingRoot);
    const hashTag = contentHashTag(group.contentHash);
    const image = repositoryName(repo);
    const result = this.baseResult(group, repo);

    const existing = await this.existingDigest(repo, hashTag, lines);
    if (existing) {
      lines.push(`${image}:${hashTag} exists (${existing}): unchanged, not rebuilt`);
      result.status = 'skipped';
      result.digest = existing;
    } else {
      const built = await this.buildImage(group, repo, hashTag, staged, lines);
      result.status = 'built';
      result.size = built.size;
      result.digest = built.digest;
    }
    result.tags = [hashTag, ...this.fixed];
    result.smokeTest = { status: 'passed' };
    await this.addFixedTags(repo, result, existing !== undefined);
    result.commands = await this.providedCommands(repo, hashTag, result, lines);
    return result;
  }

  /**
   * What the image provides, from the registry when it is there (pushed, or found unchanged),
   * else from the engine's local store. Never fails the group: a list that cannot be read is
   * said in its log and left out.
   */
  private async providedCommands(
    repo: Repository,
    hashTag: string,
    result: BuildResult,
    lines: string[],
  ): Promise<string[] | undefined> {
    try {
      if (this.client && (result.pushed || result.status === 'skipped')) {
        const found = await registryCommands(this.client, repo.path, result.digest ?? hashTag);
        if (found) return found;
      } else if (this.builder && !(this.builder instanceof Error) && this.builder.readCommands) {
        const found = await this.builder.readCommands(`${repositoryName(repo)}:${hashTag}`);
        if (found) return found;
      }
      lines.push(
        `note: the image lists no commands it provides (built before Stowage listed them)`,
      );
    } catch (err) {
      lines.push(`note: cannot read the commands the image provides: ${errorText(err)}`);
    }
    return undefined;
  }

  /** The digest of the content-hash tag when the registry has it already. */
  private async existingDigest(
    repo: Repository,
    hashTag: string,
    lines: string[],
  ): Promise<string | undefined> {
    if (!this.client) return undefined;
    try {
      return (await this.client.headManifest(repo.path, hashTag))?.digest;
    } catch (err) {
      // Without push a PR may lack read access: build to check the Dockerfile anyway.
      if (this.options.push) throw err;
      lines.push(`registry check failed, building anyway: ${errorText(err)}`);
      return undefined;
    }
  }

  private async buildImage(
    group: PlannedGroup,
    repo: Repository,
    hashTag: string,
    staged: { contextDir: string; dockerfile: string },
    lines: string[],
  ): Promise<{ size?: number; digest?: string }> {
    const image = repositoryName(repo);
    const builder = await this.readyBuilder();
    lines.push(`building ${image}:${hashTag}`);
    const progress = new BuildProgress({
      group: group.name,
      verbose: this.options.verbose === true,
      print: (line) => this.log.progress?.(line),
    });
    const heartbeatMs = this.options.heartbeatMs ?? 60_000;
    const heartbeat = setInterval(() => {
      if ((progress.step?.runningMs ?? 0) >= heartbeatMs) progress.heartbeat();
    }, heartbeatMs);
    const stallTimeoutMs = this.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const output = await builder
      .build({
        group: group.name,
        contextDir: staged.contextDir,
        dockerfile: staged.dockerfile,
        image,
        tags: [`${image}:${hashTag}`],
        labels: ociLabels(this.options.context, {
          workflow: this.plan.workflow,
          group: group.name,
          steps: group.steps,
          contentHash: group.contentHash,
          created: this.created,
        }),
        push: this.options.push,
        platforms: this.options.platforms ?? [],
        cache: this.cache,
        cacheFrom: await this.cacheFrom(repo),
        network: this.options.network,
        insecureRegistry: this.insecure,
        insecureBase: isLoopbackHost(baseImageHost(group.baseImage)),
        log: (line) => {
          lines.push(line);
          progress.feed(line);
        },
        ...(stallTimeoutMs > 0 ? { stallTimeoutMs } : {}),
      })
      .catch((err: unknown) => {
        throw err instanceof ToolFailure && err.stalled ? stalled(progress, stallTimeoutMs) : err;
      })
      .finally(() => clearInterval(heartbeat));
    if (!this.options.push || !this.client) return { size: output.localSize };
    // The registry's digest is the truth (a tool's report may name a local manifest).
    const pushed = await this.client.headManifest(repo.path, hashTag);
    if (!pushed)
      throw new BuildError(`${image}:${hashTag} was pushed but the registry does not have it`);
    if (output.digest && output.digest !== pushed.digest) {
      lines.push(`note: the builder reported ${output.digest}, the registry has ${pushed.digest}`);
    }
    return { size: output.localSize, digest: pushed.digest };
  }

  /** Earlier images of this group share layers; only refs that exist (a missing one fails some engines). */
  private async cacheFrom(repo: Repository): Promise<string[]> {
    if (this.cache !== 'inline' || !this.client) return [];
    const refs: string[] = [];
    for (const tag of ['latest', ...this.moving.filter((t) => t !== 'latest')]) {
      const found = await this.client.headManifest(repo.path, tag).catch(() => undefined);
      if (found) refs.push(`${repositoryName(repo)}:${tag}`);
    }
    return refs;
  }

  /** The run's fixed tags (`sha-…`, a version) on the image, and its pull size from the registry. */
  private async addFixedTags(
    repo: Repository,
    result: BuildResult,
    existed: boolean,
  ): Promise<void> {
    if (!this.client) return;
    // By digest from here on: the client has that manifest cached, so tagging is PUTs only.
    const ref = result.digest ?? contentHashTag(groupOf(this.plan, result.group).contentHash);
    if (this.options.push) {
      await this.client.addTags(repo.path, ref, this.fixed);
      result.pushed = true;
      const info = await this.client.imageInfo(repo.path, ref);
      if (info) result.pullSize = info.size;
    } else if (existed) {
      const info = await this.client.imageInfo(repo.path, ref).catch(() => undefined);
      if (info) result.pullSize = info.size;
    }
  }

  /**
   * Moving tags only when every group of the run succeeded, so they never mix two runs — and all
   * or nothing: every group's image and the tags' current targets are read first; if putting a tag
   * then fails for one group, the tags already moved are put back where they were. The log says
   * what happened either way.
   */
  private async applyMovingTags(results: BuildResult[]): Promise<void> {
    if (this.moving.length === 0) return;
    // One job of a matrix (a `groups` filter) cannot know whether the other groups succeeded:
    // it never moves a tag, so `latest` never mixes two runs. A final job without a filter does.
    if (this.options.groups && this.options.groups.length > 0 && this.options.push) {
      this.log.info(
        `moving tags ${this.moving.join(', ')} not applied: this run builds only some groups (${optionRef('groups')}); run once without it, after the others, to move them`,
      );
      return;
    }
    if (!this.options.push || !this.client) {
      for (const r of results) if (r.status !== 'failed') r.tags.push(...this.moving);
      return;
    }
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length > 0) {
      this.log.warning(
        `moving tags ${this.moving.join(', ')} were not applied because ${failed.map((r) => r.group).join(', ')} failed`,
      );
      return;
    }
    const client = this.client;
    const moves: { r: BuildResult; path: string; ref: string; before: Map<string, string> }[] = [];
    try {
      for (const r of results) {
        const path = parseRepository(r.image).path;
        const ref = r.digest ?? contentHashTag(groupOf(this.plan, r.group).contentHash);
        if (!(await client.getManifest(path, ref)))
          throw new BuildError(`${r.image}:${ref} is not in the registry`);
        const before = new Map<string, string>();
        for (const tag of this.moving) {
          const current = await client.headManifest(path, tag);
          if (current) before.set(tag, current.digest);
        }
        moves.push({ r, path, ref, before });
      }
    } catch (err) {
      this.failMovingTags(results, undefined, `checking the images first: ${errorText(err)}`, []);
      return;
    }
    const moved: typeof moves = [];
    for (const move of moves) {
      try {
        await client.addTags(move.path, move.ref, this.moving);
        moved.push(move);
      } catch (err) {
        const restored = await this.restoreMovingTags([...moved, move]);
        this.failMovingTags(results, move.r, errorText(err), restored);
        return;
      }
    }
    for (const { r } of moves) r.tags.push(...this.moving);
  }

  /** Puts each moved tag back on the image it named before this run; says what it could not. */
  private async restoreMovingTags(
    moved: { r: BuildResult; path: string; before: Map<string, string> }[],
  ): Promise<string[]> {
    const notes: string[] = [];
    for (const { r, path, before } of moved) {
      for (const tag of this.moving) {
        const previous = before.get(tag);
        try {
          const current = (await this.client!.headManifest(path, tag))?.digest;
          if (current === previous) continue; // never moved
          if (previous) {
            await this.client!.addTags(path, previous, [tag]);
            notes.push(`${r.group}:${tag} back on ${previous.slice(0, 19)}`);
          } else {
            notes.push(
              `${r.group}:${tag} is new and cannot be taken back (registries do not delete tags)`,
            );
          }
        } catch (err) {
          notes.push(`${r.group}:${tag} could not be put back: ${errorText(err)}`);
        }
      }
    }
    return notes;
  }

  /** The run failed to move its tags: the group that failed (if one did) is failed, all say why. */
  private failMovingTags(
    results: BuildResult[],
    culprit: BuildResult | undefined,
    reason: string,
    restored: string[],
  ): void {
    const tags = this.moving.join(', ');
    const error = `adding the moving tags ${tags}: ${reason}`;
    if (culprit) {
      culprit.status = 'failed';
      culprit.error = error;
    } else {
      for (const r of results) {
        r.status = 'failed';
        r.error = error;
      }
    }
    this.log.warning(
      `moving tags ${tags} were applied to no group (all or nothing): ${error}` +
        (restored.length > 0 ? `; restored: ${restored.join('; ')}` : ''),
    );
  }
}

function groupOf(plan: Plan, name: string): PlannedGroup {
  const g = plan.groups.find((x) => x.name === name);
  if (!g) throw new BuildError(`group ${name} is not in the plan`);
  return g;
}

/** The registry host of a base image reference (`docker.io` when it names none). */
function baseImageHost(ref: string): string {
  return registryHostOf(ref) ?? 'docker.io';
}
