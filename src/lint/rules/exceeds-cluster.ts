/** STW502 exceeds-cluster: a request beyond the cluster's node limits or walltime. */
import type { Cluster, Resources } from '../../workflow/model.js';
import { formatDuration, formatBytes } from '../../common/units.js';
import { defineRule } from '../rule.js';

const LIMITS: readonly {
  request: keyof Resources;
  limit: keyof Cluster;
  label: string;
  format: (n: number) => string;
}[] = [
  { request: 'cpus', limit: 'maxCpus', label: 'CPUs per node', format: String },
  { request: 'memory', limit: 'maxMemory', label: 'memory per node', format: formatBytes },
  { request: 'time', limit: 'maxTime', label: 'walltime', format: formatDuration },
  { request: 'gpus', limit: 'gpus', label: 'GPUs per node', format: String },
];

export default defineRule('STW502', (ctx) => {
  const cluster = ctx.workflow.cluster;
  if (!cluster) return;
  for (const step of ctx.workflow.steps) {
    for (const { request, limit, label, format } of LIMITS) {
      const asked = step.resources?.[request];
      const offered = cluster[limit];
      if (asked === undefined || typeof offered !== 'number' || asked <= offered) continue;
      ctx.report(
        ['steps', step.id, 'resources', request],
        `Step "${step.id}" requests ${format(asked)} ${request}, but the cluster offers at most ` +
          `${format(offered)} ${label}; the job would never start. Lower the request, split the ` +
          `step, or correct \`cluster:\`.`,
      );
    }
  }
});
