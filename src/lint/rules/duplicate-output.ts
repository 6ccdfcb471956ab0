/** STW103 duplicate-output: two step outputs that write the same path. */
import { defineRule } from '../rule.js';

export default defineRule('STW103', (ctx) => {
  const firstWriter = new Map<string, { step: string; output: string }>();
  for (const step of ctx.workflow.steps) {
    for (const [output, path] of Object.entries(step.outputs)) {
      const key = normalizePath(path);
      const first = firstWriter.get(key);
      if (!first) {
        firstWriter.set(key, { step: step.id, output });
        continue;
      }
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
