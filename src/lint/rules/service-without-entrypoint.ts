/** STW408 service-without-entrypoint: a service step with no entrypoint. */
import { defineRule } from '../rule.js';

export default defineRule('STW408', (ctx) => {
  for (const step of ctx.workflow.steps) {
    if (!step.service || (step.entrypoint?.length ?? 0) > 0) continue;
    ctx.report(
      ['steps', step.id, 'service'],
      `Service step "${step.id}" has no entrypoint, so its image cannot be started as a service. ` +
        `Add \`entrypoint:\` with the command that starts it, as an array ` +
        `(e.g. [uvicorn, app:api, --port, "8080"]).`,
    );
  }
});
