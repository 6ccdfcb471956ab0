/**
 * The pipeline's current containers against the stowage plan: how many images a run that calls
 * every step pulls before and after, the conflicts the plan had to keep apart, and the lower
 * bound on the number of images to build. Pure; the summary and `stowage plan` print its table.
 */
import type { Plan } from '../plan/types.js';
import type { Workflow } from '../workflow/model.js';
import { formatBytes } from '../common/units.js';
import { markdownCode, markdownText } from '../common/escape/markdown.js';

export interface ComparisonSide {
  /** Distinct images a run that calls every step pulls. */
  images: number;
  /** Of those (the plan's side): the images Stowage builds, and the images steps name, used as is. */
  built?: number;
  usedAsIs?: number;
  /** Bytes such a run pulls (sum over distinct images; shared layers not subtracted). */
  bytes: number;
  /** True when any size in `bytes` is an estimate rather than a measured size. */
  estimated: boolean;
  /**
   * True when an image's size could not even be estimated (no planned step to estimate it from):
   * `bytes` is then no figure at all, and is shown as unknown.
   */
  unknown?: boolean;
}

export interface Comparison {
  before: ComparisonSide & {
    stepsWithoutImage: string[];
    /**
     * Snakemake with a container and `conda:` environments: the distinct environments it builds
     * inside the container at run time (`--use-conda`), which the image count does not show.
     */
    runtimeEnvironments: number;
  };
  after: ComparisonSide;
  /** Conflicting requirement pairs across the pipeline (what one image for all would hold). */
  conflicts: number;
  /** No plan can use fewer images to build than this. */
  lowerBound: number;
  /** Per step: the image it uses today and the image the plan gives it. */
  steps: { step: string; current?: string; planned?: string }[];
}

export interface CompareOptions {
  /** Measured sizes of current images, by reference (e.g. from a registry manifest). */
  imageSizes?: Record<string, number>;
  /** Real sizes of built groups, by group name; replace the plan's estimates. */
  groupSizes?: Record<string, number>;
}

export function compareImages(
  workflow: Workflow,
  currentImages: Record<string, string>,
  plan: Plan,
  options: CompareOptions = {},
): Comparison {
  const imageSizes = options.imageSizes ?? {};
  const groupSizes = options.groupSizes ?? {};
  // Without a measured size, a current image is as big as the plan's average one-image-per-step image.
  const perStep = plan.baselines.perStep;
  const averageImage =
    perStep.images > 0 ? Math.round(perStep.estimatedTotalSize / perStep.images) : 0;

  const current = [...new Set(Object.values(currentImages))].sort();
  let beforeEstimated = false;
  const beforeBytes = current.reduce((sum, ref) => {
    const size = imageSizes[ref];
    if (size === undefined) beforeEstimated = true;
    return sum + (size ?? averageImage);
  }, 0);
  // Without a planned step there is nothing to estimate an unmeasured image by.
  const guessless = averageImage === 0;

  const plannedByStep = new Map<string, string>();
  const registry = workflow.containers.registry;
  for (const g of plan.groups)
    for (const s of g.steps) plannedByStep.set(s, registry ? `${registry}/${g.name}` : g.name);
  for (const e of plan.external) plannedByStep.set(e.step, e.image);
  let afterEstimated = false;
  let afterBytes = 0;
  for (const g of plan.groups) {
    const size = groupSizes[g.name];
    if (size === undefined) afterEstimated = true;
    afterBytes += size ?? g.estimatedSize;
  }
  const external = [...new Set(plan.external.map((e) => e.image))];
  for (const ref of external) {
    const size = imageSizes[ref];
    if (size === undefined) afterEstimated = true;
    afterBytes += size ?? averageImage;
  }

  return {
    before: {
      images: current.length,
      bytes: beforeBytes,
      estimated: beforeEstimated,
      ...(beforeEstimated && guessless ? { unknown: true } : {}),
      stepsWithoutImage: workflow.steps
        .filter((s) => currentImages[s.id] === undefined)
        .map((s) => s.id),
      runtimeEnvironments: runtimeEnvironments(workflow, currentImages),
    },
    after: {
      images: plan.groups.length + external.length,
      built: plan.groups.length,
      usedAsIs: external.length,
      bytes: afterBytes,
      estimated: afterEstimated,
      ...(external.some((ref) => imageSizes[ref] === undefined) && guessless
        ? { unknown: true }
        : {}),
    },
    conflicts: plan.baselines.monolith.conflicts,
    lowerBound: plan.lowerBound,
    steps: workflow.steps.map((s) => {
      const row: Comparison['steps'][number] = { step: s.id };
      const cur = currentImages[s.id];
      const planned = plannedByStep.get(s.id);
      if (cur !== undefined) row.current = cur;
      if (planned !== undefined) row.planned = planned;
      return row;
    }),
  };
}

