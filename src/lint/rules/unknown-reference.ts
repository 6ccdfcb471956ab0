/**
 * STW101 unknown-reference: a step input that names no workflow input and no step output, or a
 * desired output that names no step output. Messages suggest the closest existing name.
 */
import { closest } from '../../common/suggest.js';
import type { DependencyGraph } from '../../workflow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule('STW101', (ctx) => {
  const { graph } = ctx;
  for (const step of ctx.workflow.steps) {
    for (const ref of graph.references.get(step.id) ?? []) {
      if (ref.kind !== 'unknown') continue;
      const message =
        ref.reason === 'no-input'
          ? `names no workflow input and no step output.` +
            (suggest(ref.raw, [...graph.inputs, ...everyOutput(graph)]) ??
              ` Declare it under \`inputs:\`, or write <step>.<output> to use a step's result.`)
          : whatIsMissing(graph, ref.step!, ref.output!, true);
      ctx.report(
        ['steps', step.id, 'inputs', ref.index],
        `Step "${step.id}" input "${ref.raw}" ${message}`,
      );
    }
  }
  // `{inputs.x}` and `{step.output}` in a command are replaced by the declared paths when the
  // image is planned; one that names nothing would reach the shell as literal text. (Imported
  // commands use their engine's own placeholders, such as Snakemake's `{input.reads}`.)
  const ownCommands = ctx.workflow.format === 'stowage' ? ctx.workflow.steps : [];
  for (const step of ownCommands) {
    for (const [, name, output] of (step.run ?? '').matchAll(PLACEHOLDER)) {
      const message =
        name === 'inputs'
          ? graph.inputs.has(output!)
            ? undefined
            : `names no workflow input "${output}".` +
              (suggest(output!, graph.inputs) ?? ` Declare it under \`inputs:\`.`)
          : graph.steps.get(name!) && Object.hasOwn(graph.steps.get(name!)!.outputs, output!)
            ? undefined
            : whatIsMissing(graph, name!, output!, false);
      if (message) {
        ctx.report(
          ['steps', step.id, 'run'],
          `Step "${step.id}" command placeholder "{${name}.${output}}" ${message}`,
        );
      }
    }
  }
  for (const desired of ctx.workflow.outputs) {
    const producer = graph.steps.get(desired.step);
    if (producer && Object.hasOwn(producer.outputs, desired.output)) continue;
    ctx.report(
      ['outputs', desired.name],
      `Desired output "${desired.name}" (${desired.step}.${desired.output}) ` +
        whatIsMissing(graph, desired.step, desired.output, false),
    );
  }
});

const PLACEHOLDER = /\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\}/g;

/** Why `step.output` resolves to nothing, and the closest name that would. */
function whatIsMissing(
  graph: DependencyGraph,
  step: string,
  output: string,
  inputsAllowed: boolean,
): string {
  const producer = graph.steps.get(step);
  if (!producer) {
    const candidates = [...everyOutput(graph), ...(inputsAllowed ? graph.inputs : [])];
    return (
      `names step "${step}", which does not exist.` +
      (suggest(`${step}.${output}`, candidates) ??
        suggest(step, graph.steps.keys()) ??
        ` Name an output of an existing step as <step>.<output>.`)
    );
  }
  const outputs = Object.keys(producer.outputs);
  const has =
    outputs.length > 0
      ? `it has ${outputs.map((o) => `"${o}"`).join(', ')}`
      : 'it declares no outputs';
  const near = closest(output, outputs);
  return (
    `names output "${output}" of step "${step}", but ${has}.` +
    (near !== undefined
      ? ` Did you mean "${step}.${near}"?`
      : ` Declare "${output}" under the outputs of "${step}".`)
  );
}

function everyOutput(graph: DependencyGraph): string[] {
  return [...graph.steps.values()].flatMap((s) =>
    Object.keys(s.outputs).map((o) => `${s.id}.${o}`),
  );
}

function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const near = closest(word, candidates);
  return near === undefined ? undefined : ` Did you mean "${near}"?`;
}
