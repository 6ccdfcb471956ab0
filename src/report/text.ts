/**
 * Compiler-style text output: `file:line:col: severity: message [ID]`, then the source line and a
 * caret under the span, as actionlint and C compilers print.
 */
import { countBySeverity, type Finding } from '../common/findings.js';
import { splitLines } from '../workflow/source.js';
import { CONTROL_CHARACTERS, showControlCharacters } from '../common/text.js';

export interface TextOptions {
  /** File text by the file name findings use; lines of files not given are not shown. */
  sources?: ReadonlyMap<string, string>;
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
 * Tabs are shown as single spaces so the caret lines up without knowing the terminal's tab width;
 * other control characters (a spec could carry terminal escape sequences) as `?`, one column each.
 */
const untab = (s: string): string => s.replace(/\t/g, ' ').replace(CONTROL_CHARACTERS, '?');

export function formatFinding(finding: Finding, options: TextOptions = {}): string {
  const { span } = finding;
  const severity = options.color
    ? `${COLORS[finding.severity]}${finding.severity}${COLORS.reset}`
    : finding.severity;
  const head = `${showControlCharacters(finding.file)}:${span.line}:${span.column}: ${severity}: ${showControlCharacters(finding.message)} [${finding.rule}]`;
  const text = options.sources?.get(finding.file);
  if (text === undefined) return head;
  const line = splitLines(text)[span.line - 1];
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

export function formatText(findings: readonly Finding[], options: TextOptions = {}): string {
  if (findings.length === 0) return 'No findings.\n';
  const body = findings.map((f) => formatFinding(f, options)).join('\n\n');
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
