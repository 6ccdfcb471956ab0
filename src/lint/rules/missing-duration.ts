/** STW203 missing-duration: a step with no expected processing time. */
import { defineRule } from '../rule.js';

export default defineRule('STW203', (ctx) => {
  for (const step of ctx.workflow.steps) {
    // A service runs until stopped: it has no processing time per run.
    if (step.duration !== undefined || step.service) continue;
    ctx.reportMissing(
      ['steps', step.id, 'duration'],
      `Step "${step.id}" gives no expected processing time. Add \`duration:\` (e.g. \`40m\`) ` +
        `so its size, its requested time and the automation's worth can be judged.`,
    );
  }
});
