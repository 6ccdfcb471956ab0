/**
 * A one-node Slurm cluster for the engine tests (see ../../../shared/ENGINES.md): munged,
 * slurmctld and slurmd from Debian's packages, every path and port private to a temporary
 * folder, stopped by PID. Jobs run as the user who submits them, on this machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, sleep, stopChild, waitFor } from '../e2e/harness.js';

export interface SlurmCluster {
  /** slurmctld's. */
  pid: number;
  /** SLURM_CONF (and USER, which Slurm tools want), for sbatch, scontrol, Toil. */
  env: Record<string, string>;
  /** The final state of each job (`COMPLETED`, `FAILED`, `CANCELLED`…), once all have ended. */
  waitForJobs(ids: readonly string[], timeoutMs?: number): Promise<Record<string, string>>;
  /** Every job the cluster ran, by id, from the job-completion log. */
  finishedJobs(): Record<string, { name: string; state: string }>;
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: Record<string, string>): string {
  const r = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export async function startSlurm(dir: string): Promise<SlurmCluster> {
  // munged wants its socket reachable: every folder down to it open to others (mkdtemp's are 0700),
  // the jest run's own temporary root too (tmp-before.mjs) — but never the system's /tmp itself.
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d !== '/' && d !== '/tmp'; d = dirname(d)) {
    chmodSync(d, 0o755);
    if (d === tmpdir()) break;
  }
  for (const sub of ['munge', 'run', 'state', 'spool', 'log'])
    mkdirSync(join(dir, sub), { recursive: true });
  chmodSync(join(dir, 'munge'), 0o700);
  chmodSync(join(dir, 'run'), 0o755); // munged's socket folder must not be private
  const key = join(dir, 'munge', 'munge.key');
  const socket = join(dir, 'run', 'munge.socket.2');
  run('mungekey', ['--create', `--keyfile=${key}`], {});
  const children: ChildProcess[] = [];
  const started = (
    command: string,
    args: string[],
    env: Record<string, string> = {},
  ): ChildProcess => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', () =>
      writeFileSync(join(dir, 'log', `${command.split('/').pop()}.out`), output),
    );
    children.push(child);
    return child;
  };
  started('munged', [
    '-F',
    `--key-file=${key}`,
    `--socket=${socket}`,
    `--pid-file=${join(dir, 'run', 'munged.pid')}`,
    `--log-file=${join(dir, 'log', 'munged.log')}`,
    `--seed-file=${join(dir, 'munge', 'seed')}`,
  ]);
  await waitFor('munged', () => existsSync(socket));

  const conf = join(dir, 'slurm.conf');
  const jobcomp = join(dir, 'log', 'jobcomp.txt');
  writeFileSync(
    conf,
    [
      'ClusterName=stowage',
      'SlurmctldHost=localhost',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CryptoType=crypto/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/filetxt',
      `JobCompLoc=${jobcomp}`,
      `SlurmctldPort=${await freePort()}`,
      `SlurmdPort=${await freePort()}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'run', 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'run', 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'SlurmUser=root',
      'ReturnToService=2',
      'MpiDefault=none',
      'NodeName=localhost CPUs=2 RealMemory=4000 State=UNKNOWN',
      'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf, USER: process.env.USER || 'root' };
  const controller = started('slurmctld', ['-D', '-f', conf], env);
  await sleep(1000);
  started('slurmd', ['-D', '-N', 'localhost', '-f', conf], env);
  await waitFor(
    'the Slurm node',
    () => {
      const r = spawnSync('sinfo', ['-h', '-o', '%T'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      return r.status === 0 && r.stdout.trim() === 'idle';
    },
    30_000,
  );

  const finishedJobs = (): Record<string, { name: string; state: string }> => {
    if (!existsSync(jobcomp)) return {};
    const jobs: Record<string, { name: string; state: string }> = {};
    for (const line of readFileSync(jobcomp, 'utf8').split('\n')) {
      const id = /JobId=(\d+)/.exec(line)?.[1];
      if (!id) continue;
      jobs[id] = {
        name: /Name=(\S+)/.exec(line)?.[1] ?? '',
        state: /JobState=(\S+)/.exec(line)?.[1] ?? '',
      };
    }
    return jobs;
  };
  return {
    pid: controller.pid ?? -1,
    env,
    finishedJobs,
    waitForJobs: async (ids, timeoutMs = 180_000) => {
      await waitFor(
        `Slurm jobs ${ids.join(', ')}`,
        () => ids.every((id) => finishedJobs()[id]),
        timeoutMs,
      );
      return Object.fromEntries(ids.map((id) => [id, finishedJobs()[id]!.state]));
    },
    stop: async () => {
      for (const child of [...children].reverse()) await stopChild(child, 10_000);
    },
  };
}
