/**
 * STW502 exceeds-cluster: a request beyond the cluster's node limits or walltime. Steps whose
 * request is set on one line — an nf-core label in conf/base.config, a Snakemake profile's
 * default — are one finding there, naming them, with the fix in the format's own terms.
 */
import type { Cluster, Location, Resources } from '../../workflow/model.js';
import { formatDuration, formatBytes } from '../../common/units.js';
import { importerOf } from '../../workflow/importers/formats.js';
import { defineRule } from '../rule.js';

const LIMITS: readonly {
  request: keyof Resources;
  limit: keyof Cluster;
  label: string;
}[] = [
  { request: 'cpus', limit: 'maxCpus', label: 'CPUs per node' },
  { request: 'memory', limit: 'maxMemory', label: 'memory per node' },
  { request: 'time', limit: 'maxTime', label: 'walltime' },
  { request: 'gpus', limit: 'gpus', label: 'GPUs per node' },
];

/** The steps shown by name in one finding; the rest are counted. */
const NAMED = 3;

export default defineRule('STW502', (ctx) => {
  const { workflow } = ctx;
  const cluster = workflow.cluster;
  if (!cluster) return;
  const format = importerOf(workflow.format);
  // Imported figures are binary (Nextflow's GB, Snakemake's mem_mb, CWL's ramMin are 1024-based).
  const bytes = workflow.format === 'stowage' ? formatBytes : binaryBytes;
  const offers = cluster.file ? `the cluster profile ${cluster.file} offers` : 'the cluster offers';
  for (const { request, limit, label } of LIMITS) {
    const offered = cluster[limit];
    if (typeof offered !== 'number') continue;
    const show = (n: number): string =>
      request === 'memory' ? bytes(n) : request === 'time' ? formatDuration(n) : String(n);
    // Requests over the limit, by the place and figure that set them.
    const byPlace = new Map<string, { steps: string[]; asked: number; at: Location }>();
    for (const step of workflow.steps) {
      const asked = step.resources?.[request];
      if (asked === undefined || asked <= offered) continue;
      const at = workflow.source.locate(['steps', step.id, 'resources', request]);
      const key = `${placeKey(at)}|${asked}`;
      const group = byPlace.get(key);
      if (group) group.steps.push(step.id);
      else byPlace.set(key, { steps: [step.id], asked, at });
    }
    for (const { steps, asked } of byPlace.values()) {
      const [first] = steps;
      const what = `${show(asked)} ${request}`;
      const who =
        steps.length === 1
          ? `Step "${first}" requests ${what}`
          : `Steps ${named(steps)} request ${what}, set on this line`;
      const jobs = steps.length === 1 ? 'the job' : 'their jobs';
      ctx.report(
        ['steps', first!, 'resources', request],
        `${who}, but ${offers} at most ${show(offered)} ${label}; ` +
          `${jobs} would never start. ${format.fitCluster(request, offered, steps)}`,
      );
    }
  }
});

function placeKey(at: Location): string {
  const { span } = at;
  return `${at.file}:${span.line}:${span.column}:${span.endLine}:${span.endColumn}`;
}

/** `"A", "B", "C" and 4 more`; two: `"A" and "B"`. */
function named(steps: readonly string[]): string {
  const shown = steps.slice(0, NAMED).map((s) => `"${s}"`);
  const more = steps.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** `72 GiB`, `4000 MiB`, `1.5 TiB`: binary units, as the engines and Slurm count memory. */
function binaryBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}
