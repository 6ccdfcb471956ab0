import { jest } from '@jest/globals';
import * as core from '@actions/core';
import {
  annotationProperties,
  formatAnnotation,
  GITHUB_ANNOTATION_LIMIT,
  selectAnnotations,
} from '../../src/report/annotations.js';
import type { Finding, Severity } from '../../src/common/findings.js';
import { finding } from './helpers.js';

describe('formatAnnotation', () => {
  const cases: { name: string; input: Finding; expected: string }[] = [
    {
      name: 'a one-line span carries columns and the rule as title',
      input: finding(),
      expected:
        '::error file=stowage.yml,line=3,col=5,endLine=3,endColumn=16,title=STW101 unknown-reference::' +
        'Step "plot" reads "train.modle", which no step produces: did you mean "train.model"?',
    },
    {
      name: 'a multi-line span drops the columns GitHub rejects there',
      input: finding({
        severity: 'warning',
        rule: 'STW201',
        name: 'step-too-big',
        message: 'Split it.',
        span: { line: 4, column: 3, endLine: 9, endColumn: 12 },
      }),
      expected: '::warning file=stowage.yml,line=4,endLine=9,title=STW201 step-too-big::Split it.',
    },
    {
      name: 'the message escapes %, CR and LF but keeps : and ,',
      input: finding({ severity: 'notice', message: '100% done:\r\nnext, then' }),
      expected:
        '::notice file=stowage.yml,line=3,col=5,endLine=3,endColumn=16,title=STW101 unknown-reference::' +
        '100%25 done:%0D%0Anext, then',
    },
    {
      name: 'properties escape : and , so a file name cannot add a property',
      input: finding({ file: 'specs/a,line=1:b%.yml', message: 'm' }),
      expected:
        '::error file=specs/a%2Cline=1%3Ab%25.yml,line=3,col=5,endLine=3,endColumn=16,' +
        'title=STW101 unknown-reference::m',
    },
    {
      name: 'a newline in a file name cannot end the command',
      input: finding({ file: 'a\n::error::x.yml', message: 'm' }),
      expected:
        '::error file=a%0A%3A%3Aerror%3A%3Ax.yml,line=3,col=5,endLine=3,endColumn=16,' +
        'title=STW101 unknown-reference::m',
    },
    {
      name: 'Windows separators and a leading ./ become a repository-relative path',
      input: finding({ file: '.\\workflows\\flood\\stowage.yml', message: 'm' }),
      expected:
        '::error file=workflows/flood/stowage.yml,line=3,col=5,endLine=3,endColumn=16,' +
        'title=STW101 unknown-reference::m',
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(formatAnnotation(input)).toBe(expected);
  });
});

describe('formatAnnotation agrees with @actions/core', () => {
  /** Splits `::cmd k=v,k=v::message` into parts; property order differs between the two. */
  function parse(line: string) {
    const match = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
    if (!match) throw new Error(`not a workflow command: ${line}`);
    const props = Object.fromEntries(match[2]!.split(',').map((pair) => pair.split('=', 2)));
    return { command: match[1], props, message: match[3] };
  }

  const nasty: Finding[] = [
    finding(),
    finding({ severity: 'warning', file: 'x,y:z.yml', message: 'a%b\r\nc:d,e' }),
    finding({ severity: 'notice', span: { line: 2, column: 1, endLine: 5, endColumn: 4 } }),
  ];

  it.each(nasty)('$severity on $file', (f) => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const issue = { error: core.error, warning: core.warning, notice: core.notice }[f.severity];
      issue(f.message, annotationProperties(f));
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(parse(formatAnnotation(f))).toEqual(parse(written[0]!.trimEnd()));
  });
});

describe('selectAnnotations', () => {
  function many(severity: Severity, rule: string, count: number, firstLine = 1): Finding[] {
    return Array.from({ length: count }, (_, i) =>
      finding({
        severity,
        rule,
        name: rule.toLowerCase(),
        span: { line: firstLine + i, endLine: firstLine + i },
      }),
    );
  }

  it('keeps everything when each level is within its budget', () => {
    const input = [...many('notice', 'STW203', 3), ...many('error', 'STW101', 2)];
    const { annotated, omitted } = selectAnnotations(input);
    expect(annotated.map((f) => f.severity)).toEqual([
      'error',
      'error',
      'notice',
      'notice',
      'notice',
    ]);
    expect(omitted).toEqual([]);
  });

  it('ranks errors first, then warnings, then notices', () => {
    const input = [
      ...many('notice', 'STW203', 1),
      ...many('warning', 'STW402', 1),
      ...many('error', 'STW102', 1),
    ];
    expect(selectAnnotations(input).annotated.map((f) => f.severity)).toEqual([
      'error',
      'warning',
      'notice',
    ]);
  });

  it('gives every rule one annotation before any rule gets a second', () => {
    // 15 warnings of one rule found before a single warning of another: the other must show.
    const input = [...many('warning', 'STW402', 15, 1), ...many('warning', 'STW203', 1, 100)];
    const { annotated, omitted } = selectAnnotations(input);
    expect(annotated).toHaveLength(10);
    expect(annotated.map((f) => f.rule)).toContain('STW203');
    expect(annotated.filter((f) => f.rule === 'STW402')).toHaveLength(9);
    expect(omitted).toHaveLength(6);
    expect(omitted.every((f) => f.rule === 'STW402')).toBe(true);
  });

  it('spends each level its own budget of 10', () => {
    const input = [
      ...many('error', 'STW101', 12),
      ...many('warning', 'STW402', 11),
      ...many('notice', 'STW203', 10),
    ];
    const { annotated, omitted } = selectAnnotations(input);
    const count = (list: Finding[], s: Severity) => list.filter((f) => f.severity === s).length;
    expect([
      count(annotated, 'error'),
      count(annotated, 'warning'),
      count(annotated, 'notice'),
    ]).toEqual([10, 10, 10]);
    expect(omitted.map((f) => f.severity)).toEqual(['error', 'error', 'warning']);
    expect(annotated.length + omitted.length).toBe(input.length);
  });

  it('takes the earliest finding of a rule first and lists omitted ones by position', () => {
    const input = many('error', 'STW101', 12).reverse();
    const { annotated, omitted } = selectAnnotations(input);
    expect(annotated.map((f) => f.span.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(omitted.map((f) => f.span.line)).toEqual([11, 12]);
  });

  it.each([
    { budget: { error: 0 }, annotatedErrors: 0 },
    { budget: { error: 3 }, annotatedErrors: 3 },
    { budget: { warning: 1 }, annotatedErrors: 10 },
  ])('honours a partial budget $budget', ({ budget, annotatedErrors }) => {
    const { annotated, omitted } = selectAnnotations(many('error', 'STW101', 12), budget);
    expect(annotated).toHaveLength(annotatedErrors);
    expect(omitted).toHaveLength(12 - annotatedErrors);
  });

  it('uses GitHub’s published limit by default', () => {
    expect(GITHUB_ANNOTATION_LIMIT).toEqual({ error: 10, warning: 10, notice: 10 });
  });
});
