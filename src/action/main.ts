/**
 * The GitHub Action: its inputs as the run's options, the run (src/app/run.ts), and what the
 * runner shows of it — the log, annotations, the job summary, outputs, the SARIF file, a comment.
 * Nothing here decides anything about the workflow.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import * as core from './runner.js';
import {
  decidePush,
  describeCounts,
  runFailures,
  runStowage,
  type Plan,
  type RunOutcome,
} from '../app/run.js';
import { optionName } from '../app/options.js';
import { stepImagesOutput } from '../app/step-images.js';
import { InputError, writeFailure } from '../common/errors.js';
import { countBySeverity, type Finding } from '../common/findings.js';
import { assertWritable, isInside, writeFileAtomic } from '../common/paths.js';
import { RULES } from '../common/rules.js';
import { fetchText } from '../host/fetch-text.js';
import { runProcess } from '../host/process.js';
import {
  annotationMessage,
  annotationProperties,
  selectAnnotations,
} from '../report/annotations.js';
import { buildSummaryMarkdown } from '../report/build.js';
import { compareImages, comparisonMarkdown } from '../report/comparison.js';
import { imageCountSentence, planMarkdown } from '../report/plan.js';
import { formatSarif } from '../report/sarif.js';
import { capMarkdown, SUMMARY_MAX_BYTES, summaryMarkdown } from '../report/summary.js';
import { VERSION } from '../version.js';
import { upsertStickyComment } from './comment.js';
import {
  actionLog,
  cacheServiceEnv,
  githubContext,
  type GithubContextLike,
  resolveCacheMode,
  runContextFromGithub,
  specFromPullRequest,
} from './context.js';
import { readInputs, type Inputs } from './inputs.js';
import { log } from './log.js';

/** Where the plan's files go inside the workspace, for later steps (and the build) to use. */
const PLAN_DIR = '.stowage';

export async function run(signal?: AbortSignal): Promise<void> {
  const github = { context: githubContext() };
  try {
    const inputs = readInputs((name) => core.getInput(name));
    if (inputs.password) core.setSecret(inputs.password);
    for (const warning of inputs.deprecations) log.warning(warning);
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
    const outcome = await runStowage(
      runOptions(inputs, root, github.context),
      {
        run: runProcess,
        fetch,
        fetchText: fetchText(),
        buildLog: actionLog,
        ...(signal ? { signal } : {}),
      },
      {
        checked: (o) => checked(o, inputs),
        built: (o) => built(o, inputs),
        exported: (o) => exported(o),
      },
    );
    const failures = runFailures(outcome);
    if (failures.length > 0) log.failed(failures.join('\n'));
  } catch (error) {
    log.failed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && !(error instanceof InputError) && error.stack)
      core.debug(error.stack);
  }
}

/** The inputs as the run's options. */
function runOptions(
  inputs: Inputs,
  root: string,
  github: GithubContextLike,
): Parameters<typeof runStowage>[0] {
  const context = runContextFromGithub(github);
  const push = decidePush(inputs.push, context);
  const registry = inputs.registry || undefined;
  const cache = resolveCacheMode(inputs.cache);
  return {
    command: inputs.mode,
    adapter: 'action',
    spec: inputs.spec,
    root,
    workspace: root,
    outDir: path.join(root, PLAN_DIR),
    config: inputs.config,
    cluster: inputs.cluster,
    importFormat: inputs.importFormat,
    failOn: inputs.failOn,
    wrapperPrefix: inputs.wrapperPrefix,
    baseImages: inputs.baseImages,
    platforms: inputs.platforms,
    resolve: {
      mode: inputs.resolve,
      channelUrls: inputs.channelUrls,
      pipIndexUrl: inputs.pipIndexUrl,
      timeoutMs: inputs.resolveTimeoutMs,
      repodataCache: { env: process.env, home: homedir() },
      npmRegistry: inputs.npmRegistry,
      python: process.env.STOWAGE_PYTHON,
      // A pull request's spec cannot choose where packages come from.
      specSources: !specFromPullRequest(github),
      ...(inputs.lockPolicy === 'verify' && inputs.mode === 'build' && push.push
        ? { verifyLock: { since: pushedOver(github) } }
        : {}),
    },
    build: {
      registry,
      push: push.push,
      pushReason: push.reason,
      context,
      tagRules: inputs.tags,
      credentials: credentials(inputs),
      registryNamedByUser: Boolean(inputs.registry),
      builder: inputs.builder,
      network: inputs.network,
      dockerBinary: process.env.STOWAGE_DOCKER,
      provenance: inputs.provenance ? 'min' : 'false',
      cache,
      builderEnv: cacheServiceEnv(cache),
      parallel: inputs.parallel,
      groups: inputs.groups,
      registryTimeoutMs: inputs.registryTimeoutMs,
      authHosts: inputs.authHosts,
      stallTimeoutMs: inputs.stallTimeoutMs,
    },
    export: {
      engines: inputs.exportEngines,
      slurmRuntime: inputs.runtime,
      registry,
      registryOptions: { budgetMs: inputs.registryTimeoutMs },
    },
    extraOutputs: inputs.sarifFile ? [inputs.sarifFile] : [],
  };
}

function credentials(inputs: Inputs): { username: string; password: string } | undefined {
  if (inputs.password && !inputs.username)
    throw new InputError('password is set but username is empty');
  return inputs.username && inputs.password
    ? { username: inputs.username, password: inputs.password }
    : undefined;
}

