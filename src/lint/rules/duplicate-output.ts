/**
 * STW103 duplicate-output: two step outputs that write the same path. Not between alternatives
 * (steps of which the engine runs one per file, e.g. Snakemake rules with the same output), and
 * not for paths an engine computes at run time (CWL `$(…)` / `${…}` expressions): those cannot be
 * compared as written.
 */
import { defineRule } from '../rule.js';

export default defineRule('STW103', (ctx) => {
  const writers = new Map<string, PathWriters>();
  let position = 0;
  for (const step of ctx.workflow.steps) {
    const alternatives = new Set(step.alternativeOutputs);
    for (const [output, path] of Object.entries(step.outputs)) {
      if (/\$[({]/.test(path)) continue;
      const writer = { step: step.id, output, alternative: alternatives.has(output), position };
      position += 1;
      const key = normalizePath(path);
      const earlier = writers.get(key);
      if (!earlier) {
        writers.set(key, {
          first: writer,
          ...(writer.alternative ? {} : { firstPlain: writer }),
          byStep: new Map([[step.id, writer]]),
        });
        continue;
      }
      const first = firstClash(earlier, writer);
      if (!earlier.firstPlain && !writer.alternative) earlier.firstPlain = writer;
      if (!earlier.byStep.has(step.id)) earlier.byStep.set(step.id, writer);
      if (!first) continue;
      const other =
        first.step === step.id
          ? `output "${first.output}" of the same step`
          : `step "${first.step}" (output "${first.output}")`;
      ctx.report(
        ['steps', step.id, 'outputs', output],
        `Step "${step.id}" output "${output}" writes ${path}, which ${other} also writes; ` +
          `one would overwrite the other. Give each output its own path.`,
      );
    }
  }
});

interface Writer {
  step: string;
  output: string;
  /** An output other steps make too, of which the engine runs one per file. */
  alternative: boolean;
  /** Order among all outputs: the earliest clash is named. */
  position: number;
}

/** The writers of one path so far, kept so that each new writer is checked in constant time. */
interface PathWriters {
  first: Writer;
  /** The first writer that is no alternative: it clashes with every later one. */
  firstPlain?: Writer;
  /** Each step's first writer: a step clashes with itself. */
  byStep: Map<string, Writer>;
}

/**
 * The earliest writer of the path that `writer` clashes with: any, unless both are alternatives
 * (outputs of which the engine runs one per file) of different steps.
 */
function firstClash(earlier: PathWriters, writer: Writer): Writer | undefined {
  if (!writer.alternative) return earlier.first;
  const candidates = [earlier.firstPlain, earlier.byStep.get(writer.step)].filter(
    (w): w is Writer => w !== undefined,
  );
  return candidates.sort((a, b) => a.position - b.position)[0];
}

/** `./work//grid.zarr/` and `work/grid.zarr` are the same path. */
function normalizePath(path: string): string {
  return path
    .trim()
    .replace(/\/+/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/(\/\.)+(?=\/|$)/g, '')
    .replace(/\/$/, '');
}
