/** The lock store across runs for different architectures, and the platforms in content hashes. */
import { describe, expect, test } from '@jest/globals';
import { archesOf } from '../../src/app/resolve.js';
import { contentHash } from '../../src/plan/plan.js';
import type { ResolvedPackage } from '../../src/plan/types.js';
import { answerDifference } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import type { SolveRequest } from '../../src/resolve/types.js';

const request = (
  arch: 'amd64' | 'arm64',
  specs = ['conflicting-a', 'conflicting-b'],
): SolveRequest => ({
  ecosystem: 'conda',
  arch,
  specs,
  sources: ['https://conda.anaconda.org/conda-forge'],
});
const conflict = { kind: 'conflict' as const, names: ['a', 'b'], explanation: 'a and b' };

describe('the lock store', () => {
  test('a run for one architecture keeps the entries of the other', () => {
    const first = new LockStore();
    first.set(request('amd64'), conflict);
    first.set(request('arm64'), conflict);
    const second = LockStore.parse(first.serialize(), 'stowage.lock');
    second.get(request('amd64')); // an amd64-only run uses its entry, never asks for arm64
    const third = LockStore.parse(second.serialize(), 'stowage.lock');
    expect(third.get(request('arm64'))).toEqual(conflict);
    expect(third.get(request('amd64'))).toEqual(conflict);
  });

  test('an entry of an architecture this run solved, and did not use, is stale and dropped', () => {
    const first = new LockStore();
    first.set(request('amd64', ['old']), conflict);
    const second = LockStore.parse(first.serialize(), 'stowage.lock');
    second.set(request('amd64', ['new']), conflict);
    const third = LockStore.parse(second.serialize(), 'stowage.lock');
    expect(third.get(request('amd64', ['old']))).toBeUndefined();
  });

  test("a conflict the records showed keeps its pairs; a pair must name the request's specs", () => {
    const pairs = {
      ...conflict,
      pairs: [
        { specs: ['conflicting-a', 'conflicting-b'] as [string, string], explanation: 'why' },
      ],
    };
    const first = new LockStore();
    first.set(request('amd64'), pairs);
    const text = first.serialize();
    expect(LockStore.parse(text, 'stowage.lock').get(request('amd64'))).toEqual(pairs);
    for (const bad of [
      '"specs":["conflicting-a","other"]',
      '"specs":["conflicting-a"]',
      '"specs":["conflicting-a","conflicting-a"]',
    ])
      expect(() =>
        LockStore.parse(
          text.replace('"specs":["conflicting-a","conflicting-b"]', bad),
          'stowage.lock',
        ),
      ).toThrow(/each pair needs two different specs of the request's and an explanation/);
    const empty = text.replace(/"pairs": \[\n[^\n]*\n\s*\]/, '"pairs": []');
    expect(empty).toContain('"pairs": []');
    expect(() => LockStore.parse(empty, 'stowage.lock')).toThrow(/pairs must be a list, not empty/);
    expect(() =>
      LockStore.parse(text.replace('"ecosystem": "conda"', '"ecosystem": "pip"'), 'stowage.lock'),
    ).toThrow(/only conda conflicts are read from records/);
  });

  test('verifying a lock: a conflict read from the records is its pairs, which must agree', () => {
    const read = (...pairs: [string, string][]) => ({
      ...conflict,
      pairs: pairs.map((specs) => ({ specs, explanation: 'why' })),
    });
    expect(answerDifference(read(['a', 'b']), read(['a', 'b']))).toBeUndefined();
    expect(answerDifference(conflict, conflict)).toBeUndefined();
    expect(answerDifference(read(['a', 'b'], ['a', 'c']), read(['a', 'c'], ['b', 'd']))).toBe(
      "the lock's conflicts differ from the records': only in the lock a with b, only in the records b with d",
    );
    expect(answerDifference(conflict, read(['a', 'b']))).toMatch(/only in the records a with b/);
  });

  test('no platform given: locks for amd64, whatever this machine is', () => {
    expect(archesOf(undefined)).toEqual(['amd64']);
    expect(archesOf(['linux/arm64', 'linux/amd64'])).toEqual(['amd64', 'arm64']);
  });
});

test('the content hash covers the target platforms, and is unchanged without them', () => {
  const group = {
    baseImage: 'debian:bookworm',
    generated: { Dockerfile: 'FROM x' },
    contextFiles: [],
  };
  const plain = contentHash(group, new Map(), true);
  expect(contentHash(group, new Map(), true, [])).toBe(plain);
  const both = contentHash(group, new Map(), true, ['linux/amd64', 'linux/arm64']);
  expect(both).not.toBe(plain);
  expect(contentHash(group, new Map(), true, ['linux/arm64', 'linux/amd64'])).toBe(both);
});

describe('a lock file edited by hand (or by a pull request) is a cache, checked like one', () => {
  const source = 'https://conda.anaconda.org/conda-forge';
  const request: SolveRequest = {
    ecosystem: 'conda',
    arch: 'amd64',
    specs: ['samtools 1.17.*'],
    sources: [source],
  };
  const pkg = (name: string, version: string, depends: string[]): ResolvedPackage => ({
    ecosystem: 'conda',
    name,
    version,
    build: 'h00cdaf9_0',
    source,
    url: `${source}/linux-64/${name}-${version}-h00cdaf9_0.tar.bz2`,
    sha256: 'a'.repeat(64),
    depends,
    arch: 'amd64',
  });
  const solved = (): string => {
    const store = new LockStore();
    store.set(request, {
      kind: 'solved',
      packages: [pkg('htslib', '1.17', []), pkg('samtools', '1.17', ['htslib'])],
    });
    return store.serialize();
  };
  const answer = (text: string) => {
    const store = LockStore.parse(text, 'stowage.lock');
    return { outcome: store.get(request), refusal: store.refusal(request) };
  };

  test('as written by the solver, it reads back and answers its request', () => {
    const { outcome, refusal } = answer(solved());
    expect(refusal).toBeUndefined();
    expect(outcome?.kind).toBe('solved');
  });

  test.each<[string, (text: string) => string, RegExp]>([
    [
      'a package pointed at another host',
      (t) => t.replace(`${source}/linux-64/samtools`, 'https://evil.example.org/samtools'),
      /is not under https:\/\/conda\.anaconda\.org\/conda-forge/,
    ],
    [
      'a path that climbs out of the channel',
      (t) =>
        t.replace(`${source}/linux-64/samtools`, `${source}/../mallory-channel/linux-64/samtools`),
      /is not a plain URL/,
    ],
    [
      'an encoded climb',
      (t) => t.replace(`${source}/linux-64/samtools`, `${source}/%2e%2e/mallory/linux-64/samtools`),
      /is not a plain URL/,
    ],
    [
      'credentials in the URL',
      (t) =>
        t.replace(
          `${source}/linux-64/samtools`,
          'https://u:p@conda.anaconda.org/conda-forge/linux-64/samtools',
        ),
      /credentials/,
    ],
    [
      'a look-alike channel that starts with the same name',
      (t) => t.replace(`${source}/linux-64/samtools`, `${source}-evil/linux-64/samtools`),
      /is not under/,
    ],
    [
      "a source that is not the entry's",
      (t) =>
        t.replace(
          `"source":"${source}","url":"${source}/linux-64/samtools`,
          `"source":"https://evil.example.org","url":"https://evil.example.org/linux-64/samtools`,
        ),
      /not one of the request's/,
    ],
    [
      'a conda package without its sha256',
      (t) => t.replace(/,"sha256":"a+"(,"depends":\["htslib"\])/, '$1'),
      /samtools has no sha256/,
    ],
    [
      'a requested package at a version outside the request',
      (t) =>
        t
          .replace(/"name":"samtools","version":"1\.17"/, '"name":"samtools","version":"1.16"')
          .replace('samtools-1.17-', 'samtools-1.16-'),
      /samtools 1\.16 is outside the requested "samtools 1\.17\.\*"/,
    ],
    [
      'a requested package left out',
      (t) =>
        t.replace(/"name":"samtools"/, '"name":"samtoolz"').replace('/samtools-', '/samtoolz-'),
      /samtools, requested as "samtools 1\.17\.\*", is not in it/,
    ],
    [
      "another package's file under the right channel",
      (t) => t.replace('linux-64/samtools-1.17-h00cdaf9_0', 'linux-64/htslib-1.17-h00cdaf9_0'),
      /is not samtools-1\.17-h00cdaf9_0\.conda \(or \.tar\.bz2\) in linux-64\/ or noarch\//,
    ],
    [
      'a package nothing requested needs',
      (t) => t.replace('"depends":["htslib"]', '"depends":[]'),
      /htslib is in it, but nothing requested needs it/,
    ],
    [
      'an entry of an earlier Stowage, without dependencies',
      (t) => t.replace(/,"depends":\[[^\]]*\]/g, ''),
      /no recorded dependencies/,
    ],
  ])('%s: the answer is not used, and the reason is kept', (_name, edit, reason) => {
    const text = edit(solved());
    expect(text).not.toBe(solved());
    const { outcome, refusal } = answer(text);
    expect(outcome).toBeUndefined();
    expect(refusal).toMatch(reason);
  });

  test('a field that is not what it claims to be is still refused as the file is read', () => {
    const text = solved().replace('"sha256":"aaaa', '"sha256":"zzzz');
    expect(() => LockStore.parse(text, 'stowage.lock')).toThrow(/sha256 .* is not valid/);
  });
});

