/** Escaping for text that lands in Markdown a person reads on GitHub. */
import { escapeText } from '../common/text.js';

/**
 * Makes text safe inside a Markdown table cell: HTML is escaped, Markdown punctuation is
 * backslash-escaped (so `|` cannot end the cell and `[x](y)` cannot link), `@` cannot mention,
 * line breaks become `<br>`, and control and bidirectional characters are shown escaped.
 */
export function escapeCell(text: string): string {
  return escapeText(text, { lineBreaks: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, '\\$&')
    .replace(/@/g, '&#64;')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * Text shown as code inside a table cell. A Markdown code span would show the escapes literally,
 * so this is an HTML `<code>` element around escaped text.
 */
export function codeCell(text: string): string {
  return `<code>${escapeCell(text)}</code>`;
}
