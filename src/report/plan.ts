/**
 * The plan for people: a fixed-width table for terminals and Markdown for the job summary, each
 * with the lower bound and the two baselines (one image per step, one image for everything).
 */
import { markdownCode, markdownText } from '../common/escape/markdown.js';
import { optionRef } from '../common/option-names.js';
import { escapeText } from '../common/text.js';
import { formatBytes } from '../common/units.js';
import type { Plan, PlannedGroup } from '../plan/types.js';
import { elideList, wrapLines } from './wrap.js';

function hashOf(g: PlannedGroup): string {
  if (g.blocked) return 'blocked';
  return g.contentHash.slice(0, 12);
}

function familyOf(g: PlannedGroup): string {
  return `${g.family}${g.gpu ? ' (GPU)' : ''}${g.pinned ? ', pinned' : ''}`;
}

/** Whether a group's packages were solved: `solved`, `locked` (from the lock file), `unverified`, … */
export function resolutionOf(g: PlannedGroup): string {
  const r = g.resolution;
  if (!r) return '-';
  if (r.status === 'solved') return r.fromLock ? 'locked' : 'solved';
  return r.status;
}

/** `python-gpu` → `python (GPU)`: a kind of image as people read it. */
function kindName(kind: string): string {
  return kind.endsWith('-gpu') ? `${kind.slice(0, -4)} (GPU)` : kind;
}

/**
 * What the lower bound counts: one image per kind (family + GPU build: each has its own base
 * image, so kinds never share one), more where steps of a kind conflict pairwise.
 */
export function lowerBoundSentence(plan: Plan): string {
  if (plan.lowerBound === 0) return 'Lower bound: 0 images: no step needs an image built.';
  const parts = plan.lowerBoundByKind.map((k) => `${kindName(k.kind)} ${k.bound}`);
  const s = plan.lowerBound === 1 ? '' : 's';
  return (
    `Lower bound: ${plan.lowerBound} image${s} (${parts.join(', ')}): ` +
    'no plan can use fewer. Each family and GPU build needs an image of its own, from its own ' +
    'base (a Python, a JVM, an R, a conda image…); within one, the largest set of steps whose ' +
    `requirements conflict pairwise needs that many (${conflictBasis(plan)}).`
  );
}

/** What counts as a conflict: names and versions, and the solvers' findings when resolved. */
function conflictBasis(plan: Plan): string {
  if (!plan.solverConflicts) return 'by name and version';
  const n = plan.solverConflicts.length;
  return `by name and version, or through dependencies: ${n} conflict${n === 1 ? '' : 's'} found by the solvers`;
}

/** For each split inside a kind of image, the requirements that forced it. */
export function splitLines(plan: Plan): string[] {
  return plan.groups.flatMap((g) =>
    (g.apart ?? []).map((a) => `${g.name} apart from ${a.from}: ${a.reason}`),
  );
}

function monolithSentence(plan: Plan): string {
  const { monolith } = plan.baselines;
  const kinds = monolith.kinds ?? [];
  const mixing =
    kinds.length > 1
      ? `mixing ${kinds.length} kinds of image (${kinds.map(kindName).join(', ')}) and `
      : '';
  return (
    `One image for everything: ${monolith.images} image${monolith.images === 1 ? '' : 's'}, ${formatBytes(monolith.estimatedTotalSize)}, ` +
    `${mixing}${monolith.conflicts} conflict${monolith.conflicts === 1 ? '' : 's'} inside.`
  );
}

