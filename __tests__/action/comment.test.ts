import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  commentBody,
  DEFAULT_MARKER,
  MAX_COMMENT_LENGTH,
  pullRequestFromEnv,
  upsertStickyComment,
  type CommentLog,
  type PullRequestTarget,
} from '../../src/action/comment.js';
import { FakeGitHub } from './github-api-fake.js';
import { tempDir } from '../helpers/temp.js';

const github = new FakeGitHub();
beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => github.reset());

const target: PullRequestTarget = { owner: 'acme', repo: 'flood', number: 7, fork: false };

function recordingLog() {
  const lines: { level: keyof CommentLog; message: string }[] = [];
  const log: CommentLog = {
    info: (message) => lines.push({ level: 'info', message }),
    notice: (message) => lines.push({ level: 'notice', message }),
    warning: (message) => lines.push({ level: 'warning', message }),
  };
  return { log, lines };
}

function upsert(overrides: Partial<Parameters<typeof upsertStickyComment>[0]> = {}) {
  const { log, lines } = recordingLog();
  const result = upsertStickyComment({
    token: 'test-token',
    body: '## Stowage\n\n2 errors',
    target,
    apiUrl: github.url,
    log,
    ...overrides,
  });
  return { result, lines };
}

describe('upsertStickyComment against a local GitHub API', () => {
  it('creates the comment, marker first, when the pull request has none', async () => {
    github.addComment('LGTM');
    const { result, lines } = upsert();
    expect(await result).toEqual({
      status: 'created',
      id: expect.any(Number),
      url: expect.stringContaining('#issuecomment-'),
    });
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/flood/issues/7/comments',
      'POST /repos/acme/flood/issues/7/comments',
    ]);
    expect(github.requests[0]!.authorization).toBe('token test-token');
    expect(github.comments.map((c) => c.body)).toEqual([
      'LGTM',
      `${DEFAULT_MARKER}\n## Stowage\n\n2 errors`,
    ]);
    expect(lines.map((l) => l.level)).toEqual(['info']);
  });

  it('updates its earlier comment in place, even on a later page, and creates no second one', async () => {
    github.addComment('first');
    github.addComment('> quoting <!-- stowage --> is not our comment');
    github.addComment('third');
    const ours = github.addComment(`${DEFAULT_MARKER}\nold report`, {
      login: 'github-actions[bot]',
      type: 'Bot',
    });
    const { result } = upsert({ body: 'new report' });
    expect(await result).toMatchObject({ status: 'updated', id: ours.id });
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/flood/issues/7/comments',
      'GET /repos/acme/flood/issues/7/comments',
      `PATCH /repos/acme/flood/issues/comments/${ours.id}`,
    ]);
    expect(github.comments).toHaveLength(4);
    expect(ours.body).toBe(`${DEFAULT_MARKER}\nnew report`);
  });

  it('finds its comment by a custom marker, so two Stowage jobs keep two comments', async () => {
    const flood = github.addComment('<!-- stowage:flood -->\nflood');
    const { result } = upsert({ marker: '<!-- stowage:variants -->', body: 'variants' });
    expect(await result).toMatchObject({ status: 'created' });
    expect(flood.body).toBe('<!-- stowage:flood -->\nflood');
    expect(github.comments.map((c) => c.body)).toContain('<!-- stowage:variants -->\nvariants');
  });

  it.each([
    { method: 'GET', status: 404 },
    { method: 'POST', status: 403 },
    { method: 'GET', status: 401 },
  ])('skips with a notice when GitHub answers $status to $method', async ({ method, status }) => {
    github.failWith = { [method]: status };
    const { result, lines } = upsert();
    const outcome = await result;
    expect(outcome).toMatchObject({ status: 'skipped' });
    expect('reason' in outcome && outcome.reason).toContain(`GitHub answered ${status}`);
    expect(lines.map((l) => l.level)).toEqual(['notice']);
  });

  it('reports other failures as a warning and still does not throw', async () => {
    github.failWith = { POST: 422 };
    const { result, lines } = upsert();
    expect(await result).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('acme/flood#7'),
    });
    expect(lines.map((l) => l.level)).toEqual(['warning']);
  });

  it('does not throw when nothing listens at the API URL', async () => {
    const closed = new FakeGitHub();
    await closed.start();
    const deadUrl = closed.url;
    await closed.stop();
    const { result, lines } = upsert({ apiUrl: deadUrl });
    expect(await result).toMatchObject({ status: 'failed' });
    expect(lines.map((l) => l.level)).toEqual(['warning']);
  });

  it.each([
    {
      name: 'without a token',
      overrides: { token: '' },
      reason: 'no token was given',
      level: 'notice',
    },
    {
      name: 'on a fork',
      overrides: { target: { ...target, fork: true } },
      reason: 'comes from a fork',
      level: 'notice',
    },
  ])('skips $name without calling GitHub', async ({ overrides, reason, level }) => {
    const { result, lines } = upsert(overrides);
    expect(await result).toEqual({ status: 'skipped', reason: expect.stringContaining(reason) });
    expect(github.requests).toEqual([]);
    expect(lines.map((l) => l.level)).toEqual([level]);
  });
});

