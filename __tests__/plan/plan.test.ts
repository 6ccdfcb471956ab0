import { plan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { GroupPin, Step } from '../../src/workflow/model.js';
import { step, workflow } from './helpers.js';

const GB = 1_000_000_000;

function groupsOf(p: Plan): Record<string, string[]> {
  return Object.fromEntries(p.groups.map((g) => [g.name, g.steps]));
}

function pins(...list: [string, string[], string?][]): GroupPin[] {
  return list.map(([name, steps, base]) => (base ? { name, steps, base } : { name, steps }));
}

describe('grouping: cases with a known optimum', () => {
  it('splits only where versions conflict', () => {
    const { plan: p } = plan(
      workflow([
        step('a', { pip: ['numpy==1.26.4'] }),
        step('b', { pip: ['numpy==2.0.1'] }),
        step('c', { pip: ['pandas==2.2.2'] }),
      ]),
    );
    expect(p.groups).toHaveLength(2);
    expect(p.lowerBound).toBe(2);
    expect(groupsOf(p)).toEqual({ python: ['a', 'c'], 'python-2': ['b'] });
  });

  it('colours a crown graph with two groups where first fit in document order needs three', () => {
    // a_i conflicts with b_j exactly when i != j: bipartite, so two images suffice.
    const n = 4;
    const steps: Step[] = [];
    for (let i = 0; i < n; i++) {
      steps.push(step(`a${i}`, { pip: [`p${i}==1.0`] }));
      steps.push(
        step(`b${i}`, {
          pip: Array.from({ length: n }, (_, j) => j)
            .filter((j) => j !== i)
            .map((j) => `p${j}==2.0`),
        }),
      );
    }
    const { plan: p } = plan(workflow(steps));
    expect(p.groups).toHaveLength(2);
    expect(p.lowerBound).toBe(2);
    expect(new Set(p.groups.map((g) => g.steps.join(',')))).toEqual(
      new Set(['a0,a1,a2,a3', 'b0,b1,b2,b3']),
    );
  });

  it('needs one image per member of a clique of conflicting versions', () => {
    const { plan: p } = plan(
      workflow([
        step('a', { pip: ['scipy==1.12.0'] }),
        step('b', { pip: ['scipy==1.13.0'] }),
        step('c', { pip: ['scipy==1.14.0'] }),
        step('d', { pip: ['scipy>=1.13'] }),
        step('e', { pip: ['scipy<1.13'] }),
      ]),
    );
    expect(p.lowerBound).toBe(3);
    expect(p.groups).toHaveLength(3);
  });

  it('keeps families and GPU builds apart even without conflicts', () => {
    const { plan: p } = plan(
      workflow([
        step('py', { pip: ['numpy==2.0.1'] }),
        step('gpu', { pip: ['tensorflow==2.17.0', 'numpy==2.0.1'] }),
        step('java', { java: '21' }),
        step('tool', { apt: ['samtools'] }),
        step('env', { conda: ['bioconda::bwa=0.7.18'] }),
        step('rr', { cran: ['ggplot2==3.5.1'] }),
        step('js', { npm: ['@mermaid-js/mermaid-cli@10.9.1'] }),
        step('nothing'),
        step(
          'ext',
          { pip: ['x==1'] },
          { container: 'quay.io/biocontainers/bwa:0.7.18--he4a0461_0' },
        ),
      ]),
    );
    expect(groupsOf(p)).toEqual({
      python: ['py'],
      'python-gpu': ['gpu'],
      jvm: ['java'],
      native: ['tool'],
      conda: ['env'],
      r: ['rr'],
      node: ['js'],
    });
    expect(p.external).toEqual([
      { step: 'ext', image: 'quay.io/biocontainers/bwa:0.7.18--he4a0461_0' },
    ]);
    expect(p.lowerBound).toBe(7);
  });

  it('treats runtime versions as conflicts unless one is a prefix of the other', () => {
    const { plan: p } = plan(
      workflow([
        step('a', { python: '3.12', pip: ['x==1'] }),
        step('b', { python: '3.12.4' }),
        step('c', { python: '3.11', pip: ['x==1'] }),
      ]),
    );
    expect(groupsOf(p)).toEqual({ python: ['a', 'b'], 'python-2': ['c'] });
    expect(p.groups[0]!.runtimes).toEqual({ python: '3.12.4' });
    expect(p.groups[0]!.baseImage).toBe('docker.io/library/python:3.12.4-slim');
    expect(p.groups[1]!.baseImage).toBe('docker.io/library/python:3.11-slim');
  });

  it('colours runtime buckets apart and lets steps without a runtime float into them', () => {
    const { plan: p } = plan(
      workflow([
        step('old', { python: '3.11', pip: ['numpy==1.26.4'] }),
        step('new', { python: '3.12', pip: ['numpy==2.0.1'] }),
        step('new2', { python: '3.12', pip: ['numpy==1.26.4'] }),
        step('any', { pip: ['numpy==2.0.1', 'pandas==2.2.2'] }),
      ]),
    );
    expect(groupsOf(p)).toEqual({
      python: ['old'],
      'python-2': ['new', 'any'],
      'python-3': ['new2'],
    });
    expect(p.lowerBound).toBe(3);
  });

  it('conflicts conda runtimes through the solve (python=3.9.5 vs python=3.12.2)', () => {
    const { plan: p } = plan(
      workflow([
        step('a', { conda: ['python=3.9.5', 'numpy=1.26'] }),
        step('b', { conda: ['python=3.12.2'] }),
        step('c', { python: '3.12', conda: ['samtools=1.20'] }),
      ]),
    );
    expect(groupsOf(p)).toEqual({ conda: ['a'], 'conda-2': ['b', 'c'] });
  });

  it('splits a family to respect the size budget, fewest images first', () => {
    const heavy = (id: string, pkg: string) => step(id, { pip: [`${pkg}==1.0`] });
    const { plan: p, findings } = plan(
      workflow(
        [heavy('a', 'big-a'), heavy('b', 'big-b'), heavy('c', 'big-c'), heavy('d', 'big-d')],
        {
          containers: {
            baseImages: {},
            groups: [],
            sizeBudget: 2.5 * GB,
            packageSizes: { 'big-a': GB, 'big-b': GB, 'big-c': GB, 'big-d': GB },
          },
        },
      ),
    );
    expect(p.groups.map((g) => g.steps.length)).toEqual([2, 2]);
    expect(p.groups.map((g) => g.name)).toEqual(['python', 'python-2']);
    expect(p.groups.every((g) => g.estimatedSize <= 2.5 * GB)).toBe(true);
    expect(findings).toEqual([]);
  });

  it('puts a step that fits several groups where it adds least, not in the first one', () => {
    const { plan: p } = plan(
      workflow(
        [
          step('b', { pip: ['numpy==1.26.4', 'huge==1.0'] }),
          step('a', { pip: ['numpy==2.0.1', 'big==1.0'] }),
          step('c', { pip: ['big==1.0'] }),
        ],
        { containers: { baseImages: {}, groups: [], packageSizes: { huge: 3 * GB, big: GB } } },
      ),
    );
    expect(groupsOf(p)).toEqual({ python: ['b'], 'python-2': ['a', 'c'] });
  });
});

describe('pins', () => {
  it('honours pins, keeps their names, and never reuses them for automatic groups', () => {
    const { plan: p, findings } = plan(
      workflow(
        [
          step('a', { pip: ['numpy==2.0.1'] }),
          step('b', { pip: ['numpy==2.0.1'] }),
          step('c', { pip: ['pandas==2.2.2'] }, { container: 'python' }),
        ],
        { containers: { baseImages: {}, groups: pins(['python', ['a']]), packageSizes: {} } },
      ),
    );
    expect(groupsOf(p)).toEqual({ python: ['a', 'c'], 'python-2': ['b'] });
    expect(p.groups[0]!.pinned).toBe(true);
    // The pin could take b too, but pins are closed; two python images that could merge is not
    // an over-split (only one is pinned).
    expect(findings).toEqual([]);
  });

  it('reports a pinned group with conflicting steps (STW404), naming both and the package', () => {
    const { plan: p, findings } = plan(
      workflow([step('old', { pip: ['numpy==1.26.4'] }), step('new', { pip: ['numpy==2.0.1'] })], {
        containers: { baseImages: {}, groups: pins(['ml', ['old', 'new']]), packageSizes: {} },
      }),
    );
    expect(groupsOf(p)).toEqual({ ml: ['old', 'new'] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'STW404',
      name: 'forced-conflict',
      severity: 'error',
      file: '#["containers","groups","ml","steps",1]',
    });
    expect(findings[0]!.message).toContain('"old" and "new"');
    expect(findings[0]!.message).toContain('numpy==1.26.4 vs numpy==2.0.1');
    // Installing both numpy versions in one image would fail or lie: the group is not rendered.
    const ml = p.groups.find((g) => g.name === 'ml')!;
    expect(ml.blocked).toEqual([findings[0]!.message]);
    expect(ml.generated).toEqual({});
  });

  it('reports a pinned group that mixes families (STW404)', () => {
    const { findings } = plan(
      workflow([step('py', { pip: ['x==1'] }), step('java', { java: '21' })], {
        containers: { baseImages: {}, groups: pins(['mixed', ['py', 'java']]), packageSizes: {} },
      }),
    );
    expect(findings.map((f) => f.rule)).toEqual(['STW404']);
    expect(findings[0]!.message).toContain('python vs jvm');
  });

  it('reports pins that could merge (STW406) and stays quiet when they conflict', () => {
    const mk = (bVersion: string) =>
      plan(
        workflow(
          [step('a', { pip: ['numpy==2.0.1'] }), step('b', { pip: [`numpy==${bVersion}`] })],
          {
            containers: {
              baseImages: {},
              groups: pins(['one', ['a']], ['two', ['b']]),
              packageSizes: {},
            },
          },
        ),
      ).findings;
    const fires = mk('2.0.1');
    expect(fires.map((f) => [f.rule, f.file])).toEqual([
      ['STW406', '#["containers","groups","two"]'],
    ]);
    expect(fires[0]!.message).toContain('"one" and "two"');
    expect(mk('1.26.4')).toEqual([]);
  });

  it('reports an over-budget pinned group (STW405) and a step too big on its own', () => {
    const { findings } = plan(
      workflow(
        [
          step('a', { pip: ['tensorflow==2.17.0'] }),
          step('b', { pip: ['torch==2.4.0'] }),
          step('solo', { pip: ['texlive==1.0'] }),
        ],
        {
          containers: {
            baseImages: {},
            groups: pins(['gpu', ['a', 'b']]),
            sizeBudget: 3 * GB,
            packageSizes: { texlive: 5 * GB },
          },
        },
      ),
    );
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ['STW405', '#["containers","groups","gpu"]'],
      ['STW405', '#["steps","solo","software"]'],
    ]);
    expect(findings[0]!.message).toMatch(/estimated at 6\.\d GB, over the size budget of 3\.0 GB/);
    expect(findings[0]!.message).toContain('torch 4.3 GB');
  });
});

