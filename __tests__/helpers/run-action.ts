/**
 * Runs the bundled action (`node dist/index.js`) exactly as a runner does: inputs as `INPUT_*`
 * environment variables, outputs and the job summary through the files GitHub provides.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { tempDir } from './temp.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A throwaway copy of the examples, so runs that write `.stowage/` leave the checkout alone. */
export function copyExamples(): string {
  const dir = tempDir('ws');
  cpSync(path.join(repoRoot, 'examples'), path.join(dir, 'examples'), { recursive: true });
  return dir;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Workflow-command lines (`::error …`, `::warning …`) the action printed. */
  commands: string[];
}

/** Reads a GITHUB_OUTPUT file: `name<<DELIM` … `DELIM` blocks and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i += 1) value.push(lines[i]!);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

let bundleCopy: string | undefined;

/**
 * The committed bundle, copied (once per test file) to a folder with no node_modules above it,
 * as a runner checks out the action: a module the bundle failed to inline cannot be found there.
 */
function actionBundle(): string {
  if (!bundleCopy) {
    const dir = tempDir('action-bundle');
    cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
    bundleCopy = path.join(dir, 'dist', 'index.js');
  }
  return bundleCopy;
}

interface RunActionOptions {
  workspace?: string;
  env?: Record<string, string>;
  timeout?: number;
}

/** The process a runner starts: inputs as `INPUT_*`, the files GitHub provides. */
function actionProcess(inputs: Record<string, string>, options: RunActionOptions) {
  const dir = tempDir('action');
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace ?? repoRoot,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'acme/flood',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dir,
    ...options.env,
  };
  // Name-level plans unless a test asks: the action must not reach conda-forge or PyPI from CI.
  const withDefaults = { resolve: 'off', ...inputs };
  for (const [name, value] of Object.entries(withDefaults))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const finish = (status: number | null, stdout: string, stderr: string): ActionRun => ({
    status,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    commands: stdout.split('\n').filter((l) => l.startsWith('::')),
  });
  return { env, cwd: options.workspace ?? repoRoot, finish };
}

export function runAction(
  inputs: Record<string, string>,
  options: RunActionOptions = {},
): ActionRun {
  const { env, cwd, finish } = actionProcess(inputs, options);
  const result = spawnSync(process.execPath, [actionBundle()], {
    env,
    cwd,
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
  });
  return finish(result.status, result.stdout, result.stderr);
}

/** `runAction` without blocking this process: for servers the test itself runs (an index). */
export function runActionAsync(
  inputs: Record<string, string>,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  const { env, cwd, finish } = actionProcess(inputs, options);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [actionBundle()], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 60_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve(finish(status, stdout, stderr));
    });
  });
}
