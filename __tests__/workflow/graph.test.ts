/** The shared dependency graph: references, producers and consumers, and loops. */
import { describe, expect, it } from '@jest/globals';
import { buildGraph } from '../../src/workflow/graph.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { emptySoftware, type Step, type Workflow } from '../../src/workflow/model.js';
import { RecordedSource } from '../../src/workflow/importers/locator.js';
import { yaml } from '../lint/helpers.js';

function graphOf(...steps: string[]) {
  const text = yaml(
    'version: 1',
    'name: w',
    'inputs: { raw: { path: r } }',
    'steps:',
    ...steps.map((s) => `  ${s}`),
  );
  return buildGraph(loadSpecText(text, 'f.yml').workflow!);
}

describe('buildGraph', () => {
  it('resolves inputs, outputs and unknown references', () => {
    const graph = graphOf(
      'a: { inputs: [raw], outputs: { o: a } }',
      'b: { inputs: [a.o, a.x, z.o, nope], outputs: { o: b } }',
    );
    expect(
      graph.references.get('b')!.map((r) => [r.kind, r.kind === 'unknown' ? r.reason : '']),
    ).toEqual([
      ['output', ''],
      ['unknown', 'no-output'],
      ['unknown', 'no-step'],
      ['unknown', 'no-input'],
    ]);
    expect(graph.readersOf.get('raw')).toEqual(['a']);
    expect(graph.consumersOf.get('a.o')!.map((e) => e.to)).toEqual(['b']);
    expect(graph.upstream.get('b')!.map((e) => e.from)).toEqual(['a']);
    expect(graph.cycles).toEqual([]);
  });

  it('finds each loop once, in order, starting from its first step in the document', () => {
    const graph = graphOf(
      'x: { outputs: { o: x } }',
      'c: { inputs: [b.o], outputs: { o: c } }',
      'a: { inputs: [c.o, x.o], outputs: { o: a } }',
      'b: { inputs: [a.o], outputs: { o: b } }',
      'd: { inputs: [d.o], outputs: { o: d } }',
    );
    expect(graph.cycles.map((loop) => loop.map((e) => `${e.from}->${e.to}`))).toEqual([
      ['c->a', 'a->b', 'b->c'],
      ['d->d'],
    ]);
  });

  it('survives a long loop without recursion limits', () => {
    const n = 20000;
    const steps: Step[] = Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      inputs: [`s${(i + n - 1) % n}.o`],
      outputs: { o: `f${i}` },
      software: emptySoftware(),
      container: 'auto',
      service: false,
    }));
    const source = new RecordedSource('f.yml');
    const workflow: Workflow = {
      version: 1,
      name: 'w',
      inputs: [],
      outputs: [],
      containers: { baseImages: {}, groups: [], packageSizes: {} },
      steps,
      file: 'f.yml',
      format: 'stowage',
      source,
    };
    const graph = buildGraph(workflow);
    expect(graph.cycles).toHaveLength(1);
    expect(graph.cycles[0]).toHaveLength(n);
  });
});