describe('injection', () => {
  it.each([
    ['pip', 'numpy; rm -rf /'],
    ['pip', 'numpy==1.0 && curl evil | sh'],
    ['apt', 'curl$(id)'],
    ['conda', "numpy=1.26' ; id ; '"],
    ['npm', 'x@`id`'],
    ['maven', 'a:b:1.0\nRUN id'],
    ['cran', 'x"); system("id'],
  ] as const)(
    'refuses %s %j: a finding at the item, its step unplanned, the rest planned',
    (eco, text) => {
      const w = workflow([
        step('evil', { [eco]: ['ok-package', text] }),
        step('fine', { apt: ['curl'] }),
      ]);
      if (eco === 'maven') w.steps[0]!.software.maven = ['org.ok:fine:1.0', text];
      if (eco === 'cran') w.steps[0]!.software.cran = ['ggplot2', text];
      const { plan: p, findings } = plan(w);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        rule: 'STW410',
        name: 'invalid-requirement',
        severity: 'error',
        file: `#["steps","evil","software","${eco}",1]`,
      });
      expect(p.groups.some((g) => g.steps.includes('evil'))).toBe(false);
      expect(p.unplanned).toEqual([
        { step: 'evil', reason: expect.stringContaining(`${eco} requirement`) as string },
      ]);
      const rendered = p.groups.flatMap((g) => Object.values(g.generated)).join('\n');
      expect(rendered).not.toContain(text);
      expect(rendered).not.toMatch(/\bid\b|system\(|curl evil/);
      const fine = p.groups.find((g) => g.steps.includes('fine'))!;
      expect(fine.blocked).toBeUndefined();
      expect(fine.generated['Dockerfile']).toBeDefined();
    },
  );

  it.each([
    ['../secrets.txt'],
    ['/etc/passwd'],
    ['scripts/$(id).py'],
    ['scripts/a b.py'],
    ['scripts\\a.py'],
  ])('refuses the file path %j', (path) => {
    const { plan: p, findings } = plan(workflow([step('s', { files: [path], apt: ['curl'] })]));
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ['STW410', '#["steps","s","software","files",0]'],
    ]);
    expect(p.groups).toEqual([]);
    expect(p.unplanned).toEqual([
      { step: 's', reason: expect.stringContaining('is refused') as string },
    ]);
  });

  it.each([
    ['python', '3.12; rm -rf /'],
    ['java', 'latest'],
  ] as const)('refuses the runtime %s %j', (kind, value) => {
    const { findings } = plan(workflow([step('s', { [kind]: value, apt: ['curl'] })]));
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ['STW410', `#["steps","s","software","${kind}"]`],
    ]);
  });

  it('refuses a base image reference that is not one, and a container that is not one', () => {
    const { plan: p, findings } = plan(
      workflow([step('a', { apt: ['curl'] }), step('b', {}, { container: 'ubuntu:22.04; id' })], {
        containers: { baseImages: { native: 'debian:12\nRUN id' }, groups: [], packageSizes: {} },
      }),
    );
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ['STW410', '#["containers","base-images","native"]'],
      ['STW410', '#["steps","b","container"]'],
    ]);
    expect(p.groups[0]!.blocked).toBeDefined();
    expect(p.external).toEqual([]);
  });
});

