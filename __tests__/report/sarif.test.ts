import type { Finding } from '../../src/common/findings.js';
import { RULES } from '../../src/common/rules.js';
import { formatSarif, relativeUri, toSarif, type SarifRule } from '../../src/report/sarif.js';
import { finding } from './helpers.js';
import { sarifValidator } from '../helpers/sarif.js';

const validate = sarifValidator();

function expectValid(document: unknown) {
  const valid = validate(document);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const rules: SarifRule[] = [
  {
    id: 'STW101',
    name: 'unknown-reference',
    defaultSeverity: 'error',
    description: 'A step input names nothing.',
    help: 'Fix the typo.',
    docsUrl: 'https://example.org/docs/rules/STW101.md',
  },
  {
    id: 'STW203',
    name: 'missing-duration',
    defaultSeverity: 'notice',
    description: 'No expected processing time.',
    help: 'Add `duration:`.',
    docsUrl: 'https://example.org/docs/rules/STW203.md',
  },
];

const findings: Finding[] = [
  finding(),
  finding({
    rule: 'STW203',
    name: 'missing-duration',
    severity: 'notice',
    message: 'Step "plot" has no duration.',
    file: 'flows/my flood/stowage.yml',
    span: { line: 20, column: 3, endLine: 22, endColumn: 1 },
  }),
  finding({
    rule: 'STW999',
    name: 'from-elsewhere',
    severity: 'warning',
    message: 'Plugin says hi.',
  }),
];

describe('toSarif', () => {
  const log = toSarif(findings, {
    rules,
    toolVersion: '0.1.0',
    srcRoot: '/home/runner/work/flood',
  });
  const run = log.runs[0]!;

  it('is valid SARIF 2.1.0 by the official schema', () => {
    expectValid(log);
    expectValid(JSON.parse(formatSarif([], { rules, toolVersion: '0.1.0' })));
  });

  it('is valid with the whole rule catalogue', () => {
    expectValid(toSarif(findings, { rules: RULES, toolVersion: '0.1.0' }));
    const ids = toSarif([], { rules: RULES, toolVersion: '0.1.0' }).runs[0]!.tool.driver.rules!.map(
      (r) => r.id,
    );
    expect(ids).toEqual(RULES.map((r) => r.id));
  });

  it('the schema check can fail', () => {
    const broken = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('describes each rule with help, help URI and default level', () => {
    expect(run.tool.driver).toMatchObject({ name: 'stowage', version: '0.1.0' });
    expect(run.tool.driver.rules![0]).toEqual({
      id: 'STW101',
      name: 'unknown-reference',
      shortDescription: { text: 'A step input names nothing.' },
      fullDescription: { text: 'A step input names nothing. Fix the typo.' },
      help: {
        text: 'Fix the typo.\n\nSee https://example.org/docs/rules/STW101.md',
        markdown:
          'Fix the typo.\n\n[STW101 unknown-reference](https://example.org/docs/rules/STW101.md)',
      },
      helpUri: 'https://example.org/docs/rules/STW101.md',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['stowage', 'workflow-planning'] },
    });
    expect(run.tool.driver.rules![1]!.defaultConfiguration).toEqual({ level: 'note' });
  });

  it('adds a rule that findings use but the catalogue lacks, so every ruleIndex resolves', () => {
    const ruleIds = run.tool.driver.rules!.map((r) => r.id);
    expect(ruleIds).toEqual(['STW101', 'STW203', 'STW999']);
    for (const result of run.results!) {
      expect(ruleIds[result.ruleIndex!]).toBe(result.ruleId);
    }
  });

  it.each([
    {
      index: 0,
      level: 'error',
      uri: 'stowage.yml',
      region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 16 },
    },
    {
      index: 1,
      level: 'note',
      uri: 'flows/my%20flood/stowage.yml',
      region: { startLine: 20, startColumn: 3, endLine: 22, endColumn: 1 },
    },
    {
      index: 2,
      level: 'warning',
      uri: 'stowage.yml',
      region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 16 },
    },
  ])('result $index: level $level at $uri', ({ index, level, uri, region }) => {
    const result = run.results![index]!;
    expect(result.level).toBe(level);
    expect(result.message).toEqual({ text: findings[index]!.message });
    expect(result.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region } },
    ]);
  });

  it('lists suppressed findings as results suppressed in source, after the live ones', () => {
    const silenced = finding({
      rule: 'STW888',
      name: 'silenced',
      severity: 'warning',
      message: 'Quiet.',
    });
    const withSuppressed = toSarif([findings[0]!], {
      rules,
      toolVersion: '1',
      suppressed: [silenced],
    });
    expectValid(withSuppressed);
    const results = withSuppressed.runs[0]!.results!;
    expect(results.map((r) => [r.ruleId, r.suppressions])).toEqual([
      ['STW101', undefined],
      ['STW888', [{ kind: 'inSource' }]],
    ]);
    const ruleIds = withSuppressed.runs[0]!.tool.driver.rules!.map((r) => r.id);
    expect(ruleIds[results[1]!.ruleIndex!]).toBe('STW888');
  });

  it('resolves %SRCROOT% to the checkout as a directory URI only when given', () => {
    expect(run.originalUriBaseIds).toEqual({
      '%SRCROOT%': { uri: 'file:///home/runner/work/flood/' },
    });
    expect(toSarif([], { rules, toolVersion: '1' }).runs[0]!.originalUriBaseIds).toBeUndefined();
  });
});

describe('relativeUri', () => {
  it.each([
    ['stowage.yml', 'stowage.yml'],
    ['./a/b.yml', 'a/b.yml'],
    ['a\\b c.yml', 'a/b%20c.yml'],
    ['x/#1?.yml', 'x/%231%3F.yml'],
    ['ü.yml', '%C3%BC.yml'],
  ])('%j → %j', (input, expected) => {
    expect(relativeUri(input)).toBe(expected);
  });
});
