/**
 * Stowage's own Slurm scripts on a real one-node cluster: the word-count example is built into a
 * local registry, exported with `export slurm --runtime docker|podman`, and `submit.sh` runs the
 * whole workflow as Slurm jobs in dependency order; the results must be right, every job
 * COMPLETED, and the files written as the submitting user (not the image's uid 10001).
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOCKER,
  baseImagesFor,
  copyFixture,
  pushBaseWithDocker,
  selfSignedCertificate,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from '../e2e/harness.js';
import { requireTools, stowage } from './engines.js';
import { startSlurm, type SlurmCluster } from './slurm-cluster.js';

jest.setTimeout(600_000);

describe('Slurm runs the workflow in Stowage images through submit.sh', () => {
  let dir: string;
  let registry: RegistryDaemon | undefined;
  let dockerd: DockerDaemon | undefined;
  let slurm: SlurmCluster | undefined;
  let workspace: string;
  let images: string[];

  beforeAll(async () => {
    requireTools([
      'dockerd',
      'docker-registry',
      'busybox',
      'slurmctld',
      'slurmd',
      'munged',
      'podman',
    ]);
    dir = tempDir('slurm');
    registry = await startRegistry(join(dir, 'registry'));
    dockerd = await startDockerd(join(dir, 'docker'));
    slurm = await startSlurm(join(dir, 'slurm'));
    const base = pushBaseWithDocker(join(dir, 'base'), registry.host, dockerd.env);
    images = Object.entries(baseImagesFor(base)).flatMap(([f, ref]) => [
      '--base-image',
      `${f}=${ref}`,
    ]);
    workspace = copyFixture(join(dir, 'workspace'));
    mkdirSync(join(workspace, 'data'), { recursive: true });
    writeFileSync(
      join(workspace, 'data/raw.txt'),
      'the quick brown fox\njumps over the lazy dog\n',
    );
    const built = stowage(
      ['build', 'stowage.yml', '--registry', `${registry.host}/wc`, ...images],
      workspace,
      { ...dockerd.env, STOWAGE_DOCKER: DOCKER },
    );
    expect([built.status, built.stderr]).toEqual([0, expect.any(String)]);
  }, 300_000);

  afterAll(async () => {
    await stopAll([slurm, dockerd, registry]);
  });

  /** Exports for `runtime`, submits, waits; returns the job states by step. */
  async function submitWith(
    runtime: string,
    env: Record<string, string>,
    registryHost = registry!.host,
    failureExpected = false,
  ): Promise<{ states: Record<string, string>; out: string }> {
    const outDir = `.stowage-${runtime}`;
    const exported = stowage(
      [
        'export',
        'slurm',
        'stowage.yml',
        '--registry',
        `${registryHost}/wc`,
        '--runtime',
        runtime,
        '--out-dir',
        outDir,
        ...images,
      ],
      workspace,
      env,
    );
    expect([exported.status, exported.stderr]).toEqual([0, expect.any(String)]);
    // The registry client speaks plain HTTP to loopback registries (as dockerd does), so it
    // cannot ask the HTTPS one for digests: that export pins by the content-hash tags.
    expect(exported.stdout).toContain(
      registryHost === registry!.host ? 'images pinned by digest' : 'images named by tag only',
    );
    // From another folder: submit.sh finds the workflow folder itself.
    const submitted = spawnSync('bash', [join(workspace, outDir, 'export/slurm/submit.sh')], {
      cwd: dir,
      env: { ...process.env, ...slurm!.env, ...env },
      encoding: 'utf8',
    });
    expect([submitted.status, submitted.stderr]).toEqual([0, '']);
    const ids = [...submitted.stdout.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(ids.map(([step]) => step)).toEqual(['clean', 'tally', 'summarise']);
    const states = await slurm!.waitForJobs(ids.map(([, id]) => id));
    // A job's output, to read when a test fails: Slurm writes it in the job's folder.
    for (const [step, id] of ids) {
      const log = join(workspace, `slurm-${id}.out`);
      if (!failureExpected && states[id] !== 'COMPLETED' && existsSync(log))
        console.log(`${runtime} ${step} (${states[id]}):\n${readFileSync(log, 'utf8')}`);
    }
    return {
      states: Object.fromEntries(ids.map(([step, id]) => [step, states[id]!])),
      out: outDir,
    };
  }

  function expectResults(): void {
    expect(readFileSync(join(workspace, 'work/clean.txt'), 'utf8')).toBe(
      'THE QUICK BROWN FOX\nJUMPS OVER THE LAZY DOG\n',
    );
    expect(readFileSync(join(workspace, 'work/report.txt'), 'utf8').trim()).toBe('words: 9');
    for (const file of ['work/clean.txt', 'work/tally.txt', 'work/report.txt']) {
      const owner = statSync(join(workspace, file)).uid;
      expect(owner).toBe(process.getuid!());
      expect(owner).not.toBe(10001);
    }
  }

  test('docker: every job COMPLETED in order, right results, written as the submitting user', async () => {
    const { states } = await submitWith('docker', dockerd!.env);
    expect(states).toEqual({ clean: 'COMPLETED', tally: 'COMPLETED', summarise: 'COMPLETED' });
    expectResults();
  });

  test('podman: the same workflow from the same images', async () => {
    spawnSync('rm', ['-rf', join(workspace, 'work')]);
    const podman = join(dir, 'podman');
    mkdirSync(podman, { recursive: true });
    writeFileSync(
      join(podman, 'storage.conf'),
      `[storage]\ndriver = "vfs"\nrunroot = "${join(podman, 'run')}"\ngraphroot = "${join(podman, 'root')}"\n`,
    );
    writeFileSync(
      join(podman, 'registries.conf'),
      `[[registry]]\nlocation = "${registry!.host}"\ninsecure = true\n`,
    );
    // This VM's limits and a container network Podman can set up as root (../../shared/ENGINES.md).
    writeFileSync(
      join(podman, 'containers.conf'),
      '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\nnetns = "none"\n',
    );
    const { states } = await submitWith('podman', {
      CONTAINERS_STORAGE_CONF: join(podman, 'storage.conf'),
      CONTAINERS_REGISTRIES_CONF: join(podman, 'registries.conf'),
      CONTAINERS_CONF: join(podman, 'containers.conf'),
    });
    expect(states).toEqual({ clean: 'COMPLETED', tally: 'COMPLETED', summarise: 'COMPLETED' });
    expectResults();
  });

  test('charliecloud: pulled over HTTPS into its own storage, run as the user', async () => {
    spawnSync('rm', ['-rf', join(workspace, 'work')]);
    // ch-image pulls over HTTPS only: the same storage, served again with a certificate.
    const tls = selfSignedCertificate(join(dir, 'tls'));
    const secure = await startRegistry(join(dir, 'registry-tls'), {
      tls,
      dataDir: join(dir, 'registry', 'data'),
    });
    try {
      const { states } = await submitWith(
        'charliecloud',
        {
          // Debian's ch-image is Python: Debian's python3 first; it wants USER; trusts the CA.
          PATH: `/usr/bin:${process.env.PATH}`,
          USER: process.env.USER || 'root',
          CH_IMAGE_STORAGE: join(dir, 'charliecloud'),
          REQUESTS_CA_BUNDLE: tls.certificate,
          NODE_EXTRA_CA_CERTS: tls.certificate,
        },
        secure.host,
      );
      expect(states).toEqual({ clean: 'COMPLETED', tally: 'COMPLETED', summarise: 'COMPLETED' });
      expectResults();
    } finally {
      await secure.stop();
    }
  });

  test('a failing step fails its job and cancels the steps after it', async () => {
    spawnSync('rm', ['-rf', join(workspace, 'work')]);
    writeFileSync(
      join(workspace, 'data/raw.txt.bak'),
      readFileSync(join(workspace, 'data/raw.txt')),
    );
    spawnSync('rm', [join(workspace, 'data/raw.txt')]);
    try {
      const { states } = await submitWith('docker', dockerd!.env, registry!.host, true);
      expect(states.clean).toBe('FAILED');
      expect(states.tally).toBe('CANCELLED');
      expect(states.summarise).toBe('CANCELLED');
    } finally {
      spawnSync('mv', [join(workspace, 'data/raw.txt.bak'), join(workspace, 'data/raw.txt')]);
    }
  });
});
