/**
 * The GitHub Action: read inputs, run the shared engine, report to the runner, set outputs.
 * Everything that decides something lives in the core; this file only orders the work.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { countBySeverity, failsAt, type Finding } from '../common/findings.js';
import { check, InputError, type CheckResult } from '../app/check.js';
import { RULES } from '../lint/index.js';
import { planMarkdown } from '../report/plan.js';
import { writePlanFiles } from '../app/plan-files.js';
import type { Plan } from '../plan/types.js';
import { annotationProperties, selectAnnotations } from '../report/annotations.js';
import { formatSarif } from '../report/sarif.js';
import { summaryMarkdown } from '../report/summary.js';
import {
  compareImages,
  comparisonMarkdown,
  plannedImages,
  stepImagesFromPlan,
  type StepImages,
} from '../export/index.js';
import { writeExports } from '../app/export.js';
import { matrixOutput } from '../images/outputs.js';
import type { BuildResult } from '../images/build.js';
import { VERSION } from '../version.js';
import { runBuildMode } from './build.js';
import { upsertStickyComment } from './comment.js';
import { readInputs, type Inputs } from './inputs.js';

/** Where the plan's files go inside the workspace, for later steps (and the build) to use. */
const PLAN_DIR = '.stowage';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
    const wantPlan = inputs.mode !== 'lint';

    const result = await core.group(
      `Lint${wantPlan ? ' and plan' : ''} ${inputs.spec}`,
      async () => {
        const checked = check(inputs.spec, {
          root,
          configPath: inputs.config,
          importFormat: inputs.importFormat,
          plan: wantPlan,
          baseImages: inputs.baseImages,
        });
        for (const line of checked.configLog) core.info(line);
        const c = countBySeverity(checked.findings);
        core.info(
          `${checked.findings.length} finding(s): ${c.error} error(s), ${c.warning} warning(s), ${c.notice} notice(s)`,
        );
        return checked;
      },
    );

    const omitted = inputs.annotations ? annotate(result.findings) : [];
    core.setOutput(
      'findings',
      JSON.stringify({ ...countBySeverity(result.findings), total: result.findings.length }),
    );
    if (inputs.sarifFile) writeSarif(inputs.sarifFile, result, root);

    const plan = result.plan;
    if (wantPlan && !plan) core.warning(result.planSkipped ?? 'No plan was computed.');
    if (plan) {
      writePlanFiles(plan, path.join(root, PLAN_DIR), root);
      core.info(
        `Plan: ${plan.groups.length} group(s) (lower bound ${plan.lowerBound}); files in ${PLAN_DIR}/`,
      );
      core.setOutput('plan', JSON.stringify(plan));
      core.setOutput('matrix', JSON.stringify(matrixOutput(plan, inputs.groups)));
    }

    const summary = summaryMarkdown({
      workflow: result.workflow,
      findings: result.findings,
      omittedFromAnnotations: omitted,
      repoUrl: repositoryUrl(),
      sha: process.env.GITHUB_SHA,
      plan,
      planMarkdown: plan ? planSection(plan, result) : undefined,
    });
    if (inputs.summary) await core.summary.addRaw(summary).write();
    if (inputs.comment) await comment(inputs, summary);

    let builds: BuildResult[] | undefined;
    let buildError: unknown;
    if (inputs.mode === 'build' && plan) {
      try {
        builds = await runBuildMode(plan, inputs, github.context, {
          workspace: root,
          specRegistry: result.workflow?.containers.registry,
          summary: inputs.summary,
        });
      } catch (error) {
        buildError = error;
      }
    }
    if (plan && result.workflow && inputs.exportEngines.length > 0) {
      exportImages(inputs, result, stepImages(plan, builds, inputs, result), root);
    }
    if (buildError) throw buildError;
    if (failsAt(result.findings, inputs.failOn)) {
      core.setFailed(
        `Stowage found ${describeCounts(result.findings)} in ${inputs.spec} (fail-on: ${inputs.failOn}).`,
      );
    }
  } catch (error) {
    if (error instanceof InputError) core.setFailed(error.message);
    else core.setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && !(error instanceof InputError) && error.stack)
      core.debug(error.stack);
  }
}

/** Annotates the findings GitHub will show; returns the ones left out of its budget. */
function annotate(findings: readonly Finding[]): Finding[] {
  const { annotated, omitted } = selectAnnotations(findings);
  for (const f of annotated) core[f.severity](f.message, annotationProperties(f));
  if (omitted.length > 0)
    core.info(
      `${omitted.length} finding(s) beyond GitHub's annotation budget are listed in the job summary.`,
    );
  return omitted;
}

function writeSarif(file: string, result: CheckResult, root: string): void {
  const target = path.resolve(root, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(
    target,
    formatSarif(result.findings, {
      rules: RULES,
      toolVersion: VERSION,
      srcRoot: root,
      suppressed: result.suppressed,
    }),
  );
  core.setOutput('sarif-file', file);
  core.info(`SARIF written to ${file}`);
}

function planSection(plan: Plan, result: CheckResult): string {
  let text = planMarkdown(plan);
  if (result.workflow && Object.keys(result.currentImages).length > 0) {
    text += `\n### Current containers against the plan\n\n${comparisonMarkdown(compareImages(result.workflow, result.currentImages, plan))}\n`;
  }
  return text;
}

/** Step → image: digests from this run's build, else the content-hash tags the plan implies. */
function stepImages(
  plan: Plan,
  builds: BuildResult[] | undefined,
  inputs: Inputs,
  result: CheckResult,
): StepImages {
  const registry = inputs.registry || result.workflow?.containers.registry;
  const built = registry ? plannedImages(plan, registry) : {};
  for (const build of builds ?? []) {
    if (build.status !== 'failed') built[build.group] = { ref: build.image, digest: build.digest };
  }
  return stepImagesFromPlan(plan, built);
}

function exportImages(inputs: Inputs, result: CheckResult, images: StepImages, root: string): void {
  for (const line of writeExports(inputs.exportEngines, {
    workflow: result.workflow!,
    stepImages: images,
    origin: result.origin,
    outDir: path.join(PLAN_DIR, 'export'),
    root,
  })) {
    core.info(line);
  }
}

async function comment(inputs: Inputs, body: string): Promise<void> {
  const outcome = await upsertStickyComment({ token: inputs.githubToken, body });
  core.info(
    `Pull-request comment: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`,
  );
}

function repositoryUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = process.env;
  return server && repository ? `${server}/${repository}` : undefined;
}

function describeCounts(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `${c.error} error(s), ${c.warning} warning(s), ${c.notice} notice(s)`;
}
