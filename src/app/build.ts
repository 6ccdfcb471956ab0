/**
 * The build use case both adapters call: pick the builder, build (or skip) every group of the
 * plan, record the results in `<out-dir>/images.json`, and compute what later steps take — the
 * `images`, `matrix` and `step-images` outputs. Commands run through the injected `exec`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/errors.js';
import { buildPlan, type BuildLog, type BuildResult } from '../images/build.js';
import type { BuilderKind, CacheMode, ExecFn, Provenance } from '../images/builder.js';
import { imagesOutput, matrixOutput, type ImageOutput } from '../images/outputs.js';
import type { Credentials } from '../images/registry.js';
import { selectBuilder } from '../images/select.js';
import type { RunContext, TagRule } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
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
  credentials?: Credentials;
  builder?: BuilderKind;
  /** The docker client; default: `docker` from PATH when it can run BuildKit builds, else `/usr/bin/docker`. */
  dockerBinary?: string;
  provenance?: Provenance;
  platforms?: readonly string[];
  /** `host`: RUN steps use the host's network (a package mirror on its loopback). */
  network?: 'host';
  cache?: CacheMode;
  parallel?: number;
  groups?: readonly string[];
  /** Where `images.json` is written, relative to the workspace (e.g. `.stowage`); none: not written. */
  outDir?: string;
}

export interface BuildImagesDeps {
  exec: ExecFn;
  log: BuildLog;
}

export interface BuildOutcome {
  results: BuildResult[];
  images: ImageOutput[];
  matrix: { include: { group: string }[] };
  stepImages: StepImageMap;
  /** The `step-images` output: step → reference. */
  stepImagesOutput: Record<string, string>;
  failed: BuildResult[];
  /** True when the run's tags reached the registry for at least one group and none failed. */
  pushed: boolean;
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
  const results = await buildPlan(plan, {
    registry,
    builder: () =>
      selectBuilder(options.builder ?? 'auto', {
        exec: deps.exec,
        dockerBinary: options.dockerBinary,
        provenance: options.provenance,
      }),
    workspace: options.workspace,
    context: options.context,
    push: options.push,
    tagRules: options.tagRules,
    credentials: options.credentials,
    parallel: options.parallel,
    groups: options.groups,
    cache: options.cache,
    platforms: options.platforms,
    ...(options.network ? { network: options.network } : {}),
    log: deps.log,
  });
  const images = imagesOutput(results);
  if (options.outDir) {
    const file = path.resolve(options.workspace, options.outDir, 'images.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(images, null, 2)}\n`);
  }
  const stepImages = stepImageMap(plan, { registry, builds: results });
  const failed = results.filter((r) => r.status === 'failed');
  return {
    results,
    images,
    matrix: matrixOutput(plan, options.groups),
    stepImages,
    stepImagesOutput: stepImagesOutput(stepImages),
    failed,
    pushed: failed.length === 0 && results.some((r) => r.pushed),
  };
}
