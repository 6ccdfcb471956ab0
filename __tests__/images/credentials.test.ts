/**
 * Credentials go only to the registry named and its own token service; redirects to another host
 * never carry them and never answer for the registry; registry work has one time limit; moving
 * tags are all or nothing; nothing logs in when nothing is pushed; fork code is recognised for
 * every event that runs it.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeFromFork, type GithubContextLike } from '../../src/action/context.js';
import { privateAuthFiles } from '../../src/app/build.js';
import { buildPlan, type BuildLog } from '../../src/images/build.js';
import type { BuildRequest, Builder } from '../../src/images/builder.js';
import { RegistryClient } from '../../src/images/registry.js';
import type { RunContext } from '../../src/images/tags.js';
import type { Plan, PlannedGroup } from '../../src/plan/types.js';
import { testGroup, testPlan } from '../helpers/plans.js';
import { tempDir } from '../helpers/temp.js';
import { FakeRegistry, type FakeRegistryOptions } from './fake-registry.js';

const registries: FakeRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.stop()));
});

async function registry(opts: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const reg = await new FakeRegistry({ username: 'u', password: 'secret', ...opts }).start();
  registries.push(reg);
  return reg;
}

const creds = { username: 'u', password: 'secret' };
const port = (reg: FakeRegistry) => reg.host.split(':')[1];

describe('token service on another host', () => {
  test('receives no credentials unless the user lists it', async () => {
    // `localhost:<port>` is the same server under another host name: another host to the client.
    const reg = await registry({
      auth: 'bearer',
      realm: (h) => `http://localhost:${h.split(':')[1]}/token`,
    });
    reg.addImage('acme/app', 'v1');
    const client = new RegistryClient(reg.host, { credentials: creds, backoffMs: 1 });
    await expect(client.headManifest('acme/app', 'v1')).rejects.toThrow(
      /sent its token service at localhost:\d+, another host: the credentials are not sent there/,
    );
    expect(reg.tokenRequests).toEqual([]);

    const allowed = new RegistryClient(reg.host, {
      credentials: creds,
      authHosts: [`localhost:${port(reg)}`],
    });
    expect(await allowed.headManifest('acme/app', 'v1')).toBeDefined();
    expect(reg.tokenRequests).toHaveLength(1);
  });
});

describe('redirects', () => {
  test('a redirect of a manifest request to another host is refused, without the credentials', async () => {
    const reg = await registry({ auth: 'basic' });
    const client = new RegistryClient(reg.host, { credentials: creds, backoffMs: 1 });
    reg.faults.push({ status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } });
    reg.faults.push({
      status: 307,
      headers: { location: `http://localhost:${port(reg)}/v2/acme/app/manifests/v1` },
    });
    await expect(client.headManifest('acme/app', 'v1')).rejects.toThrow(
      /redirected HEAD manifests\/v1 to another host \(localhost:\d+\): refused/,
    );
    // Two requests reached the registry (the challenge, the redirect); none went to the other host.
    expect(reg.requests).toHaveLength(2);
  });

  test('a 404 after a redirect is an error, not "not built yet"', async () => {
    const reg = await registry();
    const client = new RegistryClient(reg.host, { backoffMs: 1 });
    reg.faults.push({ status: 307, headers: { location: `/v2/acme/app/manifests/elsewhere` } });
    await expect(client.headManifest('acme/app', 'v1')).rejects.toThrow(/not found \(404\)/);
    // Without a redirect, a 404 is the answer "no such tag".
    expect(await client.headManifest('acme/app', 'v1')).toBeUndefined();
  });

  test('a blob may come from another host, and then without the credentials', async () => {
    const reg = await registry({ auth: 'basic' });
    const digest = reg.addImage('acme/app', 'v1');
    const client = new RegistryClient(reg.host, { credentials: creds, backoffMs: 1 });
    const manifest = await client.getManifest('acme/app', digest);
    const config = manifest!.json.config!.digest;
    reg.faults.push({
      status: 307,
      headers: { location: `http://localhost:${port(reg)}/v2/acme/app/blobs/${config}` },
    });
    await client.getBlob('acme/app', config);
    const last = reg.requests.at(-1)!;
    expect(last.url).toBe(`/v2/acme/app/blobs/${config}`);
    // The cross-host hop carried no credentials (the fake answers basic-auth'd blobs only with
    // them, so it challenged; the client's one auth retry then went to the registry itself).
    expect(reg.requests.some((r) => r.url.includes('blobs') && r.authorization === undefined)).toBe(
      true,
    );
  });
});

test('all registry work has one time limit, however many retries are left', async () => {
  const reg = await registry();
  for (let i = 0; i < 50; i += 1) reg.faults.push({ status: 503 });
  const client = new RegistryClient(reg.host, {
    retries: 50,
    backoffMs: 100,
    maxBackoffMs: 100,
    budgetMs: 700,
  });
  const t0 = Date.now();
  await expect(client.headManifest('acme/app', 'v1')).rejects.toThrow(
    /took longer than its time limit \(1 s, registry-timeout\)/,
  );
  expect(Date.now() - t0).toBeLessThan(3000);
});

function group(name: string, hashChar: string): PlannedGroup {
  return testGroup(name, [name], {
    generated: { Dockerfile: `FROM python:3.12-slim\n# ${name}\n` },
    contentHash: hashChar.repeat(64),
  });
}

const plan = (groups: PlannedGroup[]): Plan => testPlan(groups);

/** Pushes into the fake registry; counts logins. */
class FakeBuilder implements Builder {
  readonly kind = 'docker';
  readonly description = 'fake';
  logins = 0;
  constructor(private readonly reg: FakeRegistry) {}
  async login(): Promise<void> {
    this.logins += 1;
  }
  async build(req: BuildRequest): Promise<{ localSize: number }> {
    if (req.push)
      for (const ref of req.tags) {
        const [repo = '', tag = ''] = ref.split(/:(?=[^:]+$)/);
        this.reg.addImage(repo.slice(repo.indexOf('/') + 1), tag, req.labels);
      }
    return { localSize: 1 };
  }
}

