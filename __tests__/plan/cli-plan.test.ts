import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { contextReader, writePlanFiles } from '../../src/app/plan-files.js';
import { planMarkdown, planTable } from '../../src/report/plan.js';
import { plan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { Workflow } from '../../src/workflow/model.js';

/** What `stowage plan` does with a loaded workflow: plan with the context's bytes, write, print. */
function runPlanCommand(
  w: Workflow,
  options: { outDir: string; format: 'text' | 'json'; root: string },
  io: { stdout(s: string): void },
) {
  const result = plan(w, { readFile: contextReader(dirname(join(options.root, w.file))) });
  writePlanFiles(result.plan, options.outDir);
  io.stdout(
    options.format === 'json'
      ? `${JSON.stringify(result.plan, null, 2)}\n`
      : planTable(result.plan),
  );
  return result;
}
import { step, workflow } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

function project() {
  const root = tempDir('plan');
  mkdirSync(join(root, 'flow', 'scripts', 'lib'), { recursive: true });
  writeFileSync(join(root, 'flow', 'scripts', 'a.py'), 'print(1)\n');
  writeFileSync(join(root, 'flow', 'scripts', 'lib', 'util.py'), 'X = 1\n');
  const w = workflow(
    [
      step('a', { pip: ['numpy==2.0.1'], files: ['scripts/a.py', 'scripts/lib'] }),
      step('b', { pip: ['numpy==1.26.4'] }),
      step('bad', { apt: ['curl; id'] }),
      step('ext', {}, { container: 'alpine:3.20' }),
    ],
    { file: 'flow/stowage.yml' },
  );
  return { root, w };
}

describe('runPlanCommand', () => {
  it('writes plan.json, a folder per group with its Dockerfile and context listing', () => {
    const { root, w } = project();
    const out = join(root, '.stowage');
    let printed = '';
    const { plan: p, findings } = runPlanCommand(
      w,
      { outDir: out, format: 'text', root },
      {
        stdout: (s) => (printed += s),
      },
    );
    expect(findings.map((f) => f.rule)).toEqual(['STW410']);
    const written = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
    expect(written).toEqual(p);
    expect(p.context).toBe('flow');
    expect(readFileSync(join(out, 'python', 'Dockerfile'), 'utf8')).toBe(
      p.groups[0]!.generated['Dockerfile'],
    );
    expect(existsSync(join(out, 'python', 'stowage-entrypoint.sh'))).toBe(true);
    expect(readFileSync(join(out, 'python', 'context.txt'), 'utf8')).toContain(
      'scripts/a.py\nscripts/lib\n',
    );
    // The refused step is unplanned, said in the plan: no group, no folder is made for it.
    expect(existsSync(join(out, 'native'))).toBe(false);
    expect(p.unplanned).toEqual([
      { step: 'bad', reason: expect.stringContaining('curl; id') as string },
    ]);
    expect(printed).toMatch(/^GROUP\s+FAMILY\s+STEPS\s+PACKAGES\s+EST\. SIZE\s+HASH/);
    expect(printed).toContain('Lower bound: 2 images (python 2)');
    expect(printed).toMatch(
      /Not planned: 1 step .*\n {2}bad: apt requirement "curl; id" is refused/,
    );
    expect(printed).toContain(
      'python-2 apart from python: numpy==2.0.1 in "a" vs numpy==1.26.4 in "b"',
    );
    expect(printed).toContain('alpine:3.20');
  });

  it('hashes the bytes inside a copied folder', () => {
    const { root, w } = project();
    const hash = () =>
      runPlanCommand(w, { outDir: join(root, 'o'), format: 'json', root }, { stdout: () => {} })
        .plan.groups[0]!.contentHash;
    const before = hash();
    writeFileSync(join(root, 'flow', 'scripts', 'lib', 'util.py'), 'X = 2\n');
    expect(hash()).not.toBe(before);
  });

  it('prints the plan JSON with --format json', () => {
    const { root, w } = project();
    let printed = '';
    const { plan: p } = runPlanCommand(
      w,
      { outDir: join(root, 'o'), format: 'json', root },
      {
        stdout: (s) => (printed += s),
      },
    );
    expect(JSON.parse(printed)).toEqual(p);
  });
});

describe('planMarkdown', () => {
  it('renders the table, lower bound and baselines, escaping cells', () => {
    const { plan: p } = plan(
      workflow([step('a', { conda: ['numpy>=2|<1.20'] }), step('b', { conda: ['numpy==1.26'] })]),
    );
    const md = planMarkdown(p);
    expect(md).toContain('| Group | Family | Steps | Packages | Est. size | Content hash |');
    expect(md).toContain('numpy&gt;=2\\|&lt;1.20');
    expect(md).toContain('| One image for everything | 1 |');
    expect(md).toMatch(/\| One image for everything \| 1 \| \d+ MB \| 1 \|/);
    expect(md).toContain('Lower bound: 2 images (conda 2): no plan can use fewer.');
    expect(md).toContain(
      '- conda-2 apart from conda: numpy&gt;=2\\|&lt;1.20 in "a" vs numpy==1.26 in "b"',
    );
    expect(planTable(p).split('\n')[0]).toMatch(/^GROUP/);
  });
});
