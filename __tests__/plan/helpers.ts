/** Hand-made model objects for plan tests (no loader needed). */
import type { NodePath, Software, Step, Workflow } from '../../src/workflow/model.js';
import { emptySoftware } from '../../src/workflow/model.js';

export function software(s: Partial<Software> = {}): Software {
  return { ...emptySoftware(), ...s };
}

export function step(id: string, s: Partial<Software> = {}, extra: Partial<Step> = {}): Step {
  return {
    id,
    run: `echo ${id}`,
    inputs: [],
    outputs: {},
    software: software(s),
    container: 'auto',
    service: false,
    ...extra,
  };
}

/** A locator that puts the node path it was asked for in `file` (`#["steps","a"]`), for assertions. */
export function workflow(steps: Step[], extra: Partial<Workflow> = {}): Workflow {
  return {
    version: 1,
    name: 'test-workflow',
    inputs: [],
    outputs: [],
    containers: { baseImages: {}, groups: [], packageSizes: {} },
    steps,
    file: 'stowage.yml',
    format: 'stowage',
    source: {
      locate(path: NodePath) {
        return {
          file: `#${JSON.stringify(path)}`,
          span: { line: 1, column: 1, endLine: 1, endColumn: 2 },
        };
      },
      lineText: () => undefined,
      files: () => new Map(),
    },
    ...extra,
  };
}
