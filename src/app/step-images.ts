/**
 * The step → image map every consumer takes (the `step-images` output, the exports for engines):
 * one function, so a pushed, an unpushed, a skipped and a failed build each give the same answer
 * wherever the map is read.
 *
 * | the group's build this run        | the step's image                                  |
 * | --------------------------------- | ------------------------------------------------- |
 * | pushed, or skipped as unchanged   | `<registry>/<group>@sha256:…` (pinned by digest)  |
 * | built, not pushed (a PR, local)   | `<image>:<content-hash tag>` (in the local store) |
 * | failed, or no build this run      | `<registry>/<group>:<content-hash tag>`, the tag  |
 * |                                   | a successful build pushes (by tag; not yet there) |
 * | no build and no registry          | left out, with the reason                         |
 *
 * Steps whose `container` is an image reference keep it as is.
 */
import { contentHashTag } from '../images/tags.js';
import type { BuildResult } from '../images/build.js';
import { knownCommands } from '../plan/dockerfile.js';
import type { Plan, PlannedGroup } from '../plan/types.js';
import type { GroupImage, StepImage, StepImages } from '../export/types.js';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface StepImageSources {
  /** `<registry>` of `<registry>/<group>`, for groups this run did not build. */
  registry?: string;
  /** This run's build results (any status). */
  builds?: readonly BuildResult[];
  /** Digests read from the registry for the plan's content-hash tags (by group). */
  digests?: Readonly<Record<string, string>>;
}

export interface StepImageMap {
  images: StepImages;
  /** Groups that got no image, with the reason. */
  missing: { group: string; reason: string }[];
}

export function stepImageMap(plan: Plan, sources: StepImageSources): StepImageMap {
  const images: StepImages = {};
  const missing: StepImageMap['missing'] = [];
  const builds = new Map((sources.builds ?? []).map((b) => [b.group, b]));
  const registry = sources.registry?.trim().replace(/\/+$/, '');
  for (const group of plan.groups) {
    const image = groupImage(
      group.name,
      group.contentHash,
      builds.get(group.name),
      registry,
      sources.digests?.[group.name],
    );
    if ('reason' in image) missing.push({ group: group.name, reason: image.reason });
    else {
      image.group = groupImageOf(plan, group, builds.get(group.name)?.commands);
      for (const step of group.steps) images[step] = image;
    }
  }
  for (const ext of plan.external) {
    images[ext.step] = {
      ref: ext.image,
      pinned: /@sha256:[a-f0-9]{64}$/.test(ext.image) ? 'digest' : 'tag',
    };
  }
  return { images, missing };
}

/**
 * The group as the shims, modules and compose exports need it: the commands its build read from
 * the image, else the plan's (the commands its steps call); the groups its requirements conflict
 * with (a later group kept apart from an earlier one for a reason other than the size budget).
 */
function groupImageOf(
  plan: Plan,
  group: PlannedGroup,
  commands: readonly string[] | undefined,
): GroupImage {
  const conflicts = new Set<string>();
  for (const other of plan.groups)
    for (const apart of other.apart ?? []) {
      if (apart.reason.startsWith('together they would exceed the size budget')) continue;
      if (other.name === group.name) conflicts.add(apart.from);
      else if (apart.from === group.name) conflicts.add(other.name);
    }
  return {
    name: group.name,
    contentHash: group.contentHash,
    gpu: group.gpu,
    steps: [...group.steps],
    commands: commands ? [...commands] : knownCommands(group.commands),
    commandsFrom: commands ? 'image' : 'plan',
    conflicts: [...conflicts].sort(),
  };
}

function groupImage(
  name: string,
  contentHash: string,
  build: BuildResult | undefined,
  registry: string | undefined,
  digest: string | undefined,
): StepImage | { reason: string } {
  if (!contentHash) return { reason: 'the group is blocked (see the findings)' };
  const hashTag = contentHashTag(contentHash);
  if (build && build.status !== 'failed') {
    if (build.digest && DIGEST.test(build.digest))
      return { ref: `${build.image}@${build.digest}`, pinned: 'digest' };
    return { ref: `${build.image}:${hashTag}`, pinned: 'tag' };
  }
  if (!registry) {
    return {
      reason: build
        ? `its build failed: ${(build.error ?? '').split('\n')[0]}`
        : 'no registry to name its image (give --registry, or set containers.registry)',
    };
  }
  const repository = `${registry}/${name}`;
  if (digest && DIGEST.test(digest)) return { ref: `${repository}@${digest}`, pinned: 'digest' };
  return { ref: `${repository}:${hashTag}`, pinned: 'tag' };
}

/** The `step-images` output: step → reference, sorted by step. */
export function stepImagesOutput(map: StepImageMap): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map.images)
      .map(([step, image]) => [step, image.ref] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
