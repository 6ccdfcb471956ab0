/**
 * Cluster profiles: reading one (the spec's `cluster:` keys in a file of their own), and drafting
 * one from what Slurm prints — recorded on the engine suite's one-node cluster, and written out
 * for a cluster with three partitions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { draftFromSlurm, readClusterProfile } from '../../src/workflow/cluster.js';
import type { Cluster } from '../../src/workflow/model.js';

const FIXTURES = '__tests__/fixtures/cluster';
const read = (dir: string, file: string): string => readFileSync(join(FIXTURES, dir, file), 'utf8');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('drafting a profile from Slurm', () => {
  it.each([['slurm-one-node'], ['slurm-hpc']])(
    '%s: the recorded output gives the profile beside it, which reads back',
    (dir) => {
      const draft = draftFromSlurm(
        read(dir, 'scontrol-show-partition.txt'),
        read(dir, 'sinfo.txt'),
      );
      expect('yaml' in draft && draft.yaml).toBe(read(dir, 'cluster.yml'));
      const back = readClusterProfile(read(dir, 'cluster.yml'), 'cluster.yml');
      expect(back.findings).toEqual([]);
      expect('cluster' in draft && back.profile?.cluster).toEqual(
        'cluster' in draft && draft.cluster,
      );
    },
  );

  it.each<[string | undefined, Cluster]>([
    // the default partition: 48 cores, 191000 MB, 2-00:00:00
    [
      undefined,
      { scheduler: 'slurm', maxCpus: 48, maxMemory: 191000 * MiB, maxTime: 2 * 86400, gpus: 0 },
    ],
    // MaxCPUsPerNode and MaxMemPerNode cap the node's 128 cores and 2063000 MB
    [
      'bigmem',
      { scheduler: 'slurm', maxCpus: 64, maxMemory: 1536 * GiB, maxTime: 7 * 86400, gpus: 0 },
    ],
    // GRES gpu:a100:4(S:0-1)
    ['gpu', { scheduler: 'slurm', maxCpus: 64, maxMemory: 515000 * MiB, maxTime: 86400, gpus: 4 }],
  ])('partition %s', (partition, cluster) => {
    const draft = draftFromSlurm(
      read('slurm-hpc', 'scontrol-show-partition.txt'),
      read('slurm-hpc', 'sinfo.txt'),
      partition,
    );
    expect('cluster' in draft && draft.cluster).toEqual(cluster);
  });

  it.each<[string, string, string, Partial<Cluster> | string]>([
    [
      'sinfo alone (scontrol printed nothing), gpu:2 and mps GRES',
      '',
      'n1|short*|16|64000|gpu:2,mps:100|4:00:00\nn2|short*|32|128000|(null)|4:00:00\n',
      { maxCpus: 32, maxMemory: 128000 * MiB, maxTime: 4 * 3600, gpus: 2 },
    ],
    [
      'no default partition: the first; minutes as a bare number',
      'PartitionName=a Default=NO MaxTime=90\nPartitionName=b Default=NO MaxTime=UNLIMITED\n',
      'n1|a|4|8000|(null)|1:30:00\n',
      { maxCpus: 4, maxMemory: 8000 * MiB, maxTime: 90 * 60, gpus: 0 },
    ],
    ['nothing at all', '', '', 'Slurm lists no partition'],
  ])('%s', (_title, scontrol, sinfo, expected) => {
    const draft = draftFromSlurm(scontrol, sinfo);
    if (typeof expected === 'string') expect('error' in draft && draft.error).toMatch(expected);
    else expect('cluster' in draft && draft.cluster).toMatchObject(expected);
  });

  it('an unknown partition names the one meant', () => {
    const draft = draftFromSlurm(
      read('slurm-hpc', 'scontrol-show-partition.txt'),
      read('slurm-hpc', 'sinfo.txt'),
      'gpo',
    );
    expect(draft).toEqual({
      error: 'no partition "gpo" (did you mean "gpu"?); the partitions are: cpu, bigmem, gpu',
    });
  });
});

describe('reading a cluster profile', () => {
  it.each<[string, string, Cluster]>([
    [
      'the keys at the top',
      'max-cpus: 32\nmax-memory: 64GiB\ngpus: 0\n',
      { maxCpus: 32, maxMemory: 64 * GiB, gpus: 0 },
    ],
    [
      'a spec’s block pasted with its key',
      'cluster:\n  scheduler: pbs\n  max-time: 48h\n',
      { scheduler: 'pbs', maxTime: 48 * 3600 },
    ],
    [
      'Slurm’s time form, SI memory',
      'max-time: 2-00:00:00\nmax-memory: 512GB\n',
      { maxTime: 2 * 86400, maxMemory: 512e9 },
    ],
  ])('%s', (_title, text, cluster) => {
    const { profile, findings } = readClusterProfile(text, 'c.yml');
    expect(findings).toEqual([]);
    expect(profile).toEqual({ cluster, file: 'c.yml' });
  });

  it.each<[string, string, string[], Cluster]>([
    [
      'a misspelt key',
      'max-cpu: 8\ngpus: 1\n',
      ['1:1 unknown key "max-cpu" (did you mean "max-cpus"?)'],
      { gpus: 1 },
    ],
    [
      'a scheduler it does not know',
      'scheduler: slurmm\n',
      ['1:12 scheduler is "slurmm"; expected one of: slurm'],
      {},
    ],
    [
      'a count that is no whole number',
      'max-cpus: 2.5\n',
      ['1:11 max-cpus is 2.5; expected a whole number'],
      {},
    ],
    [
      'a duration that is none',
      'max-time: soon\n',
      ['1:11 max-time is "soon"; expected a duration'],
      {},
    ],
    ['YAML that does not parse', 'max-cpus: [1\n', ['YAML syntax error'], {}],
  ])('%s is STW100 at its place, the rest kept', (_title, text, problems, cluster) => {
    const { profile, findings } = readClusterProfile(text, 'c.yml');
    expect(findings.map((f) => `${f.rule} ${f.span.line}:${f.span.column} ${f.message}`)).toEqual(
      problems.map((p) =>
        expect.stringContaining(p.includes(':') && /^\d/.test(p) ? `STW100 ${p}` : p),
      ),
    );
    if (profile) expect(profile.cluster).toEqual(cluster);
  });
});
