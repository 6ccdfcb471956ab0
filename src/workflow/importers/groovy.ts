/**
 * A tokenizer for the Groovy that Nextflow scripts and configs are written in. It is not a Groovy
 * parser: it turns text into tokens with offsets — skipping comments, keeping strings whole — so
 * the importer can find processes, directives and config scopes without being fooled by braces
 * inside strings. It reads every string form Groovy has: '…', "…", '''…''', """…""", slashy
 * /…/ (a regular expression where an expression may start: after an operator, `(`, `,` or a
 * keyword such as `return`) and dollar-slashy $/…/$; the `${…}` of a GString is read as code, so
 * it may nest strings, closures and further GStrings.
 *
 * Why hand-written: tree-sitter-groovy 0.1.2 (through web-tree-sitter 0.27) parsed 39 of the 2,484
 * `.nf` files of nf-core/modules, rnaseq, fetchngs and sarek without an error node; this tokenizer
 * reads all of them (docs/formats.md, "Reading Groovy").
 */

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'newline';

/**
 * A piece of an interpolated string: literal text, or the Groovy code of a `${…}` / `$name`
 * (`raw`: as written, `${code}` or `$name`).
 */
export type Segment = { text: string } | { code: string; raw: string };

export interface Token {
  kind: TokenKind;
  /** Identifier name, number text, punctuation, or a string's contents (escapes resolved). */
  value: string;
  start: number;
  end: number;
  /** Strings only: the string holds `${…}` or `$name` interpolation. */
  interpolated?: boolean;
  /** Strings only: triple-quoted. */
  triple?: boolean;
  /** Strings only: slashy (`/…/`) or dollar-slashy (`$/…/$`). */
  slashy?: boolean;
  /** Interpolated strings only: the literal text and the interpolated code, in order. */
  segments?: Segment[];
}

export class GroovySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PUNCT3 = ['...', '?.@', '<=>', '===', '!==', '**=', '==~', '>>>', '<<=', '>>='];
const PUNCT2 = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '?:',
  '?.',
  '?[',
  '*.',
  '.&',
  '.@',
  '..',
  '->',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '?=',
  '<<',
  '>>',
  '=~',
  '**',
  '::',
];
const PUNCT1 = '{}()[],:;.=?!<>+-*/%&|^~@$\\';

/** Keywords after which a `/` starts a regular expression, not a division. */
const EXPRESSION_KEYWORDS = new Set([
  'return',
  'case',
  'in',
  'assert',
  'throw',
  'instanceof',
  'if',
  'while',
  'and',
  'or',
  'not',
]);

/** Tokenizes `text`; throws GroovySyntaxError on an unterminated string or comment. */
export function tokenizeGroovy(text: string): Token[] {
  const lexer = new Lexer(text);
  const start = text.startsWith('#!') ? lineEnd(text, 0) : 0;
  return lexer.code(start, false).tokens;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '\\': '\\',
  "'": "'",
  '"': '"',
  $: '$',
  '/': '/',
};

/**
 * How many `${…}` may nest inside one another (each may hold a string holding the next). Real
 * pipelines nest two or three; the reader recurses once per level, so a crafted file nesting
 * thousands would overflow the stack and end the whole run: past this depth the file is a syntax
 * error at that place, and the importer reads the file's other processes on their own.
 */
export const MAX_INTERPOLATION_DEPTH = 100;

class Lexer {
  /** The `${…}` levels open at the current position. */
  private interpolationDepth = 0;

  constructor(private readonly text: string) {}

