/**
 * `stowage cluster --from-slurm`: a cluster profile drafted from what the Slurm cluster this runs
 * on says about itself — `scontrol show partition -o` and `sinfo -N` (run through the process
 * runner, so without a shell and with an allow-listed environment) — for `--cluster`.
 */
import { InputError } from '../common/errors.js';
import { ToolMissingError, type RunProcess } from '../common/process.js';
import { draftFromSlurm, SINFO_FORMAT } from '../workflow/cluster.js';

export interface DraftClusterOptions {
  /** The partition to describe; default: Slurm's default partition. */
  partition?: string;
  /** Where Slurm's configuration is, when not in its default place (`SLURM_CONF`). */
  slurmConf?: string;
}

/** The profile's YAML. Throws InputError when Slurm cannot be asked or the partition is unknown. */
export async function draftClusterProfile(
  run: RunProcess,
  options: DraftClusterOptions = {},
): Promise<string> {
  const env = options.slurmConf ? { SLURM_CONF: options.slurmConf } : undefined;
  const ask = async (command: string, args: string[]): Promise<string> => {
    let result;
    try {
      result = await run(command, args, { env, timeoutMs: 30_000 });
    } catch (error) {
      if (error instanceof ToolMissingError)
        throw new InputError(
          `cluster --from-slurm: ${command} is not installed here; run it on a login node of the Slurm cluster`,
        );
      throw error;
    }
    if (result.exitCode !== 0 || result.timedOut) {
      const why = result.timedOut
        ? 'it did not answer within 30 s'
        : result.stderr.trim().split('\n').at(-1) || `exit code ${result.exitCode}`;
      throw new InputError(`cluster --from-slurm: \`${command} ${args.join(' ')}\` failed: ${why}`);
    }
    return result.stdout;
  };
  const scontrol = await ask('scontrol', ['show', 'partition', '-o']);
  const sinfo = await ask('sinfo', ['-N', '-h', '-o', SINFO_FORMAT]);
  const draft = draftFromSlurm(scontrol, sinfo, options.partition);
  if ('error' in draft) throw new InputError(`cluster --from-slurm: ${draft.error}`);
  return draft.yaml;
}
