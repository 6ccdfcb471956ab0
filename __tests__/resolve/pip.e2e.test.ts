/**
 * pip groups resolved by pip's own resolver against a PEP 503 index of real wheels built here and
 * served on 127.0.0.1: a conflict through dependencies splits the group, and the lock pins each
 * file by URL and sha256 so that `pip install --require-hashes` installs exactly it.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../src/host/process.js';
import { resolvePlan, type ResolveSettings } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import { loadSpecText } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/model.js';
import { wheelBuilder, writePipIndex } from '../helpers/pip-index.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

// pip starts a Python per resolve (about a second each, several on a busy runner).
jest.setTimeout(120_000);

const run = wheelBuilder() ? describe : describe.skip;
let server: Served;
let settings: ResolveSettings;

beforeAll(async () => {
  if (!wheelBuilder()) return;
  const root = tempDir('pip-index');
  writePipIndex(root, [
    { name: 'alpha', version: '1.0', requires: ['beta==1.0'] },
    { name: 'alpha', version: '2.0', requires: ['beta==2.0'] },
    { name: 'beta', version: '1.0' },
    { name: 'beta', version: '2.0' },
    { name: 'gamma', version: '1.0', requires: ['beta>=2'] },
    { name: 'delta', version: '1.0' },
  ]);
  server = await serveDir(root);
  settings = {
    mode: 'auto',
    channelUrls: {},
    pipIndexUrl: `${server.url}/simple`,
    npmRegistry: `${server.url}/npm`,
    arches: ['amd64'],
    python: 'python3',
    npm: 'npm',
  };
}, 120_000);

afterAll(() => server?.close());

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = await serveDir(tempDir('closed'));
  await probe.close();
  return Number(new URL(probe.url).port);
}

function workflowOf(steps: Record<string, string[]>): Workflow {
  const lines = ['version: 1', 'name: pips', 'steps:'];
  for (const [id, pip] of Object.entries(steps))
    lines.push(
      `  ${id}:`,
      `    run: ${id}`,
      `    software: { python: '3.12', pip: [${pip.join(', ')}] }`,
    );
  const { workflow, findings } = loadSpecText(`${lines.join('\n')}\n`, 'stowage.yml');
  if (!workflow) throw new Error(findings.map((f) => f.message).join('\n'));
  return workflow;
}

run('pip', () => {
  let result: Awaited<ReturnType<typeof resolvePlan>>;
  beforeAll(async () => {
    result = await resolvePlan(
      workflowOf({ clean: ['alpha==1.0'], model: ['gamma==1.0'], report: ['delta==1.0'] }),
      {},
      settings,
      new LockStore(),
      { fetch, run: runProcess },
    );
  }, 120_000);

  test("a conflict through dependencies splits the python group, with pip's explanation", () => {
    const groups = result.plan.groups.map((g) => g.steps);
    expect(groups).toHaveLength(2);
    expect(groups.find((s) => s.includes('clean'))).not.toContain('model');
    const split = result.findings.find(
      (f) => f.rule === 'STW430' && f.message.startsWith('Step "model"'),
    )!;
    expect(split.message).toContain('the pip solver cannot install alpha==1.0 with gamma==1.0');
    expect(split.message).toContain('alpha 1.0 depends on beta==1.0');
    expect(split.message).toContain('gamma 1.0 depends on beta>=2');
  });

  test('each group locks every file by URL and sha256, and installs with --require-hashes', () => {
    const clean = result.plan.groups.find((g) => g.steps.includes('clean'))!;
    expect(clean.resolution).toMatchObject({ status: 'solved', solved: ['pip'] });
    expect(clean.resolution!.packages.map((p) => `${p.name}==${p.version}`)).toEqual([
      'alpha==1.0',
      'beta==1.0',
      'delta==1.0',
    ]);
    const lock = clean.generated['pip-amd64.lock']!;
    expect(lock).toMatch(
      new RegExp(
        `^alpha @ ${server.url}/wheels/alpha-1\\.0-py3-none-any\\.whl \\\\\\n    --hash=sha256:[0-9a-f]{64}$`,
        'm',
      ),
    );
    expect(clean.generated['Dockerfile']).toContain(
      'RUN python3 -m pip install --no-cache-dir --no-deps --require-hashes -r /usr/local/share/stowage/pip-amd64.lock',
    );
  });

  test('pip installs from the lock, and refuses a tampered one', async () => {
    const clean = result.plan.groups.find((g) => g.steps.includes('clean'))!;
    const dir = tempDir('pip-install');
    const lock = path.join(dir, 'pip-amd64.lock');
    writeFileSync(lock, clean.generated['pip-amd64.lock']!);
    // Not spawnSync: the index is served by this process.
    const args = ['-m', 'pip', 'install', '--isolated', '--no-deps', '--require-hashes'];
    const install = () =>
      runProcess('python3', [...args, '--target', path.join(dir, 't'), '-r', lock], {
        timeoutMs: 60_000,
      });
    expect((await install()).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 't', 'alpha', '__init__.py'), 'utf8')).toContain('1.0');
    writeFileSync(
      lock,
      // Change the first digit of the first hash (to another digit: a hash may start with 0).
      readFileSync(lock, 'utf8').replace(
        /--hash=sha256:([0-9a-f])/,
        (_, digit: string) => `--hash=sha256:${digit === '0' ? '1' : '0'}`,
      ),
    );
    const tampered = await install();
    expect(tampered.exitCode).not.toBe(0);
    expect(tampered.stderr).toContain('THESE PACKAGES DO NOT MATCH THE HASHES');
  });

  test('a release the index does not have is unsolvable; an index that is down leaves the group unverified', async () => {
    const missing = await resolvePlan(
      workflowOf({ clean: ['alpha==9.0'] }),
      {},
      settings,
      new LockStore(),
      { fetch, run: runProcess },
    );
    expect(missing.findings.find((f) => f.rule === 'STW431')?.message).toContain(
      'No matching distribution found for alpha==9.0',
    );
    const down = await resolvePlan(
      workflowOf({ clean: ['alpha==1.0'] }),
      {},
      { ...settings, pipIndexUrl: `http://127.0.0.1:${await closedPort()}/simple` },
      new LockStore(),
      { fetch, run: () => Promise.reject(new Error('pip must not run when the index is down')) },
    );
    expect(down.plan.groups[0]!.resolution?.status).toBe('unverified');
    expect(down.notes[0]).toMatch(
      /^Not solved: http:\/\/127\.0\.0\.1:\d+ cannot be reached \(the connection failed, or no answer came within \d+ s\)/,
    );
  });
});
