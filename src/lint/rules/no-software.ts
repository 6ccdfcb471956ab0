/**
 * STW401 no-software: a step that declares no software and no container. Not for work the engine
 * does itself (a CWL ExpressionTool, a Nextflow `exec:` block), nor for a step whose software the
 * import could not read (it said so once, e.g. a Snakemake wrapper it could not fetch).
 */
import { familyOf, pinnedGroupNames } from '../../software/family.js';
import { defineRule } from '../rule.js';
import { readScript } from '../../workflow/shell.js';
import { importerOf } from '../../workflow/importers/formats.js';

export default defineRule('STW401', (ctx) => {
  const pinned = pinnedGroupNames(ctx.workflow);
  const pinnedBase = new Map(ctx.workflow.containers.groups.map((g) => [g.name, g.base]));
  for (const step of ctx.workflow.steps) {
    if (familyOf(step, pinned).family !== 'none') continue;
    if (step.runsIn === 'engine' || step.softwareUnknown !== undefined) continue;
    // A step pinned to a group with its own base image takes its software from that image.
    if (pinnedBase.get(step.container) !== undefined) continue;
    // The tools the shell parser finds (never a comment or a built-in); a script whose tool it
    // cannot see (a variable, `bash -c`, `timeout …`) still needs software: no hint, same finding.
    const tools = step.run === undefined ? [] : readScript(step.run).tools;
    const named = tools.slice(0, 3).map((t) => `"${t}"`);
    const hint =
      named.length > 0
        ? ` (\`run\` calls ${named.join(', ')}${tools.length > 3 ? ', …' : ''})`
        : '';
    ctx.reportMissing(
      ['steps', step.id, 'software'],
      `Step "${step.id}" declares no software and no container image, so its image would hold ` +
        `only the base system${hint}. ${importerOf(ctx.workflow.format).declareSoftware}`,
    );
  }
});
