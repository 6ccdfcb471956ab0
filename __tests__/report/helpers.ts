/** Small builders for report tests: findings and workflows written by hand, no loader needed. */
import type { Finding, Severity, Span } from '../../src/common/findings.js';
import { emptySoftware } from '../../src/workflow/model.js';
import type {
  Location,
  NodePath,
  SourceLocator,
  Step,
  Workflow,
} from '../../src/workflow/model.js';

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

/**
 * A locator over a table of node paths → spans. Unknown paths fall back to their nearest listed
 * ancestor, as the real locator does.
 */
export function tableLocator(file: string, spans: Record<string, Location['span']>): SourceLocator {
  return {
    locate(path: NodePath, part: 'key' | 'value' = 'value'): Location {
      for (let n = path.length; n >= 0; n -= 1) {
        const key = `${path.slice(0, n).join('.')}${part === 'key' ? '#key' : ''}`;
        const span = spans[key] ?? spans[path.slice(0, n).join('.')];
        if (span) return { file, span };
      }
      return { file, span: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
    },
    lineText: () => undefined,
    files: () => new Map(),
  };
}

export function workflow(overrides: Partial<Workflow> = {}): Workflow {
  return {
    version: 1,
    name: 'coastal-flood-model',
    inputs: [],
    outputs: [],
    containers: { baseImages: {}, groups: [], packageSizes: {} },
    steps: [],
    file: 'stowage.yml',
    format: 'stowage',
    source: tableLocator('stowage.yml', {}),
    ...overrides,
  };
}
