/** STW102 cycle: steps that depend on each other in a loop. */
import { defineRule } from '../rule.js';

export default defineRule('STW102', (ctx) => {
  for (const loop of ctx.graph.cycles) {
    // Point at the input that closes the loop into its first step (in document order).
    const closing = loop[loop.length - 1]!;
    const path = [loop[0]!.from, ...loop.map((e) => e.to)].map((s) => `"${s}"`).join(' → ');
    const edges = loop.map((e) => `"${e.to}" reads ${e.from}.${e.output}`).join(', ');
    const message =
      loop.length === 1
        ? `Step "${closing.to}" reads its own output ${closing.from}.${closing.output}, a loop. ` +
          `Read the earlier data as a workflow input instead.`
        : `Steps form a loop: ${path} (${edges}). ` +
          `Break it by splitting a step or reading the earlier data as a workflow input.`;
    ctx.report(['steps', closing.to, 'inputs', closing.index], message);
  }
});
