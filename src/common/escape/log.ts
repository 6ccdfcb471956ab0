/**
 * Log lines and annotations (the runner's log, `::error …::` commands, a terminal). The escaper
 * itself is `escapeText` in `../text.ts` — every adapter already prints through it; these names
 * say which channel a call is for.
 */
import { escapeOutputLine, escapeText, outputLines } from '../text.js';

export { escapeOutputLine, escapeText, outputLines };

/**
 * One log line: line breaks (LF, CR, NEL, U+2028/2029) shown as `\n`…, a `::` that starts it
 * written `\x3a:`, `##[` anywhere written `#\x23[`, control and bidirectional characters shown.
 */
export function logLine(text: string): string {
  return escapeText(text);
}

/**
 * An annotation's message or title: as `logLine`, but LF and CR kept (the command encodes them
 * as `%0A`, GitHub shows them), with `::` neutralised at the start of every line.
 */
export function annotationText(text: string): string {
  return escapeText(text, { lineBreaks: true });
}
