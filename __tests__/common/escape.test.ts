/**
 * The escapers one by one (src/common/escape): a table of cases each, and for the string forms
 * a fuzz test that reads every escaped value back with the language's own interpreter where
 * one is installed (lua, tclsh, python3, bash): the value comes back exactly, and the program
 * holds exactly the statements written. The writers' own fuzz tests are beside each writer's tests
 * (__tests__/export/hostile-exports.test.ts, __tests__/plan/dockerfile-fuzz.test.ts,
 * __tests__/report/channels-fuzz.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  annotationText,
  commentText,
  composeString,
  dockerJsonArray,
  dockerString,
  groovyComment,
  groovyString,
  logLine,
  luaString,
  markdownCode,
  pythonString,
  sarifText,
  shellComment,
  shellQuote,
  shellWord,
  tclString,
  xmlText,
  yamlComment,
  yamlDocument,
  yamlString,
} from '../../src/common/escape/index.js';
import { hostile, samples } from '../helpers/hostile.js';

const has = (cmd: string, args: string[]): boolean =>
  spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const lua = ['lua5.4', 'lua5.3', 'lua5.1', 'lua', 'luajit'].find((c) => has(c, ['-v']));
const hasTcl = has('tclsh', ['/dev/null']);

/** Hostile values without unpaired surrogates (no UTF-8 file holds one). */
const values = samples(hostile({ nul: true, maxPieces: 8 }), 300, 16);
const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

