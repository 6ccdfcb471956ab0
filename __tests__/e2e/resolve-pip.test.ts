/**
 * End to end, the resolve stage with real parts: a PEP 503 index of wheels built here and served
 * on 127.0.0.1, pip's resolver making the lock, and a real dockerd building the pip group FROM a
 * Debian base (debootstrap, pushed to the test's registry) with `pip install --require-hashes`
 * from that index. A tampered lock file fails the build.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../../src/plan/types.js';
import { wheelBuilder, writePipIndex } from '../helpers/pip-index.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { debianBaseUnavailable, pushDebianBase } from './debian.js';
import {
  cliInProcess,
  DOCKER,
  describeWithTools,
  removeDir,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from './harness.js';

jest.setTimeout(600_000);

const SPEC = `version: 1
name: pip-on-debian
steps:
  hello:
    run: python3 -c "import alpha, beta; print('alpha', alpha.VERSION, 'beta', beta.VERSION)"
    software:
      python: '3.11'
      apt: [python3, python3-pip]
      pip: [alpha==1.0]
`;

const unavailable =
  debianBaseUnavailable() ?? (wheelBuilder() ? undefined : 'no Python with setuptools and wheel');
const describeHere = unavailable
  ? (console.warn(`SKIPPING resolve e2e: ${unavailable}`), describe.skip)
  : describeWithTools(['dockerd', 'docker', 'docker-registry']);

describeHere('a pip group locked against a local index, built FROM Debian', () => {
  let dir: string;
  let registry: RegistryDaemon | undefined;
  let dockerd: DockerDaemon | undefined;
  let index: Served | undefined;
  let workspace: string;
  let options: string[];

  beforeAll(async () => {
    dir = tempDir('resolve-pip');
    registry = await startRegistry(join(dir, 'registry'));
    dockerd = await startDockerd(join(dir, 'docker'));
    const debian = await pushDebianBase(registry.host, dockerd.env);
    writePipIndex(join(dir, 'index'), [
      { name: 'alpha', version: '1.0', requires: ['beta==1.0'] },
      { name: 'beta', version: '1.0' },
      { name: 'beta', version: '2.0' },
    ]);
    index = await serveDir(join(dir, 'index'));
    workspace = tempDir('resolve-pip-ws');
    writeFileSync(join(workspace, 'stowage.yml'), SPEC);
    options = ['--pip-index-url', `${index.url}/simple`, '--base-image', `python=${debian}`];
  }, 600_000);

  afterAll(async () => {
    await index?.close();
    await stopAll([registry, dockerd]);
    removeDir(dir);
  }, 60_000);

  const cli = (args: string[]) => cliInProcess(workspace, dockerd?.env, args);

  const plan = (): Plan => JSON.parse(readFileSync(join(workspace, '.stowage/plan.json'), 'utf8'));

  test('plan: pip resolves for Python 3.11 and writes a hash-pinned lock', async () => {
    const { code, err } = await cli(['plan', ...options]);
    expect([code, err]).toEqual([0, '']);
    const group = plan().groups[0]!;
    expect(group.resolution).toMatchObject({
      status: 'solved',
      solved: ['pip'],
      nameLevel: ['apt'],
    });
    expect(group.resolution!.packages.map((p) => `${p.name}==${p.version}`)).toEqual([
      'alpha==1.0',
      'beta==1.0',
    ]);
    expect(readFileSync(join(workspace, '.stowage/python/pip-amd64.lock'), 'utf8')).toMatch(
      /^beta @ http:\/\/127\.0\.0\.1:\d+\/wheels\/beta-1\.0-py3-none-any\.whl \\\n {4}--hash=sha256:[0-9a-f]{64}$/m,
    );
    expect(existsSync(join(workspace, 'stowage.lock'))).toBe(true);
  });

  test('build: FROM Debian, pip install --require-hashes from the local index; the image runs', async () => {
    const built = await cli([
      'build',
      ...options,
      '--registry',
      `${registry?.host}/pip`,
      '--network',
      'host',
    ]);
    expect([built.code, built.err]).toEqual([0, expect.any(String)]);
    const image = /^built\s+python\s+(\S+@sha256:[0-9a-f]{64})/m.exec(built.out)?.[1];
    expect(image).toBeDefined();
    const ran = spawnSync(DOCKER, ['run', '--rm', image!], {
      env: { ...process.env, ...dockerd?.env },
      encoding: 'utf8',
    });
    expect([ran.status, ran.stdout.trim()]).toEqual([0, 'alpha 1.0 beta 1.0']);
  });

  test('a tampered lock file is used as is (no solve) and fails the build', async () => {
    const lockPath = join(workspace, 'stowage.lock');
    const lock = readFileSync(lockPath, 'utf8');
    const alpha = /"name":"alpha".*?"sha256":"([0-9a-f]{64})"/.exec(lock)![1]!;
    const forged = `${alpha.slice(0, -1)}${alpha.endsWith('0') ? '1' : '0'}`;
    writeFileSync(lockPath, lock.replace(alpha, forged));
    const built = await cli([
      'build',
      ...options,
      '--registry',
      `${registry?.host}/pip`,
      '--network',
      'host',
    ]);
    expect(built.code).toBe(1);
    expect(built.out).toContain('THESE PACKAGES DO NOT MATCH THE HASHES');
    expect(readFileSync(join(workspace, '.stowage/python/pip-amd64.lock'), 'utf8')).toContain(
      forged,
    );
  });
});
