/**
 * The one escaper for text Stowage did not write — names from a workflow, file names, registry
 * answers — on its way to a log, an annotation, the job summary or a terminal. Such text must not
 * be able to:
 *
 * - start a line of its own (LF, CR, NEL, U+2028/2029): on a runner's log a new line that starts
 *   with `::` is a workflow command (`::error …`, `::add-mask::`, `::stop-commands::`);
 * - be a workflow command where it is printed first on a line (a leading `::`), or anywhere on a
 *   line in the runner's older form: the runner reads `##[add-mask]…`, `##[set-output …]…` wherever
 *   `##[` appears in a line, and the log viewer draws `##[group]`, `##[error]` lines as its own;
 * - drive a terminal (ANSI escape sequences: ESC, CSI and other C0/C1 controls);
 * - reorder what a reader sees (bidirectional controls, the "Trojan Source" characters).
 *
 * Every such character is shown as a visible escape (`\n`, `\x1b`, `\u202e`), so the text stays
 * readable and a reader sees that something odd was there.
 */

/** C0 and C1 control characters but tab, LF and CR (shown as `\xNN`). */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Bidirectional controls, line/paragraph separators, the byte-order mark (invisible), the
 * non-characters U+FFFE/U+FFFF and unpaired surrogates (which YAML readers refuse, and which no
 * UTF-8 file can hold), all shown as `\uNNNN`.
 */
const INVISIBLE =
  /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The runner's older command prefix, read anywhere in a line. */
const RUNNER_COMMAND = /##\[/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

function unicode(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export interface EscapeOptions {
  /**
   * Keep LF and CR (and tabs): for channels that encode line breaks themselves (an annotation's
   * `%0A`, a Markdown `<br>`). Default false: they are shown as `\n`, `\r`.
   */
  lineBreaks?: boolean;
}

/**
 * `text` made safe for any output channel: controls, bidirectional and separator characters shown
 * as escapes, and line breaks too unless `lineBreaks` (then the channel encodes them itself, so no
 * line of the log can start inside the text). A `::` that starts a line is written `\x3a:`:
 * printed first on a log line, the text still cannot be a workflow command. `##[` anywhere is
 * written `#\x23[`, so the runner's older commands cannot start inside it either. Idempotent.
 */
export function escapeText(text: string, options: EscapeOptions = {}): string {
  const out = showControlCharacters(text).replace(RUNNER_COMMAND, '#\\x23[');
  if (options.lineBreaks) return out.replace(/^([^\S\r\n]*):(?=:)/gm, '$1\\x3a');
  return out.replace(/[\n\r\t]/g, (c) => NAMED[c]!).replace(/^(\s*):(?=:)/, '$1\\x3a');
}

/**
 * A line of a child process's output (a build log) for the runner's log, where it is printed
 * between `::stop-commands::` tokens: the runner then ignores `::` and `##[` commands, but its log
 * viewer still draws a `##[group]`, `##[endgroup]` or `##[error]` line as its own, and a lone CR
 * starts a new line for it. Such prefixes are written `#\x23[`; colours and the rest are kept.
 * Split the output at `\r\n`, `\r` and `\n` first (`outputLines`).
 */
export function escapeOutputLine(line: string): string {
  return String(line).replace(RUNNER_COMMAND, '#\\x23[');
}

/** A child process's output split into the lines the runner sees (it ends lines at CR too). */
export function outputLines(text: string): string[] {
  return String(text).split(/\r\n|\r|\n/);
}

/**
 * Only control, bidirectional and invisible characters shown as visible escapes; line breaks,
 * `::` and `##[` kept. For a value that must stay exact and reaches no line by itself: an
 * annotation's `file` property, which the command %-encodes and GitHub matches to a file.
 */
export function showControlCharacters(text: string): string {
  return String(text).replace(CONTROL_CHARACTERS, hex).replace(INVISIBLE, unicode);
}

/** Quote user text in a message on one line, shortened; anything unsafe shown escaped. */
export function oneLine(text: string): string {
  const flat = escapeText(String(text).replace(/[\r\n\t]+/g, ' '));
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
