/**
 * Log lines and annotations (the runner's log, `::error …::` commands, a terminal). The escaper
 * itself is `escapeText` in `../text.ts` — every adapter already prints through it; these names
 * say which channel a call is for.
 */
import { CONTROL_CHARACTERS, escapeOutputLine, escapeText, outputLines } from '../text.js';

export { escapeOutputLine, escapeText, outputLines };

/**
 * One log line: line breaks (LF, CR, NEL, U+2028/2029) shown as `\n`…, a `::` that starts it
 * written `\x3a:`, `##[` anywhere written `#\x23[`, control and bidirectional characters shown.
 */
export function logLine(text: string): string {
  return escapeText(text);
}

/**
 * A line of a file quoted in a log under a caret (`3 | steps:` then `  |   ^^^`), one column per
 * character so the caret lines up: a tab is a space; control, bidirectional and separator
 * characters are `?`; `##[` is `##?`. Split the file at CR, LF and CRLF first: a lone CR would
 * start a line of its own in the runner's log.
 */
export function logColumns(line: string): string {
  return String(line)
    .replace(/\t/g, ' ')
    .replace(CONTROL_CHARACTERS, '?')
    .replace(/[\r\n\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, '?')
    .replace(/##\[/g, '##?');
}

/**
 * An annotation's message or title: as `logLine`, but LF and CR kept (the command encodes them
 * as `%0A`, GitHub shows them), with `::` neutralised at the start of every line.
 */
export function annotationText(text: string): string {
  return escapeText(text, { lineBreaks: true });
}
