import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  groupRepository,
  isValidTag,
  normaliseRegistry,
  parseRepository,
  repositoryName,
} from '../../src/images/reference.js';
import {
  contentHashTag,
  decidePush,
  ociLabels,
  parseTagRules,
  parseVersionTag,
  runTags,
  sanitiseTag,
  type RunContext,
} from '../../src/images/tags.js';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const push = (ref: string, extra: Partial<RunContext> = {}): RunContext => ({
  eventName: 'push',
  ref,
  sha: SHA,
  defaultBranch: 'main',
  ...extra,
});
const show = (ctx: RunContext, rules = ''): string[] =>
  runTags(ctx, parseTagRules(rules)).map((t) => (t.moving ? `${t.tag}*` : t.tag));

describe('runTags (moving tags marked *)', () => {
  test.each<[string, RunContext, string, string[]]>([
    [
      'push to the default branch',
      push('refs/heads/main'),
      '',
      ['sha-abcdef0', 'main*', 'latest*'],
    ],
    [
      'push to another branch',
      push('refs/heads/feature/Big thing!'),
      '',
      ['sha-abcdef0', 'feature-Big-thing*'],
    ],
    ['version tag', push('refs/tags/v1.2.3'), '', ['sha-abcdef0', '1.2.3', '1.2*', '1*']],
    [
      'prerelease tag: full version only',
      push('refs/tags/v2.0.0-rc.1'),
      '',
      ['sha-abcdef0', '2.0.0-rc.1'],
    ],
    ['other tag', push('refs/tags/nightly-2026'), '', ['sha-abcdef0', 'nightly-2026*']],
    [
      'pull request',
      { eventName: 'pull_request', ref: 'refs/pull/42/merge', sha: SHA },
      '',
      ['sha-abcdef0', 'pr-42*'],
    ],
    ['local run', {}, '', ['latest*']],
    [
      'extra raw tags',
      push('refs/heads/dev'),
      'stable\ntype=raw,value=v9,moving=false',
      ['sha-abcdef0', 'dev*', 'stable*', 'v9'],
    ],
    [
      'sha long with prefix',
      push('refs/heads/dev'),
      'type=defaults,enable=false\ntype=sha,format=long,prefix=git-',
      [`git-${SHA}`],
    ],
    [
      'semver pattern with prefix',
      push('refs/tags/v3.4.5'),
      'type=defaults,enable=false\ntype=semver,pattern={{major}}.{{minor}},prefix=r',
      ['r3.4*'],
    ],
    [
      'edge on default branch',
      push('refs/heads/main'),
      'type=defaults,enable=false\ntype=edge',
      ['edge*'],
    ],
    [
      'edge elsewhere is quiet',
      push('refs/heads/dev'),
      'type=defaults,enable=false\ntype=edge',
      [],
    ],
    [
      'disabled rule',
      push('refs/heads/dev'),
      'type=raw,value=x,enable=false',
      ['sha-abcdef0', 'dev*'],
    ],
    [
      'ref event tag with suffix',
      push('refs/tags/v1.0.0'),
      'type=defaults,enable=false\ntype=ref,event=tag,suffix=-src',
      ['v1.0.0-src*'],
    ],
    [
      'comments and blanks',
      push('refs/heads/dev'),
      '# extra\n\n  nightly  # every night',
      ['sha-abcdef0', 'dev*', 'nightly*'],
    ],
  ])('%s', (_name, ctx, rules, expected) => {
    expect(show(ctx, rules)).toEqual(expected);
  });

  test('a tag both fixed and moving counts as moving', () => {
    expect(show(push('refs/heads/main'), 'type=raw,value=main,moving=false')).toContain('main*');
  });
});

describe('parseTagRules rejects what it cannot use', () => {
  test.each([
    ['type=nope', /type must be one of/],
    ['type=raw', /needs value=/],
    ['type=ref,event=commit', /event must be branch, tag or pr/],
    ['type=sha,format=medium', /format must be short or long/],
    ['type=semver', /needs pattern=/],
    ['type=raw,value=x,colour=blue', /unknown attribute "colour"/],
    ['type=raw,value=x,enable=maybe', /enable must be true or false/],
    ['type=raw,value=x,oops', /is not key=value/],
    ['-bad', /not a valid image tag/],
    ['has space', /not a valid image tag/],
  ])('%s', (rule, message) => {
    expect(() => parseTagRules(rule)).toThrow(message);
  });

  test('a rule that yields an invalid tag fails when applied', () => {
    expect(() =>
      runTags(push('refs/heads/dev'), parseTagRules('type=raw,value=ok,prefix=.')),
    ).toThrow(/not a valid image tag/);
  });
});