describe('log lines and annotations', () => {
  it.each([
    ['::error::x', '\\x3a:error::x'],
    ['a ##[add-mask]secret', 'a #\\x23[add-mask]secret'],
    ['###[group]', '##\\x23[group]'],
    ['a\n##[error]b', 'a\\n#\\x23[error]b'],
    ['bom\ufeff', 'bom\\ufeff'],
    ['lone \ud800', 'lone \\ud800'],
  ])('logLine(%j) = %j', (input, expected) => expect(logLine(input)).toBe(expected));

  it('an annotation keeps its line breaks and neutralises `::` at the start of each', () => {
    expect(annotationText('a\n::error::x\r\n  ::warning::y')).toBe(
      'a\n\\x3a:error::x\r\n  \\x3a:warning::y',
    );
  });

  it('fuzz: no line a runner reads as a command, on one line, idempotent', () => {
    fc.assert(
      fc.property(hostile({ nul: true }), (text) => {
        const out = logLine(text);
        expect(out).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
        expect(out).not.toContain('##[');
        expect(out.trimStart().startsWith('::')).toBe(false);
        expect(logLine(out)).toBe(out);
        for (const line of annotationText(text).split(/\r\n|\r|\n/)) {
          expect(line.trimStart().startsWith('::')).toBe(false);
          expect(line).not.toContain('##[');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('comments', () => {
  it.each([
    [yamlComment, 'a\nkey: v', '# a\\nkey: v'],
    [shellComment, 'a\rb\u2028c', '# a\\rb\\u2028c'],
    [groovyComment, 'x\\u000a y', '// x\\x5cu000a y'],
  ])('%p', (escape, input, expected) => expect(escape(input)).toBe(expected));

  it('fuzz: a comment is one line for every reader (LF, CR, NEL, U+2028/2029)', () => {
    for (const v of values) {
      for (const c of [commentText(v), yamlComment(v), shellComment(v), groovyComment(v)])
        expect(c).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
      expect(groovyComment(v)).not.toMatch(/\\u/);
    }
  });
});

describe('YAML', () => {
  it.each([
    ['plain', '"plain"'],
    ['a\u2028b', '"a\\u2028b"'],
    ['🌊', '"\\U0001f30a"'],
    ['nul\u0000', '"nul\\u0000"'],
  ])('yamlString(%j) = %s', (input, expected) => expect(yamlString(input)).toBe(expected));

  it('yamlDocument writes nested mappings, lists and scalars that read back', () => {
    const value = { 'a: b': { '#c': ['x', 1, true, null], empty: {}, none: [] }, 'd\ne': 'f' };
    expect(parse(yamlDocument(value))).toEqual(value);
  });

  it('fuzz: yamlString reads back exactly, as printable ASCII', () => {
    for (const v of values) {
      expect(yamlString(v)).toMatch(/^[\x20-\x7e]+$/);
      expect(parse(`k: ${yamlString(v)}\n${yamlComment(v)}\n`)).toEqual({ k: v });
    }
  });

  it('composeString doubles `$` (Compose interpolates after YAML)', () => {
    expect(parse(composeString('a $HOME ${X} $$'))).toBe('a $$HOME $${X} $$$$');
  });
});

describe('Dockerfile', () => {
  it.each([
    ['a "b" $c\\d', '"a \\"b\\" \\$c\\\\d"'],
    ['x\ny', '"x\\\\ny"'],
  ])('dockerString(%j) = %s', (input, expected) => expect(dockerString(input)).toBe(expected));

  it('JSON-array arguments escape what the builder expands, and refuse line breaks', () => {
    expect(dockerJsonArray(['a $b', "it's"])).toBe(`["a \\\\$b","it\\\\'s"]`);
    expect(() => dockerJsonArray(['a\nb'])).toThrow(/line break/);
  });
});

describe('Markdown, SARIF, XML', () => {
  it('markdownCode shows a URL as code, not a link', () => {
    expect(markdownCode('https://x.example/a_b')).toBe('<code>https&#58;//x.example/a\\_b</code>');
  });

  it('sarifText escapes embedded-link brackets', () => {
    expect(sarifText('[x](https://evil.example) \\[')).toBe(
      '\\[x\\](https://evil.example) \\\\\\[',
    );
  });

  it('xmlText escapes markup and shows characters XML cannot hold', () => {
    expect(xmlText(`<a href="x">&'\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u0001');
  });
});

describe('shell', () => {
  it('shellWord leaves plain words bare and quotes the rest', () => {
    expect(shellWord('/stowage/build-a.sh')).toBe('/stowage/build-a.sh');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord('')).toBe("''");
    expect(shellWord('x=1')).toBe("'x=1'");
  });

  it('fuzz: bash reads each quoted word back exactly, one word, one statement per value', () => {
    const plain = values.filter((v) => !v.includes('\u0000'));
    const program = plain.map((v) => `printf '%s\\0' ${shellQuote(v)} ${shellWord(v)}`).join('\n');
    const run = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\0').slice(0, -1)).toEqual(plain.flatMap((v) => [v, v]));
  });
});

describe('Python', () => {
  it('fuzz: Python reads each literal back exactly (one expression per line)', () => {
    const program = [
      'import sys',
      'values = [',
      ...values.map((v) => `  ${pythonString(v)},`),
      ']',
      'for v in values: print(v.encode("utf-8", "surrogatepass").hex())',
    ].join('\n');
    const run = spawnSync('python3', ['-c', program], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').slice(0, -1)).toEqual(values.map(hex));
  });
});

describe('Groovy', () => {
  it.each([
    ["it's", "'it\\'s'"],
    ['a\nb', "'a\\nb'"],
    ['\\u000a', "'\\\\\\u0075000a'"],
    ['${x}', "'${x}'"],
  ])('groovyString(%j) = %s', (input, expected) => expect(groovyString(input)).toBe(expected));
});

(lua ? describe : describe.skip)(`Lua (${lua ?? 'not installed'})`, () => {
  it('fuzz: Lua reads each literal back exactly, and the program writes one line per value', () => {
    const program = [
      'local values = {',
      ...values.map((v) => `  ${luaString(v)},`),
      '}',
      'for _, v in ipairs(values) do',
      "  io.write((v:gsub('.', function(c) return string.format('%02x', c:byte()) end)), '\\n')",
      'end',
    ].join('\n');
    const run = spawnSync(lua!, ['-'], { input: program, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').slice(0, -1)).toEqual(values.map(hex));
  });

  it.each([
    ['a"b\\c', '"a\\"b\\\\c"'],
    [']]\n\u0000', '"]]\\010\\000"'],
    ['é1', '"\\195\\1691"'],
  ])('luaString(%j) = %s', (input, expected) => expect(luaString(input)).toBe(expected));
});

(hasTcl ? describe : describe.skip)('Tcl (tclsh)', () => {
  it('fuzz: Tcl reads each word back exactly, and the program writes one line per value', () => {
    const program = [
      'set values [list \\',
      ...values.map((v) => `  ${tclString(v)} \\`),
      ']',
      'foreach v $values { binary scan [encoding convertto utf-8 $v] H* h; puts $h }',
    ].join('\n');
    const run = spawnSync('tclsh', [], { input: program, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').slice(0, -1)).toEqual(values.map(hex));
  });

  it.each([
    ['$x [exec id] {a}', '"\\$x \\[exec id\\] \\{a\\}"'],
    ['a\nb;c', '"a\\u000ab;c"'],
  ])('tclString(%j) = %s', (input, expected) => expect(tclString(input)).toBe(expected));
});
