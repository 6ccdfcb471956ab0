/** The lock store across runs for different architectures, and the platforms in content hashes. */
import { describe, expect, test } from '@jest/globals';
import { archesOf } from '../../src/app/resolve.js';
import { contentHash } from '../../src/plan/plan.js';
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

describe('a lock file edited by hand (or by a pull request)', () => {
  const source = 'https://conda.anaconda.org/conda-forge';
  const solved = (pkg: Record<string, string>) => {
    const store = new LockStore();
    store.set(
      { ecosystem: 'conda', arch: 'amd64', specs: ['samtools 1.17.*'], sources: [source] },
      {
        kind: 'solved',
        packages: [
          {
            ecosystem: 'conda',
            name: 'samtools',
            version: '1.17',
            build: 'h00cdaf9_0',
            source,
            url: `${source}/linux-64/samtools-1.17-h00cdaf9_0.tar.bz2`,
            sha256: 'a'.repeat(64),
            arch: 'amd64',
            ...pkg,
          },
        ],
      },
    );
    return store.serialize();
  };

  test('as written by the solver, it reads back', () => {
    expect(() => LockStore.parse(solved({}), 'stowage.lock')).not.toThrow();
  });

  test.each<[string, (text: string) => string, RegExp]>([
    [
      'a package pointed at another host',
      (t) => t.replace(`${source}/linux-64/`, 'https://evil.example.org/'),
      /is not under its source/,
    ],
    [
      "a source that is not the entry's",
      (t) => t.replace(`"source":"${source}"`, '"source":"https://evil.example.org"'),
      /is not one of the entry's sources/,
    ],
    [
      'a conda package without a hash',
      (t) => t.replace(/,"sha256":"a+"/, ''),
      /needs its sha256 or md5/,
    ],
  ])('%s is refused', (_name, edit, message) => {
    const text = edit(solved({}));
    expect(text).not.toBe(solved({}));
    expect(() => LockStore.parse(text, 'stowage.lock')).toThrow(message);
  });
});
