/**
 * The build use case both adapters call: pick the builder, build (or skip) every group of the
 * plan, record the results in `<out-dir>/images.json`, and compute what later steps take — the
 * `images`, `matrix` and `step-images` outputs. Commands run through the injected `exec`.
 */
import type { RunProcess } from '../common/process.js';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, writeFailure } from '../common/errors.js';
import type { Finding } from '../common/findings.js';
import { finding } from '../common/rules.js';
import { assertWritable, writeFileAtomic } from '../common/paths.js';
import { buildPlan, type BuildLog, type BuildResult } from '../images/build.js';
import type { BuilderKind, BuildNetwork, CacheMode, Provenance } from '../images/builder.js';
import { imagesOutput, matrixOutput, type ImageOutput } from '../images/outputs.js';
import type { Credentials } from '../images/registry.js';
import { selectBuilder } from '../images/select.js';
import type { RunContext, TagRule } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
import type { Workflow } from '../workflow/model.js';
import { stepImageMap, stepImagesOutput, type StepImageMap } from './step-images.js';

export interface BuildImagesOptions {
  /** The repository root; the plan's context is relative to it. */
  workspace: string;
  /** `<registry>` of `<registry>/<group>`; none: local images, never pushed. */
  registry?: string;
  /** Decided by the adapter (the action's push policy, the CLI's `--no-push`). */
  push: boolean;
  context: RunContext;
  tagRules?: readonly TagRule[];
  /** Given by the user; sent only as `registryCredentials` allows. */
  credentials?: Credentials;
  /** True when the user named the registry (an input or option), not only the spec. */
  registryNamedByUser?: boolean;
  builder?: BuilderKind;
  /** The docker client; default: `docker` from PATH when it can run BuildKit builds, else `/usr/bin/docker`. */
  dockerBinary?: string;
  provenance?: Provenance;
  platforms?: readonly string[];
  cache?: CacheMode;
  network?: BuildNetwork;
  parallel?: number;
  groups?: readonly string[];
  /** Where `images.json` is written, relative to the workspace (e.g. `.stowage`); none: not written. */
  outDir?: string;
  /** All registry work must end within this many ms (the `registry-timeout` input). Default 5 min. */
  registryTimeoutMs?: number;
  /** Hosts besides the registry that may receive the credentials as its token service. */
  authHosts?: readonly string[];
  /**
   * Variables the builder needs beyond the allow-listed ones (src/host/process.ts): the GitHub
   * cache service's URL and token for `cache: gha`, which buildx reads from its environment.
   */
  builderEnv?: Readonly<Record<string, string>>;
  /** The workflow the plan was made from: a failed smoke test is reported at its steps' lines. */
  workflow?: Workflow;
  /** Progress shows every line of the builds' output. */
  verbose?: boolean;
  /** A build that writes nothing for this long is stopped (default 5 minutes; 0: never). */
  stallTimeoutMs?: number;
  /** Names the options a failure's reason tells the user to set, in the adapter's words. */
  say?: (text: string) => string;
}

/** The default of `registry-timeout`: every registry wait is bounded, and all of them together. */
export const DEFAULT_REGISTRY_TIMEOUT_MS = 5 * 60_000;

export interface BuildImagesDeps {
  exec: RunProcess;
  log: BuildLog;
  /** Aborted when the run is interrupted: no group starts, and images.json is left as it was. */
  signal?: AbortSignal;
}

export interface BuildOutcome {
  results: BuildResult[];
  images: ImageOutput[];
  matrix: { include: { group: string }[] };
  stepImages: StepImageMap;
  /** The `step-images` output: step → reference. */
  stepImagesOutput: Record<string, string>;
  failed: BuildResult[];
  /** True when this run wrote an image or a tag to the registry (for any group). */
  pushed: boolean;
  /** STW440 at each step whose image lacks a command it calls (the smoke test). */
  findings: Finding[];
}

/**
 * Credentials go only to a registry the user named, or when pushing (which the user asked for):
 * a pull request could otherwise point `containers.registry` of the spec at a host that collects
 * them while Stowage only asks which images exist.
 */
export function registryCredentials(
  options: Pick<BuildImagesOptions, 'credentials' | 'registryNamedByUser' | 'push'>,
): Credentials | undefined {
  return options.credentials && (options.registryNamedByUser || options.push)
    ? options.credentials
    : undefined;
}

