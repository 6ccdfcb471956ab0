/** STW503 duration-exceeds-time: the expected duration is longer than the requested time. */
import { formatDuration } from '../../common/units.js';
import { defineRule } from '../rule.js';

export default defineRule('STW503', (ctx) => {
  for (const step of ctx.workflow.steps) {
    const time = step.resources?.time;
    if (step.duration === undefined || time === undefined || step.duration <= time) continue;
    ctx.report(
      ['steps', step.id, 'duration'],
      `Step "${step.id}" is expected to take ${formatDuration(step.duration)}, longer than its ` +
        `requested time of ${formatDuration(time)}; the scheduler would kill it before it ends. ` +
        `Raise \`resources.time\` above ${formatDuration(step.duration)} with a margin, or split the step.`,
    );
  }
});
