/**
 * CWL files are read as cwltool's loader (ruamel.yaml) reads them: flow sequences, flow mappings
 * and quoted scalars whose continuation lines are indented no deeper than their key — refused by
 * the YAML spec, accepted by cwltool — give the values ruamel.yaml gives (noted here from it),
 * and a workflow written that way imports without STW420. (cwltool-keys.test.ts loads the same
 * fixture through cwltool itself.)
 */
import { parse } from 'yaml';
import { relaxFlowIndentation } from '../../src/workflow/importers/yaml-lenient.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';

describe('YAML as cwltool reads it', () => {
  it.each([
    [
      'a flow sequence at its key',
      'baseCommand: [\nsamtools,\nindex\n]\n',
      { baseCommand: ['samtools', 'index'] },
    ],
    [
      'a nested flow sequence',
      'a:\n  b: [\n  x,\n  y\n  ]\nc: 1\n',
      { a: { b: ['x', 'y'] }, c: 1 },
    ],
    [
      'a flow mapping',
      'steps:\n  s:\n    in: {\n    a: b\n    }\n',
      { steps: { s: { in: { a: 'b' } } } },
    ],
    [
      'in a compact sequence',
      'steps:\n  - id: x\n    in: [\n    a\n    ]\n',
      { steps: [{ id: 'x', in: ['a'] }] },
    ],
    [
      'a single-quoted scalar',
      "x:\n    doc: '\n    fusion genome dir\n    '\n    y: 1\n",
      { x: { doc: ' fusion genome dir ', y: 1 } },
    ],
    [
      'an expression closing at its key',
      'a:\n    valueFrom: \'${\n        var p = self;\n        return p + "x";\n    }\'\n    b: [c]\n',
      { a: { valueFrom: '${ var p = self; return p + "x"; }', b: ['c'] } },
    ],
  ])('%s', (_name, text, value) => {
    expect(() => parse(text)).toThrow(); // the YAML spec refuses it…
    expect(parse(relaxFlowIndentation(text)!)).toEqual(value); // …cwltool reads this
  });

  it.each([
    ['a block scalar', "a: |\n  [ not flow\n  'nor quote\nb: 1\n"],
    ['flow and quotes on one line', "a: [x, y]\nb: 'it''s'\nc: \"q\\\"\"\n"],
  ])('leaves %s alone', (_name, text) => {
    expect(relaxFlowIndentation(text)).toBeUndefined();
  });

  it('imports a workflow written that way, with no STW420', () => {
    const result = importWorkflow('__tests__/fixtures/cwl/lenient');
    expect(result.findings.filter((f) => f.rule === 'STW420')).toEqual([]);
    expect(result.workflow!.steps).toEqual([
      expect.objectContaining({
        id: 'sort',
        run: 'samtools sort sorted.bam',
        inputs: ['reads'],
        outputs: { sorted: 'sort/sorted.bam' },
      }),
    ]);
    expect(result.workflow!.steps[0]!.software.conda).toEqual(['bioconda::samtools=1.21']);
  });
});