  /**
   * Tokens of code from `from`. With `nested` (the inside of a `${…}`), stops at the `}` that
   * closes it and returns the offset just after it.
   */
  code(from: number, nested: boolean): { tokens: Token[]; end: number } {
    const { text } = this;
    const tokens: Token[] = [];
    let depth = 0;
    let i = from;
    while (i < text.length) {
      const c = text[i] ?? '';
      if (c === '\n') {
        tokens.push({ kind: 'newline', value: '\n', start: i, end: i + 1 });
        i += 1;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
        i += 1;
      } else if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
        // Line continuation: the newline does not end the statement.
        i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      } else if (text.startsWith('//', i)) {
        i = lineEnd(text, i);
      } else if (text.startsWith('/*', i)) {
        const close = text.indexOf('*/', i + 2);
        if (close === -1) throw new GroovySyntaxError('unterminated /* comment', i);
        i = close + 2;
      } else if (c === '"' || c === "'") {
        const token = this.quoted(i);
        tokens.push(token);
        i = token.end;
      } else if (c === '/' && regexMayStart(tokens)) {
        const token = this.slashy(i, '/', '/');
        tokens.push(token);
        i = token.end;
      } else if (text.startsWith('$/', i)) {
        const token = this.slashy(i, '$/', '/$');
        tokens.push(token);
        i = token.end;
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
        const word = m ? m[0] : c;
        tokens.push({ kind: 'ident', value: word, start: i, end: i + word.length });
        i += word.length;
      } else if (/[0-9]/.test(c)) {
        const m =
          /^(0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?)[lLgGdDfFiI]?/.exec(
            text.slice(i, i + 256),
          );
        const num = m ? m[0] : c;
        tokens.push({ kind: 'number', value: num, start: i, end: i + num.length });
        i += num.length;
      } else {
        const p =
          PUNCT3.find((p) => text.startsWith(p, i)) ??
          PUNCT2.find((p) => text.startsWith(p, i)) ??
          (PUNCT1.includes(c) ? c : undefined);
        if (p === undefined)
          throw new GroovySyntaxError(`unexpected character ${JSON.stringify(c)}`, i);
        if (nested && p === '}' && depth === 0) return { tokens, end: i + 1 };
        if (p === '{') depth += 1;
        if (p === '}') depth -= 1;
        tokens.push({ kind: 'punct', value: p, start: i, end: i + p.length });
        i += p.length;
      }
    }
    if (nested) throw new GroovySyntaxError('unterminated ${ in string', from - 2);
    return { tokens, end: i };
  }

  /** '…', "…", '''…''', """…""": only double quotes interpolate. */
  private quoted(start: number): Token {
    const { text } = this;
    const quote = text[start] ?? '"';
    const triple = text.startsWith(quote.repeat(3), start);
    const delim = triple ? quote.repeat(3) : quote;
    const body = new StringBody(quote === '"');
    let i = start + delim.length;
    while (i < text.length) {
      if (text.startsWith(delim, i)) return body.token(start, i + delim.length, { triple });
      const c = text[i] ?? '';
      if (c === '\\') {
        const next = text[i + 1] ?? '';
        body.literal(ESCAPES[next] ?? (next === '\n' ? '' : '\\' + next));
        i += 2;
      } else if (c === '\n' && !triple) {
        break;
      } else if (body.interpolating && c === '$') {
        i = this.interpolation(i, body);
      } else {
        body.literal(c);
        i += 1;
      }
    }
    throw new GroovySyntaxError(`unterminated string starting with ${delim}`, start);
  }

  /**
   * Slashy /…/ (only `\/` is an escape) and dollar-slashy $/…/$ (`$$` and `$/` are escapes):
   * both interpolate, both may span lines, backslashes are kept as written.
   */
  private slashy(start: number, open: string, close: string): Token {
    const { text } = this;
    const body = new StringBody(true);
    const dollar = open === '$/';
    let i = start + open.length;
    while (i < text.length) {
      if (text.startsWith(close, i)) {
        // In dollar-slashy strings `$/` is an escaped slash, and `/$$` is not the end.
        if (!(dollar && text[i + 2] === '$'))
          return body.token(start, i + close.length, { slashy: true });
      }
      const c = text[i] ?? '';
      if (!dollar && c === '\\' && text[i + 1] === '/') {
        body.literal('/');
        i += 2;
      } else if (dollar && c === '$' && (text[i + 1] === '$' || text[i + 1] === '/')) {
        body.literal(text[i + 1] ?? '');
        i += 2;
      } else if (!dollar && c === '\n' && i === start + 1) {
        break; // `/` then a newline is no slashy string
      } else if (c === '$') {
        i = this.interpolation(i, body);
      } else {
        body.literal(c);
        i += 1;
      }
    }
    throw new GroovySyntaxError(`unterminated string starting with ${open}`, start);
  }

  /** At a `$` in an interpolating string: `${code}`, `$name.field`, or a literal `$`. */
  private interpolation(at: number, body: StringBody): number {
    const { text } = this;
    if (text[at + 1] === '{') {
      if (this.interpolationDepth >= MAX_INTERPOLATION_DEPTH) {
        throw new GroovySyntaxError(
          `strings nested more than ${MAX_INTERPOLATION_DEPTH} levels deep in \${…}`,
          at,
        );
      }
      this.interpolationDepth += 1;
      const { end } = this.code(at + 2, true);
      this.interpolationDepth -= 1;
      body.code(text.slice(at + 2, end - 1), text.slice(at, end));
      return end;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(
      text.slice(at + 1, at + 257),
    );
    if (!m) {
      body.literal('$');
      return at + 1;
    }
    body.code(m[0], `$${m[0]}`);
    return at + 1 + m[0].length;
  }
}