/** The distinct images steps name for themselves (used as is, never built), in plan order. */
export function externalImages(plan: Plan): { image: string; steps: string[] }[] {
  const byImage = new Map<string, string[]>();
  for (const e of plan.external) byImage.set(e.image, [...(byImage.get(e.image) ?? []), e.step]);
  return [...byImage].map(([image, steps]) => ({ image, steps }));
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/**
 * How many images the plan means, said once for every channel: the images Stowage builds (the
 * groups; what the lower bound and the baselines count) and the images steps name themselves,
 * used as is. `Plan: 5 images: 4 to build (4.2 GB in total) and 1 used as is (…)`.
 */
export function imageCountSentence(plan: Plan): string {
  const built = plan.groups.length;
  const asIs = externalImages(plan).length;
  const total = formatBytes(plan.groups.reduce((n, g) => n + g.estimatedSize, 0));
  const ownImages = `${plural(asIs, 'image')} used as is (named by the steps that use ${asIs === 1 ? 'it' : 'them'}; not built)`;
  if (built === 0)
    return asIs === 0
      ? 'Plan: no image to build: no step names software Stowage can install.'
      : `Plan: no image to build: no step names software Stowage can install; ${ownImages}.`;
  if (asIs === 0) return `Plan: ${plural(built, 'image')} to build, ${total} in total.`;
  return (
    `Plan: ${plural(built + asIs, 'image')}: ${built} to build (${total} in total) and ${ownImages}; ` +
    'the lower bound and the baselines count the images to build.'
  );
}

/**
 * Why the plan builds more images than "one image for everything", in one sentence from the
 * plan's own data: kinds of image that cannot share a base (families, GPU builds), conflicting
 * requirements (the first split's pair as the example), the size budget, and how far the plan is
 * from its lower bound. Undefined when the plan builds at most one image.
 */
export function whyNotOneSentence(plan: Plan): string | undefined {
  const n = plan.groups.length;
  if (n <= 1) return undefined;
  const { monolith } = plan.baselines;
  const reasons: string[] = [];
  const kinds = plan.lowerBoundByKind.map((k) => k.kind);
  if (kinds.length > 1) {
    const gpu = kinds.some((k) => k.endsWith('-gpu'));
    reasons.push(
      `the steps need ${kinds.length} kinds of image (${kinds.map(kindName).join(', ')}), each from its own base${gpu ? ' (a GPU build needs CUDA in its base)' : ''}`,
    );
  }
  const conflictSplit = plan.groups
    .flatMap((g) => g.apart ?? [])
    .find((a) => !a.reason.startsWith('together they would exceed'));
  if (monolith.conflicts > 0)
    reasons.push(
      `${plural(monolith.conflicts, 'pair')} of requirements conflict${monolith.conflicts === 1 ? 's' : ''}, and no image can hold both sides of a pair${conflictSplit ? ` (e.g. ${conflictSplit.reason})` : ''}`,
    );
  if (
    plan.groups.some((g) =>
      (g.apart ?? []).some((a) => a.reason.startsWith('together they would exceed')),
    )
  )
    reasons.push('some groups would together exceed the size budget');
  const planned = plan.groups.reduce((s, g) => s + g.estimatedSize, 0);
  const smaller =
    monolith.estimatedTotalSize < planned && reasons.length > 0
      ? `; one image for everything would be smaller (${formatBytes(monolith.estimatedTotalSize)} against ${formatBytes(planned)}) but could not run every step`
      : '';
  const gap =
    n > plan.lowerBound
      ? ` The planner's grouping uses ${n}, ${n - plan.lowerBound} more than the lower bound: fewer may be possible.`
      : '';
  if (reasons.length === 0)
    return `Why ${n} images and not one: no conflict or kind of image forces it.${gap}`;
  return `Why ${n} images and not one: ${reasons.join('; ')}${smaller}.${gap}`;
}

/**
 * The steps no image is planned for, by reason (each reason once, its steps after it), in
 * document order of each reason's first step.
 */
export function unplannedByReason(plan: Plan): { reason: string; steps: string[] }[] {
  const byReason = new Map<string, string[]>();
  for (const u of plan.unplanned)
    byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.step]);
  return [...byReason].map(([reason, steps]) => ({ reason, steps }));
}

/** Options of the text and Markdown plan. */
export interface PlanReportOptions {
  /** Every step and package of each group, not the first few (the CLI's `--verbose`). */
  verbose?: boolean;
  /**
   * How the adapter names an option (`--resolve <mode>` on the command line, the `resolve` input
   * in the action); default: the `{option:key}` placeholder (src/common/option-names.ts).
   */
  name?: (key: string) => string;
}

/** Width of the STEPS and PACKAGES cells of the text table before `+ N more`. */
const STEPS_CELL = 60;
const PACKAGES_CELL = 40;

