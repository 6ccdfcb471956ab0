/**
 * Whether steps would land in the same container group, by the planner's own criteria: same
 * container setting, same family and GPU flag, compatible runtimes, no conflicting requirements.
 * Lint runs without a plan, so this is the pairwise test the grouping applies.
 */
import { familyOf } from '../software/family.js';
import {
  conflicts,
  ECOSYSTEMS,
  parseRequirement,
  type Requirement,
} from '../software/requirements.js';
import { runtimesCompatible } from '../software/version-order.js';
import type { Step } from '../workflow/model.js';

export interface GroupKey {
  /** A printable name of the group: `python`, `python-gpu`, a pinned group's name. */
  label: string;
  /** Steps with different keys can never share a group. */
  key: string;
}

/** Undefined when the step is never grouped (an image used as is, or no software). */
export function groupKeyOf(step: Step, pinnedGroups: ReadonlySet<string>): GroupKey | undefined {
  const { family, gpu } = familyOf(step, pinnedGroups);
  if (family === 'external' || family === 'none') return undefined;
  const label = step.container !== 'auto' ? step.container : `${family}${gpu ? '-gpu' : ''}`;
  return { label, key: `${step.container}\u0000${family}\u0000${gpu}` };
}

function requirementsOf(step: Step): Requirement[] {
  return ECOSYSTEMS.flatMap((eco) =>
    step.software[eco].flatMap((text) => {
      const parsed = parseRequirement(eco, text);
      return parsed.ok ? [parsed] : [];
    }),
  );
}

/** True when no runtime or package of `a` rules out one of `b` (GPU and family checked apart). */
export function compatible(a: Step, b: Step): boolean {
  for (const runtime of ['python', 'r', 'java'] as const) {
    const x = a.software[runtime];
    const y = b.software[runtime];
    if (x !== undefined && y !== undefined && !runtimesCompatible(x, y)) return false;
  }
  const theirs = requirementsOf(b);
  return requirementsOf(a).every((mine) => theirs.every((other) => !conflicts(mine, other)));
}