describe('sanitiseTag', () => {
  test.each([
    ['main', 'main'],
    ['feature/x', 'feature-x'],
    ['-lead/.dots', 'lead-.dots'],
    ['ünïcode', 'n-code'],
    ['///', undefined],
  ])('%s → %s', (input, out) => expect(sanitiseTag(input)).toBe(out));

  test('always yields a valid tag or nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const t = sanitiseTag(s);
        return t === undefined || isValidTag(t);
      }),
    );
  });
});

test.each([
  ['v1.2.3', '1.2.3'],
  ['1.2.3', '1.2.3'],
  ['v1.2', undefined],
  ['v01.2.3', undefined],
  ['v1.2.3-beta.1+build.5', '1.2.3-beta.1'],
])('parseVersionTag %s', (tag, version) => {
  expect(parseVersionTag(tag)?.version).toBe(version);
});

test('contentHashTag is a short prefix and refuses non-hex', () => {
  expect(contentHashTag('a'.repeat(64))).toBe(`hash-${'a'.repeat(20)}`);
  expect(() => contentHashTag('ZZ; rm -rf /')).toThrow(/not lower-case hex/);
});

describe('decidePush', () => {
  test.each<[string, Parameters<typeof decidePush>[0], RunContext, boolean]>([
    ['auto on push', 'auto', push('refs/heads/main'), true],
    ['auto on a tag push', 'auto', push('refs/tags/v1.0.0'), true],
    ['auto on release', 'auto', { eventName: 'release' }, true],
    ['auto on pull_request', 'auto', { eventName: 'pull_request' }, false],
    ['auto on pull_request_target', 'auto', { eventName: 'pull_request_target' }, false],
    ['auto from a fork, even on push', 'auto', { eventName: 'push', fromFork: true }, false],
    ['auto on issue_comment', 'auto', { eventName: 'issue_comment' }, false],
    ['auto locally', 'auto', {}, true],
    ['true on pull_request', 'true', { eventName: 'pull_request' }, true],
    ['true from a fork: never', 'true', { eventName: 'pull_request', fromFork: true }, false],
    ['false on push', 'false', push('refs/heads/main'), false],
  ])('%s', (_name, mode, ctx, expected) => {
    expect(decidePush(mode, ctx).push).toBe(expected);
  });
});

describe('ociLabels', () => {
  const base = {
    workflow: 'flood',
    group: 'python',
    steps: ['regrid', 'plot'],
    contentHash: 'f'.repeat(64),
    created: new Date('2026-02-03T04:05:06Z'),
  };
  test('carries source, revision, created, version, licences and steps', () => {
    const labels = ociLabels(
      {
        ...push('refs/tags/v1.2.3'),
        repository: 'acme/flood',
        serverUrl: 'https://github.com',
        license: 'MIT',
      },
      base,
    );
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/acme/flood',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.created': '2026-02-03T04:05:06.000Z',
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.title': 'flood/python',
      'io.stowage.steps': 'regrid,plot',
    });
  });
  test('strips control characters from values and skips an odd repository', () => {
    const labels = ociLabels(
      { repository: 'not a repo' },
      { ...base, description: 'two\nlines\u0007' },
    );
    expect(labels['org.opencontainers.image.description']).toBe('two lines ');
    expect(labels['org.opencontainers.image.source']).toBeUndefined();
  });
});

describe('image references', () => {
  test.each([
    ['ghcr.io/acme/flood', 'ghcr.io', 'acme/flood'],
    ['127.0.0.1:5000/demo', '127.0.0.1:5000', 'demo'],
    ['localhost/x', 'localhost', 'x'],
    ['acme/flood', 'registry-1.docker.io', 'acme/flood'],
    ['flood', 'registry-1.docker.io', 'library/flood'],
  ])('%s', (name, host, path) => {
    expect(parseRepository(name)).toEqual({ host, path });
  });

  test.each([
    'ghcr.io/Acme/flood',
    'ghcr.io/acme/flood;rm',
    'ghcr.io/acme//x',
    'bad_host.io:99999999/x',
    'ghcr.io/acme/-x',
    '',
  ])('rejects %j', (name) => {
    expect(() => parseRepository(name)).toThrow(/not a valid/);
  });

  test('group names must be a path component', () => {
    expect(repositoryName(groupRepository('ghcr.io/acme/flood/', 'python-gpu'))).toBe(
      'ghcr.io/acme/flood/python-gpu',
    );
    expect(() => groupRepository('ghcr.io/acme', 'Python GPU')).toThrow(
      /cannot be an image name component/,
    );
  });

  test.each([
    ['ghcr.io/Acme/Flood-Model/', 'ghcr.io/acme/flood-model'],
    ['LocalHost:5000/Demo', 'LocalHost:5000/demo'],
    ['MyHost.example:5000/Demo', 'MyHost.example:5000/demo'],
    ['Acme/Flood', 'acme/flood'],
  ])('normaliseRegistry %s', (input, out) => {
    expect(normaliseRegistry(input)).toBe(out);
  });
});