/** The commit a push moved the branch from (none for a new branch or tag: verify everything). */
function pushedOver(github: GithubContextLike): string | undefined {
  const before = github.payload.before;
  return github.eventName === 'push' &&
    typeof before === 'string' &&
    /^[0-9a-f]{40}$/.test(before) &&
    !/^0+$/.test(before)
    ? before
    : undefined;
}

/** Lint and plan are done: the log, annotations, outputs, SARIF, the summary and the comment. */
async function checked(outcome: RunOutcome, inputs: Inputs): Promise<void> {
  const { check } = outcome;
  await log.group(`Lint${inputs.mode !== 'lint' ? ' and plan' : ''} ${inputs.spec}`, async () => {
    for (const line of check.configLog) log.info(line);
    const stats = check.resolved?.stats;
    if (stats)
      log.info(
        `Resolve: ${stats.solverCalls} solver call(s), ${stats.fromLock} answer(s) from the lock file, ${stats.rounds} round(s)`,
      );
    for (const note of check.resolved?.notes ?? []) log.notice(note);
    log.info(`${check.findings.length} finding(s): ${describeCounts(check.findings)}`);
  });
  for (const m of outcome.lockMismatches) log.error(`stowage.lock: ${m}`);
  const omitted = inputs.annotations ? annotate(check.findings) : [];
  core.setOutput(
    'findings',
    JSON.stringify({ ...countBySeverity(check.findings), total: check.findings.length }),
  );
  if (inputs.sarifFile) writeSarif(inputs.sarifFile, outcome);
  const plan = check.plan;
  if (inputs.mode !== 'lint' && !plan && outcome.lockMismatches.length === 0)
    log.warning(check.planSkipped ?? 'No plan was computed.');
  if (plan && outcome.planWritten) {
    log.info(`${imageCountSentence(plan)} Lower bound: ${plan.lowerBound}. Files in ${PLAN_DIR}/`);
    core.setOutput('plan', JSON.stringify(plan));
    core.setOutput('matrix', JSON.stringify(outcome.matrix));
  }
  if (outcome.lockFile)
    core.info(
      `Wrote ${path.relative(outcome.options.root, outcome.lockFile)}: commit it, so later runs reuse its answers.`,
    );
  // The build comes next (not after a lock that is not the solvers', nor without a plan).
  if (inputs.mode === 'build' && outcome.options.build && outcome.planWritten)
    log.info(
      `push: ${outcome.options.build.push ? 'yes' : 'no'} (${outcome.options.build.pushReason})`,
    );
  const summary = summaryMarkdown({
    workflow: check.workflow,
    findings: check.findings,
    omittedFromAnnotations: omitted,
    repoUrl: repositoryUrl(),
    sha: process.env.GITHUB_SHA,
    plan,
    planMarkdown: plan ? planSection(plan, outcome) : undefined,
    diagram: inputs.diagram,
    name: actionName,
  });
  // In build mode the images table comes after: keep room for it.
  if (inputs.summary) await writeSummary(summary, inputs.mode === 'build' ? 100_000 : 0);
  if (inputs.comment) {
    const comment = await upsertStickyComment({ token: inputs.githubToken, body: summary });
    log.info(
      `Pull-request comment: ${comment.status}${'reason' in comment ? ` (${comment.reason})` : ''}`,
    );
  }
}

/** The build is done: smoke-test findings at the steps' lines, the outputs, the images table. */
async function built(outcome: RunOutcome, inputs: Inputs): Promise<void> {
  const build = outcome.build!;
  if (inputs.annotations)
    for (const f of build.findings) core.error(annotationMessage(f), annotationProperties(f));
  core.setOutput('images', JSON.stringify(build.images));
  core.setOutput('matrix', JSON.stringify(build.matrix));
  core.setOutput('step-images', JSON.stringify(build.stepImagesOutput));
  core.setOutput('pushed', String(build.pushed));
  if (inputs.summary) await writeSummary(buildSummaryMarkdown(build.results));
}

/** The exports are written: what was found in the registry, what each export holds. */
function exported(outcome: RunOutcome): void {
  for (const note of outcome.imageNotes) log.notice(note);
  if (!outcome.build && outcome.stepImages)
    core.setOutput('step-images', JSON.stringify(stepImagesOutput(outcome.stepImages)));
  for (const line of outcome.exported?.lines ?? []) log.info(line);
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
function writeSarif(file: string, outcome: RunOutcome): void {
  const root = outcome.options.root;
  const target = path.resolve(root, file);
  try {
    if (!isInside(root, target))
      throw new InputError(
        `sarif-file ${file} is outside the workspace (links followed); give a path inside it`,
      );
    assertWritable(root, target, file);
    writeFileAtomic(
      target,
      formatSarif(outcome.check.findings, {
        rules: RULES,
        toolVersion: VERSION,
        srcRoot: root,
        suppressed: outcome.check.suppressed,
      }),
    );
  } catch (error) {
    throw writeFailure(error, `the SARIF file ${file}`);
  }
  core.setOutput('sarif-file', file);
  log.info(`SARIF written to ${file}`);
}

function planSection(plan: Plan, outcome: RunOutcome): string {
  const { workflow, currentImages } = outcome.check;
  let text = planMarkdown(plan, { name: actionName });
  // Nothing planned: nothing to compare (each step keeps its own image).
  if (workflow && Object.keys(currentImages).length > 0 && plan.groups.length > 0) {
    text += `\n### Current containers against the plan\n\n${comparisonMarkdown(compareImages(workflow, currentImages, plan))}\n`;
  }
  return text;
}

/** An option as the action's user names it: `the resolve input`. */
const actionName = (key: string): string => optionName(key, 'action');

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
  core.appendSummary(text);
}

function repositoryUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = process.env;
  return server && repository ? `${server}/${repository}` : undefined;
}
