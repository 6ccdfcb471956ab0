/**
 * A build run for people: the closing table in a terminal and the job summary's "Images" section.
 * One line per group; a failed group shows the one line of its error that says why (the whole
 * tool output is in the group's log above it, printed once).
 */
import { formatBytes } from '../common/units.js';
import type { BuildResult } from '../images/build.js';
import { markdownCode, markdownMessage, markdownText } from '../common/escape/markdown.js';
import { escapeText } from '../common/text.js';

const STATUS_TEXT: Record<BuildResult['status'], string> = {
  built: '🔨 built',
  skipped: '⏭️ skipped (unchanged)',
  failed: '❌ failed',
};

function size(bytes: number | undefined): string {
  return bytes === undefined ? '—' : formatBytes(bytes);
}

/** `93 MB (est. 120 MB, +29%)`; the estimate alone when the real size is not known. */
export function sizeAgainstEstimate(r: Pick<BuildResult, 'size' | 'estimatedSize'>): string {
  if (r.size === undefined || r.size <= 0) return `est. ${formatBytes(r.estimatedSize)}`;
  const off = Math.round(((r.estimatedSize - r.size) / r.size) * 100);
  return `${formatBytes(r.size)} (est. ${formatBytes(r.estimatedSize)}, ${off > 0 ? '+' : ''}${off}%)`;
}

/** Whether every command of every step was found inside the image (see docs/build.md). */
function smokeCell(r: BuildResult): string {
  if (r.smokeTest?.status === 'passed') return '✅ passed';
  if (r.smokeTest?.status !== 'failed') return '—';
  const steps = new Set([...Object.keys(r.smokeTest.missing), ...r.smokeTest.undispatched]);
  return `❌ ${steps.size} step(s) lack commands`;
}

/** The first line of an error: the reason (see `BuildError`). */
export function reasonOf(error: string | undefined): string {
  return (error ?? '').split('\n')[0]!.trim();
}

function counts(results: readonly BuildResult[]): string {
  const n = (s: BuildResult['status']): number => results.filter((r) => r.status === s).length;
  return `${n('built')} built, ${n('skipped')} skipped, ${n('failed')} failed.`;
}

/**
 * The terminal's closing table: status, group, image reference, real size against the estimate;
 * a reason for failures.
 */
export function buildTable(results: readonly BuildResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const ref = r.digest
      ? `${r.image}@${r.digest}`
      : r.tags[0]
        ? `${r.image}:${r.tags[0]}`
        : r.image;
    lines.push(
      `${r.status.padEnd(7)} ${escapeText(r.group).padEnd(16)} ${escapeText(ref)}  ${r.status === 'failed' ? '' : sizeAgainstEstimate(r)}`.trimEnd(),
    );
    if (r.status === 'failed') lines.push(`        ${escapeText(reasonOf(r.error))}`);
  }
  lines.push(counts(results));
  return `${lines.join('\n')}\n`;
}

/** The job summary's build section: a row per group, then the reasons of failures. */
export function buildSummaryMarkdown(results: readonly BuildResult[]): string {
  const lines = [
    '### Images',
    '',
    '| group | status | image | digest | size (real, estimated) | pull | smoke test | duration |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const digest = r.digest ? markdownCode(`${r.digest.slice(0, 19)}…`) : '—';
    const status =
      STATUS_TEXT[r.status] + (r.status !== 'failed' && !r.pushed ? ', not pushed' : '');
    const tags = r.tags.map((t) => markdownCode(t)).join(' ');
    lines.push(
      `| ${markdownText(r.group)} | ${status} | ${markdownCode(r.image)} ${tags} | ${digest} | ${sizeAgainstEstimate(r)} | ${size(r.pullSize)} | ${smokeCell(r)} | ${(r.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) {
    lines.push('', '**Failures**', '');
    for (const r of failed)
      // `<strong>`, not `**`: emphasis around text that ends in a space would not close.
      lines.push(
        `- <strong>${markdownText(r.group)}</strong>: ${markdownMessage(reasonOf(r.error))}`,
      );
  }
  lines.push('', counts(results));
  return `${lines.join('\n')}\n`;
}
