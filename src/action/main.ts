/**
 * The GitHub Action: read inputs, run the shared engine, report to the runner, set outputs.
 * Everything that decides something lives in the core; this file only orders the work.
 */
import * as core from '@actions/core';
import { countBySeverity, type Finding } from '../findings.js';
import { check, InputError } from '../engine.js';
import { failed } from '../cli/main.js';
import { readInputs, type Inputs } from './inputs.js';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
    const result = await core.group(`Lint ${inputs.spec}`, async () => {
      const checked = check(inputs.spec, { root, configPath: inputs.config });
      for (const line of checked.configLog) core.info(line);
      core.info(`${checked.findings.length} finding(s)`);
      return checked;
    });
    if (inputs.annotations) annotate(result.findings);
    setFindingsOutput(result.findings);
    if (failed(result.findings, inputs)) {
      core.setFailed(
        `Stowage found ${describeCounts(result.findings)} in ${inputs.spec} (fail-on: ${inputs.failOn}).`,
      );
    }
  } catch (error) {
    if (error instanceof InputError) core.setFailed(error.message);
    else
      core.setFailed(
        `Stowage failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
  }
}

function annotate(findings: readonly Finding[]): void {
  for (const f of findings) {
    const props = {
      title: `${f.rule} ${f.name}`,
      file: f.file,
      startLine: f.span.line,
      startColumn: f.span.column,
      endLine: f.span.endLine,
      endColumn: f.span.endColumn,
    };
    core[f.severity](f.message, props);
  }
}

function setFindingsOutput(findings: readonly Finding[]): void {
  core.setOutput(
    'findings',
    JSON.stringify({ ...countBySeverity(findings), total: findings.length }),
  );
}

function describeCounts(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `${c.error} error(s), ${c.warning} warning(s), ${c.notice} notice(s)`;
}

export type { Inputs };
