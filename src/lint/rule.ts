/**
 * The shape of a lint rule, after ESLint and actionlint: catalogue metadata plus a `check` that
 * reads the workflow (and the shared dependency graph) and reports findings at exact spans.
 */
import type { Finding, Severity } from '../common/findings.js';
import type { Location, NodePath, Workflow } from '../workflow/model.js';
import { ruleMeta, type RuleId, type RuleMeta } from '../common/rules.js';
import type { DependencyGraph } from '../workflow/graph.js';
import type { Settings } from './settings.js';

export interface RuleContext {
  readonly workflow: Workflow;
  readonly graph: DependencyGraph;
  readonly settings: Readonly<Settings>;
  /** Report at a node of the spec (`part: 'key'` points at its mapping key). */
  report(path: NodePath, message: string, part?: 'key' | 'value'): void;
  /**
   * Report about a key that is missing: at the key when it exists after all, else at its
   * parent's key (the step's name), else at the top of the document (the `name:` line). Quiet
   * when the key is written but invalid (`isInvalid`): its STW100 finding says what is wrong.
   */
  reportMissing(path: NodePath, message: string): void;
  /** True when the loader found the field at `path` written but invalid, or misspelt. */
  isInvalid(path: NodePath): boolean;
}

export interface LintRule {
  readonly meta: RuleMeta;
  check(context: RuleContext): void;
}

export function defineRule(id: RuleId, check: (context: RuleContext) => void): LintRule {
  return { meta: ruleMeta(id), check };
}

/** Runs one rule; findings carry the rule's default severity (config is applied later). */
export function runRule(
  rule: LintRule,
  workflow: Workflow,
  graph: DependencyGraph,
  settings: Readonly<Settings>,
): Finding[] {
  const findings: Finding[] = [];
  const push = (location: Location, message: string, severity: Severity): void => {
    findings.push({
      rule: rule.meta.id,
      name: rule.meta.name,
      severity,
      message,
      file: location.file,
      span: location.span,
    });
  };
  const severity = rule.meta.defaultSeverity;
  const invalid = new Set((workflow.invalid ?? []).map(pathKey));
  const isInvalid = (path: NodePath): boolean => invalid.has(pathKey(path));
  rule.check({
    workflow,
    graph,
    settings,
    report: (path, message, part = 'value') =>
      push(workflow.source.locate(path, part), message, severity),
    reportMissing: (path, message) => {
      if (!isInvalid(path)) push(locateMissing(workflow, path), message, severity);
    },
    isInvalid,
  });
  return findings;
}

function pathKey(path: NodePath): string {
  return path.join('\u0000');
}

function sameSpan(a: Location, b: Location): boolean {
  return (
    a.file === b.file &&
    a.span.line === b.span.line &&
    a.span.column === b.span.column &&
    a.span.endLine === b.span.endLine &&
    a.span.endColumn === b.span.endColumn
  );
}

/**
 * A locator answers a missing path with its nearest existing ancestor; at the top level that is
 * the whole document or its first line, neither of which says where to look, so point at the
 * `name:` key instead (or `version:`, or the first line).
 */
function locateMissing(workflow: Workflow, path: NodePath): Location {
  const { source } = workflow;
  const root = [source.locate([], 'value'), source.locate([], 'key')];
  const atRoot = (at: Location): boolean => root.some((r) => sameSpan(r, at));
  const here = source.locate(path, 'key');
  if (!atRoot(here)) return here;
  for (const key of ['name', 'version']) {
    const at = source.locate([key], 'key');
    if (!atRoot(at)) return at;
  }
  return root[1]!;
}
