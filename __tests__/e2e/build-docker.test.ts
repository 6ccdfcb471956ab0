/**
 * End to end with a real dockerd (BuildKit built in) and a real registry on loopback: build and
 * push, skip unchanged, rebuild only what changed, pull requests push nothing, retries through a
 * faulty proxy, and htpasswd auth with a wrong password.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryClient } from '../../src/images/registry.js';
import { contentHashTag } from '../../src/images/tags.js';
import { DRIVER, drive, type DriveRequest } from './drive.js';
import {
  DOCKER,
  baseImagesFor,
  copyFixture,
  describeWithTools,
  editFile,
  planWorkspace,
  pushBaseWithDocker,
  removeDir,
  startDockerd,
  startFaultProxy,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from './harness.js';

jest.setTimeout(240_000);

/** A log without the `::add-mask::<secret>` lines the action writes to have the runner mask a value. */
const unmasked = (log: string): string =>
  log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

const SHA1 = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const SHA2 = '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const SHA3 = '3333333ccccccccccccccccccccccccccccccccc';

describeWithTools(['dockerd', 'docker', 'docker-registry', 'busybox', 'htpasswd'])(
  'build with docker (BuildKit) against a real registry',
  () => {
    let dir: string;
    let registry: RegistryDaemon | undefined;
    let dockerd: DockerDaemon | undefined;
    let base: string;
    let workspace: string;

    const request = (over: Partial<DriveRequest>): DriveRequest => ({
      workspace,
      baseImages: baseImagesFor(base),
      registry: `${registry?.host}/demo`,
      builder: 'docker',
      env: dockerd?.env ?? {},
      eventName: 'push',
      ref: 'refs/heads/main',
      sha: SHA1,
      ...over,
    });
    const client = (): RegistryClient => new RegistryClient(registry?.host ?? '');
    const docker = (...args: string[]): string =>
      spawnSync(DOCKER, args, {
        env: { ...process.env, ...dockerd?.env },
        encoding: 'utf8',
      }).stdout.trim();

    beforeAll(async () => {
      dir = tempDir('docker');
      registry = await startRegistry(join(dir, 'registry'));
      dockerd = await startDockerd(join(dir, 'docker'));
      base = pushBaseWithDocker(join(dir, 'base'), registry.host, dockerd.env);
      workspace = copyFixture(join(dir, 'workspace'));
    }, 120_000);

    afterAll(async () => {
      await stopAll([registry, dockerd]);
      removeDir(dir);
    }, 60_000);

    test('builds and pushes every group; the registry has the tags, labels and digests', async () => {
      const run = await drive(request({}));
      expect(run.error).toBeUndefined();
      expect(run.images.map((i) => [i.group, i.status, i.pushed])).toEqual([
        ['native', 'built', true],
        ['python', 'built', true],
      ]);
      const plan = planWorkspace(workspace, baseImagesFor(base));
      for (const [index, image] of run.images.entries()) {
        const group = plan.groups[index];
        if (!group) throw new Error('plan and images differ');
        const hashTag = contentHashTag(group.contentHash);
        const tags = await client().listTags(`demo/${group.name}`);
        expect(tags).toEqual([hashTag, 'latest', 'main', 'sha-1111111'].sort());
        const info = await client().imageInfo(`demo/${group.name}`, hashTag);
        expect(info?.digest).toBe(image.digest);
        // pullSize is what the registry holds (compressed); size the unpacked image, as docker
        // reports it, which is what the plan's estimate estimates.
        expect(image.pullSize).toBe(info?.size);
        expect(info?.size).toBeGreaterThan(100_000); // busybox is in there
        expect(image.size).toBeGreaterThan(info!.size);
        expect(info?.labels).toMatchObject({
          'io.stowage.group': group.name,
          'io.stowage.steps': group.steps.join(','),
          'io.stowage.content-hash': group.contentHash,
          'org.opencontainers.image.revision': SHA1,
          'org.opencontainers.image.source': 'https://github.com/acme/demo',
        });
        for (const tag of ['latest', 'main', 'sha-1111111']) {
          expect((await client().headManifest(`demo/${group.name}`, tag))?.digest).toBe(
            image.digest,
          );
        }
      }
      const native = run.images[0];
      const pinned = `${native?.image}@${native?.digest}`;
      expect(run.stepImages).toEqual({
        clean: pinned,
        tally: pinned,
        summarise: `${run.images[1]?.image}@${run.images[1]?.digest}`,
      });
      // The image holds what the build stage made, and runs as the plan's non-root user.
      expect(
        docker('run', '--rm', '--entrypoint', 'cat', pinned, '/usr/local/share/tiny/clean-version'),
      ).toBe('clean-tool-v1');
      expect(docker('run', '--rm', '--entrypoint', 'id', pinned, '-u')).toBe('10001');
    });

    test('an unchanged rerun builds nothing and still adds the run tags', async () => {
      const run = await drive(request({ sha: SHA2 }));
      expect(run.error).toBeUndefined();
      expect(run.images.map((i) => i.status)).toEqual(['skipped', 'skipped']);
      expect(run.log).not.toMatch(/^building /m);
      for (const image of run.images) {
        expect(image.tags).toContain('sha-2222222');
        const path = image.image.slice(image.image.indexOf('/') + 1);
        expect(await client().listTags(path)).toContain('sha-2222222');
        expect((await client().headManifest(path, 'sha-2222222'))?.digest).toBe(image.digest);
        // Not rebuilt, so no unpacked size from the builder; the registry still tells its pull size.
        expect(image.pullSize).toBeGreaterThan(100_000);
      }
    });

    test("changing one step's software rebuilds only its group", async () => {
      editFile(workspace, 'stowage.yml', 'clean-tool-v1', 'clean-tool-v2');
      const run = await drive(request({ sha: SHA3 }));
      expect(run.error).toBeUndefined();
      expect(run.images.map((i) => [i.group, i.status])).toEqual([
        ['native', 'built'],
        ['python', 'skipped'],
      ]);
      expect((await client().headManifest('demo/native', 'latest'))?.digest).toBe(
        run.images[0]?.digest,
      );
      expect(
        docker(
          'run',
          '--rm',
          '--entrypoint',
          'cat',
          `${run.images[0]?.image}@${run.images[0]?.digest}`,
          '/usr/local/share/tiny/clean-version',
        ),
      ).toBe('clean-tool-v2');
    });

    test('a pull request builds but pushes nothing', async () => {
      editFile(workspace, 'scripts/summarise.sh', 'words:', 'word count:');
      const plan = planWorkspace(workspace, baseImagesFor(base));
      const hashTag = contentHashTag(plan.groups[1]?.contentHash ?? '');
      const before = await client().listTags('demo/python');
      const run = await drive(
        request({
          eventName: 'pull_request',
          ref: 'refs/pull/7/merge',
          sha: SHA3.replace(/3/g, '4'),
          export: 'nextflow',
        }),
      );
      expect(run.error).toBeUndefined();
      expect(run.images.map((i) => [i.group, i.status, i.pushed])).toEqual([
        ['native', 'skipped', false],
        ['python', 'built', false],
      ]);
      // Unchanged groups by digest; the unpushed build by its content-hash tag, never a bare name.
      const nativeDigest = run.images[0]?.digest;
      expect(nativeDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      for (const [step, ref] of Object.entries(run.stepImages)) {
        expect(ref).toMatch(/@sha256:[0-9a-f]{64}$|:hash-[0-9a-f]{20}$/);
        if (plan.groups[1]?.steps.includes(step))
          expect(ref).toBe(`${registry?.host}/demo/python:${hashTag}`);
      }
      if (DRIVER === 'dist') {
        const config = readFileSync(
          join(workspace, '.stowage/export/nextflow/stowage.config'),
          'utf8',
        );
        expect(config).toContain(`container = '${registry?.host}/demo/python:${hashTag}'`);
        expect(config).toContain(`container = '${registry?.host}/demo/native@${nativeDigest}'`);
      }
      expect(await client().headManifest('demo/python', hashTag)).toBeUndefined();
      expect(await client().listTags('demo/python')).toEqual(before);
      expect(await client().listTags('demo/native')).not.toContain('pr-7');
      editFile(workspace, 'scripts/summarise.sh', 'word count:', 'words:');
    });

    test('retries survive a proxy that fails the first requests with 503s and resets', async () => {
      const proxy = await startFaultProxy(registry?.host ?? '', 6);
      try {
        const run = await drive(
          request({ registry: `${proxy.host}/demo`, sha: SHA1.replace(/1/g, '5') }),
        );
        expect(run.error).toBeUndefined();
        expect(run.images.map((i) => i.status)).toEqual(['skipped', 'skipped']);
        expect(proxy.faults()).toBe(6);
        expect(run.log).toMatch(/retrying: .*503/);
        expect(run.log).toMatch(/retrying: .*(ECONNRESET|UND_ERR_SOCKET|other side closed)/);
        expect(await client().listTags('demo/native')).toContain('sha-5555555');
      } finally {
        await proxy.close();
      }
    });

    test('htpasswd registry: a wrong password fails clearly and never reaches the log', async () => {
      const secret = 'wrong-Pa55word-that-must-not-leak';
      const authRegistry = await startRegistry(join(dir, 'auth-registry'), {
        username: 'stowage',
        password: 'right-Pa55word',
      });
      try {
        const wrong = await drive(
          request({ registry: `${authRegistry.host}/demo`, username: 'stowage', password: secret }),
        );
        // The registry check comes first and says what to fix; nothing is built or pushed.
        expect(wrong.images.map((i) => i.status)).toEqual(['failed', 'failed']);
        for (const image of wrong.images) {
          expect(image.error).toMatch(
            /refused the credentials of "stowage".*check the username and password/,
          );
        }
        expect(wrong.log).not.toMatch(/^building /m);
        // `::add-mask::` is the runner's masking command itself, consumed by the runner.
        expect(unmasked(wrong.log)).not.toContain(secret);
        expect(JSON.stringify(wrong.images)).not.toContain(secret);

        // The registry client alone says what to fix too.
        const direct = new RegistryClient(authRegistry.host, {
          credentials: { username: 'stowage', password: secret },
        });
        const error = await direct.headManifest('demo/native', 'latest').catch((e: Error) => e);
        expect(String(error)).toMatch(
          /refused the credentials of "stowage".*check the username and password/,
        );
        expect(String(error)).not.toContain(secret);

        const right = await drive(
          request({
            registry: `${authRegistry.host}/demo`,
            username: 'stowage',
            password: 'right-Pa55word',
          }),
        );
        expect(right.error).toBeUndefined();
        expect(right.images.map((i) => i.status)).toEqual(['built', 'built']);
        expect(unmasked(right.log)).not.toContain('right-Pa55word');
      } finally {
        await authRegistry.stop();
      }
    });

    test("the CLI: stowage build --registry <local>/cli, then export with the registry's digests", () => {
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [join(process.cwd(), 'dist/cli/index.js'), ...args], {
          cwd: workspace,
          env: { ...process.env, ...dockerd?.env, STOWAGE_DOCKER: DOCKER, NO_COLOR: '1' },
          encoding: 'utf8',
        });
      const images = Object.entries(baseImagesFor(base)).flatMap(([f, ref]) => [
        '--base-image',
        `${f}=${ref}`,
      ]);
      const built = cli('build', 'stowage.yml', '--registry', `${registry?.host}/cli`, ...images);
      expect([built.status, built.stderr]).toEqual([0, expect.any(String)]);
      expect(built.stdout).toMatch(/^built\s+native\s+\S+\/cli\/native@sha256:[0-9a-f]{64}/m);
      // The registry, not a file of the last build, says which image is current.
      const exported = cli(
        'export',
        'nextflow',
        'stowage.yml',
        '--registry',
        `${registry?.host}/cli`,
        ...images,
      );
      expect(exported.status).toBe(0);
      expect(exported.stdout).toContain('images pinned by digest');
      return client()
        .headManifest('cli/native', 'latest')
        .then((head) => {
          expect(head?.digest).toMatch(/^sha256:/);
          const config = readFileSync(
            join(workspace, '.stowage/export/nextflow/stowage.config'),
            'utf8',
          );
          expect(config).toContain(`${registry?.host}/cli/native@${head?.digest}`);
        });
    });

    test('the CLI without any registry: build --no-push makes local images, export names them', () => {
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [join(process.cwd(), 'dist/cli/index.js'), ...args], {
          cwd: workspace,
          env: { ...process.env, ...dockerd?.env, STOWAGE_DOCKER: DOCKER, NO_COLOR: '1' },
          encoding: 'utf8',
        });
      const spec = readFileSync(join(workspace, 'stowage.yml'), 'utf8').replace(
        /^containers:\n(?: {2}registry: .*\n)/m,
        '',
      );
      expect(spec).not.toMatch(/registry:/);
      writeFileSync(join(workspace, 'local.yml'), spec);
      const images = Object.entries(baseImagesFor(base)).flatMap(([f, ref]) => [
        '--base-image',
        `${f}=${ref}`,
      ]);
      const built = cli('build', 'local.yml', '--no-push', '--out-dir', '.local', ...images);
      expect([built.status, built.stderr]).toEqual([0, expect.any(String)]);
      expect(built.stdout).toMatch(/not pushing 2 group\(s\) to local images \(no registry\)/);
      const tag = /^built\s+native\s+(localhost\/stowage\/native:hash-[0-9a-f]{20})/m.exec(
        built.stdout,
      )?.[1];
      expect(tag).toBeDefined();
      expect(docker('image', 'inspect', '--format', '{{.Id}}', tag!)).toMatch(/^sha256:/);
      const exported = cli('export', 'slurm', 'local.yml', '--out-dir', '.local', ...images);
      expect(exported.status).toBe(0);
      expect(exported.stderr).toContain('no registry: exporting the local images');
      const script = /wrote (\S+native\S*\.sbatch|\S+\.sbatch)/.exec(exported.stdout)?.[1];
      expect(script).toBeDefined();
      expect(
        readFileSync(join(workspace, '.local/export/slurm', script!.split('/').pop()!), 'utf8'),
      ).toContain('localhost/stowage/');
    });

    test('the smoke test: a tool called by an absolute path is linked; a missing tool fails its group before any push', async () => {
      const original = readFileSync(join(workspace, 'stowage.yml'), 'utf8');
      const withStep = (step: string) => original.replace(/^steps:\n/m, `steps:\n${step}`);
      // /usr/local/bin/wc is not in the busybox base, wc is: the image links one to the other.
      writeFileSync(
        join(workspace, 'stowage.yml'),
        withStep(
          '  count:\n    run: /usr/local/bin/wc -l work/clean.txt\n    software: { build: "true" }\n    duration: 1m\n',
        ),
      );
      const linked = await drive(request({ sha: SHA1.replace(/1/g, '6') }));
      expect(linked.error).toBeUndefined();
      const native = linked.images.find((i) => i.group === 'native');
      expect(native).toMatchObject({ status: 'built', smokeTest: { status: 'passed' } });
      expect(
        docker(
          'run',
          '--rm',
          `${native?.image}@${native?.digest}`,
          '/usr/local/bin/wc',
          '-c',
          '/etc/passwd',
        ),
      ).toMatch(/^\d+ \/etc\/passwd$/);

      writeFileSync(
        join(workspace, 'stowage.yml'),
        withStep(
          '  call:\n    run: bcftools call -mv work/clean.txt\n    software: { build: "true" }\n    duration: 1m\n',
        ),
      );
      const plan = planWorkspace(workspace, baseImagesFor(base));
      const group = plan.groups.find((g) => g.steps.includes('call'))!;
      const run = await drive(request({ sha: SHA1.replace(/1/g, '7') }));
      const failed = run.images.find((i) => i.group === group.name);
      expect(failed).toMatchObject({
        status: 'failed',
        pushed: false,
        smokeTest: { status: 'failed', missing: { call: ['bcftools'] }, undispatched: [] },
      });
      expect(failed?.error).toMatch(
        /the smoke test inside the image failed, so nothing was pushed: step call lacks bcftools/,
      );
      expect(
        await client().headManifest(`demo/${group.name}`, contentHashTag(group.contentHash)),
      ).toBeUndefined();
      if (DRIVER === 'dist')
        expect(run.log).toMatch(
          /::error title=STW440 missing-command,file=stowage\.yml,line=\d+.*Step "call" calls "bcftools"/,
        );
      writeFileSync(join(workspace, 'stowage.yml'), original);
    });
  },
);
