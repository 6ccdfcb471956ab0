/**
 * Compiler-style text output: `file:line:col: severity: message [ID]`, then the source line and a
 * caret under the span, as actionlint and C compilers print.
 */
import { countBySeverity, type Finding } from '../common/findings.js';
import { splitLines } from '../workflow/source.js';
import { logColumns } from '../common/escape/log.js';
import { escapeText } from '../common/text.js';

export interface TextOptions {
  /** File text by the file name findings use; lines of files not given are not shown. */
  sources?: ReadonlyMap<string, string>;
  /**
   * The lines of each file, split once: `formatText` fills it, so formatting many findings reads
   * each file once rather than once per finding.
   */
  lines?: Map<string, readonly string[]>;
  /** Wrap severities in ANSI colours (for terminals). */
  color?: boolean;
}

const COLORS = {
  error: '\u001b[31m',
  warning: '\u001b[33m',
  notice: '\u001b[36m',
  reset: '\u001b[0m',
  bold: '\u001b[1m',
};

/**
 * The source line under a caret (src/common/escape/log.ts): tabs as single spaces so the caret
 * lines up without knowing the terminal's tab width; control characters (a spec could carry
 * terminal escape sequences) as `?` and `##[` as `##?`, one column each — printed in a runner's
 * log, the line cannot be one of its commands.
 */
const untab = logColumns;

export function formatFinding(finding: Finding, options: TextOptions = {}): string {
  const { span } = finding;
  const severity = options.color
    ? `${COLORS[finding.severity]}${finding.severity}${COLORS.reset}`
    : finding.severity;
  // The position is escaped with the file name, so `:` + `:3:5` cannot start a line with `::`.
  const where = escapeText(`${finding.file}:${span.line}:${span.column}: `);
  const head = `${where}${severity}: ${escapeText(finding.message)} [${finding.rule}]`;
  const line = sourceLine(finding.file, span.line, options);
  if (line === undefined) return head;
  const width =
    span.endLine === span.line
      ? Math.max(1, span.endColumn - span.column)
      : Math.max(1, line.length - span.column + 1);
  const gutter = String(span.line);
  const pad = ' '.repeat(gutter.length);
  const caret = ' '.repeat(Math.max(0, span.column - 1)) + '^'.repeat(width);
  return `${head}\n ${gutter} | ${untab(line)}\n ${pad} | ${caret}`;
}

/** Line `n` of `file`, from the lines cache (split on first use) or the file's text. */
function sourceLine(file: string, n: number, options: TextOptions): string | undefined {
  let lines = options.lines?.get(file);
  if (!lines) {
    const text = options.sources?.get(file);
    if (text === undefined) return undefined;
    lines = splitLines(text);
    options.lines?.set(file, lines);
  }
  return lines[n - 1];
}

export function formatText(findings: readonly Finding[], options: TextOptions = {}): string {
  if (findings.length === 0) return 'No findings.\n';
  const indexed = { ...options, lines: options.lines ?? new Map<string, readonly string[]>() };
  const body = findings.map((f) => formatFinding(f, indexed)).join('\n\n');
  return `${body}\n\n${summaryLine(findings)}\n`;
}

/** `2 errors, 1 warning, 0 notices` */
export function summaryLine(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    plural(counts.error, 'error'),
    plural(counts.warning, 'warning'),
    plural(counts.notice, 'notice'),
  ].join(', ');
}
