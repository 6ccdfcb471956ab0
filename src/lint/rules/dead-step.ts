/** STW104 dead-step: a step whose outputs feed nothing and are no desired output. */
import { outputKey } from '../../workflow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule('STW104', (ctx) => {
  const { workflow, graph } = ctx;
  // Without desired outputs every last step would be "dead"; STW105 reports the real problem.
  if (workflow.outputs.length === 0) return;
  for (const step of workflow.steps) {
    if (step.service) continue;
    const outputs = Object.keys(step.outputs);
    const used = outputs.some((o) => {
      const key = outputKey(step.id, o);
      return graph.desired.has(key) || (graph.consumersOf.get(key)?.length ?? 0) > 0;
    });
    if (used) continue;
    const message =
      outputs.length === 0
        ? `Step "${step.id}" declares no outputs, so nothing can use its work. ` +
          `Declare what it produces under \`outputs:\` and use it, or remove the step.`
        : `Step "${step.id}" produces ${outputs.map((o) => `${step.id}.${o}`).join(', ')}, ` +
          `but no step reads ${outputs.length === 1 ? 'it' : 'them'} and no desired output names ` +
          `${outputs.length === 1 ? 'it' : 'them'}. Add it to the workflow \`outputs:\`, ` +
          `feed it to a step, or remove the step.`;
    ctx.report(['steps', step.id], message, 'key');
  }
});
