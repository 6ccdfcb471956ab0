/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): the rule catalogue as the driver's
 * rules, each finding as a result pointing at its exact region of the spec.
 *
 * Paths are repository-relative URIs under the `%SRCROOT%` base, so code scanning matches them to
 * files in the repository; `srcRoot` (the checkout's absolute path) may be given to resolve them.
 */
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Severity } from '../common/findings.js';
import type { RuleMeta } from '../common/rules.js';
import { sarifText } from '../common/escape/sarif.js';
import { repoRelativePath } from './annotations.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const TOOL_NAME = 'stowage';
export const TOOL_INFORMATION_URI = 'https://github.com/stowage-dev/stowage';

/** What SARIF needs of a rule: the catalogue's `RuleMeta` fits. */
export type SarifRule = Omit<
  Pick<RuleMeta, 'id' | 'name' | 'defaultSeverity' | 'description' | 'help' | 'docsUrl'>,
  'id'
> & { id: string };

export interface SarifOptions {
  /** The rule catalogue (`RULES`); rules that findings use but the list lacks are added. */
  rules: readonly SarifRule[];
  /** The tool version, e.g. the package version. */
  toolVersion: string;
  /** Absolute path of the repository checkout: becomes the `%SRCROOT%` base URI. */
  srcRoot?: string;
  /**
   * Findings silenced by a `stowage-ignore` comment (`LintResult.suppressed`): listed as results
   * suppressed in source, so code scanning shows them as dismissed rather than forgetting them.
   */
  suppressed?: readonly Finding[];
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  notice: 'note',
};

export function toSarif(findings: readonly Finding[], options: SarifOptions): Log {
  const suppressed = options.suppressed ?? [];
  const rules = ruleList([...findings, ...suppressed], options.rules);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const result = (finding: Finding): Result => ({
    ruleId: finding.rule,
    ruleIndex: index.get(finding.rule),
    level: LEVEL[finding.severity],
    // `[text](target)` in a message is a SARIF embedded link: brackets from a name stay text.
    message: { text: sarifText(finding.message) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(finding.file), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: finding.span.line,
            startColumn: finding.span.column,
            endLine: finding.span.endLine,
            endColumn: finding.span.endColumn,
          },
        },
      },
    ],
  });
  const results: Result[] = [
    ...findings.map(result),
    ...suppressed.map((finding) => ({
      ...result(finding),
      suppressions: [{ kind: 'inSource' as const }],
    })),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.toolVersion,
            informationUri: TOOL_INFORMATION_URI,
            rules: rules.map(descriptor),
          },
        },
        ...(options.srcRoot
          ? { originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(options.srcRoot) } } }
          : {}),
        // Our columns count UTF-16 code units (JavaScript string indexes of the YAML text).
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** The SARIF document as the text of a `.sarif` file. */
export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  return `${JSON.stringify(toSarif(findings, options), null, 2)}\n`;
}

/** The catalogue in its order, plus any rule a finding names that the catalogue lacks. */
function ruleList(findings: readonly Finding[], catalogue: readonly SarifRule[]): SarifRule[] {
  const rules = [...catalogue];
  const known = new Set(rules.map((r) => r.id));
  for (const finding of findings) {
    if (known.has(finding.rule)) continue;
    known.add(finding.rule);
    rules.push({
      id: finding.rule,
      name: finding.name,
      defaultSeverity: finding.severity,
      description: finding.name,
      help: finding.name,
      docsUrl: '',
    });
  }
  return rules;
}

function descriptor(rule: SarifRule): ReportingDescriptor {
  const docs = rule.docsUrl ? `\n\nSee ${rule.docsUrl}` : '';
  const docsMarkdown = rule.docsUrl ? `\n\n[${rule.id} ${rule.name}](${rule.docsUrl})` : '';
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} ${rule.help}` },
    help: { text: `${rule.help}${docs}`, markdown: `${rule.help}${docsMarkdown}` },
    ...(rule.docsUrl ? { helpUri: rule.docsUrl } : {}),
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: { tags: ['stowage', 'workflow-planning'] },
  };
}

/** A repository-relative path as a relative URI reference: each segment percent-encoded. */
export function relativeUri(file: string): string {
  return repoRelativePath(file).split('/').map(encodeURIComponent).join('/');
}

/** SARIF base URIs must be absolute and end with a slash to act as directories. */
function directoryUri(path: string): string {
  const uri = pathToFileURL(path).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}
