/**
 * STW103 duplicate-output: two step outputs that write the same path. Not between alternatives
 * (steps of which the engine runs one per file, e.g. Snakemake rules with the same output), and
 * not for paths an engine computes at run time (CWL `$(…)` / `${…}` expressions): those cannot be
 * compared as written.
 */
import { defineRule } from '../rule.js';

export default defineRule('STW103', (ctx) => {
  const writers = new Map<string, { step: string; output: string; alternatives: string[] }[]>();
  for (const step of ctx.workflow.steps) {
    for (const [output, path] of Object.entries(step.outputs)) {
      if (/\$[({]/.test(path)) continue;
      const key = normalizePath(path);
      const earlier = writers.get(key) ?? [];
      writers.set(key, [
        ...earlier,
        { step: step.id, output, alternatives: step.alternatives ?? [] },
      ]);
      const first = earlier.find(
        (w) =>
          w.step === step.id ||
          (!w.alternatives.includes(step.id) && !(step.alternatives ?? []).includes(w.step)),
      );
      if (!first) continue;
      const other =
        first.step === step.id
          ? `output "${first.output}" of the same step`
          : `step "${first.step}" (output "${first.output}")`;
      ctx.report(
        ['steps', step.id, 'outputs', output],
        `Step "${step.id}" output "${output}" writes ${path}, which ${other} also writes; ` +
          `one would overwrite the other. Give each output its own path.`,
      );
    }
  }
});

/** `./work//grid.zarr/` and `work/grid.zarr` are the same path. */
function normalizePath(path: string): string {
  return path
    .trim()
    .replace(/\/+/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/(\/\.)+(?=\/|$)/g, '')
    .replace(/\/$/, '');
}