describe('base images', () => {
  const w = () =>
    workflow(
      [
        step('a', { pip: ['x==1'] }),
        step('g', { pip: ['torch==2.4.0'] }),
        step('n', { apt: ['cuda-toolkit-12-4'] }),
        step('p', { apt: ['curl'] }),
      ],
      {
        containers: {
          baseImages: { python: 'registry.example/python:3.12', gpu: 'registry.example/gpu:1' },
          groups: pins(['pinned', ['p'], 'registry.example/pin:1']),
          packageSizes: {},
        },
      },
    );
  it('takes the spec over the defaults, GPU keys first, the pin base for the pin', () => {
    const bases = Object.fromEntries(plan(w()).plan.groups.map((g) => [g.name, g.baseImage]));
    expect(bases).toEqual({
      python: 'registry.example/python:3.12',
      'python-gpu': 'registry.example/gpu:1',
      'native-gpu': 'registry.example/gpu:1',
      pinned: 'registry.example/pin:1',
    });
  });
  it('lets options.baseImages win over everything (a family key covers its GPU class too)', () => {
    const bases = plan(w(), {
      baseImages: { python: 'localhost:5000/py:1', native: 'localhost:5000/busybox:1' },
    }).plan.groups.map((g) => g.baseImage);
    expect(bases).toEqual([
      'localhost:5000/py:1',
      'localhost:5000/py:1',
      'localhost:5000/busybox:1',
      'localhost:5000/busybox:1',
    ]);
  });
});

