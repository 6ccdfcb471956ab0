/**
 * The needs analysis (conda-needs.ts) on small channels, versions matched by rattler (the conda
 * solver's own reading, as the gateway matches them): what it proves, and what it leaves to the
 * solver.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { NeedsAnalysis, type NeedRecord } from '../../src/resolve/conda-needs.js';
import { specName } from '../../src/resolve/conda-gateway.js';
import { condaVersionMatches, loadRattler } from '../../src/software/conda-spec.js';

beforeAll(async () => {
  await loadRattler();
});

interface Rec extends NeedRecord {
  name: string;
}

const rec = (name: string, version: string, depends: string[] = [], build = 'h0_0'): Rec => ({
  name,
  version,
  build,
  depends,
});

/** `name`, `name <version spec>`: the forms these tests write. */
function matches(spec: string, r: Rec): boolean {
  const version = spec.trim().split(/\s+/)[1];
  return version === undefined || condaVersionMatches(version, r.version) === true;
}

function analysis(records: Rec[]): NeedsAnalysis<Rec> {
  const byName = new Map<string, Rec[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return new NeedsAnalysis<Rec>((n) => byName.get(n) ?? [], matches, specName);
}

const HTSLIB = [rec('htslib', '1.17'), rec('htslib', '1.20'), rec('htslib', '1.21')];

describe('conflicts the records prove', () => {
  test('two tools pinning different versions of one library, through a dependency', () => {
    const a = analysis([
      ...HTSLIB,
      rec('samtools', '1.17', ['htslib >=1.17,<1.18']),
      rec('bcftools', '1.20', ['htslib >=1.20,<1.21']),
      rec('bedtools', '2.31', ['htslib >=1.17']),
    ]);
    expect(a.conflicts(['samtools ==1.17', 'bcftools ==1.20', 'bedtools'])).toEqual([
      {
        specs: ['bcftools ==1.20', 'samtools ==1.17'],
        explanation:
          'bcftools ==1.20 needs htslib 1.20, samtools ==1.17 needs htslib 1.17: no htslib satisfies both',
      },
    ]);
  });

  test('a need is what every build has in common: the union of what each build allows', () => {
    // tool 2.0 is built for Python 3.11 and 3.12: it needs python 3.11 or 3.12, whichever build.
    const pythons = ['2.7.18', '3.11.9', '3.12.4', '3.13.0'].map((v) => rec('python', v));
    const a = analysis([
      ...pythons,
      rec('tool', '2.0', ['python >=3.11,<3.12'], 'py311_0'),
      rec('tool', '2.0', ['python >=3.12,<3.13'], 'py312_0'),
      rec('old', '1.0', ['python >=2.7,<2.8']),
      rec('new', '1.0', ['python >=3.12']),
    ]);
    expect(a.conflicts(['tool', 'old']).map((c) => c.explanation)).toEqual([
      'old needs python 2.7.18, tool needs python 3.11.9 or 3.12.4: no python satisfies both',
    ]);
    // 3.12 is in both: no proof, whatever the solver later finds.
    expect(a.conflicts(['tool', 'new'])).toEqual([]);
  });

  test('through a chain of needs, and a build that cannot be installed is no way out', () => {
    const a = analysis([
      rec('zlib', '1.2'),
      rec('zlib', '1.3'),
      rec('libpng', '1.6', ['zlib >=1.3']),
      rec('viewer', '1.0', ['libpng']),
      // A build that would take any zlib, but needs a package no channel has.
      rec('viewer', '1.0', ['missing-lib'], 'h1_1'),
      rec('legacy', '1.0', ['zlib <1.3']),
    ]);
    expect(a.conflicts(['viewer', 'legacy']).map((c) => c.explanation)).toEqual([
      'legacy needs zlib 1.2, viewer needs zlib 1.3: no zlib satisfies both',
    ]);
  });

  test('a dependency cycle ends at the package itself, and what is proved stays true', () => {
    const a = analysis([
      rec('a', '1.0', ['b']),
      rec('b', '1.0', ['a', 'c >=2']),
      rec('c', '1.0'),
      rec('c', '2.0'),
      rec('pin', '1.0', ['c <2']),
    ]);
    expect(a.conflicts(['a', 'pin']).map((c) => c.specs)).toEqual([['a', 'pin']]);
  });

  test('what a cycle shows does not depend on the requests read before', () => {
    const records = () => [
      rec('a', '1.0', ['b']),
      rec('b', '1.0', ['a', 'p ==1']),
      rec('p', '1'),
      rec('p', '2'),
    ];
    const fresh = analysis(records()).conflicts(['a', 'p ==2']);
    expect(fresh.map((c) => c.specs)).toEqual([['a', 'p ==2']]);
    const after = analysis(records());
    after.conflicts(['b']);
    after.conflicts(['p ==1', 'b']);
    expect(after.conflicts(['a', 'p ==2'])).toEqual(fresh);
  });

  test('many versions of a name in the channel: one proof a pair, the first name that shows it', () => {
    const a = analysis([
      ...HTSLIB,
      rec('zlib', '1.2'),
      rec('zlib', '1.3'),
      rec('x', '1', ['htslib ==1.17', 'zlib ==1.2']),
      rec('y', '1', ['htslib ==1.20', 'zlib ==1.3']),
    ]);
    const found = a.conflicts(['y', 'x', 'x']);
    expect(found.map((c) => [c.specs, c.explanation.split(' needs ')[1]])).toEqual([
      [['x', 'y'], 'htslib 1.17, y'],
    ]);
  });
});

describe('what it leaves to the solver', () => {
  test('a conflict of three requirements, each pair of which installs', () => {
    const a = analysis([
      rec('liba', '1.0'),
      rec('liba', '2.0'),
      rec('libb', '1.0'),
      rec('libb', '2.0'),
      rec('both', '1.0', ['liba ==1.0', 'libb ==1.0'], 'h0_0'),
      rec('both', '1.0', ['liba ==2.0', 'libb ==2.0'], 'h1_1'),
    ]);
    expect(a.conflicts(['both', 'liba ==1.0', 'libb ==2.0'])).toEqual([]);
  });

  test('a spec no record matches, and virtual packages', () => {
    const a = analysis([rec('tool', '1.0', ['__glibc >=2.17']), rec('other', '1.0')]);
    expect(a.conflicts(['nothing-like-it', 'tool', 'other'])).toEqual([]);
  });

  test('a name every record of which would do takes no part', () => {
    // Both need python, but any python: nothing narrows it.
    const a = analysis([
      rec('python', '3.12'),
      rec('p', '1', ['python']),
      rec('q', '1', ['python']),
    ]);
    expect(a.conflicts(['p', 'q'])).toEqual([]);
  });
});

describe('bounded', () => {
  test('3,000 requirements on two sides of one need: 10,000 pairs at most, each side compared once', () => {
    const tools = Array.from({ length: 3000 }, (_, i) =>
      rec(`t${i}`, '1.0', [i % 2 === 0 ? 'python <3' : 'python >=3']),
    );
    const a = analysis([rec('python', '2.7'), rec('python', '3.12'), ...tools]);
    const found = a.conflicts(tools.map((t) => t.name));
    expect(found).toHaveLength(10_000);
    // Each pair: one tool of each side.
    const sides = (specs: string[]) => specs.map((t) => Number(t.slice(1)) % 2).sort();
    expect(found.every((c) => sides(c.specs).join() === '0,1')).toBe(true);
    expect(found[0]!.specs[0] < found[0]!.specs[1]).toBe(true);
  });

  test('a chain of 5,000 names is read without running out of stack', () => {
    const chain = Array.from({ length: 5000 }, (_, i) =>
      rec(`n${i}`, '1.0', i + 1 < 5000 ? [`n${i + 1}`] : ['zlib >=1.3']),
    );
    const a = analysis([
      ...chain,
      rec('zlib', '1.2'),
      rec('zlib', '1.3'),
      rec('old', '1', ['zlib <1.3']),
    ]);
    // Past the depth bound the chain's end is not read: no proof, and no crash.
    expect(a.conflicts(['n0', 'old'])).toEqual([]);
    // Read from nearer, the same need is found.
    expect(a.conflicts(['n4990', 'old']).map((c) => c.specs)).toEqual([['n4990', 'old']]);
  });
});
