/**
 * Runs one build the way the e2e cases need it. Two drivers with one contract:
 * - `direct`: `buildPlan` in this process (works before the bundle exists);
 * - `dist`: `node dist/index.js` with INPUT_* and GITHUB_* env, as a runner runs the action,
 *   reading `images` / `step-images` back from GITHUB_OUTPUT.
 * Switching every case to the bundle is the one line below (or STOWAGE_E2E_DIST=1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BuilderKind } from '../../src/images/builder.js';
import { runProcess } from '../../src/host/process.js';
import { imagesOutput, type ImageOutput } from '../../src/images/outputs.js';
import { stepImageMap, stepImagesOutput } from '../../src/app/step-images.js';
import { buildPlan, type BuildLog } from '../../src/images/build.js';
import { selectBuilder } from '../../src/images/select.js';
import { decidePush, parseTagRules, type RunContext } from '../../src/images/tags.js';
import { DOCKER, planWorkspace } from './harness.js';

/**
 * By default the cases run the committed bundle `dist/index.js`, as a runner does. A path in
 * `STOWAGE_E2E_DIST` runs that bundle instead (e.g. one built with `npx ncc build src/index.ts -o
 * /tmp/stowage-dist`); `STOWAGE_E2E_DIST=` (empty) drives `buildPlan` in-process, for debugging.
 */
const DIST_SETTING = process.env.STOWAGE_E2E_DIST ?? '1';
export const DIST_ENTRY = resolve(
  DIST_SETTING === '1' ? 'dist/index.js' : DIST_SETTING || 'dist/index.js',
);
export const DRIVER: 'direct' | 'dist' =
  DIST_SETTING !== '' && existsSync(DIST_ENTRY) ? 'dist' : 'direct';

export interface DriveRequest {
  /** The repository: `stowage.yml` at its root (INPUT_SPEC, GITHUB_WORKSPACE). */
  workspace: string;
  /** Family → base image (INPUT_BASE-IMAGES). */
  baseImages: Record<string, string>;
  registry: string;
  builder: BuilderKind;
  /** Tool environment: DOCKER_HOST, DOCKER_CONFIG, CONTAINERS_STORAGE_CONF, … */
  env: Record<string, string>;
  eventName: string;
  ref: string;
  sha: string;
  defaultBranch?: string;
  username?: string;
  password?: string;
  tags?: string;
  /** Registry client retry tuning, so the fault tests stay fast. */
  backoffMs?: number;
  /** The action's `export` input (the dist driver only). */
  export?: string;
}

export interface DriveResult {
  images: ImageOutput[];
  stepImages: Record<string, string>;
  /** Everything the run logged. */
  log: string;
  error?: string;
}

export async function drive(req: DriveRequest): Promise<DriveResult> {
  return DRIVER === 'dist' ? driveDist(req) : driveDirect(req);
}

async function driveDirect(req: DriveRequest): Promise<DriveResult> {
  const lines: string[] = [];
  const log: BuildLog = {
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    group: (title, ls) => lines.push(`::group::${title}`, ...ls, '::endgroup::'),
  };
  const context: RunContext = {
    eventName: req.eventName,
    ref: req.ref,
    sha: req.sha,
    defaultBranch: req.defaultBranch ?? 'main',
    repository: 'acme/demo',
    serverUrl: 'https://github.com',
  };
  try {
    const builder = (): ReturnType<typeof selectBuilder> =>
      selectBuilder(req.builder, { exec: runProcess, dockerBinary: DOCKER, env: req.env });
    const plan = planWorkspace(req.workspace, req.baseImages);
    const results = await buildPlan(plan, {
      registry: req.registry,
      builder,
      workspace: req.workspace,
      context,
      push: decidePush('auto', context).push,
      tagRules: parseTagRules(req.tags ?? ''),
      credentials:
        req.username && req.password
          ? { username: req.username, password: req.password }
          : undefined,
      log,
      registryOptions: { backoffMs: req.backoffMs ?? 50, maxBackoffMs: 500 },
    });
    return {
      images: imagesOutput(results),
      stepImages: stepImagesOutput(stepImageMap(plan, { registry: req.registry, builds: results })),
      log: lines.join('\n'),
    };
  } catch (err) {
    lines.push(`error: ${(err as Error).message}`);
    return { images: [], stepImages: {}, log: lines.join('\n'), error: (err as Error).message };
  }
}

/** Parses GITHUB_OUTPUT (`name<<delimiter` blocks and `name=value` lines). */
export function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

async function driveDist(req: DriveRequest): Promise<DriveResult> {
  // Runner files live outside the workspace, as on a runner.
  const runnerDir = mkdtempSync(join(tmpdir(), 'stowage-runner-'));
  const outputFile = join(runnerDir, 'github-output.txt');
  const summaryFile = join(runnerDir, 'github-summary.md');
  const eventFile = join(runnerDir, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(
    eventFile,
    JSON.stringify({
      repository: { default_branch: req.defaultBranch ?? 'main', full_name: 'acme/demo' },
    }),
  );
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...req.env,
    INPUT_MODE: 'build',
    INPUT_SPEC: 'stowage.yml',
    'INPUT_BASE-IMAGES': JSON.stringify(req.baseImages),
    INPUT_REGISTRY: req.registry,
    INPUT_BUILDER: req.builder,
    INPUT_PUSH: 'auto',
    INPUT_TAGS: req.tags ?? '',
    INPUT_USERNAME: req.username ?? '',
    INPUT_PASSWORD: req.password ?? '',
    INPUT_EXPORT: req.export ?? '',
    STOWAGE_DOCKER: DOCKER,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: req.workspace,
    GITHUB_EVENT_NAME: req.eventName,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REF: req.ref,
    GITHUB_SHA: req.sha,
    GITHUB_REPOSITORY: 'acme/demo',
    GITHUB_SERVER_URL: 'https://github.com',
  };
  // Asynchronously: the fault proxy and the registries of a test live in this process.
  const child = spawn(process.execPath, [DIST_ENTRY], { env, cwd: req.workspace });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
  rmSync(runnerDir, { recursive: true, force: true });
  return {
    images: outputs.images ? (JSON.parse(outputs.images) as ImageOutput[]) : [],
    stepImages: outputs['step-images']
      ? (JSON.parse(outputs['step-images']) as Record<string, string>)
      : {},
    log,
    error: status === 0 ? undefined : `exit ${status}`,
  };
}
