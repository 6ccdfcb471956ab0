/**
 * `stowage cluster --from-slurm` (a profile drafted from Slurm's own answers, through the process
 * runner) and `--cluster <file>` (the profile the cluster-fit rules check an imported pipeline
 * against), as a user runs them. Slurm's answers are the recorded ones of the engine suite's
 * one-node cluster and of a three-partition cluster (__tests__/fixtures/cluster);
 * __tests__/engines/cluster-profile.test.ts asks a live one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import {
  ToolMissingError,
  type ProcessOptions,
  type ProcessResult,
  type RunProcess,
} from '../../src/common/process.js';
import { offline } from '../helpers/offline.js';
import { repoRoot } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURES = join(repoRoot, '__tests__/fixtures/cluster');
const fixture = (dir: string, file: string): string =>
  readFileSync(join(FIXTURES, dir, file), 'utf8');

interface Call {
  command: string;
  args: readonly string[];
  options?: ProcessOptions;
}

/** Slurm's commands answering from a fixture folder; every call recorded. */
function slurm(dir: string, calls: Call[], answer?: Partial<ProcessResult>): RunProcess {
  return (command, args, options) => {
    calls.push({ command, args, options });
    if (answer) return Promise.resolve({ exitCode: 0, stdout: '', stderr: '', ...answer });
    const stdout =
      command === 'scontrol'
        ? fixture(dir, 'scontrol-show-partition.txt')
        : fixture(dir, 'sinfo.txt');
    return Promise.resolve({ exitCode: 0, stdout, stderr: '' });
  };
}

async function cli(
  args: string[],
  options: { cwd?: string; run?: RunProcess; env?: Record<string, string> } = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? {},
    ...offline,
    ...(options.run ? { run: options.run } : {}),
  };
  const code = await main(args, io);
  return { code, out, err };
}

describe('stowage cluster --from-slurm', () => {
  it.each<[string, string[], string]>([
    ['the one-node cluster', [], 'slurm-one-node'],
    ['the default partition of an HPC', [], 'slurm-hpc'],
  ])('%s: prints the profile Slurm describes', async (_title, extra, dir) => {
    const calls: Call[] = [];
    const result = await cli(['cluster', '--from-slurm', ...extra], {
      run: slurm(dir, calls),
      env: { SLURM_CONF: '/etc/slurm-test/slurm.conf' },
    });
    expect(result).toEqual({ code: 0, out: fixture(dir, 'cluster.yml'), err: '' });
    // No shell; Slurm's configuration named on purpose, nothing else of the caller's.
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ['scontrol', 'show', 'partition', '-o'],
      ['sinfo', '-N', '-h', '-o', '%N|%P|%c|%m|%G|%l'],
    ]);
    expect(calls[0]?.options?.env).toEqual({ SLURM_CONF: '/etc/slurm-test/slurm.conf' });
  });

  it('--partition describes another partition', async () => {
    const result = await cli(['cluster', '--from-slurm', '--partition', 'gpu'], {
      run: slurm('slurm-hpc', []),
    });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^max-cpus: 64\nmax-memory: 515000MiB\nmax-time: 1d\ngpus: 4\n$/m);
  });

  it.each<[string, string[], RunProcess, string]>([
    [
      'an unknown partition',
      ['--partition', 'gpo'],
      slurm('slurm-hpc', []),
      'stowage: cluster --from-slurm: no partition "gpo" (did you mean "gpu"?); the partitions are: cpu, bigmem, gpu\n',
    ],
    [
      'no Slurm here',
      [],
      () => Promise.reject(new ToolMissingError('cannot run scontrol: spawn scontrol ENOENT')),
      'stowage: cluster --from-slurm: scontrol is not installed here; run it on a login node of the Slurm cluster\n',
    ],
    [
      'a controller that does not answer',
      [],
      slurm('slurm-hpc', [], {
        exitCode: 1,
        stderr: 'slurm_load_partitions: Unable to contact slurm controller (connect failure)\n',
      }),
      'stowage: cluster --from-slurm: `scontrol show partition -o` failed: slurm_load_partitions: Unable to contact slurm controller (connect failure)\n',
    ],
  ])('%s: one line, exit code 2', async (_title, extra, run, err) => {
    expect(await cli(['cluster', '--from-slurm', ...extra], { run })).toEqual({
      code: 2,
      out: '',
      err,
    });
  });

  it.each<[string[], string]>([
    [['cluster'], "stowage: cluster needs a source: --from-slurm; see 'stowage help cluster'\n"],
    [['cluster', '--from-slurm', 'x.yml'], 'stowage: cluster takes no path, got: x.yml\n'],
    [
      ['cluster', '--from-slurm', '--cluster', 'c.yml'],
      "stowage: --cluster is not an option of cluster (it is an option of lint, plan, lock, build and export); see 'stowage help cluster'\n",
    ],
    [
      ['lint', '--partition', 'gpu'],
      "stowage: --partition is not an option of lint (it is an option of cluster); see 'stowage help lint'\n",
    ],
  ])('%j is a usage error', async (args, err) => {
    expect(await cli(args)).toEqual({ code: 2, out: '', err });
  });
});

describe('--cluster <file>', () => {
  const NF = '__tests__/fixtures/nextflow/resources';

  it('checks an imported pipeline against the profile: exit 1 on what cannot start', async () => {
    const without = await cli(['lint', NF]);
    expect(without.code).toBe(0);
    expect(without.out).not.toContain('STW502');
    const profile = '__tests__/fixtures/cluster/slurm-hpc/cluster.yml';
    const result = await cli(['lint', NF, '--cluster', profile]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `${NF}/conf/base.config:28:9: error: Step "PARABRICKS_FQ2BAM" requests 1 gpus, but the cluster profile ${profile} offers at most 0 GPUs per node;`,
    );
  });

  it('a profile that is not there is a usage error that says how to make one', async () => {
    expect(await cli(['lint', NF, '--cluster', 'nowhere.yml'])).toEqual({
      code: 2,
      out: '',
      err: 'stowage: cannot read the cluster profile nowhere.yml: no such file (draft one on the cluster with `stowage cluster --from-slurm`).\n',
    });
  });

  it('a mistake in the profile is a finding at its line', async () => {
    const dir = tempDir('cli-cluster');
    writeFileSync(join(dir, 'stowage.yml'), 'version: 1\nname: w\nsteps:\n  a: { run: x }\n');
    writeFileSync(join(dir, 'cluster.yml'), 'max-cpus: 8\nmax-mem: 64GB\n');
    const result = await cli(['lint', 'stowage.yml', '--cluster', 'cluster.yml', '--root', dir], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'cluster.yml:2:1: error: unknown key "max-mem" (did you mean "max-memory"?)',
    );
  });
});
