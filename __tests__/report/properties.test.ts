/**
 * Property tests: whatever text a spec or finding holds, every channel stays well formed.
 * Strings are drawn from the characters that matter to each format (command separators, Markdown
 * and HTML punctuation, Mermaid syntax, line breaks) mixed with letters.
 */
import fc from 'fast-check';
import { marked } from 'marked';
import { annotationText } from '../../src/common/escape/log.js';
import { formatAnnotation } from '../../src/report/annotations.js';
import { workflowMermaid } from '../../src/report/mermaid.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { finding, step, workflow } from './helpers.js';
import { mermaidError, stopMermaid } from './mermaid-parse.js';
import { hostile } from '../helpers/hostile.js';

afterAll(stopMermaid);

const tricky = fc.string({
  unit: fc.constantFrom(...'ab Z09-_.:,%\r\n|<>&[]()*`#@!~\\"\'/;{}=é🌊'.split(/(?:)/u)),
  minLength: 1,
  maxLength: 30,
});

/** Reverses the workflow-command escaping (as the runner does). */
function unescape(text: string): string {
  return text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

it('an annotation is one line whose properties and message read back exactly', () => {
  fc.assert(
    fc.property(tricky, tricky, tricky, (file, message, name) => {
      const f = finding({ file, message, name });
      const line = formatAnnotation(f);
      expect(line).not.toMatch(/[\r\n]/);
      const match = /^::error ([^:]*)::(.*)$/.exec(line);
      expect(match).not.toBeNull();
      const props = Object.fromEntries(
        match![1]!.split(',').map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), unescape(pair.slice(at + 1))];
        }),
      );
      expect(Object.keys(props)).toEqual(['file', 'line', 'col', 'endLine', 'endColumn', 'title']);
      // Leading `./` dropped; the root itself (`./`) stays `.`, never an empty (dropped) property.
      const relative = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
      expect(props.file).toBe(relative === '' ? '.' : relative);
      // Title and message read back as the log escaper wrote them: `::` starting a line and `##[`
      // anywhere neutralised (the runner prints both into the log), nothing else changed.
      expect(props.title).toBe(annotationText(`STW101 ${name}`));
      expect(unescape(match![2]!)).toBe(annotationText(message));
      if (!/::|##\[/.test(message)) expect(unescape(match![2]!)).toBe(message);
    }),
    { numRuns: 300 },
  );
});

it('a finding whose file is the root keeps its file property (seed -960934833)', () => {
  const line = formatAnnotation(finding({ file: './', message: 'a', name: 'a' }));
  expect(line).toMatch(/^::error file=\.,line=/);
});

it('a findings row keeps four cells and renders no markup but <br> and <code>', () => {
  fc.assert(
    fc.property(tricky, tricky, (message, file) => {
      const md = summaryMarkdown({
        findings: [finding({ message, file })],
        repoUrl: 'https://github.com/acme/flood',
        sha: 'abc1234',
      });
      const html = marked.parse(md, { async: false, gfm: true });
      const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1);
      expect(rows).toHaveLength(1);
      const cells = [...rows[0]![1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!);
      expect(cells).toHaveLength(4);
      const tags = [...cells[3]!.matchAll(/<\/?([a-z]+)/g)].map((t) => t[1]);
      expect(tags.filter((t) => t !== 'br' && t !== 'code')).toEqual([]);
      // The location cell holds exactly one link: ours.
      expect(cells[2]!.match(/<a /g)).toHaveLength(1);
    }),
    { numRuns: 300 },
  );
});

it('a diagram parses in Mermaid whatever the names', async () => {
  await fc.assert(
    fc.asyncProperty(tricky, tricky, tricky, async (input, stepName, output) => {
      const wf = workflow({
        inputs: [{ name: input }],
        outputs: [{ name: output, step: stepName, output }],
        steps: [
          step(stepName, { inputs: [input, 'nowhere'], outputs: { [output]: 'x' } }),
          step(`${stepName}2`, { inputs: [`${stepName}.${output}`] }),
        ],
      });
      const text = workflowMermaid(wf);
      expect(await mermaidError(text)).toBeNull();
    }),
    { numRuns: 60 },
  );
});

it('a diagram parses in Mermaid with the hostile names of the escaping fuzz tests', async () => {
  await fc.assert(
    fc.asyncProperty(hostile(), hostile(), async (stepName, output) => {
      const wf = workflow({
        name: output,
        outputs: [{ name: output, step: stepName, output }],
        steps: [
          step(stepName, { outputs: { [output]: 'x' } }),
          step(`${stepName}2`, { inputs: [`${stepName}.${output}`, `${output}.missing`] }),
        ],
      });
      const text = workflowMermaid(wf);
      expect(text).not.toContain('```');
      expect(await mermaidError(text)).toBeNull();
    }),
    { numRuns: 40 },
  );
});
