/**
 * The one factory of hand-made Workflow objects for tests that need no loader (plan, report,
 * export): a workflow of the given steps, whose locator answers with the node path it was asked
 * for (`#["steps","a"]`) unless a test gives its own (`tableLocator`).
 */
import type {
  Location,
  NodePath,
  SourceLocator,
  Step,
  Workflow,
} from '../../src/workflow/model.js';

/** A locator that puts the node path it was asked for in `file` (`#["steps","a"]`), for assertions. */
export const pathLocator: SourceLocator = {
  locate(path: NodePath) {
    return {
      file: `#${JSON.stringify(path)}`,
      span: { line: 1, column: 1, endLine: 1, endColumn: 2 },
    };
  },
  lineText: () => undefined,
  files: () => new Map(),
};

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

/** `workflow(steps, extra)`, or `workflow({ steps, name, … })`: the same, written either way. */
export function workflow(
  stepsOrFields: Step[] | Partial<Workflow> = [],
  extra: Partial<Workflow> = {},
): Workflow {
  const fields = Array.isArray(stepsOrFields) ? { steps: stepsOrFields } : stepsOrFields;
  return {
    version: 1,
    name: 'test-workflow',
    inputs: [],
    outputs: [],
    containers: { baseImages: {}, groups: [], packageSizes: {} },
    steps: [],
    file: 'stowage.yml',
    format: 'stowage',
    source: pathLocator,
    ...fields,
    ...extra,
  };
}
