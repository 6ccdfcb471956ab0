/**
 * STW406 over-split: two pinned groups that could be one image — same family and GPU flag, same
 * base, no conflicting requirements, and together within the size budget.
 */
import type { Finding } from '../../common/findings.js';
import { formatBytes } from '../../common/units.js';
import { reportAt, type PlanRule, type PlanRuleInput } from './rule.js';

export const rule: PlanRule = { id: 'STW406', check };

function check({ workflow, groups, ctx }: PlanRuleInput): Finding[] {
  const findings: Finding[] = [];
  const pinned = groups.filter((g) => g.pinned);
  const reported = new Set<string>();
  for (let j = 1; j < pinned.length; j++) {
    const b = pinned[j]!;
    for (let i = 0; i < j; i++) {
      const a = pinned[i]!;
      if (reported.has(a.name) || a.classKey !== b.classKey || a.baseImage !== b.baseImage)
        continue;
      const merged = a.state.clone(ctx);
      if (!b.state.members.every((m) => merged.fits(m, ctx) && (merged.add(m, ctx), true)))
        continue;
      const within = Number.isFinite(ctx.budget)
        ? `, ${formatBytes(merged.size)} together (budget ${formatBytes(ctx.budget)})`
        : '';
      findings.push(
        reportAt(
          rule.id,
          workflow,
          ['containers', 'groups', b.name],
          `Pinned groups "${a.name}" and "${b.name}" could be one image: same family (${a.classKey}), same base, no conflicting requirements${within}. ` +
            `Merge the pins, or drop them and let the planner group the steps.`,
          'key',
        ),
      );
      reported.add(b.name);
      break;
    }
  }
  return findings;
}
