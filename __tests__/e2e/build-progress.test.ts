/**
 * A build as the user watches it, with a real dockerd (BuildKit) and the bundled CLI: a line per
 * Dockerfile step as it starts; a step that writes nothing past the stall time is stopped with the
 * likely cause; Ctrl-C stops the builder, removes the temporary folders, says "interrupted" and
 * exits 130, leaving images.json as it was.
 */
import { jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DOCKER,
  baseImagesFor,
  copyFixture,
  describeWithTools,
  pushBaseWithDocker,
  removeDir,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from './harness.js';

jest.setTimeout(240_000);

describeWithTools(['dockerd', 'docker', 'docker-registry', 'busybox'])(
  'build progress, stalls and interrupts',
  () => {
    let dir: string;
    let registry: RegistryDaemon | undefined;
    let dockerd: DockerDaemon | undefined;
    let base: string;
    let workspace: string;
    let images: string[];

    beforeAll(async () => {
      dir = tempDir('progress');
      registry = await startRegistry(join(dir, 'registry'));
      dockerd = await startDockerd(join(dir, 'docker'));
      base = pushBaseWithDocker(join(dir, 'base'), registry.host, dockerd.env);
      workspace = copyFixture(join(dir, 'workspace'));
      images = Object.entries(baseImagesFor(base)).flatMap(([f, ref]) => [
        '--base-image',
        `${f}=${ref}`,
      ]);
      // One slow, silent builder step (a `build:` script) and nothing else to build.
      writeFileSync(
        join(workspace, 'slow.yml'),
        [
          'version: 1',
          'name: slow',
          'steps:',
          '  wait:',
          '    run: sh -c true',
          '    software: { build: "sleep 90 && echo done" }',
          '',
        ].join('\n'),
      );
    }, 120_000);

    afterAll(async () => {
      await stopAll([registry, dockerd]);
      removeDir(dir);
    }, 60_000);

    const env = () => ({ ...process.env, ...dockerd?.env, STOWAGE_DOCKER: DOCKER, NO_COLOR: '1' });
    const cliArgs = (...args: string[]) => [join(process.cwd(), 'dist/cli/index.js'), ...args];

    test('a step that writes nothing past the stall time is stopped, naming the step and the likely cause', () => {
      const r = spawnSync(
        process.execPath,
        cliArgs('build', 'slow.yml', '--no-push', '--stall-timeout', '4s', ...images),
        { cwd: workspace, env: env(), encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.status).toBe(1);
      // The progress view: a line per Dockerfile step, with the group.
      expect(r.stdout).toMatch(/^\[native\] step \d+\/\d+ RUN .*\(\d+ s\)$/m);
      expect(`${r.stdout}${r.stderr}`).toMatch(
        /the build made no progress for 4 s on step \d+\/\d+ \(RUN sh \/stowage\/build-wait\.sh\) and was stopped: .*build with --network host/,
      );
    });

    test('Ctrl-C stops the build, removes its temporary folders, says so and exits 130', async () => {
      const temp = process.env.TMPDIR ?? tmpdir();
      const before = new Set(readdirSync(temp));
      // The last build's record (the test before wrote one): an interrupted run leaves it as it is.
      const imagesBefore = readFileSync(join(workspace, '.stowage/images.json'), 'utf8');
      const child = spawn(process.execPath, cliArgs('build', 'slow.yml', '--no-push', ...images), {
        cwd: workspace,
        env: env(),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      // Once the slow step runs, interrupt as a terminal's Ctrl-C does.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`no step started:\n${stdout}`));
        }, 90_000);
        const poll = setInterval(() => {
          if (/\[native\] step \d+\/\d+ RUN sh \/stowage\/build-wait\.sh/.test(stdout)) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 200);
      });
      const made = readdirSync(temp).filter((n) => !before.has(n));
      expect(made.some((n) => n.startsWith('stowage-build-'))).toBe(true);
      child.kill('SIGINT');
      const code = await closed;
      expect(code).toBe(130);
      expect(stderr).toContain('stowage: interrupted');
      for (const name of made) expect(existsSync(join(temp, name))).toBe(false);
      expect(readFileSync(join(workspace, '.stowage/images.json'), 'utf8')).toBe(imagesBefore);
      // No program of the run is left behind (the build's context folder named in its argv).
      const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
      for (const name of made) expect(ps).not.toContain(name);
      expect(readFileSync(join(workspace, '.stowage/plan.json'), 'utf8')).toContain('"wait"');
    });
  },
);