/** Builds a string token's value and segments. */
class StringBody {
  private value = '';
  private readonly segments: Segment[] = [];
  private interpolated = false;

  constructor(readonly interpolating: boolean) {}

  literal(text: string): void {
    this.value += text;
    const last = this.segments[this.segments.length - 1];
    if (last && 'text' in last) last.text += text;
    else this.segments.push({ text });
  }

  /** `raw`: the interpolation as written (`$name` or `${code}`), kept in the value. */
  code(code: string, raw: string): void {
    this.value += raw;
    this.segments.push({ code, raw });
    this.interpolated = true;
  }

  token(start: number, end: number, flags: { triple?: boolean; slashy?: boolean }): Token {
    const token: Token = {
      kind: 'string',
      value: this.value,
      start,
      end,
      interpolated: this.interpolated,
      ...flags,
    };
    if (this.interpolated) token.segments = this.segments;
    return token;
  }
}

/**
 * A `/` starts a slashy string where an expression may start: at the beginning, after an
 * operator or an opening bracket, or after a keyword like `return`. After a value (a name, a
 * number, a string, a closing bracket) it divides.
 */
function regexMayStart(tokens: readonly Token[]): boolean {
  let k = tokens.length - 1;
  while (k >= 0 && tokens[k]?.kind === 'newline') k -= 1;
  const prev = tokens[k];
  if (!prev) return true;
  switch (prev.kind) {
    case 'number':
    case 'string':
      return false;
    case 'ident':
      return EXPRESSION_KEYWORDS.has(prev.value);
    case 'punct':
      return prev.value !== ')' && prev.value !== ']' && prev.value !== '}';
    default:
      return true;
  }
}

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/**
 * Index of the token closing the bracket opened at `openIndex`; throws when brackets do not
 * balance (a `)` where a `}` was expected, or the end of the text).
 */
export function matchingClose(tokens: readonly Token[], openIndex: number): number {
  const stack: string[] = [];
  for (let i = openIndex; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (!t || t.kind !== 'punct') continue;
    const close = OPEN[t.value];
    if (close) stack.push(close);
    else if (t.value === '}' || t.value === ')' || t.value === ']') {
      const expected = stack.pop();
      if (expected !== t.value) {
        throw new GroovySyntaxError(
          `expected ${expected ?? 'nothing'} but found ${t.value}`,
          t.start,
        );
      }
      if (stack.length === 0) return i;
    }
  }
  const open = tokens[openIndex];
  throw new GroovySyntaxError(`unclosed ${open?.value ?? 'bracket'}`, open?.start ?? 0);
}

/**
 * Splits tokens[from, to) into statements: a statement ends at a newline or `;` outside any
 * bracket. Empty statements are dropped; newlines inside brackets stay in the statement.
 */
export function statements(tokens: readonly Token[], from: number, to: number): Token[][] {
  const result: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = from; i < to; i += 1) {
    const t = tokens[i];
    if (!t) continue;
    if (t.kind === 'punct' && OPEN[t.value]) depth += 1;
    if (t.kind === 'punct' && (t.value === '}' || t.value === ')' || t.value === ']')) depth -= 1;
    const ends = depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && t.value === ';'));
    // A line ending in an operator (`?`, `:`, `+`, `,` …) continues on the next line.
    const last = current[current.length - 1];
    const continues =
      t.kind === 'newline' &&
      last !== undefined &&
      last.kind === 'punct' &&
      ['?', ':', '+', '-', '*', '/', ',', '&&', '||', '=', '.', '?:'].includes(last.value);
    if (ends && !continues) {
      if (current.length > 0) result.push(current);
      current = [];
    } else if (t.kind !== 'newline' || (depth > 0 && current.length > 0)) {
      // Newlines inside brackets are kept: a block's own statements can then be split again.
      current.push(t);
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}
