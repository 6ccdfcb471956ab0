/**
 * Slurm export: one `sbatch` script per step, which runs the step in its image through a
 * container runtime (Apptainer by default; Docker, Podman or Charliecloud), and `submit.sh`,
 * which submits every step in dependency order (`--dependency=afterok:…`).
 *
 * Each job runs in the workflow's folder (`submit.sh` passes `--chdir`), with that folder bound
 * into the container at the same path and set as its working directory, so the step's inputs and
 * outputs are where the spec says; it runs as the submitting user (never root, never the image's
 * uid 10001), so the files it writes are that user's. `#SBATCH` lines are not shell: only
 * validated numbers and a sanitised job name reach them; everything else reaches the shell
 * single-quoted.
 */
import { posix } from 'node:path';
import type { Step, Workflow } from '../workflow/model.js';
import { buildGraph } from '../workflow/graph.js';
import { shellComment, shellQuote } from '../common/escape/shell.js';
import { outputFolders } from '../workflow/output-folders.js';
import { exportableSteps, pinningOf, pinningSentence } from './common.js';
import type { ExportInput, ExportResult, SlurmRuntime, StepImage } from './types.js';

const MIB = 1024 ** 2;
export const SUBMIT_SCRIPT = 'submit.sh';
/** Where the images' entrypoint lives (see src/plan/dockerfile.ts). */
const ENTRYPOINT = '/usr/local/bin/stowage-entrypoint.sh';

/** Slurm's `--time`: `D-HH:MM:SS`, rounded up to the minute. */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d}-${pad(h)}:${pad(m)}:00`;
}

const positiveInt = (n: number | undefined): n is number =>
  n !== undefined && Number.isFinite(n) && n > 0;

/**
 * The largest values Slurm takes: CPUs per task and GPUs are 16-bit counts, `--mem` is in MiB
 * (64-bit, kept to what a double holds exactly), `--time` is 32-bit minutes.
 */
export const SLURM_LIMITS = {
  cpus: 65_535,
  gpus: 65_535,
  memory: Number.MAX_SAFE_INTEGER * MIB,
  time: 4_294_967_294 * 60,
} as const;

/** A request Slurm cannot take (`cpus: 1e308`): the step is left out of the export, with why. */
export class SlurmRangeError extends Error {}

export function sbatchDirectives(step: Step): string[] {
  const r = step.resources ?? {};
  for (const key of ['cpus', 'gpus', 'memory', 'time'] as const) {
    const value = r[key];
    if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > SLURM_LIMITS[key]))
      throw new SlurmRangeError(
        `resources.${key} ${value} is outside what Slurm accepts (0 to ${SLURM_LIMITS[key]}${key === 'memory' ? ' bytes' : key === 'time' ? ' seconds' : ''})`,
      );
  }
  const lines = [`#SBATCH --job-name=${jobName(step.id)}`];
  if (positiveInt(r.cpus)) lines.push(`#SBATCH --cpus-per-task=${Math.ceil(r.cpus)}`);
  if (positiveInt(r.memory)) lines.push(`#SBATCH --mem=${Math.ceil(r.memory / MIB)}M`);
  if (positiveInt(r.time)) lines.push(`#SBATCH --time=${slurmTime(r.time)}`);
  if (positiveInt(r.gpus)) lines.push(`#SBATCH --gres=gpu:${Math.ceil(r.gpus)}`);
  return lines;
}

