/**
 * The commands each step is known to call — what its image must provide: the programs its `run`
 * starts (read by the shell parser: names looked up on PATH and absolute paths, in every branch,
 * past wrappers), or its entrypoint's program. Every built image is checked for them from the
 * inside (the smoke test of the entrypoint, docs/build.md), and an absolute path the base does not
 * have is linked to the program of that name (BioContainers images keep tools in /usr/local/bin).
 *
 * Left out: commands the engine puts on PATH itself (Nextflow's `bin/` scripts), files of the
 * working folder (relative paths), expansions, and the script's own functions.
 */
import { readScript } from '../workflow/shell.js';
import type { Step, Workflow } from '../workflow/model.js';

/** A path a link may be made at: absolute, plain words, no `..`. */
const LINKABLE = /^\/(?:[\w.+-]+\/)*[\w.+-]+$/;

export function stepCommands(step: Step, workflow: Pick<Workflow, 'engineCommands'>): string[] {
  const fromEngine = new Set(workflow.engineCommands ?? []);
  const programs =
    step.entrypoint && step.entrypoint.length > 0
      ? [step.entrypoint[0]!]
      : step.run && step.run.trim() !== ''
        ? readScript(step.run).programs
        : [];
  return [...new Set(programs)].filter(
    (p) => !fromEngine.has(p) && (p.startsWith('/') ? LINKABLE.test(p) : !p.includes('/')),
  );
}

/** The absolute paths among a group's commands, sorted: the image links each to its program. */
export function absoluteCommands(commands: Readonly<Record<string, readonly string[]>>): string[] {
  return [...new Set(Object.values(commands).flat())].filter((c) => c.startsWith('/')).sort();
}
