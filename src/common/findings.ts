/**
 * A finding is one thing a user should look at: a schema error, a planning smell, a plan problem.
 * Every layer of the core (spec, lint, plan, importers) reports through this one shape, so the
 * reporters (text, JSON, SARIF, annotations, summary) never care where a finding came from.
 */

export type Severity = 'error' | 'warning' | 'notice';

/** Severities from most to least severe; index order is used for ranking and `fail-on`. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

/**
 * A region of a source file. Lines and columns are 1-based; `endColumn` is exclusive (the column
 * just after the last character), as in SARIF. A zero-width span has endColumn === column.
 */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where something is: a file (relative to the repository root when known) and a span in it. */
export interface Location {
  file: string;
  span: Span;
}

export interface Finding {
  /** Stable rule ID, e.g. `STW100`. */
  rule: string;
  /** The rule's kebab-case name, e.g. `schema`. */
  name: string;
  severity: Severity;
  /** A sentence that names the things involved and says what to do. */
  message: string;
  /** Path of the file, relative to the repository (workspace) root when known. */
  file: string;
  span: Span;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

/** The `fail-on` decision shared by the CLI and the action: any finding at or above the level. */
export function failsAt(findings: readonly Finding[], failOn: Severity | 'never'): boolean {
  return failOn !== 'never' && findings.some((f) => atLeast(f.severity, failOn));
}

/** Stable order: file, line, column, rule, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.span.line - b.span.line ||
    a.span.column - b.span.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
