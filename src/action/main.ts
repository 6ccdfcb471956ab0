/**
 * The GitHub Action: read inputs, call the use cases (check, plan files, build, export), report to
 * the runner and set outputs. Everything that decides something lives below; this file orders the
 * work and prints.
 */
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { buildImages, type BuildOutcome } from '../app/build.js';
import { check, type CheckResult } from '../app/check.js';
import { exportImages, findStepImages, noImageReasons } from '../app/export.js';
import { checkOutputs, writePlanFiles } from '../app/plan-files.js';
import { writeLockFile } from '../app/resolve.js';
import { stepImagesOutput } from '../app/step-images.js';
import { InputError, writeFailure } from '../common/errors.js';
import { assertWritable, isInside, writeFileAtomic } from '../common/paths.js';
import { countBySeverity, failsAt, type Finding } from '../common/findings.js';
import { RULES } from '../common/rules.js';
import { runProcess } from '../host/process.js';
import { fetchText } from '../host/fetch-text.js';
import { matrixOutput } from '../images/outputs.js';
import { decidePush, parseTagRules } from '../images/tags.js';
import type { Plan } from '../plan/types.js';
import {
  annotationMessage,
  annotationProperties,
  selectAnnotations,
} from '../report/annotations.js';
import { buildSummaryMarkdown, reasonOf } from '../report/build.js';
import { compareImages, comparisonMarkdown } from '../report/comparison.js';
import { planMarkdown } from '../report/plan.js';
import { formatSarif } from '../report/sarif.js';
import { capMarkdown, SUMMARY_MAX_BYTES, summaryMarkdown } from '../report/summary.js';
import { VERSION } from '../version.js';
import { upsertStickyComment } from './comment.js';
import {
  actionLog,
  cacheServiceEnv,
  resolveCacheMode,
  runContextFromGithub,
  specFromPullRequest,
} from './context.js';
import { readInputs, type Inputs } from './inputs.js';
import { log } from './log.js';

/** Where the plan's files go inside the workspace, for later steps (and the build) to use. */
const PLAN_DIR = '.stowage';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
    const result = await log.group(
      `Lint${inputs.mode !== 'lint' ? ' and plan' : ''} ${inputs.spec}`,
      () => checkAndLog(inputs, root),
    );
    // Every place this run writes is checked before the first write: a committed link is refused.
    checkOutputs(root, PLAN_DIR, {
      plan: result.plan,
      engines: inputs.exportEngines,
      images: inputs.mode === 'build',
      files: inputs.sarifFile ? [inputs.sarifFile] : [],
    });
    const omitted = inputs.annotations ? annotate(result.findings) : [];
    core.setOutput(
      'findings',
      JSON.stringify({ ...countBySeverity(result.findings), total: result.findings.length }),
    );
    if (inputs.sarifFile) writeSarif(inputs.sarifFile, result, root);

    const mismatches = result.resolved?.lockMismatches ?? [];
    if (mismatches.length > 0) {
      for (const m of mismatches) log.error(`stowage.lock: ${m}`);
      throw new Error(
        `${mismatches.length} answer(s) of the lock file are not what the solvers answer (lock-policy: verify), so nothing is built or pushed. If the lock was made honestly, the sources changed since: run \`stowage lock\`, review the diff and commit it.`,
      );
    }
    const plan = result.plan;
    if (inputs.mode !== 'lint' && !plan) log.warning(result.planSkipped ?? 'No plan was computed.');
    if (plan) publishPlan(plan, inputs, root);
    const lockFile = writeLockFile(result.resolved, root);
    if (lockFile)
      core.info(
        `Wrote ${path.relative(root, lockFile)}: commit it, so later runs reuse its answers.`,
      );
    await report(inputs, result, omitted);

    const build =
      inputs.mode === 'build' && plan ? await buildStep(plan, inputs, result, root) : undefined;
    const empty =
      plan && result.workflow && inputs.exportEngines.length > 0
        ? await exportForEngines(inputs, result, plan, build, root)
        : [];
    if (build && build.failed.length > 0) {
      throw new Error(
        `${build.failed.length} of ${build.results.length} group(s) failed: ` +
          build.failed.map((r) => `${r.group} (${reasonOf(r.error)})`).join('; '),
      );
    }
    if (empty.length > 0) {
      throw new Error(
        `export: the ${empty.join(', ')} configuration would run none of the workflow's steps in an image (each skipped step and why is listed above; when it is "no image", build first — mode: build — or give the registry the images were pushed to).`,
      );
    }
    if (failsAt(result.findings, inputs.failOn)) {
      log.failed(
        `Stowage found ${describeCounts(result.findings)} in ${inputs.spec} (fail-on: ${inputs.failOn}).`,
      );
    }
  } catch (error) {
    log.failed(error instanceof Error ? error.message : String(error));
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
    platforms: inputs.platforms,
    resolve: {
      mode: inputs.resolve,
      channelUrls: inputs.channelUrls,
      pipIndexUrl: inputs.pipIndexUrl,
      npmRegistry: inputs.npmRegistry,
      platforms: inputs.platforms,
      python: process.env.STOWAGE_PYTHON,
      fetch,
      run: runProcess,
      specSources: !specFromPullRequest(github.context),
      ...(lockVerification(inputs) ?? {}),
    },
    wrapperPrefix: inputs.wrapperPrefix,
    fetchText: fetchText(),
  });
  for (const line of checked.configLog) log.info(line);
  const stats = checked.resolved?.stats;
  if (stats)
    log.info(
      `Resolve: ${stats.solverCalls} solver call(s), ${stats.fromLock} answer(s) from the lock file, ${stats.rounds} round(s)`,
    );
  for (const note of checked.resolved?.notes ?? []) log.notice(note);
  log.info(`${checked.findings.length} finding(s): ${describeCounts(checked.findings)}`);
  return checked;
}

