/**
 * The GitHub Action: read inputs, call the use cases (check, plan files, build, export), report to
 * the runner and set outputs. Everything that decides something lives below; this file orders the
 * work and prints.
 */
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { buildImages, type BuildOutcome } from '../app/build.js';
import { check, type CheckResult } from '../app/check.js';
import { exportImages, findStepImages } from '../app/export.js';
import { writePlanFiles } from '../app/plan-files.js';
import { stepImagesOutput } from '../app/step-images.js';
import { InputError } from '../common/errors.js';
import { countBySeverity, failsAt, type Finding } from '../common/findings.js';
import { RULES } from '../common/rules.js';
import { execTool } from '../host/exec.js';
import { fetchText } from '../host/fetch-text.js';
import { matrixOutput } from '../images/outputs.js';
import { decidePush, parseTagRules } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
import { annotationProperties, selectAnnotations } from '../report/annotations.js';
import { buildSummaryMarkdown, reasonOf } from '../report/build.js';
import { compareImages, comparisonMarkdown } from '../report/comparison.js';
import { planMarkdown } from '../report/plan.js';
import { formatSarif } from '../report/sarif.js';
import { summaryMarkdown } from '../report/summary.js';
import { VERSION } from '../version.js';
import { upsertStickyComment } from './comment.js';
import { actionLog, resolveCacheMode, runContextFromGithub } from './context.js';
import { readInputs, type Inputs } from './inputs.js';

/** Where the plan's files go inside the workspace, for later steps (and the build) to use. */
const PLAN_DIR = '.stowage';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
    const result = await core.group(
      `Lint${inputs.mode !== 'lint' ? ' and plan' : ''} ${inputs.spec}`,
      async () => checkAndLog(inputs, root),
    );
    const omitted = inputs.annotations ? annotate(result.findings) : [];
    core.setOutput(
      'findings',
      JSON.stringify({ ...countBySeverity(result.findings), total: result.findings.length }),
    );
    if (inputs.sarifFile) writeSarif(inputs.sarifFile, result, root);

    const plan = result.plan;
    if (inputs.mode !== 'lint' && !plan)
      core.warning(result.planSkipped ?? 'No plan was computed.');
    if (plan) publishPlan(plan, inputs, root);
    await report(inputs, result, omitted);

    const build =
      inputs.mode === 'build' && plan ? await buildStep(plan, inputs, result, root) : undefined;
    if (plan && result.workflow && inputs.exportEngines.length > 0) {
      await exportForEngines(inputs, result, plan, build, root);
    }
    if (build && build.failed.length > 0) {
      throw new Error(
        `${build.failed.length} of ${build.results.length} group(s) failed: ` +
          build.failed.map((r) => `${r.group} (${reasonOf(r.error)})`).join('; '),
      );
    }
    if (failsAt(result.findings, inputs.failOn)) {
      core.setFailed(
        `Stowage found ${describeCounts(result.findings)} in ${inputs.spec} (fail-on: ${inputs.failOn}).`,
      );
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && !(error instanceof InputError) && error.stack)
      core.debug(error.stack);
  }
}

