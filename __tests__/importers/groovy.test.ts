import {
  GroovySyntaxError,
  MAX_INTERPOLATION_DEPTH,
  statements,
  tokenizeGroovy,
} from '../../src/workflow/importers/groovy.js';
import { evaluate, settingValue } from '../../src/workflow/importers/nextflow-config.js';
import { parseDuration } from '../../src/common/units.js';
import { parseMemory } from '../../src/workflow/importers/units.js';

const GB = 1024 ** 3;

describe('tokenizeGroovy', () => {
  it.each([
    ['line comment hides braces', 'a // { not code }\nb', ['a', '\n', 'b']],
    ['block comment hides braces', 'a /* } */ b', ['a', 'b']],
    ['single-quoted string keeps braces', "x '{ }'", ['x', '{ }']],
    ['escaped quote inside a string', "'it\\'s'", ["it's"]],
    ['unit numbers split into number . unit', '6.GB', ['6', '.', 'GB']],
    ['decimal number stays whole', '1.5', ['1.5']],
    ['shebang line is skipped', '#!/usr/bin/env nextflow\nx', ['\n', 'x']],
    ['line continuation joins lines', 'a \\\nb', ['a', 'b']],
  ])('%s', (_name, text, values) => {
    expect(tokenizeGroovy(text).map((t) => t.value)).toEqual(values);
  });

  it('keeps a GString whose ${…} spans lines and nests quotes as one string', () => {
    const text = `container "\${ cond ?\n  'https://x/sing:1.0' :\n  'biocontainers/x:1.0' }"\nlabel 'a'`;
    const tokens = tokenizeGroovy(text);
    expect(tokens.map((t) => t.kind)).toEqual(['ident', 'string', 'newline', 'ident', 'string']);
    expect(tokens[1]).toMatchObject({ interpolated: true });
    expect(tokens[1]?.value).toContain("'biocontainers/x:1.0'");
  });

  it('reads triple-quoted scripts as one string', () => {
    const [t] = tokenizeGroovy('"""\n  echo "hi" { }\n"""');
    expect(t).toMatchObject({ kind: 'string', triple: true, value: '\n  echo "hi" { }\n' });
  });

  it.each([
    ['a regex after =~', 'x = name =~ /\\.bam$/', ['x', '=', 'name', '=~', '\\.bam$']],
    [
      'a regex as a call argument',
      'n.replaceFirst(/\\.tar$/, "")',
      ['n', '.', 'replaceFirst', '(', '\\.tar$', ',', '', ')'],
    ],
    ['a regex as the only argument', 'n.split(/\\./)', ['n', '.', 'split', '(', '\\.', ')']],
    ['a slashy string with an escaped slash and quotes', 'p = /a\\/b\'c"/', ['p', '=', 'a/b\'c"']],
    ['a dollar-slashy string', 'p = $/a/b\\c$$/$', ['p', '=', 'a/b\\c$']],
    ['division stays division', 'a = b / c / 2', ['a', '=', 'b', '/', 'c', '/', '2']],
    ['division after a call', 'f(x) / 2', ['f', '(', 'x', ')', '/', '2']],
    ['a comment after code', 'a = 1 // { "\nb', ['a', '=', '1', '\n', 'b']],
  ])('reads %s', (_name, text, values) => {
    expect(tokenizeGroovy(text).map((t) => t.value)).toEqual(values);
  });

  it('reads a GString whose ${…} holds a closure with its own GString, and keeps its segments', () => {
    const text = 'x = "a ${ list.collect { "<${it}>" }.join(\'}\') } b $meta.id c" + 1';
    const tokens = tokenizeGroovy(text);
    expect(tokens.map((t) => t.kind)).toEqual(['ident', 'punct', 'string', 'punct', 'number']);
    expect(tokens[2]?.segments).toEqual([
      { text: 'a ' },
      {
        code: ' list.collect { "<${it}>" }.join(\'}\') ',
        raw: '${ list.collect { "<${it}>" }.join(\'}\') }',
      },
      { text: ' b ' },
      { code: 'meta.id', raw: '$meta.id' },
      { text: ' c' },
    ]);
  });

  it('reads a slashy regex inside a GString interpolation', () => {
    const [t] = tokenizeGroovy('"${ name.replaceAll(/\\.gz$/, \'\') }.txt"');
    expect(t).toMatchObject({ kind: 'string', interpolated: true });
    expect(t?.segments?.[1]).toEqual({ text: '.txt' });
  });

  it.each([
    ['unterminated string', "a = 'open\nb", 4],
    ['unterminated comment', 'a /* open', 2],
    ['unexpected character', 'a ` b', 2],
  ])('throws a positioned error for an %s', (_name, text, offset) => {
    expect(() => tokenizeGroovy(text)).toThrow(GroovySyntaxError);
    try {
      tokenizeGroovy(text);
    } catch (e) {
      expect((e as GroovySyntaxError).offset).toBe(offset);
    }
  });

  it('reads strings nested 100 levels deep in ${…}; deeper is an error at the place, not a stack overflow', () => {
    const nested = (levels: number): string => '"${'.repeat(levels) + 'x' + '}"'.repeat(levels);
    expect(tokenizeGroovy(nested(MAX_INTERPOLATION_DEPTH))).toHaveLength(1);
    for (const levels of [MAX_INTERPOLATION_DEPTH + 1, 1800, 18_000]) {
      expect(() => tokenizeGroovy(nested(levels))).toThrow(
        new GroovySyntaxError('strings nested more than 100 levels deep in ${…}', 301),
      );
    }
  });

  it('splits statements at newlines outside brackets, joining lines that end in an operator', () => {
    const tokens = tokenizeGroovy('a = {\n 1\n 2\n}\nb = x ?\n 1 : 2\nc');
    const parts = statements(tokens, 0, tokens.length).map((s) =>
      s.map((t) => (t.kind === 'newline' ? '⏎' : t.value)).join(' '),
    );
    // Newlines inside a block stay, so the block's own statements can be split again.
    expect(parts).toEqual(['a = { ⏎ 1 ⏎ 2 ⏎ }', 'b = x ? 1 : 2', 'c']);
  });
});

