/**
 * The plan for people: a fixed-width table for terminals and Markdown for the job summary, each
 * with the lower bound and the two baselines (one image per step, one image for everything).
 */
import { escapeCell } from './escape.js';
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

/** What the lower bound counts: name-level conflicts, and the solvers' when the plan was resolved. */
function boundBasis(plan: Plan): string {
  if (!plan.solverConflicts) return 'steps that conflict pairwise by name';
  const n = plan.solverConflicts.length;
  return `steps that conflict pairwise, by name or through dependencies (${n} conflict${n === 1 ? '' : 's'} found by the solvers)`;
}

function summaryLines(plan: Plan): string[] {
  const images = plan.groups.length;
  const total = plan.groups.reduce((n, g) => n + g.estimatedSize, 0);
  const { perStep, monolith } = plan.baselines;
  const unverified = plan.groups.filter((g) => g.resolution?.status === 'unverified').length;
  return [
    `Plan: ${images} image${images === 1 ? '' : 's'}, ${formatBytes(total)} in total; lower bound ${plan.lowerBound} (${boundBasis(plan)}, counted per family: no plan can use fewer images).`,
    ...(unverified > 0
      ? [
          `${unverified} group${unverified === 1 ? ' was' : 's were'} not solved (a source could not be reached): ${unverified === 1 ? 'its' : 'their'} grouping is by name only and ${unverified === 1 ? 'its' : 'their'} installs are not locked.`,
        ]
      : []),
    `One image per step: ${perStep.images} images, ${formatBytes(perStep.estimatedTotalSize)}.`,
    `One image for everything: ${monolith.images} image, ${formatBytes(monolith.estimatedTotalSize)}, ${monolith.conflicts} conflict${monolith.conflicts === 1 ? '' : 's'} inside.`,
  ];
}

/** A plain-text table: group, family, steps, packages, estimated size, content hash (and, resolved, whether solved). */
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format), '', ...summaryLines(plan), ''].join('\n');
}

/** Markdown-escape a table cell (npm scopes must not @-mention anyone in a PR comment). */
const cell = escapeCell;

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
      `| ${cell(g.name)} | ${cell(familyOf(g))} | ${cell(g.steps.join(', '))} | ${cell(packagesOf(g))} | ${formatBytes(g.estimatedSize)} | ${g.blocked ? '**blocked**' : `\`${hashOf(g)}\``} |${resolved ? ` ${resolutionOf(g)} |` : ''}`,
    );
  }
  for (const e of plan.external) {
    out.push(
      `| ${cell(e.step)} | external | ${cell(e.step)} | ${cell(e.image)} | - | - |${resolved ? ' - |' : ''}`,
    );
  }
  const total = plan.groups.reduce((n, g) => n + g.estimatedSize, 0);
  const { perStep, monolith } = plan.baselines;
  out.push(
    '',
    `Lower bound: **${plan.lowerBound}** image${plan.lowerBound === 1 ? '' : 's'} (the largest set of ${boundBasis(plan)}, per family).`,
    '',
    '| | Images | Est. total size | Conflicts inside |',
    '| --- | ---: | ---: | ---: |',
    `| This plan | ${plan.groups.length} | ${formatBytes(total)} | 0 |`,
    `| One image per step | ${perStep.images} | ${formatBytes(perStep.estimatedTotalSize)} | ${perStep.conflicts} |`,
    `| One image for everything | ${monolith.images} | ${formatBytes(monolith.estimatedTotalSize)} | ${monolith.conflicts} |`,
    '',
  );
  const blocked = plan.groups.filter((g) => g.blocked);
  if (blocked.length > 0) {
    out.push(
      `Not rendered: ${blocked.map((g) => `\`${g.name}\``).join(', ')} (see the findings).`,
      '',
    );
  }
  return out.join('\n');
}
