/** Escaping for text that lands in Markdown a person reads on GitHub. */

/**
 * Makes text safe inside a Markdown table cell: HTML is escaped, Markdown punctuation is
 * backslash-escaped (so `|` cannot end the cell and `[x](y)` cannot link), `@` cannot mention,
 * and line breaks become `<br>`.
 */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, '\\$&')
    .replace(/@/g, '&#64;')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** C0 and C1 control characters except tab and line feed (a spec may carry terminal escapes). */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Control characters shown as visible `\xNN` escapes, so text cannot drive a terminal. */
export function showControlCharacters(text: string): string {
  return text.replace(
    CONTROL_CHARACTERS,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
