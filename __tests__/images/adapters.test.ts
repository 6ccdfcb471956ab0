import { describe, expect, test } from '@jest/globals';
import {
  resolveCacheMode,
  runContextFromGithub,
  type GithubContextLike,
} from '../../src/action/context.js';
import { buildImages } from '../../src/app/build.js';
import { InputError } from '../../src/common/errors.js';
import type { Plan } from '../../src/plan/types.js';

const github = (over: Partial<GithubContextLike>): GithubContextLike => ({
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  serverUrl: 'https://github.com',
  repo: { owner: 'acme', repo: 'flood' },
  payload: {
    repository: { default_branch: 'main', full_name: 'acme/flood', license: { spdx_id: 'MIT' } },
  },
  ...over,
});

describe('runContextFromGithub', () => {
  test('a push', () => {
    expect(runContextFromGithub(github({}))).toEqual({
      eventName: 'push',
      ref: 'refs/heads/main',
      sha: 'a'.repeat(40),
      defaultBranch: 'main',
      repository: 'acme/flood',
      serverUrl: 'https://github.com',
      fromFork: false,
      pullRequest: undefined,
      license: 'MIT',
    });
  });
  test.each<[string, GithubContextLike['payload']['pull_request'], boolean]>([
    [
      'same repository',
      { number: 3, head: { repo: { full_name: 'acme/flood', fork: false } } },
      false,
    ],
    ['a fork', { number: 3, head: { repo: { full_name: 'someone/flood', fork: true } } }, true],
    ['a deleted fork', { number: 3, head: { repo: null } }, true],
  ])('pull request from %s', (_name, pr, fromFork) => {
    const ctx = runContextFromGithub(
      github({
        eventName: 'pull_request',
        ref: 'refs/pull/3/merge',
        payload: { pull_request: pr },
      }),
    );
    expect(ctx.fromFork).toBe(fromFork);
    expect(ctx.pullRequest).toBe(3);
  });
  test('NOASSERTION is no licence', () => {
    const ctx = runContextFromGithub(
      github({ payload: { repository: { license: { spdx_id: 'NOASSERTION' } } } }),
    );
    expect(ctx.license).toBeUndefined();
  });
});

test.each<[string, Parameters<typeof resolveCacheMode>[0], NodeJS.ProcessEnv, string]>([
  [
    'auto on a runner with the cache service',
    'auto',
    { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'u' },
    'gha',
  ],
  ['auto elsewhere', 'auto', {}, 'inline'],
  ['explicit', 'registry', { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'u' }, 'registry'],
])('cache %s', (_name, cache, env, expected) => {
  expect(resolveCacheMode(cache, env)).toBe(expected);
});

test('pushing without a registry is refused, saying how to give one, before any tool runs', async () => {
  const plan = { groups: [], external: [] } as unknown as Plan;
  const ran: string[] = [];
  const attempt = buildImages(
    plan,
    { workspace: '.', push: true, context: {} },
    {
      exec: async (command) => {
        ran.push(command);
        return { exitCode: 0, stdout: '', stderr: '' };
      },
      log: { info: () => undefined, warning: () => undefined, group: () => undefined },
    },
  );
  await expect(attempt).rejects.toThrow(InputError);
  await expect(attempt).rejects.toThrow(/give a registry \(host\[:port\]\/path/);
  expect(ran).toEqual([]);
});
