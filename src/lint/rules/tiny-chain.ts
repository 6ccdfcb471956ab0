/**
 * STW202 tiny-chain: a straight chain of short steps that would share one container group. Each
 * step costs scheduling, container start-up and data staging; merged, the chain does the same work
 * once.
 */
import { formatDuration } from '../../common/units.js';
import type { Step } from '../../workflow/model.js';
import { pinnedGroupNames } from '../../software/family.js';
import type { DependencyGraph } from '../../workflow/graph.js';
import { defineRule } from '../rule.js';
import { CompatibleSet, groupKeyOf, type GroupKey } from '../same-group.js';
import { formatSetting } from '../settings.js';

export default defineRule('STW202', (ctx) => {
  const { workflow, graph } = ctx;
  const maxDuration = ctx.settings['tiny-chain-max-duration'];
  const minSteps = ctx.settings['tiny-chain-min-steps'];
  const pinned = pinnedGroupNames(workflow);
  const tiny = (s: Step): boolean =>
    !s.service && s.duration !== undefined && s.duration <= maxDuration;
  const keys = new Map<Step, GroupKey | undefined>();
  const keyOf = (s: Step): GroupKey | undefined => {
    if (!keys.has(s)) keys.set(s, groupKeyOf(s, pinned));
    return keys.get(s);
  };

  const inChain = new Set<string>();
  for (const first of workflow.steps) {
    if (inChain.has(first.id) || !tiny(first)) continue;
    const group = keyOf(first);
    if (!group) continue;
    // Only start at the head: a tiny predecessor in the same group would have started it.
    const beforeId = onlyNeighbour(graph, first.id, 'upstream');
    const before = beforeId === undefined ? undefined : graph.steps.get(beforeId);
    if (before && linked(graph, before.id, first.id) && joins(first, chainOf([before]))) continue;

    // The chain grows one step at a time; each step is checked against what the chain holds
    // (its group key, its distinct software), never against every member: linear in its length.
    const chain = chainOf([first]);
    for (;;) {
      const last = chain.steps[chain.steps.length - 1]!;
      const nextId = onlyNeighbour(graph, last.id, 'downstream');
      const next = nextId === undefined ? undefined : graph.steps.get(nextId);
      if (!next || !linked(graph, last.id, next.id) || !joins(next, chain)) break;
      chain.push(next);
    }
    if (chain.steps.length < minSteps) continue;
    for (const s of chain.steps) inChain.add(s.id);

    ctx.report(
      ['steps', first.id],
      `Steps ${chainNames(chain.steps)} form a straight chain of short steps (${chainTimes(chain.steps)}; each at most ` +
        `${formatSetting('tiny-chain-max-duration', maxDuration)}) that would share the ` +
        `"${group.label}" image. Merge them into one step to save scheduling, start-up and ` +
        `staging of intermediate files.`,
      'key',
    );
  }

  /** A chain: its steps, their ids, and the software they hold together. */
  function chainOf(steps: Step[]) {
    const chain = {
      steps: [] as Step[],
      ids: new Set<string>(),
      key: keyOf(steps[0]!)?.key,
      software: new CompatibleSet(),
      push(step: Step) {
        chain.steps.push(step);
        chain.ids.add(step.id);
        chain.software.add(step);
      },
    };
    for (const s of steps) chain.push(s);
    return chain;
  }

  function joins(candidate: Step, chain: ReturnType<typeof chainOf>): boolean {
    return (
      tiny(candidate) &&
      !chain.ids.has(candidate.id) &&
      keyOf(candidate)?.key === chain.key &&
      chain.key !== undefined &&
      chain.software.accepts(candidate)
    );
  }
});

/** At most this many steps are named in a message; a 10,000-step chain names its ends. */
const NAMED_STEPS = 8;

/** `"a" → "b" → "c"`, or the first and last steps around `…(9,990 more)…` for a long chain. */
function chainNames(steps: readonly Step[]): string {
  const quoted = (list: readonly Step[]) => list.map((s) => `"${s.id}"`);
  if (steps.length <= NAMED_STEPS) return quoted(steps).join(' → ');
  const head = quoted(steps.slice(0, NAMED_STEPS - 2));
  const tail = quoted(steps.slice(-2));
  return [...head, `…(${steps.length - NAMED_STEPS} more)…`, ...tail].join(' → ');
}

function chainTimes(steps: readonly Step[]): string {
  if (steps.length <= NAMED_STEPS) return steps.map((s) => formatDuration(s.duration!)).join(', ');
  const total = steps.reduce((sum, s) => sum + s.duration!, 0);
  return `${steps.length} steps, ${formatDuration(total)} in all`;
}

/** The single step on one side of `id`, if all its edges on that side go to one step. */
function onlyNeighbour(
  graph: DependencyGraph,
  id: string,
  side: 'upstream' | 'downstream',
): string | undefined {
  const edges = graph[side].get(id) ?? [];
  const others = new Set(edges.map((e) => (side === 'upstream' ? e.from : e.to)));
  return others.size === 1 ? [...others][0] : undefined;
}

/** `from` feeds only `to`, and `to` reads from no step but `from`: merging loses nothing. */
function linked(graph: DependencyGraph, from: string, to: string): boolean {
  return (
    onlyNeighbour(graph, from, 'downstream') === to && onlyNeighbour(graph, to, 'upstream') === from
  );
}
