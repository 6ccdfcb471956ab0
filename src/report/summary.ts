/**
 * The job summary (Markdown): counts, a findings table with links to the exact lines, the
 * findings GitHub's annotation budget left out, a Mermaid picture of the workflow and the plan.
 *
 * Every value from the spec or a finding is escaped for a table cell (src/common/escape/markdown.ts),
 * so a message cannot break the table, inject HTML, mention someone or link somewhere (a URL in a
 * message is shown as code); link targets are built from encoded parts.
 */
import { countBySeverity, SEVERITIES } from '../common/findings.js';
import type { Finding, Severity } from '../common/findings.js';
import { ruleById } from '../common/rules.js';
import type { Plan } from '../plan/types.js';
import type { Workflow } from '../workflow/model.js';
import {
  bySeverityThenPosition,
  GITHUB_ANNOTATION_LIMIT,
  repoRelativePath,
} from './annotations.js';
import { markdownMessage, markdownText } from '../common/escape/markdown.js';
import { optionRef } from '../common/option-names.js';
import { drawsGroups, workflowMermaid, type DiagramDetail } from './mermaid.js';

export interface SummaryInput {
  /** Undefined when the spec did not load: the summary then has findings but no diagram. */
  workflow?: Workflow;
  findings: readonly Finding[];
  /** Findings that got no annotation (from `selectAnnotations`). */
  omittedFromAnnotations?: readonly Finding[];
  /** `<server>/<owner>/<repo>`, e.g. `https://github.com/acme/flood`: enables line links. */
  repoUrl?: string;
  /** The commit the links point at (links need both `repoUrl` and `sha`). */
  sha?: string;
  /** Boxes the diagram's steps by container group. */
  plan?: Plan;
  /** The plan as Markdown (rendered elsewhere), appended as its own section. */
  planMarkdown?: string;
  /** Rows shown in each findings table; the rest are counted. Default 200. */
  maxRows?: number;
  /** How the diagram draws a planned workflow (src/report/mermaid.ts); default `auto`. */
  diagram?: DiagramDetail;
  /**
   * How the adapter names an option (the action: `the diagram input`); default the
   * `{option:key}` placeholder (src/common/option-names.ts).
   */
  name?: (key: string) => string;
}

/** Mermaid on GitHub refuses diagrams past these sizes; we say so instead of a broken picture. */
const MERMAID_MAX_CHARS = 50_000;
const MERMAID_MAX_EDGES = 500;

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };

export function summaryMarkdown(input: SummaryInput): string {
  const sections: string[] = [];
  const title = input.workflow ? `Stowage: ${markdownText(input.workflow.name)}` : 'Stowage';
  sections.push(`## ${title}`);
  sections.push(countsLine(input.findings));

  const maxRows = input.maxRows ?? 200;
  const sorted = [...input.findings].sort(bySeverityThenPosition);
  if (sorted.length > 0) sections.push(findingsTable(sorted, input, maxRows));

  const omitted = [...(input.omittedFromAnnotations ?? [])].sort(bySeverityThenPosition);
  if (omitted.length > 0) {
    const limit = GITHUB_ANNOTATION_LIMIT.error;
    const sentence =
      omitted.length === 1
        ? `1 finding was not annotated (GitHub shows ${limit} per level).`
        : `${omitted.length} findings were not annotated (GitHub shows ${limit} per level).`;
    sections.push(
      [
        `${sentence} They are in the table above, and listed here:`,
        `<details><summary>Not annotated (${omitted.length})</summary>`,
        findingsTable(omitted, input, maxRows),
        '</details>',
      ].join('\n\n'),
    );
  }

  if (input.workflow) sections.push(`### Workflow\n\n${diagram(input)}`);
  const planText = input.planMarkdown?.trim();
  // The plan's own Markdown usually brings its heading; add one only when it does not.
  if (planText)
    sections.push(planText.startsWith('#') ? planText : `### Stowage plan\n\n${planText}`);
  return `${sections.join('\n\n')}\n`;
}

/** GitHub refuses a step summary over 1 MiB; Stowage keeps its own below this. */
export const SUMMARY_MAX_BYTES = 1_000_000;

/**
 * `markdown` cut at a line boundary to at most `maxBytes` (UTF-8), with a closing note that says
 * where the rest is. Unchanged when it fits.
 */
