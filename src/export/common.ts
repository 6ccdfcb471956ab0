import { isImageReference } from '../software/image-ref.js';
import type { Step } from '../workflow/model.js';
import type { ExportInput, ExportResult, Pinning, StepImage } from './types.js';

/** Steps that have a valid image, and those left out with the reason. */
export function exportableSteps(input: ExportInput): {
  steps: { step: Step; image: StepImage }[];
  skipped: ExportResult['skipped'];
} {
  const steps: { step: Step; image: StepImage }[] = [];
  const skipped: ExportResult['skipped'] = [];
  for (const step of input.workflow.steps) {
    const image = input.stepImages[step.id];
    if (!image)
      skipped.push({
        step: step.id,
        reason: input.noImage?.[step.id] ?? 'no image was built or declared for it',
      });
    else if (!isImageReference(image.ref)) {
      skipped.push({ step: step.id, reason: `"${image.ref}" is not a valid image reference` });
    } else if (image.pinned === 'digest' && !/@sha256:[a-f0-9]{64}$/.test(image.ref)) {
      skipped.push({
        step: step.id,
        reason: `"${image.ref}" is said to be pinned by digest but has none`,
      });
    } else steps.push({ step, image });
  }
  return { steps, skipped };
}

/**
 * The exportable steps whose image is a planned group's (the shims, modules and Compose exports
 * need what Stowage built into it); a step on an image of its own is left out, its reason ending
 * with `consequence` (e.g. ", so it has no group module").
 */
export function stepsInGroupImages(
  input: ExportInput,
  consequence: string,
): ReturnType<typeof exportableSteps> {
  const { steps: all, skipped } = exportableSteps(input);
  const steps = all.filter(({ step, image }) => {
    if (image.group) return true;
    skipped.push({
      step: step.id,
      reason: `its image ${image.ref} is not one Stowage built${consequence}`,
    });
    return false;
  });
  return { steps, skipped };
}

export function pinningOf(images: readonly StepImage[]): Pinning {
  if (images.length === 0) return 'none';
  const digest = images.filter((i) => i.pinned === 'digest').length;
  if (digest === images.length) return 'digest';
  return digest === 0 ? 'tag' : 'mixed';
}

/**
 * How the images of an export are pinned, in words, for the line each export prints: `images
 * pinned by digest`, or which are named by a tag only (a tag can be moved to another image).
 */
export function pinningPhrase(pinning: Pinning): string {
  switch (pinning) {
    case 'digest':
      return 'images pinned by digest';
    case 'tag':
      return 'images named by tag only, no digest (a tag can be moved)';
    case 'mixed':
      return 'images pinned by digest where pushed, the others named by tag only';
    case 'none':
      return 'no image';
  }
}

/** The same as a sentence, for the header of an export's file. */
export function pinningSentence(pinning: Pinning): string {
  switch (pinning) {
    case 'digest':
      return 'Images are pinned by digest: a rerun uses exactly the images that were built.';
    case 'tag':
      return 'Images are named by tag only, not pinned by digest (none was available): a tag can be moved to another image; build with a push to pin them by digest.';
    case 'mixed':
      return 'Images that were pushed are pinned by digest; the others are named by tag only, and a tag can be moved to another image.';
    case 'none':
      return 'No step has an image yet.';
  }
}

/** The engine's name for a step: the process or rule it came from, else the step id. */
export function engineName(input: ExportInput, stepId: string): string {
  return input.origin?.engineNames[stepId] ?? stepId;
}
