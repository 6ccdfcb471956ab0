/**
 * Build benchmark: the first build of the tiny e2e workflow (two groups, one with a build stage)
 * against an unchanged rerun, on a real engine and a real registry on loopback. An unchanged rerun
 * only asks the registry and adds tags, so it should cost at most a tenth of a build.
 *
 *   npx tsx bench/build.ts [docker|buildah]
 *
 * Needs root and Debian's docker.io / buildah, docker-registry and busybox-static (the e2e set);
 * without them it says what is missing and exits 0.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { drive, type DriveRequest } from '../__tests__/e2e/drive.js';
import {
  baseImagesFor,
  buildahEnv,
  copyFixture,
  missingTools,
  pushBaseWithBuildah,
  pushBaseWithDocker,
  removeDir,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type Daemon,
} from '../__tests__/e2e/harness.js';

const AIM = 0.1;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timed(request: DriveRequest): Promise<{ ms: number; statuses: string[] }> {
  const started = performance.now();
  const run = await drive(request);
  const ms = performance.now() - started;
  if (run.error) throw new Error(`build failed: ${run.error}\n${run.log}`);
  return { ms, statuses: run.images.map((i) => `${i.group}:${i.status}`) };
}

async function main(): Promise<void> {
  const builder = process.argv[2] === 'buildah' ? 'buildah' : 'docker';
  const tools =
    builder === 'docker'
      ? ['dockerd', 'docker', 'docker-registry', 'busybox']
      : ['buildah', 'docker-registry', 'busybox'];
  const missing = missingTools(tools);
  if (missing.length > 0) {
    console.log(`bench/build: skipped, missing ${missing.join(', ')}`);
    return;
  }
  const dir = tempDir('bench');
  const daemons: Daemon[] = [];
  try {
    const registry = await startRegistry(join(dir, 'registry'));
    daemons.push(registry);
    let env: Record<string, string>;
    let base: string;
    if (builder === 'docker') {
      const dockerd = await startDockerd(join(dir, 'docker'));
      daemons.push(dockerd);
      env = dockerd.env;
      base = pushBaseWithDocker(join(dir, 'base'), registry.host, env);
    } else {
      env = buildahEnv(join(dir, 'buildah'));
      base = pushBaseWithBuildah(join(dir, 'base'), registry.host, env);
    }
    const workspace = copyFixture(join(dir, 'workspace'));
    const request = (sha: string): DriveRequest => ({
      workspace,
      baseImages: baseImagesFor(base),
      registry: `${registry.host}/bench`,
      builder,
      env,
      eventName: 'push',
      ref: 'refs/heads/main',
      sha: sha.repeat(40),
    });

    const first = await timed(request('1'));
    const reruns: number[] = [];
    for (const sha of ['2', '3', '4', '5', '6']) {
      const rerun = await timed(request(sha));
      if (rerun.statuses.some((s) => !s.endsWith(':skipped'))) {
        throw new Error(`an unchanged rerun rebuilt something: ${rerun.statuses.join(', ')}`);
      }
      reruns.push(rerun.ms);
    }
    const rerun = median(reruns);
    const ratio = rerun / first.ms;
    console.log(`builder:            ${builder}`);
    console.log(`groups:             ${first.statuses.join(', ')}`);
    console.log(`first build:        ${(first.ms / 1000).toFixed(2)} s`);
    console.log(`unchanged rerun:    ${(rerun / 1000).toFixed(3)} s (median of ${reruns.length})`);
    console.log(
      `ratio:              ${ratio.toFixed(3)} (aim ≤ ${AIM}) ${ratio <= AIM ? 'OK' : 'ABOVE AIM'}`,
    );
    if (ratio > AIM) process.exitCode = 1;
  } finally {
    await stopAll(daemons);
    removeDir(dir);
  }
}

await main();
