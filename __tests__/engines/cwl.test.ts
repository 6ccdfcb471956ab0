/**
 * CWL end to end: a workflow of our own (three tools whose software is Debian packages named
 * through SoftwareRequirement specs, and DockerRequirement images that cannot be pulled; two carry
 * an `id:`, which cwltool puts in the tool's name, and one calls its tool by an absolute path in
 * /usr/local/bin, the BioContainers layout, which the image must provide) is
 * imported, planned, built FROM a real Debian base into a local registry, exported, and run by
 * the real cwltool with the exported overrides — then by Toil on a one-node Slurm cluster. The
 * outputs must be right, so the original images (which do not exist) cannot have run.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushDebianBase } from '../e2e/debian.js';
import {
  DOCKER,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from '../e2e/harness.js';
import { repoRoot } from '../helpers/run-action.js';
import { requireTools, seconds, stowage } from './engines.js';
import { startSlurm, type SlurmCluster } from './slurm-cluster.js';

jest.setTimeout(900_000);

const FIXTURE = join(repoRoot, '__tests__/fixtures/cwl/words');

describe('CWL engines run the workflow in Stowage images', () => {
  let dir: string;
  let registry: RegistryDaemon | undefined;
  let dockerd: DockerDaemon | undefined;
  let slurm: SlurmCluster | undefined;
  let workspace: string;
  let overrides: string;
  /** Debian's python3 and docker first (cwltool and Toil are Debian's), DOCKER_HOST, USER. */
  let engineEnv: Record<string, string>;
  const timings: string[] = [];

  beforeAll(async () => {
    requireTools([
      'dockerd',
      'docker-registry',
      'cwltool',
      'toil-cwl-runner',
      'slurmctld',
      'munged',
    ]);
    dir = tempDir('cwl');
    registry = await startRegistry(join(dir, 'registry'));
    dockerd = await startDockerd(join(dir, 'docker'));
    let since = Date.now();
    const base = await pushDebianBase(registry.host, dockerd.env);
    timings.push(`Debian base image (import and push): ${seconds(since)}`);
    workspace = join(dir, 'workspace');
    cpSync(FIXTURE, workspace, { recursive: true });

    since = Date.now();
    const registryRef = `${registry.host}/words`;
    // The Debian base has no route out through dockerd's bridge here: apt needs the host network.
    const built = stowage(
      [
        'build',
        '.',
        '--registry',
        registryRef,
        '--base-image',
        `native=${base}`,
        '--network',
        'host',
      ],
      workspace,
      { ...dockerd.env, STOWAGE_DOCKER: DOCKER },
    );
    expect([built.status, built.stdout + built.stderr]).toEqual([
      0,
      expect.stringMatching(/built\s+native/),
    ]);
    timings.push(`stowage build (apt from deb.debian.org): ${seconds(since)}`);
    // The smoke test inside the image found every command, /usr/local/bin/gawk among them.
    const images = JSON.parse(readFileSync(join(workspace, '.stowage/images.json'), 'utf8')) as {
      smokeTest?: { status: string };
    }[];
    expect(images.map((i) => i.smokeTest?.status)).toEqual(['passed']);

    // The same plan as the build's (same base image), so the same content-hash tags.
    const exported = stowage(
      ['export', 'cwl', '.', '--registry', registryRef, '--base-image', `native=${base}`],
      workspace,
    );
    expect([exported.status, exported.stderr]).toEqual([0, expect.any(String)]);
    expect(`${exported.stdout}${exported.stderr}`).toContain(
      'cwl: 3 step(s), images pinned by digest',
    );
    overrides = join(workspace, '.stowage/export/cwl/stowage-overrides.yml');
    engineEnv = {
      ...dockerd.env,
      PATH: `/usr/bin:${process.env.PATH}`,
      USER: process.env.USER || 'root',
    };
  }, 900_000);

  afterAll(async () => {
    for (const line of timings) console.log(line);
    await stopAll([slurm, dockerd, registry]);
  });

  function expectOutputs(out: string): void {
    expect(readFileSync(join(out, 'words.txt'), 'utf8')).toBe('stowage\nplans\ncontainers\n');
    expect(readFileSync(join(out, 'letters.txt'), 'utf8').trim()).toBe('22');
    expect(readFileSync(join(out, 'doubled.txt'), 'utf8').trim()).toBe('44');
  }

  test('cwltool with the exported overrides', () => {
    const since = Date.now();
    const tmp = join(dir, 'cwltool-tmp');
    mkdirSync(tmp);
    const out = join(dir, 'cwltool-out');
    const run = spawnSync(
      'cwltool',
      [
        '--overrides',
        overrides,
        '--tmpdir-prefix',
        `${tmp}/`,
        '--tmp-outdir-prefix',
        `${tmp}/`,
        '--outdir',
        out,
        'workflow.cwl',
        'job.yml',
      ],
      { cwd: workspace, env: { ...process.env, ...engineEnv }, encoding: 'utf8' },
    );
    if (run.status !== 0) console.log(`cwltool:\n${run.stderr.slice(-4000)}`);
    expect([run.status, run.stderr.slice(-3000)]).toEqual([0, expect.stringContaining('success')]);
    timings.push(`cwltool run: ${seconds(since)}`);
    expectOutputs(out);
  });

  test('Toil on a one-node Slurm cluster with the same overrides', async () => {
    slurm = await startSlurm(join(dir, 'slurm'));
    const since = Date.now();
    const work = join(dir, 'toil-work');
    mkdirSync(work);
    const out = join(dir, 'toil-out');
    const run = spawnSync(
      'toil-cwl-runner',
      [
        '--batchSystem',
        'slurm',
        // One Slurm job per tool (Toil would otherwise run a tool's successors in its job).
        '--disableChaining',
        // Toil's message log would otherwise be a file left in /tmp.
        '--writeMessages',
        join(dir, 'toil-messages'),
        '--jobStore',
        join(dir, 'toil-jobstore'),
        '--workDir',
        work,
        '--outdir',
        out,
        '--overrides',
        overrides,
        'workflow.cwl',
        'job.yml',
      ],
      {
        cwd: workspace,
        env: { ...process.env, ...engineEnv, ...slurm.env },
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    if (run.status !== 0) console.log(`toil-cwl-runner:\n${run.stderr.slice(-4000)}`);
    expect([run.status, run.stderr.slice(-3000)]).toEqual([
      0,
      expect.stringContaining('Finished toil run successfully'),
    ]);
    timings.push(`Toil on Slurm run: ${seconds(since)}`);
    expectOutputs(out);
    // Each tool ran as a Slurm job, and every job completed.
    const jobs = Object.values(slurm.finishedJobs());
    for (const tool of ['extract', 'count', 'double'])
      expect(jobs.some((j) => j.name.includes(tool))).toBe(true);
    expect(jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
  });
});
