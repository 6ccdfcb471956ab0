/**
 * Conda requirements as conda reads them (issue 17.5): what the project's fast grammar refuses is
 * split as conda splits it and its version read by rattler, whose verdict is final; a refused
 * requirement keeps only its own step out of the plan, and is reported once per place.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import { plan } from '../../src/plan/plan.js';
import { renderGroup } from '../../src/plan/dockerfile.js';
import { splitCondaSpec } from '../../src/software/conda-spec.js';
import {
  allows,
  condaForms,
  conflicts,
  parseRequirement,
  prepareRequirements,
  type Requirement,
} from '../../src/software/requirements.js';
import { tempDir } from '../helpers/temp.js';
import { step, workflow } from '../plan/helpers.js';

/** Specs conda accepts and the fast grammar does not: [text, name, solver form, install form, pinned]. */
const ACCEPTED: [string, string, string, string, boolean][] = [
  [
    'bioconda::metabinner=1.4.4-0',
    'metabinner',
    'metabinner 1.4.4-0*',
    'bioconda::metabinner 1.4.4-0*',
    true,
  ],
  [
    'ucsc-bedgraphtobigwig == 377',
    'ucsc-bedgraphtobigwig',
    'ucsc-bedgraphtobigwig ==377',
    'ucsc-bedgraphtobigwig ==377',
    true,
  ],
  ["numpy[version='>=1.20',build=py*]", 'numpy', 'numpy >=1.20 py*', 'numpy >=1.20 py*', false],
  [
    'numpy[channel=conda-forge,build_number=3]',
    'numpy',
    "numpy[build_number='3']",
    "conda-forge::numpy[build_number='3']",
    false,
  ],
  [
    "conda-forge/linux-64::libzlib[version='>=1.2']",
    'libzlib',
    "libzlib >=1.2[subdir='linux-64']",
    "conda-forge::libzlib >=1.2[subdir='linux-64']",
    false,
  ],
  [
    'https://conda.anaconda.org/bioconda::samtools 1.20',
    'samtools',
    'samtools ==1.20',
    'https://conda.anaconda.org/bioconda::samtools ==1.20',
    true,
  ],
  ['multiqc  # the report', 'multiqc', 'multiqc', 'multiqc', false],
  ['python >=3.8 , <3.13', 'python', 'python >=3.8,<3.13', 'python >=3.8,<3.13', false],
];

/** Specs conda (or Stowage, saying why) refuses: [text, a part of the reason]. */
const REFUSED: [string, string][] = [
  ['numpy ==1..2', "rattler (conda's solver): malformed version string '1..2'"],
  ['numpy >=', 'reads ">=" as incomplete'],
  ['numpy >=1.2abc$', 'cannot read ">=1.2abc$" from character 9'],
  ['bioconda:samtools', 'did you mean bioconda::samtools?'],
  ['numpy[url=https://evil.example/numpy.conda]', 'installs a file no channel vouches for'],
  ['./numpy-1.26-h0_0.conda', 'names a package file'],
  ['numpy[color=blue]', 'conda cannot match on the field "color"'],
  ['numpy[nonsense]', 'key=value pairs'],
  ['* 1.2', 'name the one to install'],
  ['numpy=1.26 py$(id)', "parentheses hold only conda's install options"],
  ["numpy=1.26' ; id ; '", 'is not a valid conda build string'],
  ['samtools (1.20)', "parentheses hold only conda's install options"],
];

