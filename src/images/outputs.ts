/**
 * What a build run hands to later steps and jobs as data: the `images` and `matrix` outputs.
 * Pure. (The step → image map is src/app/step-images.ts; the tables people read, src/report/build.ts.)
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
  /** The unpacked image's bytes as its engine reports them (what `estimatedSize` estimates). */
  size: number | null;
  estimatedSize: number;
  /** Bytes a pull downloads (config and compressed layers), from the registry. */
  pullSize: number | null;
  durationMs: number;
  error?: string;
  /** The smoke test inside the image: `passed`, or the commands each step lacks. */
  smokeTest?: BuildResult['smokeTest'];
  /** The executables the image adds to its base (absent when they could not be read). */
  commands?: string[];
}

/** `images`: per group, image, tags, digest, status, real size against the estimate, pull size. */
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
    pullSize: r.pullSize ?? null,
    durationMs: r.durationMs,
    ...(r.error ? { error: r.error } : {}),
    ...(r.smokeTest ? { smokeTest: r.smokeTest } : {}),
    ...(r.commands ? { commands: r.commands } : {}),
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