const main: RunContext = {
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  defaultBranch: 'main',
};

function recordingLog(): BuildLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    group: () => undefined,
  };
}

describe('moving tags', () => {
  test('a 500 on one group’s moving tag puts back the tags already moved: they never mix runs', async () => {
    let failJvm = false;
    const reg = await registry({
      intercept: ({ method, path: p }) =>
        failJvm && method === 'PUT' && p.endsWith('/jvm/manifests/main')
          ? { status: 500 }
          : undefined,
    });
    const oldPython = reg.addImage('acme/python', 'main', { run: 'old' });
    const oldJvm = reg.addImage('acme/jvm', 'main', { run: 'old' });
    failJvm = true;
    const log = recordingLog();
    const results = await buildPlan(plan([group('python', 'a'), group('jvm', 'b')]), {
      registry: `${reg.host}/acme`,
      builder: new FakeBuilder(reg),
      workspace: tempDir('ws'),
      context: main,
      push: true,
      log,
      registryOptions: { backoffMs: 1, retries: 1 },
    });
    expect(reg.tags.get('acme/python:main')).toBe(oldPython);
    expect(reg.tags.get('acme/jvm:main')).toBe(oldJvm);
    expect(results.find((r) => r.group === 'jvm')!.status).toBe('failed');
    for (const r of results) expect(r.tags).not.toContain('main');
    expect(log.lines.join('\n')).toMatch(
      /moving tags main, latest were applied to no group \(all or nothing\): adding the moving tags main, latest: PUT \S+\/acme\/jvm failed with 500; restored: python:main back on sha256:\w+; python:latest is new and cannot be taken back \(registries do not delete tags\)$/m,
    );
    // The fixed tags of both groups did reach the registry: the run pushed.
    expect(results.every((r) => r.pushed)).toBe(true);
  });

  test('every group succeeding moves every tag', async () => {
    const reg = await registry();
    const results = await buildPlan(plan([group('python', 'a'), group('jvm', 'b')]), {
      registry: `${reg.host}/acme`,
      builder: new FakeBuilder(reg),
      workspace: tempDir('ws'),
      context: main,
      push: true,
      registryOptions: { backoffMs: 1 },
    });
    for (const r of results) expect(r.tags).toEqual(expect.arrayContaining(['main', 'latest']));
    expect(reg.tags.get('acme/jvm:main')).toBe(results[1]!.digest);
  });
});

