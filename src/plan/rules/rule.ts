/**
 * The shape of a plan rule (STW404–406): it reads the draft groups before rendering and reports
 * findings at spec nodes; its metadata is the catalogue's (src/common/rules.ts).
 */
import type { Finding } from '../../common/findings.js';
import { finding, type RuleId } from '../../common/rules.js';
import type { NodePath, Workflow } from '../../workflow/model.js';
import type { GroupState, PlanContext } from '../grouping.js';

/** A group as the plan rules see it, before rendering. */
export interface DraftGroup {
  name: string;
  pinned: boolean;
  /** `python`, `python-gpu`, … */
  classKey: string;
  baseImage: string;
  state: GroupState;
  /** Reasons a rule found that this group must not be built (rendering then blocks it). */
  blockedBy?: string[];
}

export interface PlanRuleInput {
  workflow: Workflow;
  groups: readonly DraftGroup[];
  ctx: PlanContext;
}

export interface PlanRule {
  id: RuleId;
  check(input: PlanRuleInput): Finding[];
}

/** A finding of `id` at a node of the spec. */
export function reportAt(
  id: RuleId,
  workflow: Workflow,
  path: NodePath,
  message: string,
  part: 'key' | 'value' = 'value',
): Finding {
  return finding(id, workflow.source.locate(path, part), message);
}
