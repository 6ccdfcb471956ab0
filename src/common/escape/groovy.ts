/**
 * Groovy (Nextflow configs): string literals and line comments.
 *
 * Strings are single-quoted, Groovy's literal form: no `${…}` or `$name` interpolation. Inside,
 * `\` and `'` are escaped, LF and CR are `\n` and `\r`, and every other character outside
 * printable ASCII is a `\uNNNN` escape, so the literal is one line of ASCII. A reader that turns
 * `\uNNNN` into characters before lexing, as Java does and Groovy's older parser did, must find
 * no line break and no quote that way: LF, CR and `'` are never written as `\u`, and a `u` after
 * a backslash is written `\u0075`, so the backslash stays escaped.
 */
import { commentText } from './comment.js';

/** A Groovy single-quoted string literal holding exactly `value`. */
export function groovyString(value: string): string {
  let out = '';
  let previous = '';
  for (const c of String(value)) {
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === "'") out += "\\'";
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === 'u' && previous === '\\') out += '\\u0075';
    else if (code >= 0x20 && code < 0x7f) out += c;
    else for (const unit of units(c)) out += `\\u${unit}`;
    previous = c;
  }
  return `'${out}'`;
}

/** UTF-16 code units of one character, as 4 hex digits each (Groovy strings are UTF-16). */
function units(c: string): string[] {
  return Array.from({ length: c.length }, (_, i) => c.charCodeAt(i).toString(16).padStart(4, '0'));
}

/**
 * A Groovy line comment (`// …`) that cannot end before the line does: line breaks and other
 * unsafe characters shown escaped (`commentText`), and `\u` written `\x5cu` so that no unicode
 * escape is left for a Java-style reader to turn into a line break.
 */
export function groovyComment(text: string): string {
  return `// ${commentText(text).replace(/\\u/g, '\\x5cu')}`;
}