export function capMarkdown(markdown: string, maxBytes: number, rest: string): string {
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown;
  const note = `\n\n…(cut to stay within GitHub's 1 MiB job summary limit: ${rest})\n`;
  const room = Math.max(0, maxBytes - Buffer.byteLength(note));
  // Bytes of UTF-8 are at most 3 per UTF-16 unit here (4 per surrogate pair): start from a safe
  // length in characters and extend line by line while it fits.
  let cut = markdown.slice(0, Math.floor(room / 3));
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
  let used = Buffer.byteLength(cut);
  for (let at = cut.length; at < markdown.length;) {
    const next = markdown.indexOf('\n', at + 1);
    const line = markdown.slice(at, next === -1 ? markdown.length : next);
    const bytes = Buffer.byteLength(line);
    if (used + bytes > room) break;
    cut += line;
    used += bytes;
    at += line.length;
  }
  return `${cut}${note}`;
}

/** `**2 errors** · 1 warning · 0 notices`, with the worst non-zero level in bold. */
function countsLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings. ✅';
  const counts = countBySeverity(findings);
  const worst = SEVERITIES.find((s) => counts[s] > 0);
  return SEVERITIES.map((s) => {
    const text = `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`;
    return s === worst ? `**${text}**` : text;
  }).join(' · ');
}

function findingsTable(findings: readonly Finding[], input: SummaryInput, maxRows: number): string {
  const rows = findings.slice(0, maxRows).map((f) => {
    const cells = [
      `${ICON[f.severity]} ${f.severity}`,
      ruleCell(f),
      locationCell(f, input.repoUrl, input.sha),
      markdownMessage(f.message),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  const lines = ['| Severity | Rule | Where | Message |', '| --- | --- | --- | --- |', ...rows];
  const rest = findings.length - rows.length;
  if (rest > 0) {
    lines.push('', `…and ${rest} more (see the log or the SARIF file).`);
  }
  return lines.join('\n');
}

function ruleCell(finding: Finding): string {
  const label = `${markdownText(finding.rule)} ${markdownText(finding.name)}`;
  const docs = ruleById(finding.rule)?.docsUrl;
  return docs && isHttpUrl(docs) ? `[${label}](${docs})` : label;
}

function locationCell(finding: Finding, repoUrl?: string, sha?: string): string {
  const file = repoRelativePath(finding.file);
  const label = markdownText(`${file}:${finding.span.line}:${finding.span.column}`);
  const url = lineUrl(finding, repoUrl, sha);
  return url ? `[${label}](${url})` : label;
}

/**
 * `<repoUrl>/blob/<sha>/<path>#L<line>-L<endLine>`, or undefined without a usable repository
 * URL and commit. Path segments and the commit are percent-encoded.
 */
export function lineUrl(finding: Finding, repoUrl?: string, sha?: string): string | undefined {
  if (!repoUrl || !sha || !isHttpUrl(repoUrl)) return undefined;
  const base = repoUrl.replace(/\/+$/, '');
  const path = repoRelativePath(finding.file).split('/').map(encodeURIComponent).join('/');
  const { line, endLine } = finding.span;
  return `${base}/blob/${encodeURIComponent(sha)}/${path}#L${line}-L${Math.max(line, endLine)}`;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !/[\s()<>]/.test(text);
  } catch {
    return false;
  }
}

function diagram(input: SummaryInput): string {
  const workflow = input.workflow!;
  const options = { findings: input.findings, plan: input.plan, detail: input.diagram };
  const byGroup = drawsGroups(workflow, options);
  const name = input.name ?? optionRef;
  // Count the connections first: a diagram GitHub will not draw is never built (at 100,000 steps
  // building it cost more than a gigabyte). By group, it has a node per group, whatever the size.
  const connections =
    workflow.steps.reduce((n, s) => n + s.inputs.length, 0) + workflow.outputs.length;
  const tooLarge = (edges: number) =>
    `The workflow has ${workflow.steps.length} steps and ${edges} connections: too large for ` +
    `GitHub to draw (at most ${MERMAID_MAX_EDGES} connections and ${MERMAID_MAX_CHARS} characters).`;
  if (!byGroup && connections > MERMAID_MAX_EDGES) return tooLarge(connections);
  const text = workflowMermaid(workflow, options);
  const edges = text.split('\n').filter((line) => /-->|-\.->/.test(line)).length;
  if (text.length > MERMAID_MAX_CHARS || edges > MERMAID_MAX_EDGES) return tooLarge(edges);
  const caption = byGroup
    ? `\n\nA node per container group and per image used as is, with its number of steps (${workflow.steps.length} steps in all); set ${name('diagram')} to \`steps\` for a box per step.`
    : '';
  return `\`\`\`mermaid\n${text}\n\`\`\`${caption}`;
}
