/**
 * Every channel over the real examples, loaded and linted by the real loader and engine: the
 * annotation lines are well formed, SARIF validates, and the summary's diagram parses in Mermaid
 * with the steps that have findings marked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { lintWorkflow, RULES } from '../../src/lint/index.js';
import { formatAnnotation, selectAnnotations } from '../../src/report/annotations.js';
import { findingsByStep } from '../../src/report/mermaid.js';
import { toSarif } from '../../src/report/sarif.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { loadSpecFile } from '../../src/workflow/load.js';
import { parseMermaid, stopMermaid } from './mermaid-parse.js';
import { loadShellParser } from '../../src/workflow/shell.js';

// The plans are made while the tests are collected, before any beforeAll.
await loadShellParser();

afterAll(stopMermaid);

const root = process.cwd();
const schema = JSON.parse(
  readFileSync(
    path.join(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
    'utf8',
  ),
) as Record<string, unknown>;
const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

describe.each([
  'examples/flood/stowage.yml',
  'examples/variant-calling/stowage.yml',
  'examples/broken/lint-smells.yml',
])('%s', (spec) => {
  const loaded = loadSpecFile(path.join(root, spec), { root });
  const workflow = loaded.workflow!;
  const { findings, suppressed } = lintWorkflow(workflow, { extra: loaded.findings });

  it('loads', () => {
    expect(workflow).toBeDefined();
    expect(workflow.file).toBe(spec);
  });

  it('annotates within budget with well-formed workflow commands on the spec', () => {
    const { annotated, omitted } = selectAnnotations(findings);
    expect(annotated.length + omitted.length).toBe(findings.length);
    for (const line of annotated.map(formatAnnotation)) {
      expect(line).toMatch(
        new RegExp(
          `^::(error|warning|notice) file=${spec.replace(/\./g, '\\.')},line=\\d+,(col=\\d+,)?endLine=\\d+,(endColumn=\\d+,)?title=STW\\d{3} [a-z-]+::[^\\r\\n]+$`,
        ),
      );
    }
  });

  it('writes SARIF that validates against the 2.1.0 schema', () => {
    const log = toSarif(findings, {
      rules: RULES,
      toolVersion: '0.1.0',
      suppressed,
      srcRoot: root,
    });
    const valid = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(log.runs[0]!.results).toHaveLength(findings.length + suppressed.length);
  });

  it('writes a summary whose diagram parses and marks the steps with findings', async () => {
    const { omitted } = selectAnnotations(findings);
    const md = summaryMarkdown({
      workflow,
      findings,
      omittedFromAnnotations: omitted,
      repoUrl: 'https://github.com/acme/flood',
      sha: 'abc1234',
    });
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1];
    expect(diagram).toBeDefined();
    await parseMermaid(diagram!);
    for (const [, { severity }] of findingsByStep(workflow, findings)) {
      expect(diagram).toMatch(new RegExp(`class [a-z_0-9,]+ ${severity}`));
    }
    expect(md.match(/\| (❌ error|⚠️ warning|ℹ️ notice) \|/g) ?? []).toHaveLength(
      findings.length + omitted.length,
    );
  });
});

describe('examples/broken/lint-smells.yml in detail', () => {
  it('marks the smelly steps in the diagram', () => {
    const loaded = loadSpecFile(path.join(root, 'examples/broken/lint-smells.yml'), { root });
    const { findings } = lintWorkflow(loaded.workflow!, { extra: loaded.findings });
    const byStep = findingsByStep(loaded.workflow!, findings);
    expect([...byStep.keys()]).toEqual(
      expect.arrayContaining(['clean', 'merge', 'plot', 'orphan', 'api']),
    );
    expect(byStep.get('clean')?.counts.warning ?? 0).toBeGreaterThan(0);
  });
});
