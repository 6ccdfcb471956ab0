/**
 * GitHub annotations: which findings get one, and the exact workflow-command line for each.
 *
 * GitHub shows at most 10 annotations of each level (error, warning, notice) per step and drops the
 * rest silently, so we choose which ones to spend the budget on: within a level, the first finding
 * of every rule before a second finding of any rule, so one noisy rule cannot hide the others.
 * The findings left out are returned so the job summary can list them.
 */
import { compareFindings, severityRank, SEVERITIES } from '../common/findings.js';
import type { Finding, Severity } from '../common/findings.js';
import { annotationText } from '../common/escape/log.js';
import { showControlCharacters } from '../common/text.js';

/** How many annotations of each level GitHub shows per step. */
export const GITHUB_ANNOTATION_LIMIT: Readonly<Record<Severity, number>> = {
  error: 10,
  warning: 10,
  notice: 10,
};

export interface AnnotationSelection {
  /** In rank order: errors, then warnings, then notices; within a level, one per rule first. */
  annotated: Finding[];
  /** Findings that did not fit the budget, by severity then position. */
  omitted: Finding[];
}

export function selectAnnotations(
  findings: readonly Finding[],
  budget: Partial<Record<Severity, number>> = GITHUB_ANNOTATION_LIMIT,
): AnnotationSelection {
  const annotated: Finding[] = [];
  const omitted: Finding[] = [];
  for (const severity of SEVERITIES) {
    const limit = Math.max(0, budget[severity] ?? GITHUB_ANNOTATION_LIMIT[severity]);
    const ranked = roundRobinByRule(findings.filter((f) => f.severity === severity));
    annotated.push(...ranked.slice(0, limit));
    omitted.push(...ranked.slice(limit).sort(compareFindings));
  }
  return { annotated, omitted };
}

/**
 * Orders findings so that the first finding (by position) of every rule comes before the second
 * finding of any rule, and so on. Rules take turns in ID order.
 */
function roundRobinByRule(findings: readonly Finding[]): Finding[] {
  const byRule = new Map<string, Finding[]>();
  for (const finding of [...findings].sort(compareFindings)) {
    const queue = byRule.get(finding.rule);
    if (queue) queue.push(finding);
    else byRule.set(finding.rule, [finding]);
  }
  const queues = [...byRule.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, queue]) => queue);
  const ranked: Finding[] = [];
  for (let round = 0; ranked.length < findings.length; round += 1) {
    for (const queue of queues) {
      const finding = queue[round];
      if (finding) ranked.push(finding);
    }
  }
  return ranked;
}

/**
 * The same shape as `AnnotationProperties` of `@actions/core`, so an adapter can call
 * `core.error(finding.message, annotationProperties(finding))` (the core must not import it).
 */
export interface AnnotationProps {
  title: string;
  file: string;
  startLine: number;
  endLine: number;
  /** Omitted when the span covers several lines: GitHub rejects columns on multi-line annotations. */
  startColumn?: number;
  /** Exclusive, as in the finding's span. */
  endColumn?: number;
}

export function annotationProperties(finding: Finding): AnnotationProps {
  const { line, column, endLine, endColumn } = finding.span;
  const props: AnnotationProps = {
    title: annotationText(`${finding.rule} ${finding.name}`),
    // Exact, so that GitHub finds the file; inside the property it can start no command.
    file: showControlCharacters(repoRelativePath(finding.file)),
    startLine: line,
    endLine,
  };
  if (line === endLine) {
    props.startColumn = column;
    props.endColumn = endColumn;
  }
  return props;
}

/**
 * The workflow-command line GitHub turns into an annotation, e.g.
 * `::error file=stowage.yml,line=3,col=5,endLine=3,endColumn=9,title=STW101 unknown-reference::…`.
 * Escaping matches `@actions/core` (`escapeData` / `escapeProperty` in its command.js).
 */
export function formatAnnotation(finding: Finding): string {
  const props = annotationProperties(finding);
  const pairs: [string, string | number | undefined][] = [
    ['file', props.file],
    ['line', props.startLine],
    ['col', props.startColumn],
    ['endLine', props.endLine],
    ['endColumn', props.endColumn],
    ['title', props.title],
  ];
  const properties = pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  // The command names are our severities: error, warning, notice.
  return `::${finding.severity} ${properties}::${escapeData(annotationMessage(finding))}`;
}

/**
 * The message of a finding's annotation: control, bidirectional and separator characters shown
 * as escapes; line breaks stay (the command encodes them as `%0A`, and GitHub shows them).
 */
export function annotationMessage(finding: Finding): string {
  return annotationText(finding.message);
}

/** Escapes a command's message: `%`, CR and LF would otherwise end or corrupt the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: as data, plus `:` and `,` which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub resolves annotation files against the repository root with forward slashes. A leading
 * `./` is dropped; the root itself (`.`, `./`) stays `.`, so a finding about the whole folder keeps
 * its `file` property.
 */
export function repoRelativePath(file: string): string {
  const relative = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return relative === '' && file !== '' ? '.' : relative;
}

/** Most severe first; exported for reporters that list findings in annotation order. */
export function bySeverityThenPosition(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity) || compareFindings(a, b);
}
