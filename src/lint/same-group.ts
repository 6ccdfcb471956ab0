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

/** A step's parsed requirements, parsed once per step (rules ask about a step many times). */
const parsedRequirements = new WeakMap<Step, Requirement[]>();

function requirementsOf(step: Step): Requirement[] {
  let list = parsedRequirements.get(step);
  if (!list) {
    list = ECOSYSTEMS.flatMap((eco) =>
      step.software[eco].flatMap((text) => {
        const parsed = parseRequirement(eco, text);
        return parsed.ok ? [parsed] : [];
      }),
    );
    parsedRequirements.set(step, list);
  }
  return list;
}

const RUNTIMES = ['python', 'r', 'java'] as const;

/**
 * Steps that are pairwise compatible, kept as the distinct runtimes and requirements they hold:
 * `accepts(step)` is true when the step is compatible with every member. Members that repeat a
 * requirement add nothing, so a chain of 10,000 steps with the same software is checked against
 * a handful of requirements, not 10,000 steps.
 */
export class CompatibleSet {
  private readonly runtimes = new Map<(typeof RUNTIMES)[number], Set<string>>();
  /** Package name → its distinct requirements. */
  private readonly requirements = new Map<string, Map<string, Requirement>>();

  add(step: Step): void {
    for (const runtime of RUNTIMES) {
      const version = step.software[runtime];
      if (version === undefined) continue;
      const seen = this.runtimes.get(runtime) ?? new Set<string>();
      seen.add(version);
      this.runtimes.set(runtime, seen);
    }
    for (const req of requirementsOf(step)) {
      const byText = this.requirements.get(req.name) ?? new Map<string, Requirement>();
      byText.set(`${req.ecosystem}\u0000${req.text}`, req);
      this.requirements.set(req.name, byText);
    }
  }

  accepts(step: Step): boolean {
    for (const runtime of RUNTIMES) {
      const version = step.software[runtime];
      if (version === undefined) continue;
      for (const other of this.runtimes.get(runtime) ?? []) {
        if (!runtimesCompatible(other, version)) return false;
      }
    }
    for (const req of requirementsOf(step)) {
      for (const other of this.requirements.get(req.name)?.values() ?? []) {
        if (conflicts(other, req)) return false;
      }
    }
    return true;
  }
}
