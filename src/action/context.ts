/**
 * What the build reads from the runner: the GitHub context as a `RunContext`, the cache mode the
 * runner supports, and a build log that writes collapsible groups.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as core from './runner.js';
import { escapeOutputLine, escapeText, outputLines } from '../common/escape/log.js';
import type { BuildLog, CacheMode, RunContext } from '../app/run.js';
import { log } from './log.js';

/** `auto` cache: the GitHub Actions cache when the runtime token is there (JS actions get it), else inline. */
export function resolveCacheMode(
  cache: CacheMode | 'auto',
  env: NodeJS.ProcessEnv = process.env,
): CacheMode {
  if (cache !== 'auto') return cache;
  return env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)
    ? 'gha'
    : 'inline';
}

/**
 * What buildx's `gha` cache reads from its environment: the cache service's URL and the runtime
 * token. Programs get an allow-listed environment, so these are handed to the builder by name,
 * and only when the cache is `gha`.
 */
export function cacheServiceEnv(
  cache: CacheMode,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  if (cache !== 'gha') return {};
  const names = [
    'ACTIONS_CACHE_URL',
    'ACTIONS_RESULTS_URL',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_CACHE_SERVICE_V2',
  ];
  return Object.fromEntries(
    names.flatMap((n) => (env[n] !== undefined ? [[n, env[n]!] as const] : [])),
  );
}

/**
 * The run's GitHub context from the runner's environment and event file — what `@actions/github`'s
 * `context` reads, without loading Octokit (and its HTTP client) at start: a lint run never needs
 * them. Only the comment loads `@actions/github`, when it is asked for.
 */
export function githubContext(env: NodeJS.ProcessEnv = process.env): GithubContextLike {
  let payload: GithubContextLike['payload'] = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof payload;
    } catch {
      payload = {};
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    repo: { owner, repo },
    payload,
  };
}

/** The parts of `@actions/github`'s `context` the build reads. */
export interface GithubContextLike {
  eventName: string;
  ref: string;
  sha: string;
  serverUrl?: string;
  repo: { owner: string; repo: string };
  payload: {
    /** `push`: the commit the branch was moved from. */
    before?: string;
    repository?: {
      default_branch?: string;
      full_name?: string;
      license?: { spdx_id?: string } | null;
    };
    pull_request?: {
      number?: number;
      head?: { repo?: { full_name?: string; fork?: boolean } | null };
    };
    /** `workflow_run`: the run that triggered this one, and where its code came from. */
    workflow_run?: {
      event?: string;
      head_repository?: { full_name?: string; fork?: boolean } | null;
      pull_requests?: { number?: number }[];
    };
  };
}

/**
 * Whether the run's code comes from a fork: a pull request (`pull_request`, and
 * `pull_request_target`, which runs with a writable token but checks out what the workflow says)
 * whose head repository is another one, or deleted; or a `workflow_run` triggered by such a run.
 */
export function codeFromFork(ctx: GithubContextLike): boolean {
  const repository = `${ctx.repo.owner}/${ctx.repo.repo}`;
  const foreign = (repo: { full_name?: string; fork?: boolean } | null | undefined) =>
    repo === null || repo?.fork === true || (repo !== undefined && repo.full_name !== repository);
  const pr = ctx.payload.pull_request;
  if (pr) return pr.head === undefined || foreign(pr.head.repo);
  const run = ctx.payload.workflow_run;
  if (ctx.eventName === 'workflow_run' || run) {
    // No head repository named: unknown origin, treated as a fork (never pushed, never logged in).
    return run === undefined || run.head_repository === undefined || foreign(run.head_repository);
  }
  return false;
}

/**
 * Whether the spec may be an attacker's: a pull request's (any `pull_request*` event, whose
 * checkout is the pull request's code) or code from a fork. Such a spec cannot choose the package
 * sources the solvers ask.
 */
export function specFromPullRequest(ctx: GithubContextLike): boolean {
  return ctx.eventName.startsWith('pull_request') || codeFromFork(ctx);
}

export function runContextFromGithub(ctx: GithubContextLike): RunContext {
  const repository = `${ctx.repo.owner}/${ctx.repo.repo}`;
  const fromFork = codeFromFork(ctx);
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
  info: (m) => log.info(m),
  warning: (m) => log.warning(m),
  // A line per Dockerfile step as groups build (they build in parallel: outside any log group).
  progress: (m) => log.info(m),
  group: (title, lines) => {
    core.startGroup(escapeText(title));
    // Build output is the project's, not ours: stop the runner from reading `::…::` and `##[…]`
    // lines in it as workflow commands (a RUN step could otherwise annotate, mask or set state;
    // the runner stops both forms until the token). Its log viewer still draws `##[group]`,
    // `##[error]` lines, and ends lines at a lone CR too: those are escaped (escapeOutputLine).
    const token = randomUUID();
    core.info(`::stop-commands::${token}`);
    for (const line of lines)
      for (const part of outputLines(line)) core.info(escapeOutputLine(part));
    core.info(`::${token}::`);
    core.endGroup();
  },
};