/** `Not planned: 13 steps` and a line per reason: every step of the workflow is named somewhere. */
function unplannedLines(plan: Plan, verbose: boolean): string[] {
  const n = plan.unplanned.length;
  if (n === 0) return [];
  return [
    `Not planned: ${plural(n, 'step')} (no image; an export leaves ${n === 1 ? 'it' : 'them'} out, saying why):`,
    ...unplannedByReason(plan).map(
      (u) => `  ${verbose ? u.steps.join(', ') : elideList(u.steps, STEPS_CELL)}: ${u.reason}`,
    ),
  ];
}

/** Steps moved off an image Stowage does not build, because they need only base utilities. */
function baseOnlyLines(plan: Plan): string[] {
  const moved = plan.baseOnly ?? [];
  if (moved.length === 0) return [];
  return [
    `On a Stowage image instead of their own: ${plural(moved.length, 'step')} that need only what every base has:`,
    ...moved.map(
      (m) => `  ${m.step} (${m.software.join(', ')}; named ${m.image}) in group ${m.group}`,
    ),
  ];
}

/** The images steps name themselves, each once with its steps: named by the image everywhere. */
function externalLines(plan: Plan, verbose: boolean): string[] {
  const images = externalImages(plan);
  if (images.length === 0) return [];
  return [
    `Used as is (not built): ${plural(images.length, 'image')} named by ${plural(plan.external.length, 'step')}:`,
    ...images.map(
      (i) => `  ${i.image}: ${verbose ? i.steps.join(', ') : elideList(i.steps, STEPS_CELL)}`,
    ),
  ];
}

/** What each value of the SOLVED column means, for the values the table shows. */
const SOLVED_LEGEND: Record<string, string> = {
  solved:
    "the solvers (conda's, pip's, npm's) chose every package of its conda, pip and npm requirements; installs are locked",
  locked: 'solved as above, the answers read from stowage.lock',
  unverified:
    'a channel or index could not be reached: grouped by name and version only, installed by name, not locked',
  'name-level':
    'only apt, CRAN, Bioconductor or Maven packages, which Stowage does not solve: installed by name',
  unsolvable: 'the solver refused it (see the findings): not built',
  '-': 'nothing to solve',
};

/** `SOLVED: unverified = …` for each value of the column present, in the table's order. */
export function solvedLegend(plan: Plan): string[] {
  if (plan.solverConflicts === undefined) return [];
  const seen = [...new Set(plan.groups.map(resolutionOf))];
  return seen.map((v) => `${v} = ${SOLVED_LEGEND[v] ?? v}`);
}

/**
 * The groups whose packages were not solved, and why, naming the options to set in the adapter's
 * words: unverified groups per reason, unsolvable ones, or every group when resolving was off.
 */
export function unsolvedLines(plan: Plan, name: (key: string) => string): string[] {
  const packaged = plan.groups.filter((g) => g.packages.length > 0);
  if (packaged.length === 0) return [];
  if (plan.solverConflicts === undefined)
    return [
      `Not solved: ${name('resolve')} is off, so ${packaged.length === 1 ? 'the group is' : `the ${packaged.length} groups are`} planned by name and version only and install${packaged.length === 1 ? 's' : ''} by name, not locked; set it to auto to solve and lock ${packaged.length === 1 ? 'it' : 'them'}.`,
    ];
  const lines: string[] = [];
  const byReason = new Map<string, string[]>();
  for (const g of plan.groups)
    if (g.resolution?.status === 'unverified') {
      const reason = g.resolution.reason ?? 'no reason recorded';
      byReason.set(reason, [...(byReason.get(reason) ?? []), g.name]);
    }
  for (const [reason, groups] of byReason)
    lines.push(
      `Not solved (unverified): ${groups.join(', ')}: ${reason}. Grouped by name and version only and installed by name, not locked: run again when the source answers, give a mirror (${name('channelUrls')}, ${name('pipIndexUrl')}), or commit a lock file made where it answers (stowage lock).`,
    );
  for (const g of plan.groups)
    if (g.resolution?.status === 'unsolvable')
      lines.push(
        `Does not solve: ${g.name}: ${g.resolution.reason ?? 'see the findings'}. It is not built (STW431).`,
      );
  return lines;
}

