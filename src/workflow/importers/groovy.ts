/**
 * A small tokenizer for the Groovy that Nextflow scripts and configs are written in. It is not a
 * Groovy parser: it turns text into tokens with offsets — skipping comments, keeping strings whole
 * (including GStrings whose `${…}` spans lines and nests quotes) — so the importer can find
 * processes, directives and config scopes without being fooled by braces inside strings.
 */

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'newline';

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
}

export class GroovySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PUNCT3 = ['...', '?.@', '<=>', '===', '!==', '**='];
const PUNCT2 = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '?:',
  '?.',
  '*.',
  '..',
  '->',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '<<',
  '>>',
  '=~',
  '**',
];
const PUNCT1 = '{}()[],:;.=?!<>+-*/%&|^~@$';

/** Tokenizes `text`; throws GroovySyntaxError on an unterminated string or comment. */
export function tokenizeGroovy(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  if (text.startsWith('#!')) i = text.indexOf('\n') === -1 ? text.length : text.indexOf('\n');
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
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) throw new GroovySyntaxError('unterminated /* comment', i);
      i = close + 2;
    } else if (c === '"' || c === "'") {
      const token = readString(text, i);
      tokens.push(token);
      i = token.end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
      const word = m ? m[0] : c;
      tokens.push({ kind: 'ident', value: word, start: i, end: i + word.length });
      i += word.length;
    } else if (/[0-9]/.test(c)) {
      const m =
        /^(0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?)[lLgGdDfF]?/.exec(
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
      tokens.push({ kind: 'punct', value: p, start: i, end: i + p.length });
      i += p.length;
    }
  }
  return tokens;
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
};

function readString(text: string, start: number): Token {
  const quote = text[start] ?? '"';
  const triple = text.startsWith(quote.repeat(3), start);
  const delim = triple ? quote.repeat(3) : quote;
  const interpolating = quote === '"';
  let i = start + delim.length;
  let value = '';
  let interpolated = false;
  while (i < text.length) {
    if (text.startsWith(delim, i)) {
      return { kind: 'string', value, start, end: i + delim.length, interpolated, triple };
    }
    const c = text[i] ?? '';
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      value += ESCAPES[next] ?? (next === '\n' ? '' : '\\' + next);
      i += 2;
    } else if (c === '\n' && !triple) {
      break;
    } else if (interpolating && c === '$' && text[i + 1] === '{') {
      const end = skipInterpolation(text, i + 2);
      value += text.slice(i, end);
      interpolated = true;
      i = end;
    } else {
      if (interpolating && c === '$' && /[A-Za-z_]/.test(text[i + 1] ?? '')) interpolated = true;
      value += c;
      i += 1;
    }
  }
  throw new GroovySyntaxError(`unterminated string starting with ${delim}`, start);
}

/** From just after `${`, returns the offset just after the matching `}` (nested strings skipped). */
function skipInterpolation(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '"' || c === "'") {
      i = readString(text, i).end;
      continue;
    }
    if (c === '{') depth += 1;
    if (c === '}') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new GroovySyntaxError('unterminated ${ in string', from - 2);
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
 * bracket. Empty statements are dropped.
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
    } else if (t.kind !== 'newline') {
      current.push(t);
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}