describe('evaluate (resource expressions at the first attempt)', () => {
  const value = (text: string, key: 'cpus' | 'memory' | 'time' | 'accelerator') =>
    settingValue(key, evaluate(tokenizeGroovy(text)));
  it.each([
    ['{ 6.GB * task.attempt }', 'memory', 6 * GB],
    ["{ check_max( 72.GB * task.attempt, 'memory' ) }", 'memory', 72 * GB],
    ["'8 GB'", 'memory', 8 * GB],
    ['512.MB', 'memory', 512 * 1024 ** 2],
    ['{ 2 * task.attempt }', 'cpus', 2],
    ["{ check_max( 1, 'cpus' ) }", 'cpus', 1],
    ['{ 4.h * task.attempt }', 'time', 4 * 3600],
    ["'1d 6h'", 'time', 30 * 3600],
    ['90000', 'time', 90],
    ['{ task.attempt > 1 ? 12.GB : 6.GB }', 'memory', 6 * GB],
    ['{ task.attempt == 1 ? 2 : 4 }', 'cpus', 2],
    ['{ Math.min(4, 8) }', 'cpus', 4],
    ['(2 + 2) * 3', 'cpus', 12],
  ] as const)('%s → %s %d', (text, key, expected) => {
    expect(value(text, key)).toBe(expected);
  });

  it.each([
    ['params.max_memory', 'memory'],
    ["'8 GB'", 'cpus'],
    ['{ 6.GB * task.attempt }', 'time'],
    ['"${x} GB"', 'memory'],
    ['4 4', 'cpus'],
    // A ternary on parameters or the profile is unknown, not its first branch (it was read as 1).
    ["{ workflow.profile.contains('gpu') ? 1 : null }", 'accelerator'],
    ['{ params.use_gpu ? 4 : 0 }', 'accelerator'],
  ] as const)('gives up on %s as %s', (text, key) => {
    expect(value(text, key)).toBeUndefined();
  });
});

describe('units', () => {
  it.each([
    ['8 GB', 8 * GB],
    ['8.GB', 8 * GB],
    ['512MB', 512 * 1024 ** 2],
    ['1.5 TB', 1.5 * 1024 ** 4],
    ['8 parsecs', undefined],
    ['GB', undefined],
  ])('parseMemory(%j)', (text, bytes) => expect(parseMemory(text)).toBe(bytes));

  it.each([
    ['2h', 7200],
    ['1d 6h', 108000],
    ['90 min', 5400],
    ['1.5h', 5400],
    ['00:30:00', 1800],
    ['1-02:00:00', 93600],
    ['2 fortnights', undefined],
    ['2h junk', undefined],
  ])('parseDuration(%j)', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
});
