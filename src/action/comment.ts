/**
 * The sticky pull-request comment: one Stowage comment per pull request, found again by an HTML
 * marker at the start of its body and updated in place on every push.
 *
 * Commenting is a courtesy, never a reason to fail the step: without a token, on a fork (whose
 * workflow token cannot write), or when GitHub answers 401/403/404, it logs a notice and skips;
 * any other error is logged as a warning. It never throws.
 */
import { readFileSync } from 'node:fs';
import { log as printed } from './log.js';

export const DEFAULT_MARKER = '<!-- stowage -->';

/** GitHub rejects issue comments longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65_536;

export interface PullRequestTarget {
  owner: string;
  repo: string;
  number: number;
  /** The head branch lives in another repository and the event gives a read-only token. */
  fork: boolean;
}

export interface CommentLog {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
}

export interface UpsertOptions {
  token?: string;
  /** Markdown; the marker is put in front of it. */
  body: string;
  marker?: string;
  /** The pull request; by default read from the runner's event (`GITHUB_EVENT_PATH`). */
  target?: PullRequestTarget;
  /** The REST API root; by default `GITHUB_API_URL`, else https://api.github.com. */
  apiUrl?: string;
  log?: CommentLog;
}

export type UpsertResult =
  | { status: 'created' | 'updated'; id: number; url: string }
  | { status: 'skipped' | 'failed'; reason: string };

const coreLog: CommentLog = {
  info: printed.info,
  notice: printed.notice,
  warning: printed.warning,
};

export async function upsertStickyComment(options: UpsertOptions): Promise<UpsertResult> {
  const log = options.log ?? coreLog;
  const marker = options.marker ?? DEFAULT_MARKER;
  const skip = (reason: string, quiet = false): UpsertResult => {
    (quiet ? log.info : log.notice)(`Stowage did not comment on the pull request: ${reason}.`);
    return { status: 'skipped', reason };
  };

  let target: PullRequestTarget | undefined;
  try {
    target = options.target ?? pullRequestFromEnv();
  } catch (error) {
    return skip(`the event could not be read (${errorMessage(error)})`);
  }
  if (!target) return skip('this run is not for a pull request', true);
  if (target.fork) {
    return skip(
      `pull request #${target.number} comes from a fork, whose workflow token cannot write ` +
        'comments (the job summary has the same report)',
    );
  }
  if (!options.token) return skip('no token was given (set the `github-token` input)');

  const body = commentBody(options.body, marker);
  const apiUrl = options.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const where = `${target.owner}/${target.repo}#${target.number}`;
  try {
    // Octokit loads only for a comment: a run without one never pays for it.
    const github = await import('@actions/github');
    const octokit = github.getOctokit(options.token, { baseUrl: apiUrl.replace(/\/+$/, '') });
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: 100,
    });
    const previous = comments.find((c) => (c.body ?? '').trimStart().startsWith(marker));
    if (previous) {
      const { data } = await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: previous.id,
        body,
      });
      log.info(`Updated the Stowage comment on ${where}: ${data.html_url}`);
      return { status: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      body,
    });
    log.info(`Commented on ${where}: ${data.html_url}`);
    return { status: 'created', id: data.id, url: data.html_url };
  } catch (error) {
    const status = httpStatus(error);
    if (status === 401 || status === 403 || status === 404) {
      return skip(
        `GitHub answered ${status} for ${where}: the token may lack \`pull-requests: write\` ` +
          `(${errorMessage(error)})`,
      );
    }
    const reason = `commenting on ${where} failed: ${errorMessage(error)}`;
    log.warning(`Stowage: ${reason}`);
    return { status: 'failed', reason };
  }
}

/** The marker first (so the comment is found again), then the body, cut to GitHub's limit. */
export function commentBody(body: string, marker: string = DEFAULT_MARKER): string {
  const full = `${marker}\n${body}`;
  if (full.length <= MAX_COMMENT_LENGTH) return full;
  const note = '\n\n…(cut to fit GitHub’s comment size limit: see the job summary for the rest)';
  return full.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}

/**
 * The pull request this run is for, from the runner's event payload; undefined for other events.
 * A `pull_request` event from a fork is marked `fork` (its token is read-only);
 * `pull_request_target` runs with a writable token, so it is not.
 */
export function pullRequestFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): PullRequestTarget | undefined {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) return undefined;
  const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
  const pr = payload.pull_request;
  if (!pr || typeof pr.number !== 'number') return undefined;
  const base = pr.base?.repo?.full_name ?? env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? base).split('/');
  if (!owner || !repo) return undefined;
  const head = pr.head?.repo?.full_name;
  // A deleted fork leaves head.repo null: treat it as a fork too.
  const fromFork = head !== base;
  return {
    owner,
    repo,
    number: pr.number,
    fork: fromFork && env.GITHUB_EVENT_NAME !== 'pull_request_target',
  };
}

interface EventPayload {
  pull_request?: {
    number?: number;
    head?: { repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } };
  };
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
