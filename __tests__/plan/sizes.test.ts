/**
 * Issue 19.2, honest sizes: a solved group is estimated from the files its solver chose, its
 * base from the spec's figure for that image; the sizes go through the lock file unchanged; a
 * pip or npm file's size is asked of its source. (Real builds: __tests__/e2e/sizes.test.ts.)
 */
import { describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import { baseImageBytes, groupEstimate, MB } from '../../src/plan/sizes.js';
import type { GroupResolution, ResolvedPackage } from '../../src/plan/types.js';
import { withFileSizes } from '../../src/resolve/file-sizes.js';
import { LockStore } from '../../src/resolve/store.js';
import type { SolveRequest } from '../../src/resolve/types.js';
import table from '../../src/plan/data/package-sizes.json' with { type: 'json' };

const pkg = (over: Partial<ResolvedPackage>): ResolvedPackage => ({
  ecosystem: 'pip',
  name: 'networkx',
  version: '2.8.8',
  source: 'https://pypi.org/simple',
  url: 'https://files.example/networkx-2.8.8-py3-none-any.whl',
  sha256: 'a'.repeat(64),
  arch: 'amd64',
  ...over,
});

const solved = (packages: ResolvedPackage[]): GroupResolution => ({
  status: 'solved',
  fromLock: false,
  solved: [...new Set(packages.map((p) => p.ecosystem))],
  nameLevel: ['apt'],
  arches: ['amd64'],
  packages,
});

const ratio = table.installedFromDownload.pip.perDownloadedByte;
const perPackage = table.installedFromDownload.pip.perPackageBytes;

describe('groupEstimate', () => {
  const named = new Map([
    ['apt:python3', 30 * MB],
    ['pip:networkx', 25 * MB],
  ]);
  const base = baseImageBytes('python');
  const nameLevel = base + 55 * MB;
  const cases: [string, Parameters<typeof groupEstimate>[0], number][] = [
    [
      'not resolved: the name-level figure',
      {
        classKey: 'python',
        baseImage: 'python:3.12-slim',
        nameLevel,
        packageBytes: named,
        overrides: {},
      },
      nameLevel,
    ],
    [
      'a base image of the spec: its configured size replaces the family default',
      {
        classKey: 'python',
        baseImage: 'registry.example/debian:12',
        nameLevel,
        packageBytes: named,
        overrides: { 'registry.example/debian:12': 120 * MB },
      },
      120 * MB + 55 * MB,
    ],
    [
      'solved with file sizes: pip counted from the files, apt by name',
      {
        classKey: 'python',
        baseImage: 'python:3.12-slim',
        nameLevel,
        packageBytes: named,
        overrides: {},
        resolution: solved([pkg({ size: 4 * MB }), pkg({ name: 'pygments', size: 1 * MB })]),
      },
      base + 30 * MB + Math.round(5 * MB * ratio + 2 * perPackage),
    ],
    [
      'a file without a size (an old lock): that ecosystem stays name-level',
      {
        classKey: 'python',
        baseImage: 'python:3.12-slim',
        nameLevel,
        packageBytes: named,
        overrides: {},
        resolution: solved([pkg({ size: 4 * MB }), pkg({ name: 'pygments' })]),
      },
      nameLevel,
    ],
    [
      'only the image architecture counts',
      {
        classKey: 'python',
        baseImage: 'python:3.12-slim',
        nameLevel,
        packageBytes: named,
        overrides: {},
        resolution: solved([pkg({ size: 4 * MB }), pkg({ size: 9 * MB, arch: 'arm64' })]),
      },
      base + 30 * MB + Math.round(4 * MB * ratio + perPackage),
    ],
  ];
  test.each(cases)('%s', (_, input, expected) => {
    expect(groupEstimate(input)).toBe(expected);
  });
});

describe('file sizes', () => {
  const request: SolveRequest = {
    ecosystem: 'pip',
    arch: 'amd64',
    specs: ['networkx==2.8.8'],
    sources: ['https://pypi.org/simple'],
  };

  test('kept in the lock file and read back the same', () => {
    const store = new LockStore();
    const packages = [pkg({ depends: [], size: 1_617_116 })];
    store.set(request, { kind: 'solved', packages });
    const text = store.serialize();
    expect(text).toContain(`"sha256":"${'a'.repeat(64)}","depends":[],"size":1617116}`);
    // Read back (every field checked) and written again: the same text, size and all.
    const back = LockStore.parse(text, 'stowage.lock');
    expect(back.serialize()).toBe(text);
  });

  test('a size that is not a number of bytes is refused', () => {
    const store = new LockStore();
    store.set(request, { kind: 'solved', packages: [pkg({ size: 5 })] });
    const text = store.serialize().replace('"size":5', '"size":"5"');
    expect(() => LockStore.parse(text, 'stowage.lock')).toThrow(/size must be a number of bytes/);
  });

  test("asked of the source with HEAD; a file it does not know keeps none; conda's are its own", async () => {
    const methods: string[] = [];
    const server = createServer((req, res) => {
      methods.push(`${req.method} ${req.url}`);
      if (req.url === '/a.whl') res.writeHead(200, { 'content-length': '1234' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const outcome = await withFileSizes(
        {
          kind: 'solved',
          packages: [
            pkg({ url: `${url}/a.whl` }),
            pkg({ name: 'gone', url: `${url}/gone.whl` }),
            pkg({ ecosystem: 'conda', name: 'zlib', url: `${url}/zlib.conda`, size: 99 }),
          ],
        },
        fetch,
      );
      expect(outcome.kind === 'solved' && outcome.packages.map((p) => p.size)).toEqual([
        1234,
        undefined,
        99,
      ]);
      expect(methods.sort()).toEqual(['HEAD /a.whl', 'HEAD /gone.whl']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