async function checkAndLog(inputs: Inputs, root: string): Promise<CheckResult> {
  const checked = await check(inputs.spec, {
    root,
    configPath: inputs.config,
    importFormat: inputs.importFormat,
    plan: inputs.mode !== 'lint',
    baseImages: inputs.baseImages,
    wrapperPrefix: inputs.wrapperPrefix,
    fetchText: fetchText(),
  });
  for (const line of checked.configLog) core.info(line);
  core.info(`${checked.findings.length} finding(s): ${describeCounts(checked.findings)}`);
  return checked;
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

function publishPlan(plan: Plan, inputs: Inputs, root: string): void {
  writePlanFiles(plan, path.join(root, PLAN_DIR), root);
  core.info(
    `Plan: ${plan.groups.length} group(s) (lower bound ${plan.lowerBound}); files in ${PLAN_DIR}/`,
  );
  core.setOutput('plan', JSON.stringify(plan));
  core.setOutput('matrix', JSON.stringify(matrixOutput(plan, inputs.groups)));
}

async function report(inputs: Inputs, result: CheckResult, omitted: Finding[]): Promise<void> {
  const summary = summaryMarkdown({
    workflow: result.workflow,
    findings: result.findings,
    omittedFromAnnotations: omitted,
    repoUrl: repositoryUrl(),
    sha: process.env.GITHUB_SHA,
    plan: result.plan,
    planMarkdown: result.plan ? planSection(result.plan, result) : undefined,
  });
  if (inputs.summary) await core.summary.addRaw(summary).write();
  if (inputs.comment) {
    const outcome = await upsertStickyComment({ token: inputs.githubToken, body: summary });
    core.info(
      `Pull-request comment: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`,
    );
  }
}

function planSection(plan: Plan, result: CheckResult): string {
  let text = planMarkdown(plan);
  if (result.workflow && Object.keys(result.currentImages).length > 0) {
    text += `\n### Current containers against the plan\n\n${comparisonMarkdown(compareImages(result.workflow, result.currentImages, plan))}\n`;
  }
  return text;
}

/** `mode: build`: the push decision, then the build use case; sets `images`, `step-images`, `pushed`. */
async function buildStep(
  plan: Plan,
  inputs: Inputs,
  result: CheckResult,
  root: string,
): Promise<BuildOutcome> {
  const context = runContextFromGithub(github.context);
  if (inputs.password) core.setSecret(inputs.password);
  if (inputs.password && !inputs.username)
    throw new InputError('password is set but username is empty');
  const decision = decidePush(inputs.push, context);
  core.info(`push: ${decision.push ? 'yes' : 'no'} (${decision.reason})`);
  const registry = inputs.registry || result.workflow?.containers.registry;
  const outcome = await buildImages(
    plan,
    {
      workspace: root,
      registry,
      push: decision.push,
      context,
      tagRules: parseTagRules(inputs.tags.join('\n')),
      // Credentials go only to a registry the workflow names, or when pushing: a pull request
      // could otherwise point `containers.registry` of the spec at a host that collects them.
      credentials:
        inputs.username && inputs.password && (inputs.registry || decision.push)
          ? { username: inputs.username, password: inputs.password }
          : undefined,
      builder: inputs.builder,
      dockerBinary: process.env.STOWAGE_DOCKER,
      provenance: inputs.provenance ? 'min' : 'false',
      platforms: inputs.platforms,
      cache: resolveCacheMode(inputs.cache),
      parallel: inputs.parallel,
      groups: inputs.groups,
      outDir: PLAN_DIR,
    },
    { exec: execTool, log: actionLog },
  );
  core.setOutput('images', JSON.stringify(outcome.images));
  core.setOutput('matrix', JSON.stringify(outcome.matrix));
  core.setOutput('step-images', JSON.stringify(outcome.stepImagesOutput));
  core.setOutput('pushed', String(outcome.pushed));
  if (inputs.summary) await core.summary.addRaw(buildSummaryMarkdown(outcome.results)).write();
  return outcome;
}

async function exportForEngines(
  inputs: Inputs,
  result: CheckResult,
  plan: Plan,
  build: BuildOutcome | undefined,
  root: string,
): Promise<void> {
  const { map, notes } = build
    ? { map: build.stepImages, notes: [] }
    : await findStepImages(plan, {
        registry: inputs.registry || result.workflow?.containers.registry,
      });
  for (const note of notes) core.notice(note);
  if (!build) core.setOutput('step-images', JSON.stringify(stepImagesOutput(map)));
  const outcome = exportImages({
    engines: inputs.exportEngines,
    workflow: result.workflow!,
    stepImages: map.images,
    origin: result.origin,
    outDir: path.join(PLAN_DIR, 'export'),
    root,
  });
  for (const line of outcome.lines) core.info(line);
}

function repositoryUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = process.env;
  return server && repository ? `${server}/${repository}` : undefined;
}

function describeCounts(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `${c.error} error(s), ${c.warning} warning(s), ${c.notice} notice(s)`;
}
