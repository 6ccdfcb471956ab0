/**
 * Fuzz over hostile names and values for every output channel: whatever a workflow, a file name
 * or a registry holds, no channel carries a raw control or bidirectional character, and no line
 * the log or terminal shows can start a workflow command that Stowage did not write.
 */
import fc from 'fast-check';
import { formatAnnotation } from '../../src/report/annotations.js';
import { buildSummaryMarkdown, buildTable } from '../../src/report/build.js';
import { escapeLabel } from '../../src/report/mermaid.js';
import { planTable } from '../../src/report/plan.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { formatText } from '../../src/report/text.js';
import { escapeText } from '../../src/common/text.js';
import type { BuildResult } from '../../src/images/build.js';
import type { Plan } from '../../src/plan/types.js';
import { finding, step, workflow } from './helpers.js';

const hostile = fc.string({
  unit: fc.constantFrom(
    ...'ab:: \n\r\t\u001b[31m\u009b\u202e\u2066\u2028\u2029\u0085\u0000%,|<>`@#'.split(''),
  ),
  minLength: 1,
  maxLength: 30,
});

const RAW =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** No raw unsafe character; no line starts a command unless it is the one we wrote. */
function expectSafe(text: string, ownCommand?: RegExp): void {
  expect(text).not.toMatch(RAW);
  for (const line of text.split(/\r?\n|\r/)) {
    if (ownCommand && ownCommand.test(line)) continue;
    expect(line.trimStart().startsWith('::')).toBe(false);
  }
}

const plan = (name: string): Plan =>
  ({
    version: 1,
    workflow: name,
    context: '.',
    groups: [
      {
        name: 'python',
        family: 'python',
        gpu: false,
        pinned: false,
        steps: [name],
        packages: [{ spec: name, ecosystem: 'pip', name, steps: [name] }],
        estimatedSize: 1,
        contentHash: 'a'.repeat(64),
        generated: {},
        contextFiles: [],
      },
    ],
    external: [{ step: name, image: name }],
    lowerBound: 1,
    lowerBoundByKind: [{ kind: 'python', bound: 1 }],
    baselines: {
      perStep: { images: 1, estimatedTotalSize: 1, conflicts: 0 },
      monolith: { images: 1, estimatedTotalSize: 1, conflicts: 0 },
    },
  }) as unknown as Plan;

const result = (name: string): BuildResult => ({
  group: name,
  steps: [name],
  image: name,
  tags: [name],
  status: 'failed',
  pushed: false,
  estimatedSize: 1,
  durationMs: 1,
  error: name,
});

test('every channel, every hostile name', () => {
  fc.assert(
    fc.property(hostile, hostile, (a, b) => {
      const f = finding({ file: a, message: b, name: a });
      // Annotation: exactly one line, our own command.
      const annotation = formatAnnotation(f);
      expect(annotation).not.toMatch(/[\r\n]/);
      expectSafe(annotation, /^::error /);
      // Terminal.
      expectSafe(formatText([f], { sources: new Map([[a, `${b}\n${a}`]]) }));
      expectSafe(planTable(plan(a)));
      expectSafe(buildTable([result(b)]));
      // Log lines (the action prints through escapeText).
      expectSafe(escapeText(`Lint configuration: ${a}`));
      // Summary (Markdown) and the diagram.
      const wf = workflow({ name: a, steps: [step(a), step(`${b}2`, { inputs: [`${a}.x`] })] });
      expectSafe(summaryMarkdown({ workflow: wf, findings: [f], plan: plan(b) }));
      expectSafe(buildSummaryMarkdown([result(a)]));
      expectSafe(escapeLabel(b));
    }),
    { numRuns: 300 },
  );
});