/**
 * `lock-policy: verify` on a run that publishes: the lock answers changed since the pushed-over
 * commit are solved again (all of them for a new branch or tag, which have none).
 */
function lockVerification(inputs: Inputs): { verifyLock: { since?: string } } | undefined {
  if (inputs.lockPolicy !== 'verify' || inputs.mode !== 'build') return undefined;
  if (!decidePush(inputs.push, runContextFromGithub(github.context)).push) return undefined;
  const before = (github.context.payload as { before?: unknown }).before;
  const since =
    github.context.eventName === 'push' &&
    typeof before === 'string' &&
    /^[0-9a-f]{40}$/.test(before) &&
    !/^0+$/.test(before)
      ? before
      : undefined;
  return { verifyLock: since === undefined ? {} : { since } };
}

/** Annotates the findings GitHub will show; returns the ones left out of its budget. */
function annotate(findings: readonly Finding[]): Finding[] {
  const { annotated, omitted } = selectAnnotations(findings);
  for (const f of annotated) core[f.severity](annotationMessage(f), annotationProperties(f));
  if (omitted.length > 0)
    log.info(
      `${omitted.length} finding(s) beyond GitHub's annotation budget are listed in the job summary.`,
    );
  return omitted;
}

/**
 * The SARIF file: inside the workspace (links followed), never written through a link, atomically.
 */
function writeSarif(file: string, result: CheckResult, root: string): void {
  const target = path.resolve(root, file);
  try {
    if (!isInside(root, target))
      throw new InputError(
        `sarif-file ${file} is outside the workspace (links followed); give a path inside it`,
      );
    assertWritable(root, target, file);
    writeFileAtomic(
      target,
      formatSarif(result.findings, {
        rules: RULES,
        toolVersion: VERSION,
        srcRoot: root,
        suppressed: result.suppressed,
      }),
    );
  } catch (error) {
    throw writeFailure(error, `the SARIF file ${file}`);
  }
  core.setOutput('sarif-file', file);
  log.info(`SARIF written to ${file}`);
}

