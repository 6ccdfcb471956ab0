import { contentHashTag } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
import type { StepImages } from '../export/types.js';

/** What a build produced for one group: the pushed reference and, when pushed, its digest. */
export interface GroupImage {
  /** `registry/name:tag`. */
  ref: string;
  /** `sha256:…` when the registry returned one. */
  digest?: string;
}

/**
 * The step → image map the exports take: each step of a group gets the group's image, by
 * digest when the build produced one; steps with an image reference in the spec keep it.
 */
export function stepImagesFromPlan(plan: Plan, built: Record<string, GroupImage>): StepImages {
  const images: StepImages = {};
  for (const group of plan.groups) {
    const image = built[group.name];
    if (!image) continue;
    const repository = repositoryOf(image.ref);
    const entry =
      image.digest && /^sha256:[a-f0-9]{64}$/.test(image.digest)
        ? { ref: `${repository}@${image.digest}`, pinned: 'digest' as const }
        : { ref: image.ref, pinned: 'tag' as const };
    for (const step of group.steps) images[step] = entry;
  }
  for (const ext of plan.external) {
    images[ext.step] = {
      ref: ext.image,
      pinned: /@sha256:[a-f0-9]{64}$/.test(ext.image) ? 'digest' : 'tag',
    };
  }
  return images;
}

/** `host:5000/a/b:tag@sha256:…` → `host:5000/a/b`: a `:` after the last `/` starts the tag. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * The image each group will be pushed under before any build has run: `<registry>/<group>` at its
 * content-hash tag. Blocked groups (no content hash) have none.
 */
export function plannedImages(plan: Plan, registry: string): Record<string, GroupImage> {
  const images: Record<string, GroupImage> = {};
  for (const group of plan.groups) {
    if (group.contentHash) {
      images[group.name] = {
        ref: `${registry}/${group.name}:${contentHashTag(group.contentHash)}`,
      };
    }
  }
  return images;
}
