/**
 * STW405 over-budget: a group's estimated image size exceeds `containers.size-budget` — a pinned
 * group that is too big, or a single step that is too big even on its own.
 */
import type { Finding } from '../../common/findings.js';
import { formatBytes } from '../../common/units.js';
import { reportAt, type PlanRule, type PlanRuleInput } from './rule.js';

export const rule: PlanRule = { id: 'STW405', check };

function check({ workflow, groups, ctx }: PlanRuleInput): Finding[] {
  if (!Number.isFinite(ctx.budget)) return [];
  const findings: Finding[] = [];
  for (const group of groups) {
    const size = group.state.size;
    if (size <= ctx.budget) continue;
    const heaviest = [...group.state.packages.entries()]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 3)
      .map(([k, bytes]) => `${k.replace(/^[a-z]+:/, '')} ${formatBytes(bytes)}`)
      .join(', ');
    const figures = `estimated at ${formatBytes(size)}, over the size budget of ${formatBytes(ctx.budget)}${heaviest ? ` (heaviest: ${heaviest})` : ''}`;
    if (group.pinned) {
      findings.push(
        reportAt(
          rule.id,
          workflow,
          ['containers', 'groups', group.name],
          `Pinned group "${group.name}" is ${figures}. Split the pin, raise containers.size-budget, or lighten its packages.`,
          'key',
        ),
      );
    } else {
      const ids = group.state.members.map((m) => m.step.id);
      findings.push(
        reportAt(
          rule.id,
          workflow,
          ['steps', ids[0]!, 'software'],
          `Group "${group.name}" (step${ids.length > 1 ? 's' : ''} ${ids.map((i) => `"${i}"`).join(', ')}) is ${figures}; ` +
            `no grouping can bring it under. Raise containers.size-budget or split the step's software.`,
          'key',
        ),
      );
    }
  }
  return findings;
}