function publishPlan(plan: Plan, inputs: Inputs, root: string): void {
  writePlanFiles(plan, path.join(root, PLAN_DIR), root);
  log.info(
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
  // In build mode the images table comes after: keep room for it.
  if (inputs.summary) await writeSummary(summary, inputs.mode === 'build' ? 100_000 : 0);
  if (inputs.comment) {
    const outcome = await upsertStickyComment({ token: inputs.githubToken, body: summary });
    log.info(
      `Pull-request comment: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`,
    );
  }
}

function planSection(plan: Plan, result: CheckResult): string {
  let text = planMarkdown(plan);
  // Nothing planned: nothing to compare (each step keeps its own image).
  if (result.workflow && Object.keys(result.currentImages).length > 0 && plan.groups.length > 0) {
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
  log.info(`push: ${decision.push ? 'yes' : 'no'} (${decision.reason})`);
  const registry = inputs.registry || result.workflow?.containers.registry;
  const cache = resolveCacheMode(inputs.cache);
  const outcome = await buildImages(
    plan,
    {
      workspace: root,
      registry,
      push: decision.push,
      context,
      tagRules: parseTagRules(inputs.tags.join('\n')),
      credentials:
        inputs.username && inputs.password
          ? { username: inputs.username, password: inputs.password }
          : undefined,
      registryNamedByUser: Boolean(inputs.registry),
      builder: inputs.builder,
      network: inputs.network,
      dockerBinary: process.env.STOWAGE_DOCKER,
      provenance: inputs.provenance ? 'min' : 'false',
      platforms: inputs.platforms,
      cache,
      builderEnv: cacheServiceEnv(cache),
      parallel: inputs.parallel,
      groups: inputs.groups,
      outDir: PLAN_DIR,
      registryTimeoutMs: inputs.registryTimeoutMs,
      authHosts: inputs.registryAuthHosts,
      workflow: result.workflow,
    },
    { exec: runProcess, log: actionLog },
  );
  // A failed smoke test, at the steps' lines (the group's failure says it in the log too).
  if (inputs.annotations)
    for (const f of outcome.findings) core.error(annotationMessage(f), annotationProperties(f));
  core.setOutput('images', JSON.stringify(outcome.images));
  core.setOutput('matrix', JSON.stringify(outcome.matrix));
  core.setOutput('step-images', JSON.stringify(outcome.stepImagesOutput));
  core.setOutput('pushed', String(outcome.pushed));
  if (inputs.summary) await writeSummary(buildSummaryMarkdown(outcome.results));
  return outcome;
}

async function exportForEngines(
  inputs: Inputs,
  result: CheckResult,
  plan: Plan,
  build: BuildOutcome | undefined,
  root: string,
): Promise<string[]> {
  const { map, notes } = build
    ? { map: build.stepImages, notes: [] }
    : await findStepImages(plan, {
        registry: inputs.registry || result.workflow?.containers.registry,
        registryOptions: { budgetMs: inputs.registryTimeoutMs },
      });
  for (const note of notes) log.notice(note);
  if (!build) core.setOutput('step-images', JSON.stringify(stepImagesOutput(map)));
  const outcome = exportImages({
    engines: inputs.exportEngines,
    workflow: result.workflow!,
    stepImages: map.images,
    noImage: noImageReasons(plan, map.missing),
    origin: result.origin,
    outDir: path.join(PLAN_DIR, 'export'),
    root,
    slurmRuntime: inputs.slurmRuntime,
  });
  for (const line of outcome.lines) log.info(line);
  return outcome.empty;
}

/** Bytes this run has written to the job summary: GitHub refuses a step's summary over 1 MiB. */
let summaryBytes = 0;

/** Appends to the job summary within the limit; what does not fit points at the plan artifact. */
async function writeSummary(markdown: string, keep = 0): Promise<void> {
  const room = SUMMARY_MAX_BYTES - summaryBytes - keep;
  if (room <= 0) return;
  const text = capMarkdown(
    markdown,
    room,
    `the full plan is in ${PLAN_DIR}/plan.json and the \`plan\` output`,
  );
  summaryBytes += Buffer.byteLength(text);
  await core.summary.addRaw(text).write();
}

function repositoryUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = process.env;
  return server && repository ? `${server}/${repository}` : undefined;
}

function describeCounts(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `${c.error} error(s), ${c.warning} warning(s), ${c.notice} notice(s)`;
}