function jobName(id: string): string {
  return `stowage-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 64);
}

/**
 * A script file name per step: the id with other characters as `_`, made unique (`a/b` and
 * `a_b` would otherwise write one file, and the second step would silently replace the first).
 */
function scriptNames(steps: readonly Step[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const step of steps) {
    const base = step.id.replace(/[^A-Za-z0-9_.-]/g, '_');
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    names.set(step.id, `${name}.sbatch`);
  }
  return names;
}

/**
 * The command line that starts the step in its image with the runtime, from the workflow's folder
 * (`$workdir`) and as the submitting user; `args` are the words after the image (the step's name
 * for the images' entrypoint, or the job's own arguments).
 */
export function runtimeCommand(runtime: SlurmRuntime, gpu: boolean, args: string): string[] {
  switch (runtime) {
    case 'apptainer':
      // `run` starts the image's entrypoint; Apptainer runs as the calling user and binds here.
      return [
        `exec apptainer run${gpu ? ' --nv' : ''} --bind "$workdir" --pwd "$workdir" $STOWAGE_RUNTIME_OPTS "docker://$image" ${args}`,
      ];
    case 'docker':
      return [
        `exec docker run --rm${gpu ? ' --gpus all' : ''} --user "$(id -u):$(id -g)" --volume "$workdir:$workdir" --workdir "$workdir" $STOWAGE_RUNTIME_OPTS "$image" ${args}`,
      ];
    case 'podman':
      return [
        // Rootless Podman maps the user in with keep-id; as root, the user is named outright.
        'if [ "$(id -u)" -eq 0 ]; then who=(--user 0:0); else who=(--userns=keep-id); fi',
        `exec podman run --rm${gpu ? ' --device nvidia.com/gpu=all' : ''} "\${who[@]}" --volume "$workdir:$workdir" --workdir "$workdir" $STOWAGE_RUNTIME_OPTS "$image" ${args}`,
      ];
    case 'charliecloud':
      // ch-run starts no entrypoint and pulls nothing: pull into the storage, then call it.
      return [
        'ch-image pull "$image" >/dev/null',
        // ch-run mounts $TMPDIR at /tmp: a workflow folder under the host's /tmp is reachable
        // (and bindable) only when that mount is the host's /tmp.
        'case "$workdir" in /tmp/*) unset TMPDIR ;; esac',
        `exec ch-run --bind "$workdir:$workdir" --cd "$workdir" $STOWAGE_RUNTIME_OPTS "$image" -- /bin/sh ${ENTRYPOINT} ${args}`,
      ];
  }
}

function sbatchScript(
  input: ExportInput,
  step: Step,
  image: StepImage,
  runtime: SlurmRuntime,
  file: string,
): string {
  const gpu = positiveInt(step.resources?.gpus);
  // A stowage step runs through the entrypoint by name; an engine's step needs its own command.
  const stowage = input.workflow.format === 'stowage';
  const args = stowage ? `${shellQuote(step.id)} "$@"` : '"$@"';
  const folders = outputFolders(step);
  return [
    '#!/usr/bin/env bash',
    ...sbatchDirectives(step),
    shellComment(
      `Generated by Stowage: step ${JSON.stringify(step.id)} of workflow ${JSON.stringify(input.workflow.name)} in its image, with ${runtime}.`,
    ),
    `# ${image.pinned === 'digest' ? 'Pinned by digest.' : 'Pinned by tag only (no digest was available).'}`,
    shellComment(
      stowage
        ? `Submit with ${SUBMIT_SCRIPT} (it orders the steps and sets the working folder), or: sbatch --chdir <workflow folder> ${file}`
        : `Pass the step's command as arguments: sbatch --chdir <workflow folder> ${file} <command> [args…]`,
    ),
    '# Extra runtime options (e.g. binds for data outside the workflow folder): STOWAGE_RUNTIME_OPTS.',
    'set -euo pipefail',
    `image=${shellQuote(image.ref)}`,
    'workdir="$PWD"',
    ': "${STOWAGE_RUNTIME_OPTS:=}"',
    ...(folders.length > 0 ? [`mkdir -p ${folders.map(shellQuote).join(' ')}`] : []),
    '# shellcheck disable=SC2086 # STOWAGE_RUNTIME_OPTS is split into words on purpose',
    ...runtimeCommand(runtime, gpu, args),
    '',
  ].join('\n');
}

/**
 * Steps in an order where each comes after the steps whose outputs it reads (document order
 * else); undefined with the loop when they depend on each other in one.
 */
function dependencyOrder(
  workflow: Workflow,
): { order: Step[]; after: Map<string, string[]> } | { loop: string } {
  const graph = buildGraph(workflow);
  if (graph.cycles.length > 0) {
    return { loop: graph.cycles[0]!.map((e) => e.from).join(' → ') };
  }
  const after = new Map<string, string[]>();
  for (const step of workflow.steps) {
    after.set(step.id, [...new Set((graph.upstream.get(step.id) ?? []).map((e) => e.from))]);
  }
  const done = new Set<string>();
  const order: Step[] = [];
  const visit = (step: Step): void => {
    if (done.has(step.id)) return;
    done.add(step.id);
    for (const dep of after.get(step.id) ?? []) visit(graph.steps.get(dep)!);
    order.push(step);
  };
  for (const step of workflow.steps) visit(step);
  return { order, after };
}

