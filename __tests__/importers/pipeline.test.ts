/**
 * Imported pipelines go through the real lint and plan unchanged: the version clashes of the
 * fixtures end up in separate images, and the rules a format cannot feed say so once.
 */
import { compareImages, comparisonMarkdown } from '../../src/report/comparison.js';
import { lintWorkflow } from '../../src/lint/index.js';
import { plan } from '../../src/plan/plan.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { loadShellParser } from '../../src/workflow/shell.js';

// The plans are made while the tests are collected, before any beforeAll.
await loadShellParser();

const FIX = '__tests__/fixtures';

function groupOf(p: ReturnType<typeof plan>['plan'], step: string): string | undefined {
  return (
    p.groups.find((g) => g.steps.includes(step))?.name ??
    p.external.find((e) => e.step === step)?.image
  );
}

describe.each([
  [
    `${FIX}/nextflow/nf-core-mini`,
    [
      ['SAMTOOLS_SORT', 'SAMTOOLS_INDEX'],
      ['CUSTOM_DUMPSOFTWAREVERSIONS', 'SUMMARIZE_CALLS'],
    ],
    'DEEPVARIANT_GPU',
  ],
  [
    `${FIX}/snakemake/calling`,
    [
      ['samtools_sort', 'samtools_index'],
      ['call_variants', 'plot_quals'],
    ],
    'score_gpu',
  ],
  [`${FIX}/cwl/variant`, [['align', 'sort']], 'score'],
])('%s through lint and plan', (path, clashes, external) => {
  const imported = importWorkflow(path);
  const workflow = imported.workflow!;
  const result = plan(workflow);

  it('plans without errors', () => {
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each(clashes)('keeps %s and %s (clashing versions) in different images', (a, b) => {
    expect(groupOf(result.plan, a)).toBeDefined();
    expect(groupOf(result.plan, a)).not.toBe(groupOf(result.plan, b));
  });

  it('uses a declared image as is for a step with nothing else to build from', () => {
    expect(result.plan.external.map((e) => e.step)).toEqual([external]);
  });

  it('reports what the format cannot express once, not per step', () => {
    const lint = lintWorkflow(workflow, { extra: imported.findings });
    const ids = lint.findings.map((f) => f.rule);
    expect(ids.filter((id) => id === 'STW421')).toHaveLength(1);
    expect(ids).not.toContain('STW203');
    expect(ids).not.toContain('STW301');
    expect(ids).not.toContain('STW409');
  });

  it('compares the current containers with the plan', () => {
    const c = compareImages(workflow, imported.currentImages, result.plan);
    expect(c.before.images).toBe(new Set(Object.values(imported.currentImages)).size);
    expect(c.after.images).toBe(
      result.plan.groups.length + new Set(result.plan.external.map((e) => e.image)).size,
    );
    expect(c.lowerBound).toBe(result.plan.lowerBound);
    expect(c.conflicts).toBeGreaterThan(0);
    // Snakemake: five rules with conda: environments run in one miniforge container.
    const environments = workflow.format === 'snakemake' ? 5 : 0;
    expect(c.before.runtimeEnvironments).toBe(environments);
    expect(comparisonMarkdown(c)).toContain(
      environments > 0
        ? `| current containers (+ 5 conda environments built in them at run time) | ${c.before.images} |`
        : `| current containers | ${c.before.images} |`,
    );
  });
});

it('plans the nf-core pipeline into fewer images than it pulls today', () => {
  const imported = importWorkflow(`${FIX}/nextflow/nf-core-mini`);
  const result = plan(imported.workflow!);
  const c = compareImages(imported.workflow!, imported.currentImages, result.plan);
  expect(c.before.images).toBe(12);
  expect(c.after.images).toBeLessThan(c.before.images);
  expect(c.after.images).toBeGreaterThanOrEqual(c.lowerBound);
});

it('turns off the graph rules Nextflow channels cannot feed, in the workflow lint config', () => {
  const nf = importWorkflow(`${FIX}/nextflow/nf-core-mini`).workflow!;
  expect(nf.lint?.rules).toMatchObject({
    STW104: 'off',
    STW105: 'off',
    STW106: 'off',
    STW203: 'off',
  });
  const smk = importWorkflow(`${FIX}/snakemake/calling`).workflow!;
  expect(smk.lint?.rules.STW104).toBeUndefined();
  // the Snakemake fixture's score_gpu feeds nothing: a real dead step
  expect(
    lintWorkflow(smk)
      .findings.filter((f) => f.rule === 'STW104')
      .map((f) => f.message),
  ).toEqual([expect.stringContaining('"score_gpu"')]);
});
