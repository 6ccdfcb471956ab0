/**
 * `mode: build` of the action: read the build inputs, decide whether to push, pick a builder,
 * build the plan, and publish `images`, `matrix` and `step-images` plus a job-summary section.
 */
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import type { Plan } from '../plan/types.js';
import { selectBuilder } from '../images/select.js';
import type { BuilderKind, CacheMode, Provenance } from '../images/builder.js';
import { buildPlan, type BuildLog, type BuildResult } from '../images/build.js';
import {
  buildSummaryMarkdown,
  imagesOutput,
  matrixOutput,
  stepImagesOutput,
} from '../images/outputs.js';
import { decidePush, parseTagRules, type PushMode, type RunContext } from '../images/tags.js';

/**
 * The inputs `mode: build` reads. Structurally a subset of the action's `Inputs`
 * (`src/action/inputs.ts`), so the parsed inputs can be passed as they are.
 */
export interface BuildInputs {
  /** `<registry>` of `<registry>/<group>`; falls back to the spec's `containers.registry`. */
  registry?: string;
  username?: string;
  password?: string;
  push: PushMode;
  builder: BuilderKind;
  platforms: string[];
  /** `auto`: `gha` where the Actions cache service is reachable (buildx), else `inline`. */
  cache: CacheMode | 'auto';
  /** buildx provenance attestation: true (= `min`), false, or a mode. */
  provenance: boolean | Provenance;
  parallel: number;
  groups: string[];
  /** The `tags` input: extra tag rules, one per line (see src/images/tags.ts). */
  tags: string[] | string;
  /** The docker client binary; default `docker` (or the STOWAGE_DOCKER environment variable). */
  dockerBinary?: string;
}

/** `auto` cache: the GitHub Actions cache when the runtime token is there (JS actions get it), else inline. */
export function resolveCacheMode(
  cache: BuildInputs['cache'],
  env: NodeJS.ProcessEnv = process.env,
): CacheMode {
  if (cache !== 'auto') return cache;
  return env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)
    ? 'gha'
    : 'inline';
}

function provenanceMode(value: BuildInputs['provenance']): Provenance {
  if (value === true) return 'min';
  if (value === false) return 'false';
  return value;
}

/** The parts of `@actions/github`'s `context` the build reads. */
export interface GithubContextLike {
  eventName: string;
  ref: string;
  sha: string;
  serverUrl?: string;
  repo: { owner: string; repo: string };
  payload: {
    repository?: {
      default_branch?: string;
      full_name?: string;
      license?: { spdx_id?: string } | null;
    };
    pull_request?: {
      number?: number;
      head?: { repo?: { full_name?: string; fork?: boolean } | null };
    };
  };
}

export function runContextFromGithub(ctx: GithubContextLike): RunContext {
  const repository = `${ctx.repo.owner}/${ctx.repo.repo}`;
  const head = ctx.payload.pull_request?.head?.repo;
  const fromFork =
    head !== undefined && (head === null || head.fork === true || head.full_name !== repository);
  const spdx = ctx.payload.repository?.license?.spdx_id;
  return {
    eventName: ctx.eventName || undefined,
    ref: ctx.ref || undefined,
    sha: ctx.sha || undefined,
    defaultBranch: ctx.payload.repository?.default_branch,
    repository,
    serverUrl: ctx.serverUrl,
    fromFork,
    pullRequest: ctx.payload.pull_request?.number,
    license: spdx && spdx !== 'NOASSERTION' ? spdx : undefined,
  };
}

/** Build output in collapsible log groups; progress lines outside them. */
export const actionLog: BuildLog = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  group: (title, lines) => {
    core.startGroup(title);
    // Build output is the project's, not ours: stop the runner from reading `::…::` lines in it
    // as workflow commands (a RUN step could otherwise annotate, mask or set state).
    const token = randomUUID();
    core.info(`::stop-commands::${token}`);
    for (const line of lines) for (const part of line.split(/\r?\n/)) core.info(part);
    core.info(`::${token}::`);
    core.endGroup();
  },
};

export interface BuildModeOptions {
  /** The repository root (GITHUB_WORKSPACE). */
  workspace: string;
  /** The registry from the spec, used when the `registry` input is empty. */
  specRegistry?: string;
  /** Append the images table to the job summary (default true). */
  summary?: boolean;
}

/**
 * Builds the plan as the inputs say and sets the outputs `images`, `matrix`, `step-images` and
 * `pushed`. Throws after setting the outputs when a group failed (the caller's catch fails the step).
 */
export async function runBuildMode(
  plan: Plan,
  inputs: BuildInputs,
  github: RunContext | GithubContextLike,
  options: BuildModeOptions,
): Promise<BuildResult[]> {
  const context = 'payload' in github ? runContextFromGithub(github) : github;
  const registry = inputs.registry || options.specRegistry;
  if (!registry) {
    throw new Error('no registry: set the registry input or containers.registry in the spec');
  }
  if (inputs.password) core.setSecret(inputs.password);
  if (inputs.password && !inputs.username) throw new Error('password is set but username is empty');
  const decision = decidePush(inputs.push, context);
  core.info(`push: ${decision.push ? 'yes' : 'no'} (${decision.reason})`);
  const builder = (): ReturnType<typeof selectBuilder> =>
    selectBuilder(inputs.builder, {
      dockerBinary: inputs.dockerBinary ?? process.env.STOWAGE_DOCKER,
      provenance: provenanceMode(inputs.provenance),
    });
  const results = await buildPlan(plan, {
    registry,
    builder,
    workspace: options.workspace,
    context,
    push: decision.push,
    tagRules: parseTagRules(Array.isArray(inputs.tags) ? inputs.tags.join('\n') : inputs.tags),
    // Credentials go only to a registry the workflow names, or when pushing: a pull request could
    // otherwise point `containers.registry` of the spec at a host that collects them.
    credentials:
      inputs.username && inputs.password && (inputs.registry || decision.push)
        ? { username: inputs.username, password: inputs.password }
        : undefined,
    parallel: inputs.parallel,
    groups: inputs.groups,
    cache: resolveCacheMode(inputs.cache),
    platforms: inputs.platforms,
    log: actionLog,
  });
  core.setOutput('images', JSON.stringify(imagesOutput(results)));
  core.setOutput('matrix', JSON.stringify(matrixOutput(plan, inputs.groups)));
  core.setOutput('step-images', JSON.stringify(stepImagesOutput(plan, results)));
  core.setOutput('pushed', String(decision.push));
  if (options.summary ?? true) {
    await core.summary.addRaw(buildSummaryMarkdown(results)).write();
  }
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${results.length} group(s) failed: ` +
        failed.map((r) => `${r.group} (${(r.error ?? '').split('\n')[0]})`).join('; '),
    );
  }
  return results;
}
