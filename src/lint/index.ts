/**
 * The lint engine: runs every active rule over a workflow, then applies the configuration
 * (levels, off), the attribution of findings in upstream code (upstream.ts) and the suppression
 * comments to those findings and to the findings other layers hand in (`extra`: the loader's
 * STW100, the plan's STW404–406 and STW410).
 */
import { compareFindings, type Finding } from '../common/findings.js';
import type { LintConfig, RuleLevel, Workflow } from '../workflow/model.js';
import { RULES, ruleById } from '../common/rules.js';
import { checkLintConfig, mergeLintConfig, resolveLintConfig } from './config.js';
import { buildGraph } from '../workflow/graph.js';
import { runRule } from './rule.js';
import { LINT_RULES } from './rules/index.js';
import { applySuppressions, parseSuppressions } from './suppress.js';
import { attributeUpstream } from './upstream.js';

export { RULES, ruleById, ruleByIdOrName, type RuleMeta } from '../common/rules.js';
export { loadLintConfig, mergeLintConfig } from './config.js';
export { SETTINGS, type SettingName } from './settings.js';

export interface LintOptions {
  /** The repository config (from `loadLintConfig`); the spec's `lint:` key overrides it. */
  config?: LintConfig;
  /** Where `config` came from, for `configSource` (e.g. `.stowage/config.yml`). */
  configFile?: string;
  /**
   * Findings from other layers (loader, plan, lint-config loading). Config and suppressions apply
   * to them too. When given, a suppression of a loader or plan rule that matches nothing is
   * reported as unused; without it those rules are taken as not run.
   */
  extra?: readonly Finding[];
}

export interface LintResult {
  /** Sorted (file, line, column, rule), with config and suppressions applied. */
  findings: Finding[];
  /** Findings silenced by a suppression comment (for SARIF `suppressions` and summaries). */
  suppressed: Finding[];
  /** Every rule ID not turned off, in ID order. */
  activeRules: string[];
  /** Which configuration was used: `defaults`, or the files joined with ` + `. */
  configSource: string;
}

export function lintWorkflow(workflow: Workflow, options: LintOptions = {}): LintResult {
  const config = mergeLintConfig(options.config, workflow.lint);
  const { levels, settings } = resolveLintConfig(config);
  const level = (id: string): RuleLevel =>
    levels.get(id) ?? ruleById(id)?.defaultSeverity ?? 'warning';
  const active = (id: string): boolean => level(id) !== 'off';

  const graph = buildGraph(workflow);
  const raw: Finding[] = [];
  for (const rule of LINT_RULES) {
    if (active(rule.meta.id)) raw.push(...runRule(rule, workflow, graph, settings));
  }
  if (workflow.lint) {
    raw.push(
      ...checkLintConfig(
        workflow.lint,
        (path, part) => workflow.source.locate(['lint', ...path], part),
        `The \`lint:\` key of ${workflow.file}`,
      ),
    );
  }
  raw.push(...(options.extra ?? []));

  const configured = attributeUpstream(
    raw.flatMap((f): Finding[] => {
      const l = level(f.rule);
      return l === 'off' ? [] : [{ ...f, severity: l }];
    }),
    workflow.upstream,
  );

  const suppressions = [...workflow.source.files()].flatMap(([file, text]) =>
    parseSuppressions(file, text),
  );
  const ranHere = (id: string): boolean => {
    const owner = ruleById(id)?.owner;
    return active(id) && (owner === 'lint' || options.extra !== undefined);
  };
  const { kept, suppressed, problems } = applySuppressions(configured, suppressions, ranHere);
  for (const p of problems) {
    const l = level(p.rule);
    if (l !== 'off') kept.push({ ...p, severity: l });
  }

  const sources = [
    ...(options.config ? [options.configFile ?? '.stowage/config.yml'] : []),
    ...(workflow.lint ? [`${workflow.file} (lint:)`] : []),
  ];
  return {
    findings: kept.sort(compareFindings),
    suppressed: suppressed.sort(compareFindings),
    activeRules: RULES.filter((r) => active(r.id)).map((r) => r.id),
    configSource: sources.length > 0 ? sources.join(' + ') : 'defaults',
  };
}
