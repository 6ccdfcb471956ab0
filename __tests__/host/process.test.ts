/**
 * The real program runner: a fresh folder, an allow-listed environment, stdin for secrets, a
 * bounded wait. Driven with real programs (env, sh, python3).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ToolMissingError } from '../../src/common/process.js';
import { allowedEnvironment, runProcess } from '../../src/host/process.js';
import { tempDir } from '../helpers/temp.js';

const HOSTILE = {
  INPUT_PASSWORD: 'secret-password',
  'INPUT_GITHUB-TOKEN': 'ghs_secret',
  GITHUB_TOKEN: 'ghs_secret2',
  ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
  GITHUB_OUTPUT: '/tmp/out',
  PYTHONPATH: '/checkout',
  NODE_OPTIONS: '--require /checkout/evil.js',
  LD_PRELOAD: '/checkout/evil.so',
  DOCKER_HOST: 'unix:///tmp/d.sock',
};
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const [k, v] of Object.entries(HOSTILE)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

test('a program gets the allow-listed environment only, and a private HOME', async () => {
  const r = await runProcess('env', []);
  const env = parseEnv(r.stdout);
  expect(env.PATH).toBe(process.env.PATH);
  for (const name of Object.keys(HOSTILE)) expect(env[name]).toBeUndefined();
  expect(env.HOME).toMatch(/stowage-run-/);
  expect(r.stdout).not.toContain('secret');
});

test("home: 'user' adds the user's HOME and the container tools' settings, still no secrets", async () => {
  const env = parseEnv((await runProcess('env', [], { home: 'user' })).stdout);
  expect(env.HOME).toBe(process.env.HOME);
  expect(env.DOCKER_HOST).toBe('unix:///tmp/d.sock');
  for (const name of ['INPUT_PASSWORD', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'PYTHONPATH'])
    expect(env[name]).toBeUndefined();
});

test('variables the caller names are added', async () => {
  const env = parseEnv((await runProcess('env', [], { env: { DOCKER_BUILDKIT: '1' } })).stdout);
  expect(env.DOCKER_BUILDKIT).toBe('1');
});

test('allowedEnvironment keeps locale and proxy settings, drops the rest', () => {
  const env = allowedEnvironment(
    { PATH: '/bin', LC_CTYPE: 'C.UTF-8', HTTPS_PROXY: 'http://proxy:3128', INPUT_X: 'y' },
    'private',
    '/scratch',
  );
  expect(env).toEqual({
    PATH: '/bin',
    LC_CTYPE: 'C.UTF-8',
    HTTPS_PROXY: 'http://proxy:3128',
    HOME: '/scratch',
  });
});

test('a program starts in a fresh empty folder, removed afterwards, not in the caller’s', async () => {
  const r = await runProcess('sh', ['-c', 'pwd; ls -A | wc -l']);
  const [dir, count] = r.stdout.trim().split('\n');
  expect(dir).not.toBe(process.cwd());
  expect(dir).toMatch(/stowage-run-/);
  expect(count?.trim()).toBe('0');
  expect(existsSync(dir!)).toBe(false);
});

test('python3 -I -m pip from a folder holding pip/__main__.py runs the real pip', async () => {
  const checkout = tempDir('checkout');
  mkdirSync(path.join(checkout, 'pip'));
  const marker = path.join(checkout, 'ran');
  writeFileSync(path.join(checkout, 'pip', '__init__.py'), '');
  writeFileSync(
    path.join(checkout, 'pip', '__main__.py'),
    `open(${JSON.stringify(marker)}, "w").write("x")\n`,
  );
  const r = await runProcess('python3', ['-I', '-m', 'pip', '--version'], { cwd: checkout });
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/^pip \d+/);
  expect(existsSync(marker)).toBe(false);
});

test('stdin carries input; lines stream as they come; exit codes pass through', async () => {
  const lines: string[] = [];
  const r = await runProcess('sh', ['-c', 'cat; echo two >&2; exit 3'], {
    input: Buffer.from('one\n'),
    onLine: (l) => lines.push(l),
  });
  expect(r).toMatchObject({ exitCode: 3, stdout: 'one\n', stderr: 'two\n' });
  expect(lines.sort()).toEqual(['one', 'two']);
});

test('a program that outlives its time is killed', async () => {
  const r = await runProcess('sleep', ['30'], { timeoutMs: 200 });
  expect(r.timedOut).toBe(true);
  expect(r.exitCode).not.toBe(0);
});

test('a program that is not there is a ToolMissingError', async () => {
  await expect(runProcess('no-such-tool-stowage', [])).rejects.toBeInstanceOf(ToolMissingError);
});

test('a program that writes nothing for its idle time is stopped; output keeps it alive', async () => {
  const silent = await runProcess('sh', ['-c', 'echo start; sleep 30'], { idleTimeoutMs: 300 });
  expect(silent).toMatchObject({ idle: true, stdout: 'start\n' });
  const chatty = await runProcess(
    'sh',
    ['-c', 'for i in 1 2 3 4 5 6; do echo $i; sleep 0.1; done'],
    { idleTimeoutMs: 400 },
  );
  expect(chatty.idle).toBeUndefined();
  expect(chatty.exitCode).toBe(0);
});

test('an aborted signal stops the program (SIGTERM) and says so', async () => {
  const controller = new AbortController();
  const running = runProcess('sleep', ['30'], { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  const r = await running;
  expect(r).toMatchObject({ interrupted: true, exitCode: 143 });
});
