/**
 * STW404 forced-conflict: a pinned group (`containers.groups`) holds steps that cannot share an
 * image — conflicting package versions, different runtime versions, or different families / GPU.
 */
import type { Finding } from '../../common/findings.js';
import { GroupState } from '../grouping.js';
import { reportAt, type PlanRule, type PlanRuleInput } from './rule.js';

export const rule: PlanRule = { id: 'STW404', check };

function check({ workflow, groups, ctx }: PlanRuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const group of groups) {
    if (!group.pinned) continue;
    const pin = workflow.containers.groups.find((g) => g.name === group.name);
    const members = group.state.members;
    for (let j = 1; j < members.length; j++) {
      const later = members[j]!;
      for (let i = 0; i < j; i++) {
        const earlier = members[i]!;
        let why: string | undefined;
        if (earlier.classKey !== later.classKey) {
          why = `they need different images (${earlier.classKey} vs ${later.classKey})`;
        } else {
          const solo = new GroupState(earlier.classKey, 0);
          solo.add(earlier, ctx);
          const clash = solo.conflictWith(later, ctx);
          if (clash) why = `their requirements conflict: ${clash}`;
        }
        if (!why) continue;
        const index = pin ? pin.steps.indexOf(later.step.id) : -1;
        const path =
          index >= 0
            ? ['containers', 'groups', group.name, 'steps', index]
            : ['steps', later.step.id, 'container'];
        const message =
          `Pinned group "${group.name}" holds steps "${earlier.step.id}" and "${later.step.id}", but ${why}. ` +
          `Move one of them out of the pin or align the versions.`;
        findings.push(reportAt(rule.id, workflow, path, message));
        // An image that installs both sides of a conflict would fail (or lie): do not render it.
        group.blockedBy = [...(group.blockedBy ?? []), message];
        break;
      }
    }
  }
  return findings;
}
