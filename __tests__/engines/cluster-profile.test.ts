/**
 * `stowage cluster --from-slurm` on a live one-node Slurm cluster (slurm-cluster.ts): the real
 * `scontrol` and `sinfo`, through the real process runner, give the profile recorded from the
 * same cluster in __tests__/fixtures/cluster/slurm-one-node — and that profile, given to `lint
 * --cluster`, says which processes of an nf-core-style pipeline could never start there.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import { tempDir } from '../e2e/harness.js';
import { repoRoot } from '../helpers/run-action.js';
import { requireTools } from './engines.js';
import { startSlurm, type SlurmCluster } from './slurm-cluster.js';

jest.setTimeout(300_000);

async function cli(args: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: repoRoot,
    env,
  };
  const code = await main(args, io);
  return { code, out, err };
}

describe('a cluster profile drafted from a live Slurm cluster', () => {
  let slurm: SlurmCluster | undefined;
  let dir: string;

  beforeAll(async () => {
    requireTools(['slurmctld', 'slurmd', 'munged', 'scontrol', 'sinfo']);
    dir = tempDir('cluster-profile');
    slurm = await startSlurm(join(dir, 'slurm'));
  });

  afterAll(async () => {
    await slurm?.stop();
  });

  test('is the recorded one, and lint finds what cannot start on it', async () => {
    const drafted = await cli(['cluster', '--from-slurm'], { SLURM_CONF: slurm!.env.SLURM_CONF! });
    expect(drafted.err).toBe('');
    expect(drafted.code).toBe(0);
    expect(drafted.out).toBe(
      readFileSync(join(repoRoot, '__tests__/fixtures/cluster/slurm-one-node/cluster.yml'), 'utf8'),
    );

    const profile = join(dir, 'cluster.yml');
    writeFileSync(profile, drafted.out);
    const NF = '__tests__/fixtures/nextflow/resources';
    const linted = await cli(['lint', NF, '--cluster', profile, '--format', 'json'], {});
    expect(linted.code).toBe(1);
    const findings = (
      JSON.parse(linted.out) as { findings: { rule: string; file: string; line: number }[] }
    ).findings.filter((f) => f.rule === 'STW502');
    // 2 CPUs and 4000 MiB: every label above process_single, and the GPU.
    expect(findings).toHaveLength(8);
  });
});