function submitScript(
  input: ExportInput,
  steps: readonly Step[],
  after: Map<string, string[]>,
  outDir: string,
  files: ReadonlyMap<string, string>,
): string {
  const workflowDir = posix.dirname(input.workflow.file.replace(/\\/g, '/'));
  const relative = posix.relative(outDir, workflowDir === '' ? '.' : workflowDir) || '.';
  const variable = new Map(steps.map((s, i) => [s.id, `job_${i + 1}`]));
  const lines = [
    '#!/usr/bin/env bash',
    shellComment(
      `Generated by Stowage: submits every step of workflow ${JSON.stringify(input.workflow.name)} to Slurm in dependency order.`,
    ),
    shellComment(
      `Use: bash ${posix.join(outDir, SUBMIT_SCRIPT)}   (from anywhere; STOWAGE_WORKDIR overrides the workflow's folder,`,
    ),
    "# e.g. its path on the cluster's shared file system). Extra sbatch options: STOWAGE_SBATCH_OPTS.",
    'set -euo pipefail',
    'here="$(cd "$(dirname "$0")" && pwd)"',
    `workdir="\${STOWAGE_WORKDIR:-$(cd "$here"/${shellQuote(relative)} && pwd)}"`,
    ': "${STOWAGE_SBATCH_OPTS:=}"',
    '# A job whose dependency failed is cancelled, not left pending for ever.',
    '# shellcheck disable=SC2086 # STOWAGE_SBATCH_OPTS is split into words on purpose',
    'submit() { sbatch --parsable --kill-on-invalid-dep=yes --chdir "$workdir" $STOWAGE_SBATCH_OPTS "$@" | cut -d";" -f1; }',
  ];
  for (const step of steps) {
    const deps = (after.get(step.id) ?? []).filter((d) => variable.has(d));
    const dependency =
      deps.length > 0
        ? `--dependency=afterok:${deps.map((d) => `$${variable.get(d)}`).join(':')} `
        : '';
    lines.push(
      `${variable.get(step.id)}=$(submit ${dependency}"$here"/${shellQuote(files.get(step.id)!)})  ${shellComment(step.id)}`,
    );
  }
  lines.push(
    `echo "submitted ${steps.length} job(s): ${steps.map((s) => `${s.id.replace(/[^A-Za-z0-9_.-]/g, '_')}=$${variable.get(s.id)}`).join(' ')}"`,
    '',
  );
  return lines.join('\n');
}

export function exportSlurm(input: ExportInput): ExportResult {
  const { steps: candidates, skipped } = exportableSteps(input);
  const steps = candidates.filter((c) => {
    try {
      sbatchDirectives(c.step);
      return true;
    } catch (error) {
      if (!(error instanceof SlurmRangeError)) throw error;
      skipped.push({ step: c.step.id, reason: error.message });
      return false;
    }
  });
  const runtime = input.slurmRuntime ?? 'apptainer';
  const outDir = input.outDir ?? '.stowage/export/slurm';
  const pinning = pinningOf(steps.map((s) => s.image));
  const files: Record<string, string> = {};
  const names = scriptNames(steps.map((s) => s.step));
  for (const { step, image } of steps)
    files[names.get(step.id)!] = sbatchScript(input, step, image, runtime, names.get(step.id)!);
  const exported = new Set(steps.map((s) => s.step.id));
  const stowage = input.workflow.format === 'stowage';
  if (stowage && steps.length > 0) {
    const ordered = dependencyOrder(input.workflow);
    const missing =
      'loop' in ordered ? [] : ordered.order.filter((s) => !exported.has(s.id)).map((s) => s.id);
    if ('loop' in ordered) {
      skipped.push({
        step: ordered.loop,
        reason: `no ${SUBMIT_SCRIPT}: these steps depend on each other in a loop (see STW102)`,
      });
    } else if (missing.length === 0) {
      files[SUBMIT_SCRIPT] = submitScript(input, ordered.order, ordered.after, outDir, names);
    } else {
      skipped.push({
        step: missing.join(', '),
        reason: `no ${SUBMIT_SCRIPT}: these steps are not exported (see their reasons), so the workflow cannot run whole`,
      });
    }
  }
  return {
    engine: 'slurm',
    files,
    pinning,
    steps: steps.map((s) => s.step.id),
    skipped,
    usage: files[SUBMIT_SCRIPT]
      ? `bash ${posix.join(outDir, SUBMIT_SCRIPT)} (${runtime}) — ${pinningSentence(pinning)}`
      : `sbatch --chdir <workflow folder> <step>.sbatch <command> (${runtime}) — ${pinningSentence(pinning)}`,
  };
}