describe('pip and npm answers', () => {
  const pypi = 'https://pypi.org/simple';
  const pipRequest: SolveRequest = {
    ecosystem: 'pip',
    arch: 'amd64',
    specs: ['requests==2.32.3'],
    sources: [pypi],
    python: '3.12',
  };
  const wheel = (name: string, version: string, url: string, depends: string[]) => ({
    ecosystem: 'pip' as const,
    name,
    version,
    source: pypi,
    url,
    sha256: 'b'.repeat(64),
    depends,
    arch: 'amd64' as const,
  });
  const files = 'https://files.pythonhosted.org/packages/aa/bb';

  test.each<[string, ResolvedPackage[], RegExp | undefined]>([
    [
      "PyPI's files host",
      [
        wheel('requests', '2.32.3', `${files}/requests-2.32.3-py3-none-any.whl`, ['idna']),
        wheel('idna', '3.7', `${files}/idna-3.7-py3-none-any.whl`, []),
      ],
      undefined,
    ],
    [
      'a wheel on any other host',
      [
        wheel(
          'requests',
          '2.32.3',
          'https://evil.example.org/requests-2.32.3-py3-none-any.whl',
          [],
        ),
      ],
      /not on the index's host/,
    ],
    [
      "another project's wheel on PyPI's host",
      [wheel('requests', '2.32.3', `${files}/evil-2.32.3-py3-none-any.whl`, [])],
      /is not a wheel of requests 2\.32\.3/,
    ],
    [
      'an extra wheel',
      [
        wheel('requests', '2.32.3', `${files}/requests-2.32.3-py3-none-any.whl`, []),
        wheel('evil', '1.0', `${files}/evil-1.0-py3-none-any.whl`, []),
      ],
      /evil is in it, but nothing requested needs it/,
    ],
  ])('pip: %s', (_name, packages, problem) => {
    const store = new LockStore();
    store.set(pipRequest, { kind: 'solved', packages });
    const read = LockStore.parse(store.serialize(), 'stowage.lock');
    expect(read.get(pipRequest) === undefined).toBe(problem !== undefined);
    if (problem) expect(read.refusal(pipRequest)).toMatch(problem);
  });

  const registry = 'https://registry.npmjs.org';
  const npmRequest: SolveRequest = {
    ecosystem: 'npm',
    arch: 'amd64',
    specs: ['left-pad@^1.3.0'],
    sources: [registry],
  };
  const tarball = `${registry}/left-pad/-/left-pad-1.3.0.tgz`;
  // The npm lock file's JSON, edited the way a pull request could.
  type NpmLock = { packages: Record<string, Record<string, unknown>> };
  const lockfile = (edit: (lock: NpmLock) => void = () => undefined): string => {
    const lock: NpmLock & Record<string, unknown> = {
      name: 'stowage-resolve',
      lockfileVersion: 3,
      packages: {
        '': { name: 'stowage-resolve', dependencies: { 'left-pad': '^1.3.0' } },
        'node_modules/left-pad': { version: '1.3.0', resolved: tarball, integrity: 'sha512-AAAA' },
      },
    };
    edit(lock);
    return JSON.stringify(lock);
  };
  const npmAnswer = (npmLockfile: string) => {
    const store = new LockStore();
    store.set(npmRequest, {
      kind: 'solved',
      packages: [
        {
          ecosystem: 'npm',
          name: 'left-pad',
          version: '1.3.0',
          source: registry,
          url: tarball,
          integrity: 'sha512-AAAA',
          arch: 'amd64',
        },
      ],
      npmLockfile,
    });
    const read = LockStore.parse(store.serialize(), 'stowage.lock');
    return { outcome: read.get(npmRequest), refusal: read.refusal(npmRequest) };
  };

  test('npm: the lock as npm wrote it answers', () => {
    expect(npmAnswer(lockfile()).refusal).toBeUndefined();
  });

  test.each<[string, (lock: NpmLock) => void, RegExp]>([
    [
      'a root that asks for a git repository',
      (l) =>
        ((l.packages['']!.dependencies as Record<string, string>).evil =
          'git+https://evil.example.org/x.git'),
      /asks for .*evil/,
    ],
    [
      'a root that asks for a folder of the runner',
      (l) =>
        ((l.packages['']!.dependencies as Record<string, string>)['left-pad'] = 'file:../../..'),
      /asks for/,
    ],
    [
      'a tarball from elsewhere',
      (l) => (l.packages['node_modules/left-pad']!.resolved = 'https://evil.example.org/x.tgz'),
      /is not under https:\/\/registry\.npmjs\.org/,
    ],
    [
      'a linked folder',
      (l) => (l.packages['node_modules/left-pad'] = { link: true, resolved: '../../..' }),
      /links "node_modules\/left-pad"/,
    ],
    [
      "another package's tarball under the registry",
      (l) => (l.packages['node_modules/left-pad']!.resolved = `${registry}/evil/-/evil-1.3.0.tgz`),
      /installs "https:\/\/registry\.npmjs\.org\/evil\/-\/evil-1\.3\.0\.tgz" as node_modules\/left-pad/,
    ],
    [
      'a package nothing needs',
      (l) =>
        (l.packages['node_modules/evil'] = {
          version: '1.0.0',
          resolved: `${registry}/evil/-/evil-1.0.0.tgz`,
          integrity: 'sha512-BBBB',
        }),
      /installs evil, which nothing requested needs/,
    ],
    [
      'a package without integrity',
      (l) => delete l.packages['node_modules/left-pad']!.integrity,
      /no registry tarball, version and integrity/,
    ],
  ])('npm: %s is not used', (_name, edit, reason) => {
    const { outcome, refusal } = npmAnswer(lockfile(edit));
    expect(outcome).toBeUndefined();
    expect(refusal).toMatch(reason);
  });
});
