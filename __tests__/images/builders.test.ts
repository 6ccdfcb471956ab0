/**
 * The builders' argv, as tables: what each backend runs for a request, and how `auto` chooses.
 * Commands go to a recording RunProcess; real runs are in __tests__/e2e.
 */
import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { budArgs, BuildahBuilder, pushArgs } from '../../src/images/buildah.js';
import { digestFromPushOutput, type BuildRequest } from '../../src/images/builder.js';
import type { ProcessOptions, RunProcess } from '../../src/common/process.js';
import { buildxArgs, DockerBuilder, engineBuildArgs } from '../../src/images/docker.js';
import { selectBuilder } from '../../src/images/select.js';

const request = (over: Partial<BuildRequest> = {}): BuildRequest => ({
  group: 'python',
  contextDir: '/ws',
  dockerfile: '/ws/.stowage/python/Dockerfile',
  image: 'ghcr.io/acme/flood/python',
  tags: ['ghcr.io/acme/flood/python:hash-0123'],
  labels: { 'io.stowage.group': 'python' },
  push: true,
  platforms: [],
  cache: 'inline',
  cacheFrom: [],
  insecureRegistry: false,
  log: () => undefined,
  ...over,
});

interface Call {
  command: string;
  args: string[];
  options?: ProcessOptions;
}

/** An RunProcess that records calls and answers from a table keyed by the first arguments. */
function recorder(
  answers: Record<
    string,
    { exitCode?: number; stdout?: string; stderr?: string; throws?: boolean }
  >,
): {
  exec: RunProcess;
  calls: Call[];
} {
  const calls: Call[] = [];
  const exec: RunProcess = async (command, args, options) => {
    calls.push({ command, args: [...args], options });
    const key = Object.keys(answers).find((k) => `${command} ${args.join(' ')}`.startsWith(k));
    const a = key ? answers[key] : undefined;
    if (a?.throws) throw new Error(`Unable to locate executable file: ${command}`);
    return { exitCode: a?.exitCode ?? 0, stdout: a?.stdout ?? '', stderr: a?.stderr ?? '' };
  };
  return { exec, calls };
}

describe('docker buildx argv', () => {
  test.each<[string, Partial<BuildRequest>, string[]]>([
    [
      'gha cache scoped per group, push',
      { cache: 'gha' },
      ['--cache-from type=gha,scope=python', '--cache-to type=gha,mode=max,scope=python', '--push'],
    ],
    [
      'registry cache',
      { cache: 'registry' },
      [
        '--cache-from type=registry,ref=ghcr.io/acme/flood/python:buildcache',
        '--cache-to type=registry,ref=ghcr.io/acme/flood/python:buildcache,mode=max',
      ],
    ],
    [
      'no push: load, no cache export',
      { cache: 'gha', push: false },
      ['--cache-from type=gha,scope=python', '--load'],
    ],
    [
      'inline cache from earlier images',
      { cacheFrom: ['r/p:latest'] },
      ['--cache-from type=registry,ref=r/p:latest --cache-to type=inline'],
    ],
    [
      'platforms',
      { platforms: ['linux/amd64', 'linux/arm64'], cache: 'none' },
      ['--platform linux/amd64,linux/arm64'],
    ],
  ])('%s', (_name, over, fragments) => {
    const args = buildxArgs(request(over), '/tmp/meta.json', 'false');
    expect(args.slice(0, 5)).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--file',
      '/ws/.stowage/python/Dockerfile',
    ]);
    for (const fragment of fragments) expect(args.join(' ')).toContain(fragment);
    expect(args.join(' ')).toContain('--metadata-file /tmp/meta.json --provenance=false');
    expect(args.at(-1)).toBe('/ws');
    if (over.push === false) expect(args.join(' ')).not.toContain('--cache-to');
  });

  test('provenance mode', () => {
    expect(buildxArgs(request(), '/m', 'max')).toContain('--provenance=mode=max');
  });

  test('a multi-platform build without push neither loads nor fails', () => {
    const args = buildxArgs(
      request({ push: false, platforms: ['linux/amd64', 'linux/arm64'] }),
      '/m',
      'false',
    );
    expect(args).not.toContain('--load');
    expect(args).not.toContain('--push');
  });
});

