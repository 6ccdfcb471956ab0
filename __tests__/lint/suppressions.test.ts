/** `# stowage-ignore` comments: what they silence, and the findings about bad or idle ones. */
import { describe, expect, it } from '@jest/globals';
import { parseSuppressions } from '../../src/lint/suppress.js';
import { lint, spanOf, yaml } from './helpers.js';

/** A spec with exactly one STW203 (step "a" has no duration) and one STW409 (no based-on). */
const spec = (...lines: string[]): string =>
  yaml(
    ...lines.filter((l) => l.startsWith('#file')).map((l) => l.slice(5)),
    'version: 1',
    'name: w',
    'outputs: { r: a.out }',
    'economics: { runs-per-year: 50, manual-minutes-per-run: 60, development-hours: 10, maintenance-hours-per-year: 1, horizon-years: 1 }',
    'steps:',
    ...lines.filter((l) => !l.startsWith('#file')),
    '    outputs: { out: a.txt }',
    '    software: { apt: [curl=8.5.0-2] }',
  );

const rules = (text: string): string[] => lint(text).findings.map((f) => f.rule);

describe('line suppressions', () => {
  it.each([
    ['on the line', ['  a: # stowage-ignore STW203 -- timing varies too much to estimate']],
    ['on the line above', ['  # stowage-ignore STW203 -- timing varies too much', '  a:']],
    ['by rule name', ['  # stowage-ignore missing-duration -- timing varies', '  a:']],
    ['among several IDs', ['  # stowage-ignore STW201, STW203 -- ok', '  a:']],
    ['stacked above the line', ['  # stowage-ignore STW203 -- ok', '  # another comment', '  a:']],
  ])('silences the finding %s', (_title, lines) => {
    const result = lint(spec(...lines));
    expect(result.findings.map((f) => f.rule)).toEqual(expect.not.arrayContaining(['STW203']));
    expect(result.suppressed.map((f) => f.rule)).toContain('STW203');
  });

  it('does not reach two lines down', () => {
    const text = spec('  # stowage-ignore STW203 -- ok', '  a:').replace('  a:', '\n  a:');
    // The blank line is skipped (the next content line is still `a:`), so it still applies...
    expect(rules(text)).not.toContain('STW203');
    // ...but a comment above another key does not reach `a:`.
    const above = spec('  a:').replace('steps:', '# stowage-ignore STW203 -- ok\nsteps:');
    expect(rules(above)).toContain('STW203');
  });

  it('reports a suppression without a reason, and does not apply it', () => {
    const text = spec('  a: # stowage-ignore STW203');
    const result = lint(text);
    expect(result.findings.map((f) => f.rule)).toContain('STW203');
    const problem = result.findings.find((f) => f.rule === 'STW001')!;
    expect(problem.span).toEqual({
      ...spanOf(text, '# stowage-ignore STW203'),
      endColumn: spanOf(text, '# stowage-ignore STW203').endColumn,
    });
    expect(problem.message).toMatch(/gives no reason/);
    expect(problem.severity).toBe('warning');
  });

  it('reports an unknown rule at its ID, with a suggestion', () => {
    const text = spec('  a: # stowage-ignore STW230, STW203 -- ok');
    const result = lint(text);
    const problem = result.findings.find((f) => f.rule === 'STW001')!;
    expect(problem.span).toEqual(spanOf(text, 'STW230'));
    expect(problem.message).toMatch(
      /`STW230` is not a Stowage rule ID or name. Did you mean "STW203"\?/,
    );
    expect(result.findings.map((f) => f.rule)).not.toContain('STW203');
  });

  it('reports a suppression that matches nothing, at its ID', () => {
    const text = spec('  a: # stowage-ignore STW203, STW106 -- ok');
    const result = lint(text);
    const unused = result.findings.filter((f) => f.rule === 'STW002');
    expect(unused).toHaveLength(1);
    expect(unused[0]!.span).toEqual(spanOf(text, 'STW106'));
    expect(unused[0]!.message).toMatch(
      /suppresses nothing: there is no STW106 finding on line \d+/,
    );
  });

  it('does not call a suppression of a rule turned off unused', () => {
    const text = spec('  a: # stowage-ignore STW106 -- ok');
    const result = lint(text, { config: { rules: { STW106: 'off' }, settings: {} } });
    expect(result.findings.map((f) => f.rule)).not.toContain('STW002');
  });

  it('cannot silence its own findings', () => {
    const text = spec('  a: # stowage-ignore STW002 -- ok');
    const problem = lint(text).findings.find((f) => f.rule === 'STW001');
    expect(problem?.message).toMatch(/cannot be suppressed by a comment/);
  });

  it('silences findings handed in by other layers', () => {
    const text = spec('  a: # stowage-ignore STW405 -- the GPU image is big by nature');
    const at = spanOf(text, 'a:');
    const extra = [
      {
        rule: 'STW405',
        name: 'over-budget',
        severity: 'warning' as const,
        message: 'big',
        file: 'stowage.yml',
        span: at,
      },
    ];
    const result = lint(text, { extra });
    expect(result.findings.map((f) => f.rule)).not.toContain('STW405');
    expect(result.findings.map((f) => f.rule)).not.toContain('STW002');
    // Without `extra`, the plan did not run, so the suppression is not called unused.
    expect(lint(text, { extra: undefined }).findings.map((f) => f.rule)).not.toContain('STW002');
  });
});

describe('file suppressions', () => {
  it('silences a rule everywhere in the file', () => {
    const text = spec('#file# stowage-ignore-file STW409, STW203 -- a teaching example', '  a:');
    expect(rules(text)).toEqual([]);
  });

  it('is reported (and not applied) below the first key', () => {
    const text = spec('  a:').replace('steps:', '# stowage-ignore-file STW409 -- late\nsteps:');
    const result = lint(text);
    expect(result.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['STW001', 'STW409']),
    );
    expect(result.findings.find((f) => f.rule === 'STW001')!.message).toMatch(
      /must come before the first key/,
    );
  });

  it('is reported when it silences nothing', () => {
    const text = spec('#file# stowage-ignore-file STW502 -- no cluster here', '  a:');
    const unused = lint(text).findings.filter((f) => f.rule === 'STW002');
    expect(unused.map((f) => f.span)).toEqual([spanOf(text, 'STW502')]);
    expect(unused[0]!.message).toMatch(/no STW502 finding in this file/);
  });
});

describe('parseSuppressions', () => {
  it('reads IDs, reason, scope and target lines', () => {
    const text = yaml(
      '# stowage-ignore-file STW409 -- why',
      'a: 1 # stowage-ignore STW101,STW102 -- r',
      '# stowage-ignore STW203 -- s',
      '',
      'b: 2',
    );
    const parsed = parseSuppressions('f.yml', text);
    expect(
      parsed.map((s) => [s.scope, s.target, s.rules.map((r) => r.id), s.reason, s.placed]),
    ).toEqual([
      ['file', 0, ['STW409'], 'why', true],
      ['line', 2, ['STW101', 'STW102'], 'r', true],
      ['line', 5, ['STW203'], 's', true],
    ]);
  });

  it('ignores look-alikes', () => {
    const text = yaml(
      'a: 1 # stowage-ignored STW101 -- x',
      'b: 2 #stowage-ignoreSTW101',
      'c: x#stowage-ignore STW101 -- y',
    );
    expect(parseSuppressions('f.yml', text)).toEqual([]);
  });
});
