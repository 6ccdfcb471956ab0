/**
 * Every step accounted for (issue 17.8): on every example and importer fixture, plan.json lists
 * each step of the workflow exactly once — in a group, in `external` (its own image) or in
 * `unplanned` with a reason — and the text plan names each of them with `--verbose` (without it,
 * long lists show their first steps and `+ N more`).
 */
import path from 'node:path';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import { planTable } from '../../src/report/plan.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test.each([
  'examples/flood/stowage.yml',
  'examples/variant-calling/stowage.yml',
  'examples/word-count/stowage.yml',
  'examples/broken/unknown-key.yml',
  '__tests__/fixtures/nextflow/nf-core-mini',
  '__tests__/fixtures/nextflow/groovy-constructs',
  '__tests__/fixtures/snakemake/calling',
  '__tests__/fixtures/snakemake/constructs',
  '__tests__/fixtures/cwl/variant',
  '__tests__/fixtures/cwl/packed',
  '__tests__/fixtures/cwl/words',
  '__tests__/fixtures/cwl/nested',
])('%s: each step once, in a group, external or unplanned', async (spec) => {
  const result = await lintAndPlan(spec, { root: ROOT, plan: true });
  if (!result.plan) return; // a spec that breaks the schema gets no plan at all
  const plan = result.plan;
  const placed = [
    ...plan.groups.flatMap((g) => g.steps),
    ...plan.external.map((e) => e.step),
    ...plan.unplanned.map((u) => u.step),
  ];
  const ids = result.workflow!.steps.map((s) => s.id);
  expect([...placed].sort()).toEqual([...ids].sort());
  for (const u of plan.unplanned) expect(u.reason).toMatch(/\w{3,}/);
  const table = planTable(plan, { verbose: true });
  for (const id of ids) expect(table).toContain(id);
});
