/** STW501 missing-resources: a cluster is set but a step requests no (or incomplete) resources. */
import type { Resources } from '../../workflow/model.js';
import { defineRule } from '../rule.js';

const NEEDED: readonly (keyof Resources)[] = ['cpus', 'memory', 'time'];

export default defineRule('STW501', (ctx) => {
  const cluster = ctx.workflow.cluster;
  if (!cluster) return;
  const on = cluster.scheduler ? `the ${cluster.scheduler} cluster` : 'the cluster';
  for (const step of ctx.workflow.steps) {
    const resources = step.resources;
    // A request written but invalid (`memory: lots`) is the schema's finding, not a missing one.
    const missing = NEEDED.filter(
      (k) => resources?.[k] === undefined && !ctx.isInvalid(['steps', step.id, 'resources', k]),
    );
    if (missing.length === 0) continue;
    const what = resources ? `requests no ${missing.join(', ')}` : 'requests no resources';
    ctx.reportMissing(
      ['steps', step.id, 'resources'],
      `Step "${step.id}" ${what} on ${on}; the scheduler's defaults may kill it or leave it ` +
        `queued. Set \`resources:\` { ${missing.map((k) => `${k}: …`).join(', ')} }.`,
    );
  }
});