describe('determinism, hashes and baselines', () => {
  const spec = () =>
    workflow([
      step('a', { pip: ['numpy==1.26.4'], files: ['scripts/a.py'] }),
      step('b', { pip: ['numpy==2.0.1', 'pandas==2.2.2'] }),
      step('c', { pip: ['pandas==2.2.2'], apt: ['curl'] }),
      step('d', { java: '21', maven: ['info.picocli:picocli:4.7.6'] }),
    ]);

  it('gives byte-identical JSON for the same input', () => {
    const read = () => Buffer.from('print(1)\n');
    const one = JSON.stringify(plan(spec(), { readFile: read }));
    const two = JSON.stringify(plan(spec(), { readFile: read }));
    expect(two).toBe(one);
  });

  it('changes the content hash of exactly the group whose copied file changed', () => {
    const h = (text: string) =>
      plan(spec(), { readFile: () => Buffer.from(text) }).plan.groups.map((g) => g.contentHash);
    const before = h('print(1)\n');
    const after = h('print(2)\n');
    expect(before.every((x) => /^[0-9a-f]{64}$/.test(x))).toBe(true);
    expect(before.filter((x, i) => x !== after[i])).toHaveLength(1);
  });

  it('changes the content hash with the base image', () => {
    const a = plan(spec()).plan.groups[0]!.contentHash;
    const b = plan(spec(), { baseImages: { python: 'python:3.13-slim' } }).plan.groups[0]!
      .contentHash;
    expect(a).not.toBe(b);
  });

  it('blocks the group of a file that cannot be read', () => {
    const { plan: p, findings } = plan(spec(), {
      readFile: () => {
        throw new Error('ENOENT');
      },
    });
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ['STW410', '#["steps","a","software","files",0]'],
    ]);
    expect(p.groups.filter((g) => g.blocked).map((g) => g.steps)).toEqual([['a']]);
  });

  it('compares with one image per step and one for everything', () => {
    const { plan: p } = plan(spec());
    expect(p.baselines.perStep.images).toBe(4);
    expect(p.baselines.perStep.conflicts).toBe(0);
    expect(p.baselines.monolith.images).toBe(1);
    expect(p.baselines.monolith.conflicts).toBe(1);
    expect(p.baselines.perStep.estimatedTotalSize).toBeGreaterThan(
      p.baselines.monolith.estimatedTotalSize,
    );
    expect(p.groups).toHaveLength(3);
  });
});
