/**
 * STW101 unknown-reference: a step input that names no workflow input and no step output, or a
 * desired output that names no step output. Messages suggest the closest existing name.
 */
import { NameIndex, SuggestionBudget } from '../../common/suggest.js';
import type { DependencyGraph } from '../../workflow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule('STW101', (ctx) => {
  const { graph } = ctx;
  const names = new KnownNames(graph);
  for (const step of ctx.workflow.steps) {
    for (const ref of graph.references.get(step.id) ?? []) {
      if (ref.kind !== 'unknown') continue;
      const message =
        ref.reason === 'no-input'
          ? `names no workflow input and no step output.` +
            (suggest(ref.raw, names.inputsThenOutputs()) ??
              ` Declare it under \`inputs:\`, or write <step>.<output> to use a step's result.`)
          : whatIsMissing(graph, names, ref.step!, ref.output!, true);
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
              (suggest(output!, names.inputs()) ?? ` Declare it under \`inputs:\`.`)
          : graph.steps.get(name!) && Object.hasOwn(graph.steps.get(name!)!.outputs, output!)
            ? undefined
            : whatIsMissing(graph, names, name!, output!, false);
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
        whatIsMissing(graph, names, desired.step, desired.output, false),
    );
  }
});

const PLACEHOLDER = /\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\}/g;

/** A step's outputs named in a message: the first few, then how many in all. */
const OUTPUTS_NAMED = 10;

/** Why `step.output` resolves to nothing, and the closest name that would. */
function whatIsMissing(
  graph: DependencyGraph,
  names: KnownNames,
  step: string,
  output: string,
  inputsAllowed: boolean,
): string {
  const producer = graph.steps.get(step);
  if (!producer) {
    return (
      `names step "${step}", which does not exist.` +
      (suggest(`${step}.${output}`, inputsAllowed ? names.outputsThenInputs() : names.outputs()) ??
        suggest(step, names.steps()) ??
        ` Name an output of an existing step as <step>.<output>.`)
    );
  }
  const outputs = Object.keys(producer.outputs);
  const listed = outputs.slice(0, OUTPUTS_NAMED).map((o) => `"${o}"`);
  if (outputs.length > OUTPUTS_NAMED) listed.push(`… (${outputs.length} outputs in all)`);
  const has = outputs.length > 0 ? `it has ${listed.join(', ')}` : 'it declares no outputs';
  const near = names.outputsOf(step).closest(output);
  return (
    `names output "${output}" of step "${step}", but ${has}.` +
    (near !== undefined
      ? ` Did you mean "${step}.${near}"?`
      : ` Declare "${output}" under the outputs of "${step}".`)
  );
}

/**
 * The names a reference may have meant to write, each list indexed once per lint run (not once
 * per unknown reference), all sharing one work budget: a spec with thousands of unknown
 * references costs a bounded amount of "did you mean".
 */
class KnownNames {
  private readonly budget = new SuggestionBudget();
  private readonly indexes = new Map<string, NameIndex>();

  constructor(private readonly graph: DependencyGraph) {}

  inputs(): NameIndex {
    return this.index('inputs', () => this.graph.inputs);
  }

  outputs(): NameIndex {
    return this.index('outputs', () => this.everyOutput());
  }

  /** Workflow inputs, then every `step.output` (the order decides between equally close names). */
  inputsThenOutputs(): NameIndex {
    return this.index('inputs, outputs', () => [...this.graph.inputs, ...this.everyOutput()]);
  }

  outputsThenInputs(): NameIndex {
    return this.index('outputs, inputs', () => [...this.everyOutput(), ...this.graph.inputs]);
  }

  steps(): NameIndex {
    return this.index('steps', () => this.graph.steps.keys());
  }

  /** The output names of one step. */
  outputsOf(step: string): NameIndex {
    return this.index(`outputs of ${step}`, () =>
      Object.keys(this.graph.steps.get(step)?.outputs ?? {}),
    );
  }

  private index(key: string, names: () => Iterable<string>): NameIndex {
    let index = this.indexes.get(key);
    if (!index) {
      index = new NameIndex(names(), this.budget);
      this.indexes.set(key, index);
    }
    return index;
  }

  private everyOutput(): string[] {
    return [...this.graph.steps.values()].flatMap((s) =>
      Object.keys(s.outputs).map((o) => `${s.id}.${o}`),
    );
  }
}

function suggest(word: string, names: NameIndex): string | undefined {
  const near = names.closest(word);
  return near === undefined ? undefined : ` Did you mean "${near}"?`;
}