function runtimeEnvironments(workflow: Workflow, currentImages: Record<string, string>): number {
  if (workflow.format !== 'snakemake') return 0;
  const environments = new Set<string>();
  for (const s of workflow.steps) {
    // An image's own bioconda package is not an environment built at run time.
    const packages = [...s.software.conda, ...s.software.pip];
    if (
      currentImages[s.id] !== undefined &&
      packages.length > 0 &&
      s.softwareFrom?.kind !== 'image'
    )
      environments.add([...packages].sort().join('\n'));
  }
  return environments.size;
}

/** What the figures are: the images and bytes of a run that calls every step. */
const PER_RUN_NOTE =
  'Images and bytes are what a run that calls every step pulls, each distinct image once (shared layers not subtracted).';

/** `stowage plan (4 to build + 1 used as is)`: how the plan's images count, as the plan says it. */
function planLabel(c: Comparison): string {
  const { built, usedAsIs } = c.after;
  return usedAsIs
    ? `stowage plan (${built ?? 0} to build + ${usedAsIs} used as is)`
    : 'stowage plan';
}

/** "current containers", and what Snakemake builds inside them at run time. */
function currentLabel(c: Comparison): string {
  const n = c.before.runtimeEnvironments;
  return n > 0
    ? `current containers (+ ${n} conda environment${n === 1 ? '' : 's'} built in them at run time)`
    : 'current containers';
}

function bytes(side: ComparisonSide): string {
  if (side.unknown) return 'unknown';
  return `${side.estimated ? '~' : ''}${formatBytes(side.bytes)}`;
}

/** The comparison as markdown: a summary table, then one row per step. */
export function comparisonMarkdown(c: Comparison): string {
  const lines = [
    '| | images a run that calls every step pulls | bytes it pulls |',
    '| --- | ---: | ---: |',
    `| ${currentLabel(c)} | ${c.before.images} | ${bytes(c.before)} |`,
    `| ${planLabel(c)} | ${c.after.images} | ${bytes(c.after)} |`,
    `| lower bound (images to build) | ${c.lowerBound} | |`,
    '',
    `Conflicting requirement pairs the plan keeps in separate images: ${c.conflicts}.` +
      (c.before.estimated || c.after.estimated
        ? ' `~` marks estimated sizes (shared layers not subtracted).'
        : ''),
  ];
  if (c.before.stepsWithoutImage.length > 0) {
    lines.push(
      `Steps without a declared image today: ${c.before.stepsWithoutImage.map((s) => markdownCode(s)).join(', ')}.`,
    );
  }
  lines.push('', '| step | current image | planned image |', '| --- | --- | --- |');
  for (const row of c.steps) {
    lines.push(
      `| ${markdownText(row.step)} | ${row.current ? markdownCode(row.current) : '—'} | ${row.planned ? markdownCode(row.planned) : '—'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The same comparison as plain text for the terminal. */
export function comparisonText(c: Comparison): string {
  const rows: [string, string, string][] = [
    ['', 'images', 'bytes'],
    [currentLabel(c), String(c.before.images), bytes(c.before)],
    [planLabel(c), String(c.after.images), bytes(c.after)],
    ['lower bound (images to build)', String(c.lowerBound), ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const table = rows.map(([a, b, d]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${d}`.trimEnd());
  return `${table.join('\n')}\n${PER_RUN_NOTE}\nConflicting requirement pairs kept apart: ${c.conflicts}.\n`;
}