describe('docker engine argv (BuildKit built in, no buildx)', () => {
  test('tags, labels, inline cache', () => {
    expect(engineBuildArgs(request({ cacheFrom: ['r/p:latest'] }))).toEqual([
      'build',
      '--progress=plain',
      '--file',
      '/ws/.stowage/python/Dockerfile',
      '--tag',
      'ghcr.io/acme/flood/python:hash-0123',
      '--label',
      'io.stowage.group=python',
      '--build-arg',
      'BUILDKIT_INLINE_CACHE=1',
      '--cache-from',
      'r/p:latest',
      '/ws',
    ]);
  });
  test('cache none adds no cache arguments', () => {
    expect(engineBuildArgs(request({ cache: 'none', cacheFrom: ['r/p:latest'] }))).not.toContain(
      '--cache-from',
    );
  });
  test('several platforms need buildx', () => {
    expect(() => engineBuildArgs(request({ platforms: ['linux/amd64', 'linux/arm64'] }))).toThrow(
      /needs docker buildx/,
    );
  });
});

describe('DockerBuilder', () => {
  test('detects buildx and logs the path taken', async () => {
    const { exec } = recorder({
      'docker buildx version': { stdout: 'github.com/docker/buildx v0.17.1 abc' },
    });
    const builder = await DockerBuilder.create({ exec });
    expect(builder.usesBuildx).toBe(true);
    expect(builder.description).toMatch(/buildx 0\.17\.1/);
  });

  test('without buildx builds with DOCKER_BUILDKIT=1, pushes each tag and reads the digest', async () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const { exec, calls } = recorder({
      'docker buildx': { exitCode: 1, stderr: "'buildx' is not a docker command" },
      'docker push': { stdout: `hash-0123: digest: ${digest} size: 527` },
      'docker image inspect': { stdout: '12345\n' },
    });
    const builder = await DockerBuilder.create({ exec, env: { DOCKER_HOST: 'unix:///x.sock' } });
    expect(builder.description).toMatch(/no buildx/);
    const out = await builder.build(request());
    expect(out).toEqual({ digest, localSize: 12345 });
    const build = calls.find((c) => c.args[0] === 'build');
    expect(build?.options?.env).toEqual({ DOCKER_HOST: 'unix:///x.sock', DOCKER_BUILDKIT: '1' });
    expect(calls.filter((c) => c.args[0] === 'push').map((c) => c.args)).toEqual([
      ['push', 'ghcr.io/acme/flood/python:hash-0123'],
    ]);
  });

  test('a failed build says which group, leads with the reason, and shows the tail', async () => {
    const { exec } = recorder({
      'docker buildx': { exitCode: 1 },
      'docker build': {
        exitCode: 1,
        stderr: 'step 3/5\nERROR: failed to solve: pip install numpy==9: exit code 1',
      },
    });
    const builder = await DockerBuilder.create({ exec });
    await expect(builder.build(request())).rejects.toThrow(
      /^docker build of python failed: ERROR: failed to solve: pip install numpy==9: exit code 1\n {2}\(exit 1; last lines:\)\n {2}step 3\/5/,
    );
  });

  test('login sends the password on stdin only', async () => {
    const { exec, calls } = recorder({});
    const builder = await DockerBuilder.create({ exec });
    await builder.login('ghcr.io', 'octo', 's3cret-token');
    const login = calls.find((c) => c.args[0] === 'login');
    expect(login?.args).toEqual(['login', '--username', 'octo', '--password-stdin', 'ghcr.io']);
    expect(login?.args.join(' ')).not.toContain('s3cret-token');
    expect(login?.options?.input?.toString()).toBe('s3cret-token');
  });

  test('buildx reads the digest from the metadata file', async () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const exec: RunProcess = async (_command, args) => {
      const i = args.indexOf('--metadata-file');
      if (i >= 0)
        writeFileSync(args[i + 1] ?? '', JSON.stringify({ 'containerimage.digest': digest }));
      return {
        exitCode: 0,
        stdout: args[0] === 'buildx' && args[1] === 'version' ? 'buildx v0.17.1' : '',
        stderr: '',
      };
    };
    const builder = await DockerBuilder.create({ exec });
    expect((await builder.build(request())).digest).toBe(digest);
  });
});

