/**
 * STW403 mutable-image: an image reference with `latest`, another moving tag, or no tag or digest.
 * Checked where images enter a plan: a step's `container`, `containers.base-images` and the `base`
 * of pinned groups — once per image, at the first step that names it.
 */
import type { NodePath } from '../../workflow/model.js';
import { pinnedGroupNames } from '../../software/family.js';
import { defineRule } from '../rule.js';

/** Tags that by convention move to newer images. */
const MOVING_TAGS = new Set(['latest', 'stable', 'edge', 'nightly', 'rolling', 'main', 'master']);

export default defineRule('STW403', (ctx) => {
  const { workflow } = ctx;
  const check = (ref: string, path: NodePath, where: string, plural = false): void => {
    const problem = mutability(ref);
    if (!problem) return;
    ctx.report(
      path,
      `${where} ${plural ? 'name' : 'names'} image "${ref}", which ${problem}; ` +
        `rebuilds and reruns may get different software. Use a version tag (e.g. ` +
        `"${repository(ref)}:<version>") or a digest ("${repository(ref)}@sha256:…").`,
    );
  };
  // Once per image: a pipeline's top-level container is every step's.
  const pinned = pinnedGroupNames(workflow);
  const byImage = new Map<string, string[]>();
  for (const step of workflow.steps) {
    if (step.container === 'auto' || pinned.has(step.container)) continue;
    byImage.set(step.container, [...(byImage.get(step.container) ?? []), step.id]);
  }
  for (const [ref, steps] of byImage) {
    const first = steps[0] as string;
    const who =
      steps.length === 1
        ? `Step "${first}"`
        : steps.length <= 3
          ? `Steps ${steps
              .map((s) => `"${s}"`)
              .join(', ')
              .replace(/, ([^,]*)$/, ' and $1')}`
          : `Steps "${first}" and ${steps.length - 1} more`;
    check(ref, ['steps', first, 'container'], who, steps.length > 1);
  }
  for (const [family, ref] of Object.entries(workflow.containers.baseImages)) {
    check(ref, ['containers', 'base-images', family], `The ${family} base image`);
  }
  for (const group of workflow.containers.groups) {
    if (group.base === undefined) continue;
    check(group.base, ['containers', 'groups', group.name, 'base'], `Group "${group.name}"`);
  }
});

/** Why a reference is mutable, or undefined when it names a fixed tag or digest. */
export function mutability(ref: string): string | undefined {
  const trimmed = ref.trim();
  if (trimmed.includes('@')) return undefined; // a digest pins the content
  const tag = tagOf(trimmed);
  if (tag === undefined) return 'has no tag (Docker reads it as "latest")';
  if (MOVING_TAGS.has(tag.toLowerCase())) return `uses the moving tag "${tag}"`;
  return undefined;
}

/** The tag: text after the last `:` that comes after the last `/` (a port has a `/` after it). */
function tagOf(ref: string): string | undefined {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : undefined;
}

function repository(ref: string): string {
  const trimmed = ref.trim().replace(/@.*$/, '');
  const tag = tagOf(trimmed);
  return tag === undefined ? trimmed : trimmed.slice(0, -(tag.length + 1));
}