test('nothing logs in when nothing is pushed, credentials or not', async () => {
  const reg = await registry();
  const builder = new FakeBuilder(reg);
  const results = await buildPlan(plan([group('python', 'a')]), {
    registry: `${reg.host}/acme`,
    builder,
    workspace: tempDir('ws'),
    context: { ...main, eventName: 'pull_request_target', fromFork: true },
    push: false,
    credentials: creds,
    registryOptions: { backoffMs: 1 },
  });
  expect(builder.logins).toBe(0);
  expect(results[0]!.pushed).toBe(false);
});

test('the login writes into a private folder, seeded from the user’s, removed at the end', () => {
  const home = tempDir('home');
  mkdirSync(path.join(home, '.docker', 'cli-plugins'), { recursive: true });
  writeFileSync(path.join(home, '.docker', 'config.json'), '{"auths":{"mirror.example":{}}}');
  const saved = { HOME: process.env.HOME, DOCKER_CONFIG: process.env.DOCKER_CONFIG };
  process.env.HOME = home;
  delete process.env.DOCKER_CONFIG;
  try {
    const auth = privateAuthFiles();
    const dir = auth.env.DOCKER_CONFIG!;
    expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).toContain('mirror.example');
    expect(existsSync(path.join(dir, 'cli-plugins'))).toBe(true);
    expect(auth.env.REGISTRY_AUTH_FILE).toBe(path.join(dir, 'auth.json'));
    writeFileSync(auth.env.REGISTRY_AUTH_FILE!, '{"auths":{"r":{"auth":"secret"}}}');
    auth.remove();
    expect(existsSync(dir)).toBe(false);
    // The user's own file never saw the credentials.
    expect(readFileSync(path.join(home, '.docker', 'config.json'), 'utf8')).not.toContain('secret');
  } finally {
    process.env.HOME = saved.HOME;
    if (saved.DOCKER_CONFIG) process.env.DOCKER_CONFIG = saved.DOCKER_CONFIG;
  }
});

describe('code from a fork, whatever the event', () => {
  const base = (payload: GithubContextLike['payload'], eventName: string): GithubContextLike => ({
    eventName,
    ref: '',
    sha: '',
    repo: { owner: 'acme', repo: 'flood' },
    payload,
  });
  const fork = { full_name: 'mallory/flood', fork: true };
  const own = { full_name: 'acme/flood', fork: false };
  test.each([
    [
      'pull_request from a fork',
      base({ pull_request: { head: { repo: fork } } }, 'pull_request'),
      true,
    ],
    [
      'pull_request_target from a fork',
      base({ pull_request: { head: { repo: fork } } }, 'pull_request_target'),
      true,
    ],
    [
      'pull_request from a deleted fork',
      base({ pull_request: { head: { repo: null } } }, 'pull_request'),
      true,
    ],
    [
      'pull_request from a branch',
      base({ pull_request: { head: { repo: own } } }, 'pull_request'),
      false,
    ],
    [
      'workflow_run of a fork’s run',
      base({ workflow_run: { head_repository: fork } }, 'workflow_run'),
      true,
    ],
    ['workflow_run without its head', base({}, 'workflow_run'), true],
    [
      'workflow_run of a branch',
      base({ workflow_run: { head_repository: own } }, 'workflow_run'),
      false,
    ],
    ['push', base({}, 'push'), false],
  ])('%s', (_name, ctx, expected) => {
    expect(codeFromFork(ctx)).toBe(expected);
  });
});
