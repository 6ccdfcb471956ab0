/**
 * STW201 step-too-big: one step mixing language runtimes, calling many tools, or chaining many
 * commands. Such a step forces one image to hold everything and cannot be rerun, resourced or
 * cached piece by piece. Commands are read by a shell parser (shell.ts): shell built-ins, base
 * utilities and heredoc bodies do not count, and of alternative branches only the largest.
 */
import type { Software } from '../../workflow/model.js';
import { defineRule } from '../rule.js';
import { readScript } from '../../workflow/shell.js';

/** Language runtimes and the `software` keys that imply them (apt/build/files go with any). */
const RUNTIMES: readonly { runtime: string; keys: readonly (keyof Software)[] }[] = [
  { runtime: 'Python', keys: ['python', 'pip'] },
  { runtime: 'R', keys: ['r', 'cran', 'bioconductor'] },
  { runtime: 'Java', keys: ['java', 'maven'] },
  { runtime: 'Node.js', keys: ['npm'] },
];

export default defineRule('STW201', (ctx) => {
  const maxTools = ctx.settings['step-too-big-max-tools'];
  const maxCommands = ctx.settings['step-too-big-max-commands'];
  for (const step of ctx.workflow.steps) {
    const runtimes = runtimesOf(step.software);
    if (runtimes.length > 1) {
      const parts = runtimes.map((r) => `${r.runtime} (${r.keys.join(', ')})`).join(' and ');
      const names = runtimes.map((r) => `"${step.id}-${slug(r.runtime)}"`).join(' and ');
      ctx.report(
        ['steps', step.id, 'software'],
        `Step "${step.id}" mixes runtimes: ${parts}; one image would have to hold all of them. ` +
          `Split it into one step per runtime, e.g. ${names}, passing data between them as outputs.`,
        'key',
      );
    }
    if (step.run === undefined) continue;
    const { commands, tools } = readScript(step.run);
    if (tools.length <= maxTools && commands <= maxCommands) continue;
    const what =
      tools.length > maxTools
        ? `calls ${tools.length} tools (${tools.join(', ')}; at most ${maxTools} advised)`
        : `chains ${commands} tool commands (at most ${maxCommands} advised)`;
    const split =
      tools.length > 1
        ? `Split it into steps with one tool each (${tools.map((t) => `"${t}"`).join(', ')}) ` +
          `and pass files between them as outputs`
        : `Move the sequence into a script listed under \`software.files\`, or split it into steps`;
    ctx.report(['steps', step.id, 'run'], `Step "${step.id}" ${what}. ${split}.`);
  }
});

function runtimesOf(software: Software): { runtime: string; keys: string[] }[] {
  return RUNTIMES.flatMap(({ runtime, keys }) => {
    const used = keys.filter((k) => {
      const value = software[k];
      return Array.isArray(value) ? value.length > 0 : value !== undefined;
    });
    return used.length > 0 ? [{ runtime, keys: used }] : [];
  });
}

function slug(runtime: string): string {
  return runtime.toLowerCase().replace(/[^a-z0-9]+/g, '');
}
