/**
 * STW410 invalid-requirement: a package, runtime, file path or image reference that fails its
 * grammar. It never reaches a Dockerfile; the group it belongs to is marked `blocked`.
 */
import type { Finding, Span } from '../../common/findings.js';
import type { PlanRuleMeta } from './meta.js';

export const meta: PlanRuleMeta = {
  id: 'STW410',
  name: 'invalid-requirement',
  severity: 'error',
  description:
    'A requirement, runtime, file or image reference is not valid for its ecosystem; its group gets no Dockerfile.',
};

export function finding(file: string, span: Span, message: string): Finding {
  return { rule: meta.id, name: meta.name, severity: meta.severity, message, file, span };
}