export async function buildImages(
  plan: Plan,
  options: BuildImagesOptions,
  deps: BuildImagesDeps,
): Promise<BuildOutcome> {
  const registry = options.registry?.trim() || undefined;
  if (options.push && !registry) {
    throw new InputError(
      'nothing to push to: give a registry (host[:port]/path, the registry input or --registry, or containers.registry in the spec), or build without pushing',
    );
  }
  const credentials = registryCredentials(options);
  // A login writes the credentials to the tool's file: keep that file private to this run.
  const auth = options.push && credentials ? privateAuthFiles() : undefined;
  let results;
  try {
    results = await buildPlan(plan, {
      registry,
      builder: () =>
        selectBuilder(options.builder ?? 'auto', {
          exec: deps.exec,
          dockerBinary: options.dockerBinary,
          provenance: options.provenance,
          env: { ...options.builderEnv, ...auth?.env },
        }),
      workspace: options.workspace,
      context: options.context,
      push: options.push,
      tagRules: options.tagRules,
      credentials,
      parallel: options.parallel,
      groups: options.groups,
      cache: options.cache,
      platforms: options.platforms,
      network: options.network,
      log: deps.log,
      verbose: options.verbose,
      stallTimeoutMs: options.stallTimeoutMs,
      signal: deps.signal,
      registryOptions: {
        budgetMs: options.registryTimeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS,
        authHosts: options.authHosts,
      },
    });
  } finally {
    auth?.remove();
  }
  if (options.say)
    for (const r of results) if (r.error !== undefined) r.error = options.say(r.error);
  const images = imagesOutput(results);
  // An interrupted run leaves the last images.json as it was: this one is incomplete.
  if (options.outDir && !deps.signal?.aborted)
    writeImagesJson(options.workspace, options.outDir, images);
  const stepImages = stepImageMap(plan, { registry, builds: results });
  const failed = results.filter((r) => r.status === 'failed');
  return {
    results,
    images,
    matrix: matrixOutput(plan, options.groups),
    stepImages,
    stepImagesOutput: stepImagesOutput(stepImages),
    failed,
    pushed: results.some((r) => r.pushed),
    findings: options.workflow ? smokeTestFindings(options.workflow, results) : [],
  };
}

/** One STW440 per step whose image lacked a command, at the step, naming the commands. */
export function smokeTestFindings(workflow: Workflow, results: readonly BuildResult[]): Finding[] {
  const findings: Finding[] = [];
  for (const r of results) {
    if (r.smokeTest?.status !== 'failed') continue;
    for (const [step, commands] of Object.entries(r.smokeTest.missing)) {
      const names = commands.map((c) => `"${c}"`).join(', ');
      const absolute = commands.some((c) => c.startsWith('/'))
        ? ' (an absolute path is linked to the program of that name on PATH when there is one)'
        : '';
      findings.push(
        finding(
          'STW440',
          workflow.source.locate(['steps', step], 'key'),
          `Step "${step}" calls ${names}, which its image (group ${r.group}) does not provide${absolute}: the smoke test inside the built image found ${commands.length === 1 ? 'it' : 'them'} missing, so the group was not pushed. Add the package that provides ${commands.length === 1 ? 'it' : 'each'} to the step's software, or correct the command.`,
        ),
      );
    }
    for (const step of r.smokeTest.undispatched)
      findings.push(
        finding(
          'STW440',
          workflow.source.locate(['steps', step], 'key'),
          `Step "${step}": the entrypoint of its image (group ${r.group}) does not dispatch it, so the group was not pushed. This is a bug of Stowage's; please report it.`,
        ),
      );
  }
  return findings;
}

/** `<outDir>/images.json`, atomically and never through a link. */
function writeImagesJson(workspace: string, outDir: string, images: ImageOutput[]): void {
  const file = path.resolve(workspace, outDir, 'images.json');
  try {
    assertWritable(workspace, file, path.join(outDir, 'images.json'));
    writeFileAtomic(file, `${JSON.stringify(images, null, 2)}\n`);
  } catch (error) {
    throw writeFailure(error, path.join(outDir, 'images.json'));
  }
}

/**
 * A private, temporary home for the credentials a login writes: `DOCKER_CONFIG` (docker) and
 * `REGISTRY_AUTH_FILE` (buildah) point into it, seeded with a copy of the user's own files (so
 * base images from registries they logged in to still pull) and with docker's plugins linked
 * (buildx). Removed when the build ends: the password never stays on the runner's disk.
 */
export function privateAuthFiles(): { env: Record<string, string>; remove: () => void } {
  const dir = mkdtempSync(path.join(process.env.RUNNER_TEMP || tmpdir(), 'stowage-auth-'));
  const home = process.env.HOME ?? homedir();
  const dockerConfig = process.env.DOCKER_CONFIG || path.join(home, '.docker');
  const seed = (from: string, to: string) => {
    if (existsSync(from)) copyFileSync(from, to);
  };
  seed(path.join(dockerConfig, 'config.json'), path.join(dir, 'config.json'));
  const plugins = path.join(dockerConfig, 'cli-plugins');
  if (existsSync(plugins)) symlinkSync(plugins, path.join(dir, 'cli-plugins'));
  const authFile = path.join(dir, 'auth.json');
  const runtime = process.env.XDG_RUNTIME_DIR;
  seed(
    process.env.REGISTRY_AUTH_FILE ||
      (runtime ? path.join(runtime, 'containers', 'auth.json') : path.join(dir, 'none')),
    authFile,
  );
  return {
    env: { DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: authFile },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
