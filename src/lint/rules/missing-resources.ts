/**
 * STW501 missing-resources: a cluster is set but a step requests no (or incomplete) resources.
 * What the engine requests by itself counts as requested (one CPU in every engine; memory by the
 * inputs' size in Snakemake, 256 MiB in CWL runners), and so does a figure the pipeline computes
 * at run time (`resourcesUnknown`); work the engine does itself (a `run:` block, an
 * ExpressionTool, an `exec:` process) needs none. In an imported pipeline a figure no step
 * declares is said once, for the whole workflow, in the format's own terms.
 */
import type { Resources, Step } from '../../workflow/model.js';
import { importerOf } from '../../workflow/importers/formats.js';
import { defineRule } from '../rule.js';

const NEEDED: readonly (keyof Resources)[] = ['cpus', 'memory', 'time'];

export default defineRule('STW501', (ctx) => {
  const { workflow } = ctx;
  const cluster = workflow.cluster;
  if (!cluster) return;
  const on = cluster.scheduler ? `the ${cluster.scheduler} cluster` : 'the cluster';
  const format = importerOf(workflow.format);
  const needed = NEEDED.filter((k) => !format.engineRequests.includes(k));
  const steps = workflow.steps.filter((s) => s.runsIn !== 'engine');
  // A request written but invalid (`memory: lots`) is the schema's finding, not a missing one.
  const missingOf = (step: Step): (keyof Resources)[] =>
    needed.filter(
      (k) =>
        step.resources?.[k] === undefined &&
        !step.resourcesUnknown?.includes(k) &&
        !ctx.isInvalid(['steps', step.id, 'resources', k]),
    );
  // Imported: what no step declares is the pipeline's way, said once with where to set it.
  const nowhere =
    workflow.format === 'stowage' || steps.length < 2
      ? []
      : needed.filter((k) => steps.every((s) => missingOf(s).includes(k)));
  if (nowhere.length > 0) {
    ctx.reportMissing(
      [],
      `No step of this workflow requests ${nowhere.join(' or ')} on ${on} (${steps.length} steps), ` +
        `so each job gets the scheduler's default, which may kill it or leave it queued. ` +
        format.declareResources(nowhere, 'all'),
    );
  }
  for (const step of steps) {
    const missing = missingOf(step).filter((k) => !nowhere.includes(k));
    if (missing.length === 0) continue;
    const what =
      step.resources || format.engineRequests.length > 0
        ? `requests no ${missing.join(', ')}`
        : 'requests no resources';
    ctx.reportMissing(
      ['steps', step.id, 'resources'],
      `Step "${step.id}" ${what} on ${on}; the scheduler's defaults may kill it or leave it ` +
        `queued. ${format.declareResources(missing, 'step')}`,
    );
  }
});