describe('conda match specs the fast grammar refuses', () => {
  test('are refused until rattler is loaded, which only such a spec triggers', async () => {
    expect(parseRequirement('conda', 'ucsc-bedgraphtobigwig == 377').ok).toBe(false);
    await prepareRequirements(['samtools=1.20', 'ucsc-bedgraphtobigwig == 377']);
    expect(parseRequirement('conda', 'ucsc-bedgraphtobigwig == 377').ok).toBe(true);
  });

  test.each(ACCEPTED)(
    '%j is accepted as conda reads it',
    async (text, name, solver, install, pinned) => {
      await prepareRequirements([text]);
      const r = parseRequirement('conda', text);
      if (!r.ok) throw new Error(r.reason);
      expect([r.name, r.pinned, r.versioned]).toEqual([name, pinned, solver.includes(' ')]);
      expect(condaForms(text)).toEqual({ solver, install });
      // The canonical forms read back the same (the lock's check parses the solver's form).
      expect(parseRequirement('conda', solver)).toMatchObject({ ok: true, name });
    },
  );

  test.each(REFUSED)('%j is refused with the reason', async (text, reason) => {
    await prepareRequirements([text]);
    const r = parseRequirement('conda', text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  test('versions are compared by rattler and grouped by conda VersionOrder', async () => {
    await prepareRequirements(['ucsc-bedgraphtobigwig == 377']);
    const req = (t: string) => parseRequirement('conda', t) as Requirement;
    expect(allows(req('ucsc-bedgraphtobigwig == 377'), '377')).toBe(true);
    expect(allows(req('ucsc-bedgraphtobigwig == 377'), '378')).toBe(false);
    expect(allows(req("numpy[version='>=1.20']"), '1.19')).toBe(false);
    expect(conflicts(req('ucsc-bedgraphtobigwig == 377'), req('ucsc-bedgraphtobigwig=469'))).toBe(
      true,
    );
    expect(conflicts(req("numpy[version='>=1.20']"), req('numpy=1.26'))).toBe(false);
  });

  test('the split follows conda: brackets override, `=1.2` is fuzzy, `==1.2 b` keeps ==', () => {
    expect(splitCondaSpec("samtools=1.17[version='1.20']")).toMatchObject({
      ok: true,
      parts: { name: 'samtools', version: '1.20' },
    });
    expect(splitCondaSpec('samtools =1.17')).toMatchObject({ parts: { version: '1.17*' } });
    expect(splitCondaSpec('samtools ==1.17 h0_0')).toMatchObject({
      parts: { version: '==1.17', build: 'h0_0' },
    });
  });

  test('an unsolved group installs the canonical form, quoted', async () => {
    await prepareRequirements(['ucsc-bedgraphtobigwig == 377']);
    const w = workflow([step('wig', { conda: ['ucsc-bedgraphtobigwig == 377'] })]);
    const { plan: p, findings } = plan(w);
    expect(findings).toEqual([]);
    const files = renderGroup({
      group: p.groups[0]!,
      steps: w.steps,
      placeholders: {},
      files: [],
      mavenImage: 'maven',
      workflowName: 'w',
    });
    expect(files['Dockerfile']).toContain("'ucsc-bedgraphtobigwig ==377'");
  });
});

describe('a refused requirement', () => {
  test('keeps only its own step out: the step is unplanned with the reason, its group planned', () => {
    const w = workflow([
      step('a', { conda: ['samtools=1.20'] }),
      step('b', { conda: ['samtools=1.20', 'bcftools ==1..20'] }),
      step('c', { conda: ['samtools=1.20'] }),
    ]);
    const { plan: p, findings } = plan(w);
    expect(p.groups.map((g) => [g.name, g.steps, g.blocked])).toEqual([
      ['conda', ['a', 'c'], undefined],
    ]);
    expect(p.unplanned).toEqual([
      { step: 'b', reason: expect.stringContaining('conda requirement "bcftools ==1..20"') },
    ]);
    expect(findings.map((f) => [f.rule, f.message])).toEqual([
      ['STW410', expect.stringMatching(/^Step "b": conda requirement .* the rest of its group/)],
    ]);
  });

  test('in an environment file many rules share is one finding naming the steps', async () => {
    const root = tempDir('conda-spec');
    mkdirSync(join(root, 'envs'));
    writeFileSync(
      join(root, 'envs', 'shared.yaml'),
      'channels: [conda-forge, bioconda]\ndependencies:\n  - samtools=1.20\n  - bcftools ==1..20\n',
    );
    writeFileSync(
      join(root, 'envs', 'good.yaml'),
      'channels: [bioconda]\ndependencies:\n  - ucsc-bedgraphtobigwig == 377\n',
    );
    const rule = (name: string, env: string) =>
      `rule ${name}:\n    output: "${name}.txt"\n    conda: "envs/${env}.yaml"\n    shell: "touch {output}"\n`;
    writeFileSync(
      join(root, 'Snakefile'),
      ['one', 'two', 'three'].map((n) => rule(n, 'shared')).join('\n') + rule('wig', 'good'),
    );
    const result = await lintAndPlan('.', { root, plan: true });
    const refused = result.findings.filter((f) => f.rule === 'STW410');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ file: 'envs/shared.yaml', span: { line: 4 } });
    expect(refused[0]!.message).toMatch(
      /^Steps "one", "two" and "three": conda requirement "bcftools ==1\.\.20" is refused: .*These 3 steps are left out/,
    );
    expect(result.plan!.unplanned.map((u) => u.step)).toEqual(['one', 'two', 'three']);
    expect(result.plan!.groups.flatMap((g) => g.steps)).toEqual(['wig']);
  });
});
