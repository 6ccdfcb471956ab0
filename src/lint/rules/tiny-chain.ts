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
import { compatible, groupKeyOf } from '../same-group.js';
import { formatSetting } from '../settings.js';

export default defineRule('STW202', (ctx) => {
  const { workflow, graph } = ctx;
  const maxDuration = ctx.settings['tiny-chain-max-duration'];
  const minSteps = ctx.settings['tiny-chain-min-steps'];
  const pinned = pinnedGroupNames(workflow);
  const tiny = (s: Step): boolean =>
    !s.service && s.duration !== undefined && s.duration <= maxDuration;

  const inChain = new Set<string>();
  for (const first of workflow.steps) {
    if (inChain.has(first.id) || !tiny(first)) continue;
    const group = groupKeyOf(first, pinned);
    if (!group) continue;
    // Only start at the head: a tiny predecessor in the same group would have started it.
    const beforeId = onlyNeighbour(graph, first.id, 'upstream');
    const before = beforeId === undefined ? undefined : graph.steps.get(beforeId);
    if (before && linked(graph, before.id, first.id) && fits(before, [first])) continue;

    const chain = [first];
    for (;;) {
      const last = chain[chain.length - 1]!;
      const nextId = onlyNeighbour(graph, last.id, 'downstream');
      const next = nextId === undefined ? undefined : graph.steps.get(nextId);
      if (!next || !linked(graph, last.id, next.id) || !fits(next, chain)) break;
      chain.push(next);
    }
    if (chain.length < minSteps) continue;
    for (const s of chain) inChain.add(s.id);

    const names = chain.map((s) => `"${s.id}"`).join(' → ');
    const times = chain.map((s) => formatDuration(s.duration!)).join(', ');
    ctx.report(
      ['steps', first.id],
      `Steps ${names} form a straight chain of short steps (${times}; each at most ` +
        `${formatSetting('tiny-chain-max-duration', maxDuration)}) that would share the ` +
        `"${group.label}" image. Merge them into one step to save scheduling, start-up and ` +
        `staging of intermediate files.`,
      'key',
    );
  }

  function fits(candidate: Step, chain: readonly Step[]): boolean {
    const key = groupKeyOf(candidate, pinned)?.key;
    return (
      tiny(candidate) &&
      key !== undefined &&
      chain.every((s) => groupKeyOf(s, pinned)?.key === key && compatible(s, candidate)) &&
      !chain.some((s) => s.id === candidate.id)
    );
  }
});

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
