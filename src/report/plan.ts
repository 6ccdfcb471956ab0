/**
 * The plan for people: a fixed-width table for terminals and Markdown for the job summary, each
 * with the lower bound and the two baselines (one image per step, one image for everything).
 */
import { markdownCode, markdownText } from '../common/escape/markdown.js';
import { escapeText } from '../common/text.js';
import { formatBytes } from '../common/units.js';
import type { Plan, PlannedGroup } from '../plan/types.js';

function packagesOf(g: PlannedGroup): string {
  return g.packages.map((p) => p.spec).join(', ') || '-';
}

function hashOf(g: PlannedGroup): string {
  if (g.blocked) return 'blocked';
  return g.contentHash.slice(0, 12);
}

function familyOf(g: PlannedGroup): string {
  return `${g.family}${g.gpu ? ' (GPU)' : ''}${g.pinned ? ', pinned' : ''}`;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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

/** `Not planned: 13 steps` and a line per reason: every step of the workflow is named somewhere. */
function unplannedLines(plan: Plan): string[] {
  const n = plan.unplanned.length;
  if (n === 0) return [];
  return [
    `Not planned: ${n} step${n === 1 ? '' : 's'} (no image; an export leaves ${n === 1 ? 'it' : 'them'} out, saying why):`,
    ...unplannedByReason(plan).map((u) => `  ${u.steps.join(', ')}: ${u.reason}`),
  ];
}

/** Steps moved off an image Stowage does not build, because they need only base utilities. */
function baseOnlyLines(plan: Plan): string[] {
  const moved = plan.baseOnly ?? [];
  if (moved.length === 0) return [];
  return [
    `On a Stowage image instead of their own: ${moved.length} step${moved.length === 1 ? '' : 's'} that need only what every base has:`,
    ...moved.map(
      (m) => `  ${m.step} (${m.software.join(', ')}; named ${m.image}) in group ${m.group}`,
    ),
  ];
}

function summaryLines(plan: Plan): string[] {
  const images = plan.groups.length;
  const total = plan.groups.reduce((n, g) => n + g.estimatedSize, 0);
  const { perStep } = plan.baselines;
  if (images === 0) {
    return [
      'Plan: no image to build: no step names software Stowage can install (steps that run in an image of their own are listed as external).',
      ...unplannedLines(plan),
    ];
  }
  const splits = splitLines(plan);
  const unverified = plan.groups.filter((g) => g.resolution?.status === 'unverified').length;
  return [
    `Plan: ${images} image${images === 1 ? '' : 's'}, ${formatBytes(total)} in total.`,
    ...(unverified > 0
      ? [
          `${unverified} group${unverified === 1 ? ' was' : 's were'} not solved (a source could not be reached): ${unverified === 1 ? 'its' : 'their'} grouping is by name only and ${unverified === 1 ? 'its' : 'their'} installs are not locked.`,
        ]
      : []),
    lowerBoundSentence(plan),
    ...(splits.length > 0 ? ['Split inside a kind of image:', ...splits.map((l) => `  ${l}`)] : []),
    `One image per step: ${perStep.images} image${perStep.images === 1 ? '' : 's'}, ${formatBytes(perStep.estimatedTotalSize)}.`,
    monolithSentence(plan),
    ...baseOnlyLines(plan),
    ...unplannedLines(plan),
  ];
}

/**
 * A plain-text table: group, family, steps, packages, estimated size, content hash, and for a
 * resolved plan whether each group was solved.
 */
export function planTable(plan: Plan): string {
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
    g.steps.join(', '),
    shorten(packagesOf(g), 60),
    formatBytes(g.estimatedSize),
    hashOf(g),
    ...(resolved ? [resolutionOf(g)] : []),
  ]);
  for (const e of plan.external)
    rows.push([e.step, 'external', e.step, e.image, '-', '-', ...(resolved ? ['-'] : [])]);
  // Cells hold workflow text: shown escaped, so a name cannot drive the terminal.
  for (const row of rows) row.forEach((c, i) => (row[i] = escapeText(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const summary = summaryLines(plan).map((l) => escapeText(l));
  return [format(header), ...rows.map(format), '', ...summary, ''].join('\n');
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
export function planMarkdown(plan: Plan): string {
  const resolved = plan.solverConflicts !== undefined;
  const out = [
    '### Stowage plan',
    '',
    `| Group | Family | Steps | Packages | Est. size | Content hash |${resolved ? ' Solved |' : ''}`,
    `| --- | --- | --- | --- | ---: | --- |${resolved ? ' --- |' : ''}`,
  ];
  for (const g of plan.groups) {
    out.push(
      `| ${cell(g.name)} | ${cell(familyOf(g))} | ${listCell(g.steps)} | ${listCell(g.packages.map((p) => p.spec))} | ${formatBytes(g.estimatedSize)} | ${g.blocked ? '**blocked**' : `\`${hashOf(g)}\``} |${resolved ? ` ${resolutionOf(g)} |` : ''}`,
    );
  }
  for (const e of plan.external.slice(0, MAX_CELL_ITEMS)) {
    out.push(
      `| ${cell(e.step)} | external | ${cell(e.step)} | ${cell(e.image)} | - | - |${resolved ? ' - |' : ''}`,
    );
  }
  if (plan.external.length > MAX_CELL_ITEMS) {
    out.push(
      `| …and ${plan.external.length - MAX_CELL_ITEMS} more steps with their own image | | | | | |${resolved ? ' |' : ''}`,
    );
  }
  const total = plan.groups.reduce((n, g) => n + g.estimatedSize, 0);
  const { perStep, monolith } = plan.baselines;
  const splits = splitLines(plan);
  out.push(
    '',
    markdownText(lowerBoundSentence(plan)),
    ...(splits.length > 0
      ? ['', '**Split inside a kind of image:**', '', ...splits.map((l) => `- ${markdownText(l)}`)]
      : []),
    '',
    '| | Images | Est. total size | Conflicts inside |',
    '| --- | ---: | ---: | ---: |',
    `| This plan | ${plan.groups.length} | ${formatBytes(total)} | 0 |`,
    `| One image per step | ${perStep.images} | ${formatBytes(perStep.estimatedTotalSize)} | ${perStep.conflicts} |`,
    `| One image for everything | ${monolith.images} | ${formatBytes(monolith.estimatedTotalSize)} | ${monolith.conflicts}${(monolith.kinds ?? []).length > 1 ? `, and ${monolith.kinds!.length} kinds of image mixed` : ''} |`,
    '',
  );
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