const placeholder = (key: string) => optionRef(key);

function summaryLines(plan: Plan, options: PlanReportOptions): string[] {
  const verbose = options.verbose ?? false;
  const name = options.name ?? placeholder;
  const { perStep } = plan.baselines;
  if (plan.groups.length === 0)
    return [
      imageCountSentence(plan),
      ...externalLines(plan, verbose),
      ...unplannedLines(plan, verbose),
    ];
  const splits = splitLines(plan);
  const why = whyNotOneSentence(plan);
  return [
    imageCountSentence(plan),
    ...unsolvedLines(plan, name),
    lowerBoundSentence(plan),
    ...(splits.length > 0 ? ['Split inside a kind of image:', ...splits.map((l) => `  ${l}`)] : []),
    `One image per step: ${plural(perStep.images, 'image')}, ${formatBytes(perStep.estimatedTotalSize)}.`,
    monolithSentence(plan),
    ...(why ? [why] : []),
    ...externalLines(plan, verbose),
    ...baseOnlyLines(plan),
    ...unplannedLines(plan, verbose),
  ];
}

/**
 * A plain-text table of the groups Stowage builds: group, family, steps, packages, estimated size,
 * content hash, and for a resolved plan whether each group was solved (with a legend). Long step
 * and package lists show their first items and `+ N more` (all of them with `verbose`, after the
 * table); the sentences after it are broken at TEXT_WIDTH.
 */
