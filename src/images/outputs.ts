/**
 * What a build run hands to later steps and jobs: the `images`, `matrix` and `step-images`
 * outputs, and a markdown section for the job summary. Pure.
 */
import type { Plan } from '../plan/types.js';
import type { BuildResult } from './build.js';

export interface ImageOutput {
  group: string;
  image: string;
  tags: string[];
  digest: string | null;
  status: BuildResult['status'];
  pushed: boolean;
  size: number | null;
  estimatedSize: number;
  durationMs: number;
  error?: string;
}

/** `images`: per group, image, tags, digest, status and real size. */
export function imagesOutput(results: readonly BuildResult[]): ImageOutput[] {
  return results.map((r) => ({
    group: r.group,
    image: r.image,
    tags: r.tags,
    digest: r.digest ?? null,
    status: r.status,
    pushed: r.pushed,
    size: r.size ?? null,
    estimatedSize: r.estimatedSize,
    durationMs: r.durationMs,
    ...(r.error ? { error: r.error } : {}),
  }));
}

/** `matrix`: `{include:[{group}]}` for `strategy.matrix`, optionally only some groups. */
export function matrixOutput(
  plan: Plan,
  groups?: readonly string[],
): { include: { group: string }[] } {
  const only = groups && groups.length > 0 ? new Set(groups) : undefined;
  return {
    include: plan.groups.filter((g) => !only || only.has(g.name)).map((g) => ({ group: g.name })),
  };
}

/**
 * `step-images`: step → `image@digest` (pinned, for a cluster), for every step whose group has a
 * digest, plus steps that use an image as is. Steps of failed or unpushed groups are left out.
 */
export function stepImagesOutput(
  plan: Plan,
  results: readonly BuildResult[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of results) {
    if (!r.digest || r.status === 'failed') continue;
    for (const step of r.steps) out[step] = `${r.image}@${r.digest}`;
  }
  for (const ext of plan.external) out[ext.step] = ext.image;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** Text that cannot break a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

const STATUS_TEXT: Record<BuildResult['status'], string> = {
  built: '🔨 built',
  skipped: '⏭️ skipped (unchanged)',
  failed: '❌ failed',
};

/** The job summary's build section: a row per group. */
export function buildSummaryMarkdown(results: readonly BuildResult[]): string {
  const lines = [
    '### Images',
    '',
    '| group | status | image | digest | size (real / estimated) | duration |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const digest = r.digest ? `\`${r.digest.slice(0, 19)}…\`` : '—';
    const status =
      STATUS_TEXT[r.status] + (r.status !== 'failed' && !r.pushed ? ', not pushed' : '');
    lines.push(
      `| ${cell(r.group)} | ${status} | \`${cell(r.image)}\` ${r.tags.map((t) => `\`${cell(t)}\``).join(' ')} | ${digest} | ${formatBytes(r.size)} / ${formatBytes(r.estimatedSize)} | ${(r.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) {
    lines.push('', '**Failures**', '');
    for (const r of failed) lines.push(`- **${cell(r.group)}**: ${cell(r.error ?? '')}`);
  }
  const counts = (s: BuildResult['status']): number => results.filter((r) => r.status === s).length;
  lines.push(
    '',
    `${counts('built')} built, ${counts('skipped')} skipped, ${counts('failed')} failed.`,
  );
  return lines.join('\n') + '\n';
}
