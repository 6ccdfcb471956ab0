/** Shared helpers for the lint tests: load a spec from text, lint it, and find spans by text. */
import { expect } from '@jest/globals';
import type { Finding, Span } from '../../src/common/findings.js';
import { lintWorkflow, type LintOptions, type LintResult } from '../../src/lint/index.js';
import { loadSpecText } from '../../src/workflow/load.js';

export const FILE = 'stowage.yml';

/** Load and lint; the loader's findings go in as `extra`, as the action does. */
export function lint(text: string, options: LintOptions = {}): LintResult {
  const loaded = loadSpecText(text, FILE);
  expect(loaded.findings.filter((f) => f.rule === 'STW100').map((f) => f.message)).toEqual([]);
  expect(loaded.workflow).toBeDefined();
  return lintWorkflow(loaded.workflow!, { extra: loaded.findings, ...options });
}

/** Findings of one rule. */
export function findingsOf(text: string, rule: string, options: LintOptions = {}): Finding[] {
  return lint(text, options).findings.filter((f) => f.rule === rule);
}

/**
 * The span of the first occurrence of `needle` in `text` (one line). `after` starts the search just
 * after the first occurrence of another string, to pick e.g. the `duration:` of one step.
 */
export function spanOf(text: string, needle: string, options: { after?: string } = {}): Span {
  const after = options.after === undefined ? -1 : text.indexOf(options.after);
  if (options.after !== undefined && after < 0)
    throw new Error(`"${options.after}" is not in the text`);
  const offset = text.indexOf(needle, after < 0 ? 0 : after + options.after!.length);
  if (offset < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  return { line, column, endLine: line, endColumn: column + needle.length };
}

/** Lines joined with new lines, so specs in tables read as YAML. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