describe('buildah argv', () => {
  test('bud with chroot isolation and layers; a loopback push registry leaves pulls verified', () => {
    expect(budArgs(request({ insecureRegistry: true }))).toEqual([
      'bud',
      '--isolation',
      'chroot',
      '--layers',
      '--file',
      '/ws/.stowage/python/Dockerfile',
      '--tag',
      'ghcr.io/acme/flood/python:hash-0123',
      '--label',
      'io.stowage.group=python',
      '/ws',
    ]);
  });
  test('a loopback base image turns TLS checks off for the pull, never for the push', async () => {
    expect(budArgs(request({ insecureBase: true }))).toContain('--tls-verify=false');
    const calls: Call[] = [];
    const exec: RunProcess = async (command, args, options) => {
      calls.push({ command, args: [...args], options });
      if (args[0] === 'push') writeFileSync(args[2] ?? '', `sha256:${'c'.repeat(64)}\n`);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    await new BuildahBuilder({ exec }).build(request({ insecureBase: true, push: true }));
    const push = calls.find((c) => c.args[0] === 'push');
    expect(push?.args).not.toContain('--tls-verify=false');
  });
  test('push writes a digest file', () => {
    expect(pushArgs('r/p:t', '/tmp/d', false)).toEqual([
      'push',
      '--digestfile',
      '/tmp/d',
      'r/p:t',
      'docker://r/p:t',
    ]);
  });
  test('build then push per tag, digest from the digest file; login on stdin', async () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const calls: Call[] = [];
    const exec: RunProcess = async (command, args, options) => {
      calls.push({ command, args: [...args], options });
      if (args[0] === 'push') writeFileSync(args[2] ?? '', digest + '\n');
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const builder = new BuildahBuilder({ exec });
    expect(await builder.build(request())).toEqual({ digest });
    await builder.login('127.0.0.1:5000', 'u', 'pw', true);
    expect(calls.map((c) => c.args[0])).toEqual(['bud', 'push', 'login']);
    expect(calls[2]?.args).toEqual([
      'login',
      '--username',
      'u',
      '--password-stdin',
      '--tls-verify=false',
      '127.0.0.1:5000',
    ]);
    expect(calls[2]?.options?.input?.toString()).toBe('pw');
  });
});

describe('selectBuilder', () => {
  const daemonUp = { 'docker version': { stdout: '20.10.24\n' }, 'docker buildx': { exitCode: 1 } };
  const daemonDown = {
    'docker version': { exitCode: 1, stderr: 'Cannot connect to the Docker daemon' },
  };
  const noDocker = { docker: { throws: true } };
  const noBuildah = { buildah: { throws: true } };
  test.each<[string, 'auto' | 'docker' | 'buildah', Record<string, object>, string | RegExp]>([
    ['auto takes docker when a daemon answers', 'auto', daemonUp, 'docker'],
    ['auto falls back to buildah', 'auto', { ...daemonDown }, 'buildah'],
    [
      'auto without both says what to install',
      'auto',
      { ...noDocker, ...noBuildah },
      /apt-get install docker\.io.*apt-get install buildah/,
    ],
    ['docker without a daemon', 'docker', daemonDown, /no docker daemon answers/],
    ['buildah asked for', 'buildah', daemonUp, 'buildah'],
    ['buildah missing', 'buildah', noBuildah, /install buildah/],
  ])('%s', async (_name, kind, answers, expected) => {
    const { exec } = recorder(answers);
    const result = selectBuilder(kind, { exec }).then((b) => b.kind);
    if (typeof expected === 'string') await expect(result).resolves.toBe(expected);
    else await expect(result).rejects.toThrow(expected);
  });

  test('uses the configured docker binary', async () => {
    const { exec, calls } = recorder(daemonUp);
    await selectBuilder('auto', { exec, dockerBinary: '/usr/bin/docker' });
    expect(calls[0]?.command).toBe('/usr/bin/docker');
  });
});

test('digestFromPushOutput takes the last digest', () => {
  const d1 = `sha256:${'1'.repeat(64)}`;
  const d2 = `sha256:${'2'.repeat(64)}`;
  expect(digestFromPushOutput(`a: digest: ${d1} size: 1\nb: digest: ${d2} size: 2`)).toBe(d2);
  expect(digestFromPushOutput('nothing')).toBeUndefined();
});

describe('the build network', () => {
  const after = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];
  test.each(['host', 'none'] as const)('%s reaches every builder as --network', (network) => {
    for (const args of [
      buildxArgs(request({ network }), '/m', 'false'),
      engineBuildArgs(request({ network })),
      budArgs(request({ network })),
    ]) {
      expect(after(args, '--network')).toBe(network);
      expect(args.at(-1)).toBe('/ws');
    }
  });
  test('buildx is allowed the host network it asks for', () => {
    expect(after(buildxArgs(request({ network: 'host' }), '/m', 'false'), '--allow')).toBe(
      'network.host',
    );
  });
  test.each([undefined, 'default'] as const)('%s adds no flag', (network) => {
    for (const args of [
      buildxArgs(request({ network }), '/m', 'false'),
      engineBuildArgs(request({ network })),
      budArgs(request({ network })),
    ])
      expect(args).not.toContain('--network');
  });
});
