/** STW105 no-desired-output: the workflow declares no outputs. */
import { defineRule } from '../rule.js';

export default defineRule('STW105', (ctx) => {
  if (ctx.workflow.outputs.length > 0) return;
  const last = ctx.workflow.steps[ctx.workflow.steps.length - 1];
  const firstOutput = last ? Object.keys(last.outputs)[0] : undefined;
  const example =
    last && firstOutput ? ` (e.g. \`${firstOutput}: ${last.id}.${firstOutput}\`)` : '';
  ctx.reportMissing(
    ['outputs'],
    `Workflow "${ctx.workflow.name}" declares no desired outputs, so nothing says what it is for. ` +
      `Name its results under \`outputs:\` as <name>: <step>.<output>${example}.`,
  );
});