describe('upsertStickyComment reading the runner environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('comments on the pull request of the event at GITHUB_API_URL', async () => {
    process.env.GITHUB_EVENT_PATH = writeEvent(prEvent('acme/flood', 'acme/flood', 12));
    process.env.GITHUB_EVENT_NAME = 'pull_request';
    process.env.GITHUB_REPOSITORY = 'acme/flood';
    process.env.GITHUB_API_URL = github.url;
    const { log } = recordingLog();
    expect(await upsertStickyComment({ token: 't', body: 'hi', log })).toMatchObject({
      status: 'created',
    });
    expect(github.requests.map((r) => r.path)).toEqual([
      '/repos/acme/flood/issues/12/comments',
      '/repos/acme/flood/issues/12/comments',
    ]);
  });

  it('skips quietly outside pull requests', async () => {
    process.env.GITHUB_EVENT_PATH = writeEvent({ ref: 'refs/heads/main' });
    process.env.GITHUB_REPOSITORY = 'acme/flood';
    const { log, lines } = recordingLog();
    expect(await upsertStickyComment({ token: 't', body: 'hi', log, apiUrl: github.url })).toEqual({
      status: 'skipped',
      reason: 'this run is not for a pull request',
    });
    expect(lines.map((l) => l.level)).toEqual(['info']);
    expect(github.requests).toEqual([]);
  });

  it('skips with a notice when the event file is unreadable', async () => {
    process.env.GITHUB_EVENT_PATH = path.join(tmpdir(), 'no-such-stowage-event.json');
    const { log, lines } = recordingLog();
    expect(await upsertStickyComment({ token: 't', body: 'hi', log })).toMatchObject({
      status: 'skipped',
    });
    expect(lines.map((l) => l.level)).toEqual(['notice']);
  });
});

describe('pullRequestFromEnv', () => {
  it.each([
    {
      name: 'a same-repository pull request',
      head: 'acme/flood',
      event: 'pull_request',
      fork: false,
    },
    { name: 'a fork pull request', head: 'someone/flood', event: 'pull_request', fork: true },
    { name: 'a deleted fork', head: null, event: 'pull_request', fork: true },
    {
      name: 'a fork under pull_request_target (writable token)',
      head: 'someone/flood',
      event: 'pull_request_target',
      fork: false,
    },
  ])('$name → fork: $fork', ({ head, event, fork }) => {
    const env = {
      GITHUB_EVENT_PATH: writeEvent(prEvent(head, 'acme/flood', 3)),
      GITHUB_EVENT_NAME: event,
      GITHUB_REPOSITORY: 'acme/flood',
    };
    expect(pullRequestFromEnv(env)).toEqual({ owner: 'acme', repo: 'flood', number: 3, fork });
  });

  it.each([
    { name: 'no event file', env: {} },
    { name: 'a push event', env: { GITHUB_EVENT_PATH: writeEvent({ ref: 'refs/heads/main' }) } },
  ])('is undefined for $name', ({ env }) => {
    expect(pullRequestFromEnv({ GITHUB_REPOSITORY: 'acme/flood', ...env })).toBeUndefined();
  });
});

describe('commentBody', () => {
  it('puts the marker first', () => {
    expect(commentBody('x')).toBe(`${DEFAULT_MARKER}\nx`);
  });

  it('cuts a body over GitHub’s limit and says so', () => {
    const body = commentBody('y'.repeat(MAX_COMMENT_LENGTH * 2));
    expect(body.length).toBe(MAX_COMMENT_LENGTH);
    expect(body.startsWith(DEFAULT_MARKER)).toBe(true);
    expect(body).toMatch(/cut to fit GitHub’s comment size limit/);
  });
});

function prEvent(head: string | null, base: string, number: number) {
  return {
    pull_request: {
      number,
      head: { repo: head === null ? null : { full_name: head } },
      base: { repo: { full_name: base } },
    },
  };
}

function writeEvent(payload: unknown): string {
  const dir = tempDir('event');
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}
