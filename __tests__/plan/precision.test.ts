/**
 * Precision on real pipelines (part of issue 17.11): no STW407 on conda's `tensorflow` (a CPU
 * build; only `tensorflow-gpu` or a `cuda` build string is GPU), no "~0 B" comparison when nothing
 * is planned, no `""` in messages (an empty name quoted). Fixtures of our own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import { main, type Io } from '../../src/cli/main.js';
import { compareImages, comparisonText } from '../../src/report/comparison.js';
import { familyOf, gpuBuild } from '../../src/software/family.js';
import { prepareRequirements } from '../../src/software/requirements.js';
import { plan } from '../../src/plan/plan.js';
import { offline } from '../helpers/offline.js';
import { testPlan } from '../helpers/plans.js';
import { tempDir } from '../helpers/temp.js';
import { step, workflow } from './helpers.js';

describe('GPU builds, by ecosystem', () => {
  test.each<[string, 'pip' | 'conda' | 'apt', 'gpu' | 'either' | 'none']>([
    ['tensorflow=2.15', 'conda', 'either'],
    ['conda-forge::tensorflow', 'conda', 'either'],
    ['tensorflow=2.15=cuda118py311h0_0', 'conda', 'gpu'],
    ['pytorch=2.3=*cuda*', 'conda', 'gpu'],
    ["pytorch[build='*cuda*']", 'conda', 'gpu'],
    ['pytorch=2.3', 'conda', 'either'],
    ['tensorflow-gpu=2.4', 'conda', 'gpu'],
    ['pytorch::pytorch-cuda=12.1', 'conda', 'gpu'],
    ['cudatoolkit=11.8', 'conda', 'gpu'],
    ['samtools=1.20', 'conda', 'none'],
    ['tensorflow==2.17.0', 'pip', 'gpu'],
    ['torch>=2.3', 'pip', 'gpu'],
    ['numpy==2.0.1', 'pip', 'none'],
  ])('%s (%s) is %s', async (text, ecosystem, expected) => {
    await prepareRequirements([text]);
    expect(gpuBuild(text, ecosystem)).toBe(expected);
  });

  test('a conda step with tensorflow is a CPU step unless it asks for a GPU or a cuda build', () => {
    expect(familyOf(step('a', { conda: ['tensorflow=2.15'] })).gpu).toBe(false);
    expect(familyOf(step('a', { conda: ['tensorflow=2.15=cuda118*'] })).gpu).toBe(true);
    expect(
      familyOf(step('a', { conda: ['tensorflow=2.15'] }, { resources: { gpus: 1 } })).gpu,
    ).toBe(true);
    expect(familyOf(step('a', { pip: ['tensorflow==2.17.0'] })).gpu).toBe(true);
  });
});

describe('STW407 on conda tensorflow', () => {
  const spec = (software: string, resources = '') =>
    [
      'version: 1',
      'name: w',
      'steps:',
      '  train:',
      '    run: python train.py',
      `    software: ${software}`,
      ...(resources ? [`    resources: ${resources}`] : []),
      '',
    ].join('\n');

  async function stw407(text: string): Promise<string[]> {
    const root = tempDir('precision');
    writeFileSync(path.join(root, 'stowage.yml'), text);
    const result = await lintAndPlan('stowage.yml', { root });
    return result.findings.filter((f) => f.rule === 'STW407').map((f) => f.message);
  }

  test.each([
    ['conda tensorflow, no GPU asked', spec('{ conda: [tensorflow=2.15] }'), []],
    ['conda tensorflow with a GPU', spec('{ conda: [tensorflow=2.15] }', '{ gpus: 1 }'), []],
    ['conda pytorch with a GPU', spec('{ conda: [pytorch=2.3] }', '{ gpus: 1 }'), []],
  ])('%s: quiet', async (_, text, expected) => {
    expect(await stw407(text)).toEqual(expected);
  });

  test.each([
    ['a conda cuda build, no GPU asked', spec("{ conda: ['tensorflow=2.15=cuda118*'] }")],
    ['conda tensorflow-gpu, no GPU asked', spec('{ conda: [tensorflow-gpu=2.4] }')],
    ['pip tensorflow, no GPU asked', spec('{ python: "3.12", pip: [tensorflow==2.17.0] }')],
    ['a GPU asked, nothing uses it', spec('{ conda: [samtools=1.20] }', '{ gpus: 1 }')],
  ])('%s: fires', async (_, text) => {
    expect(await stw407(text)).toHaveLength(1);
  });
});

describe('the comparison with the current containers', () => {
  test('when nothing is planned, plan prints none (no "~0 B")', async () => {
    const root = tempDir('precision-cwl');
    mkdirSync(path.join(root, 'tools'));
    writeFileSync(
      path.join(root, 'tools', 'x.cwl'),
      'cwlVersion: v1.2\nclass: CommandLineTool\nrequirements:\n  DockerRequirement: { dockerPull: "registry.example.org/lab/x:1.0" }\nbaseCommand: [x]\ninputs: []\noutputs: []\n',
    );
    writeFileSync(
      path.join(root, 'workflow.cwl'),
      'cwlVersion: v1.2\nclass: Workflow\ninputs: []\noutputs: []\nsteps:\n  x:\n    run: tools/x.cwl\n    in: {}\n    out: []\n',
    );
    let out = '';
    const io: Io = {
      stdout: (t) => (out += t),
      stderr: () => undefined,
      cwd: root,
      env: {},
      ...offline,
    };
    await main(['plan', 'workflow.cwl', '--resolve', 'off', '--out-dir', 'out'], io);
    expect(out).toContain('Plan: no image to build');
    expect(out).not.toContain('Current containers against the plan');
    expect(out).not.toContain('~0 B');
  });

  test('an image size nothing can estimate is unknown, never ~0 B', () => {
    const w = workflow([step('x', {}, { container: 'registry.example.org/lab/x:1.0' })]);
    const plan = testPlan([], {
      external: [{ step: 'x', image: 'registry.example.org/lab/x:1.0' }],
    });
    const text = comparisonText(compareImages(w, { x: 'registry.example.org/lab/x:1.0' }, plan));
    expect(text).toMatch(/^current containers\s+1\s+unknown$/m);
    expect(text).toMatch(/^stowage plan \(0 to build \+ 1 used as is\)\s+1\s+unknown$/m);
    expect(text).not.toContain('0 B');
  });
});

describe('no empty name quoted in a message', () => {
  test('a Snakemake rule with `conda: ""` is said to have an empty directive', async () => {
    const root = tempDir('precision-smk');
    writeFileSync(
      path.join(root, 'Snakefile'),
      'rule get:\n    output: "x.txt"\n    conda: ""\n    shell: "touch {output}"\n',
    );
    const result = await lintAndPlan('.', { root, plan: true });
    const messages = result.findings.map((f) => f.message);
    expect(messages.filter((m) => m.includes('""'))).toEqual([]);
    expect(messages).toContainEqual(
      'Rule get has an empty `conda:` directive, which names no environment: nothing is installed from it.',
    );
  });

  test('nor an empty container', () => {
    const { plan: p, findings } = plan(workflow([step('a', { apt: ['curl'] }, { container: '' })]));
    expect(findings.map((f) => f.message)).toEqual([
      'Step "a": its `container:` is empty: it is neither `auto`, a pinned group, nor a valid image reference.',
    ]);
    expect(p.unplanned).toEqual([
      {
        step: 'a',
        reason:
          'its `container:` is empty: it is neither `auto`, a pinned group, nor a valid image reference',
      },
    ]);
  });
});