export function planTable(plan: Plan, options: PlanReportOptions = {}): string {
  const verbose = options.verbose ?? false;
  const resolved = plan.solverConflicts !== undefined;
  const header = [
    'GROUP',
    'FAMILY',
    'STEPS',
    'PACKAGES',
    'EST. SIZE',
    'HASH',
    ...(resolved ? ['SOLVED'] : []),
  ];
  const rows = plan.groups.map((g) => [
    g.name,
    familyOf(g),
    elideList(g.steps, STEPS_CELL),
    elideList(
      g.packages.map((p) => p.spec),
      PACKAGES_CELL,
    ) || '-',
    formatBytes(g.estimatedSize),
    hashOf(g),
    ...(resolved ? [resolutionOf(g)] : []),
  ]);
  // Cells hold workflow text: shown escaped, so a name cannot drive the terminal.
  for (const row of rows) row.forEach((c, i) => (row[i] = escapeText(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const table = rows.length > 0 ? [format(header), ...rows.map(format), ''] : [];
  const legend = solvedLegend(plan);
  const after = [
    ...(legend.length > 0 ? ['SOLVED:', ...legend.map((l) => `  ${l}`), ''] : []),
    ...(verbose ? [...fullLists(plan), ''] : []),
    ...summaryLines(plan, options),
  ];
  const text = wrapLines(after.map((l) => escapeText(l)));
  return [...table, ...text, ''].join('\n');
}

/** Every step and package of each group, wrapped: what the table cuts short. */
function fullLists(plan: Plan): string[] {
  return [
    'Steps and packages of each group:',
    ...plan.groups.flatMap((g) => [
      `  ${g.name} (${plural(g.steps.length, 'step')}): ${g.steps.join(', ')}`,
      ...(g.packages.length > 0
        ? [`    packages: ${g.packages.map((p) => p.spec).join(', ')}`]
        : []),
    ]),
  ];
}

/** Markdown-escape a table cell (npm scopes must not @-mention anyone in a PR comment). */
const cell = markdownText;

/** Items shown in one cell of the summary; a group of 20,000 steps lists the first ones. */
const MAX_CELL_ITEMS = 50;

/** `a, b, c` or `a, b, …and 980 more`: a cell stays readable and the summary small. */
function listCell(items: readonly string[]): string {
  const shown = items.slice(0, MAX_CELL_ITEMS).join(', ');
  const more = items.length - MAX_CELL_ITEMS;
  return cell(more > 0 ? `${shown}, …and ${more} more` : shown || '-');
}

/** The plan table and the baseline comparison, for a job summary or a PR comment. */
export function planMarkdown(plan: Plan, options: PlanReportOptions = {}): string {
  const name = options.name ?? placeholder;
  const resolved = plan.solverConflicts !== undefined;
  const out = ['### Stowage plan', '', markdownText(imageCountSentence(plan)), ''];
  if (plan.groups.length > 0)
    out.push(
      `| Group | Family | Steps | Packages | Est. size | Content hash |${resolved ? ' Solved |' : ''}`,
      `| --- | --- | --- | --- | ---: | --- |${resolved ? ' --- |' : ''}`,
    );
  for (const g of plan.groups) {
    out.push(
      `| ${cell(g.name)} | ${cell(familyOf(g))} | ${listCell(g.steps)} | ${listCell(g.packages.map((p) => p.spec))} | ${formatBytes(g.estimatedSize)} | ${g.blocked ? '**blocked**' : `\`${hashOf(g)}\``} |${resolved ? ` ${resolutionOf(g)} |` : ''}`,
    );
  }
  const legend = solvedLegend(plan);
  if (legend.length > 0)
    out.push('', `**Solved:** ${legend.map((l) => markdownText(l)).join('; ')}.`);
  const unsolved = unsolvedLines(plan, name);
  if (unsolved.length > 0) out.push('', ...unsolved.map((l) => `- ${markdownText(l)}`));
  const external = externalImages(plan);
  if (external.length > 0) {
    out.push(
      '',
      `**Used as is (not built):** ${plural(external.length, 'image')} named by ${plural(plan.external.length, 'step')}:`,
      '',
    );
    for (const e of external.slice(0, MAX_CELL_ITEMS))
      out.push(`- ${markdownCode(e.image)}: ${listCell(e.steps)}`);
    if (external.length > MAX_CELL_ITEMS)
      out.push(`- …and ${external.length - MAX_CELL_ITEMS} more images (see plan.json)`);
  }
  if (plan.groups.length > 0) {
    const total = plan.groups.reduce((n, g) => n + g.estimatedSize, 0);
    const { perStep, monolith } = plan.baselines;
    const splits = splitLines(plan);
    const why = whyNotOneSentence(plan);
    out.push(
      '',
      markdownText(lowerBoundSentence(plan)),
      ...(splits.length > 0
        ? [
            '',
            '**Split inside a kind of image:**',
            '',
            ...splits.map((l) => `- ${markdownText(l)}`),
          ]
        : []),
      '',
      '| | Images to build | Est. total size | Conflicts inside |',
      '| --- | ---: | ---: | ---: |',
      `| This plan | ${plan.groups.length} | ${formatBytes(total)} | 0 |`,
      `| One image per step | ${perStep.images} | ${formatBytes(perStep.estimatedTotalSize)} | ${perStep.conflicts} |`,
      `| One image for everything | ${monolith.images} | ${formatBytes(monolith.estimatedTotalSize)} | ${monolith.conflicts}${(monolith.kinds ?? []).length > 1 ? `, and ${monolith.kinds!.length} kinds of image mixed` : ''} |`,
      ...(why ? ['', markdownText(why)] : []),
    );
  }
  out.push('');
  const blocked = plan.groups.filter((g) => g.blocked);
  if (blocked.length > 0) {
    out.push(
      `Not rendered: ${blocked.map((g) => markdownCode(g.name)).join(', ')} (see the findings).`,
      '',
    );
  }
  const moved = plan.baseOnly ?? [];
  if (moved.length > 0) {
    out.push(
      `**On a Stowage image instead of their own** (they need only what every base has): ${listCell(moved.map((m) => `${m.step} → ${m.group}`))}.`,
      '',
    );
  }
  const unplanned = unplannedByReason(plan);
  if (unplanned.length > 0) {
    const n = plan.unplanned.length;
    out.push(`**Not planned: ${n} step${n === 1 ? '' : 's'}** (no image):`, '');
    for (const u of unplanned.slice(0, MAX_CELL_ITEMS))
      out.push(`- ${listCell(u.steps)}: ${markdownText(u.reason)}`);
    if (unplanned.length > MAX_CELL_ITEMS)
      out.push(`- …and ${unplanned.length - MAX_CELL_ITEMS} more reasons (see plan.json)`);
    out.push('');
  }
  return out.join('\n');
}
