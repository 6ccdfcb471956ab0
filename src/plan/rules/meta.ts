import type { Finding, Severity } from '../../common/findings.js';
import type { Workflow } from '../../workflow/model.js';
import type { GroupState, PlanContext } from '../grouping.js';

/** What every plan rule exports beside its check. */
export interface PlanRuleMeta {
  id: string;
  name: string;
  severity: Severity;
  description: string;
}

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

export function makeFinding(
  meta: PlanRuleMeta,
  workflow: Workflow,
  path: readonly (string | number)[],
  message: string,
  part: 'key' | 'value' = 'value',
): Finding {
  const at = workflow.source.locate(path, part);
  return {
    rule: meta.id,
    name: meta.name,
    severity: meta.severity,
    message,
    file: at.file,
    span: at.span,
  };
}
