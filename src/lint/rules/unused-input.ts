/** STW106 unused-input: a declared workflow input no step reads. */
import { defineRule } from '../rule.js';

export default defineRule('STW106', (ctx) => {
  for (const input of ctx.workflow.inputs) {
    if ((ctx.graph.readersOf.get(input.name)?.length ?? 0) > 0) continue;
    ctx.report(
      ['inputs', input.name],
      `Workflow input "${input.name}" is read by no step. ` +
        `Add "${input.name}" to the \`inputs\` of the step that needs it, or remove it.`,
      'key',
    );
  }
});
