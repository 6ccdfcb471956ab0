/** Plans made by hand for tests of what reads a plan (reports, builds, exports). */
import type { Plan, PlannedGroup } from '../../src/plan/types.js';

/** A rendered group with neutral defaults; `over` sets what the test is about. */
export function testGroup(
  name: string,
  steps: string[],
  over: Partial<PlannedGroup> = {},
): PlannedGroup {
  return {
    name,
    family: 'python',
    gpu: false,
    pinned: false,
    steps,
    runtimes: {},
    packages: [],
    baseImage: 'python:3.12-slim',
    estimatedSize: 1,
    generated: {},
    contextFiles: [],
    commands: {},
    contentHash: 'a'.repeat(64),
    ...over,
  };
}

/** A plan of `groups` (one kind, lower bound 1, empty baselines); `over` sets the rest. */
export function testPlan(groups: PlannedGroup[], over: Partial<Plan> = {}): Plan {
  const baseline = { images: 0, estimatedTotalSize: 0, conflicts: 0 };
  return {
    version: 1,
    workflow: 'w',
    context: '.',
    groups,
    external: [],
    unplanned: [],
    lowerBound: 1,
    lowerBoundByKind: [{ kind: 'python', bound: 1 }],
    baselines: { perStep: baseline, monolith: baseline },
    ...over,
  };
}
