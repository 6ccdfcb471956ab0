/**
 * Fuzz over hostile names and values for every output channel: whatever a workflow, a file name
 * or a registry holds, no channel carries a raw control or bidirectional character, and no line
 * the log or terminal shows can start a workflow command that Stowage did not write.
 */
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { marked } from 'marked';
import type { Log } from 'sarif';
import { RULES } from '../../src/common/rules.js';
import { formatSarif } from '../../src/report/sarif.js';
import { hostile as hostileNames } from '../helpers/hostile.js';
import { sarifValidator } from '../helpers/sarif.js';
import { formatAnnotation } from '../../src/report/annotations.js';
import { buildSummaryMarkdown, buildTable } from '../../src/report/build.js';
import { escapeLabel } from '../../src/report/mermaid.js';
import { planMarkdown, planTable } from '../../src/report/plan.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { formatText } from '../../src/report/text.js';
import { escapeText } from '../../src/common/text.js';
import type { BuildResult } from '../../src/images/build.js';
import type { Plan } from '../../src/plan/types.js';
import { finding, step, workflow } from './helpers.js';

const hostile = fc.string({
  unit: fc.constantFrom(
    ...'ab:: \n\r\t\u001b[31m\u009b\u202e\u2066\u2028\u2029\u0085\u0000%,|<>`@#'.split(''),
    '##[',
  ),
  minLength: 1,
  maxLength: 30,
});

const RAW =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * No raw unsafe character; no line starts a command unless it is the one we wrote; no `##[`
 * (the runner's older commands, read anywhere in a line).
 */
function expectSafe(text: string, ownCommand?: RegExp): void {
  expect(text).not.toMatch(RAW);
  for (const line of text.split(/\r?\n|\r/)) {
    // Our own command is read as one (a `::` command first), so a `##[` in its file property,
    // kept exact for GitHub to find the file, starts nothing.
    if (ownCommand && ownCommand.test(line)) continue;
    expect(line).not.toContain('##[');
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
    unplanned: [],
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

describe('Markdown and SARIF, read by their parsers', () => {
  const names = hostileNames({ maxPieces: 5 });
  const repoUrl = 'https://github.com/acme/flood';
  const window = new JSDOM('').window;

  /** The HTML GitHub-flavoured Markdown gives (marked, with GFM autolinks), as a DOM. */
  function rendered(markdown: string): Document {
    const html = marked.parse(markdown, { async: false, gfm: true });
    return new window.DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  }

  /**
   * What a reader sees of the document's structure: every element but `<br>` and `<code>` (the
   * two that escaped text may add), and every link's target.
   */
  function structure(doc: Document): { tags: string[]; links: string[] } {
    const tags = [...doc.body.querySelectorAll('*')]
      .map((e) => e.tagName.toLowerCase())
      .filter((t) => t !== 'br' && t !== 'code');
    const links = [...doc.body.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '');
    return { tags, links };
  }

  const summaryOf = (a: string, b: string, c: string) =>
    summaryMarkdown({
      workflow: workflow({ name: a, steps: [step(a), step(`${b}2`, { inputs: [`${a}.x`] })] }),
      findings: [finding({ file: 'stowage.yml', message: c, name: 'unknown-reference' })],
      omittedFromAnnotations: [finding({ file: 'stowage.yml', message: b })],
      plan: plan(b),
      planMarkdown: planMarkdown(plan(c)),
      repoUrl,
      sha: 'abc1234',
    });

  it('fuzz: no link, HTML element or table cell comes from a name or a message', () => {
    const reference = structure(rendered(summaryOf('a', 'b', 'c')));
    const referenceBuild = structure(rendered(buildSummaryMarkdown([result('a')])));
    fc.assert(
      fc.property(names, names, names, (a, b, c) => {
        expect(structure(rendered(summaryOf(a, b, c)))).toEqual(reference);
        expect(structure(rendered(buildSummaryMarkdown([result(c)])))).toEqual(referenceBuild);
      }),
      { numRuns: 150 },
    );
  });

  it('fuzz: the SARIF file is valid SARIF whose messages read back, with no embedded link', () => {
    const validate = sarifValidator();
    /**
     * A SARIF message string read as the specification says (3.11.6): before a bracket, each `\\`
     * is one backslash and a last `\` escapes the bracket.
     */
    const read = (text: string) =>
      text.replace(
        /(\\+)([[\]])/g,
        (_m, run: string, bracket: string) => '\\'.repeat(Math.floor(run.length / 2)) + bracket,
      );
    fc.assert(
      fc.property(names, names, (message, file) => {
        const text = formatSarif([finding({ message, file })], { rules: RULES, toolVersion: '0' });
        const log = JSON.parse(text) as Log;
        expect(validate(log)).toBe(true);
        const shown = log.runs[0]!.results![0]!.message.text!;
        // Every bracket escaped by an odd run of backslashes: none can open a link.
        for (const m of shown.matchAll(/(\\*)[[\]]/g)) expect(m[1]!.length % 2).toBe(1);
        expect(read(shown)).toBe(message);
      }),
      { numRuns: 100 },
    );
  });
});
