/** Small builders for report tests: findings and workflows written by hand, no loader needed. */
import type { Finding, Severity, Span } from '../../src/common/findings.js';
import { emptySoftware } from '../../src/workflow/model.js';
import type { Step } from '../../src/workflow/model.js';

export function finding(
  overrides: Omit<Partial<Finding>, 'span'> & { span?: Partial<Span> } = {},
): Finding {
  const { span, ...rest } = overrides;
  return {
    rule: 'STW101',
    name: 'unknown-reference',
    severity: 'error' as Severity,
    message: 'Step "plot" reads "train.modle", which no step produces: did you mean "train.model"?',
    file: 'stowage.yml',
    ...rest,
    span: { line: 3, column: 5, endLine: 3, endColumn: 16, ...span },
  };
}

export function step(id: string, overrides: Partial<Step> = {}): Step {
  return {
    id,
    inputs: [],
    outputs: {},
    software: emptySoftware(),
    container: 'auto',
    service: false,
    ...overrides,
  };
}

export { tableLocator, workflow } from '../helpers/model.js';
