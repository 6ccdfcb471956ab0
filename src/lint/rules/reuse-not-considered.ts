/** STW409 reuse-not-considered: `based-on` is missing. */
import { defineRule } from '../rule.js';

export default defineRule('STW409', (ctx) => {
  if (ctx.workflow.basedOn !== undefined && ctx.workflow.basedOn.trim() !== '') return;
  ctx.reportMissing(
    ['based-on'],
    `Workflow "${ctx.workflow.name}" does not say whether it adapts an existing workflow. ` +
      `Look for one first (nf-core, WorkflowHub, a colleague's), then record it under ` +
      `\`based-on:\`, or write \`based-on: none\` after looking.`,
  );
});
