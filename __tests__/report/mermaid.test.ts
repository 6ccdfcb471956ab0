import { escapeLabel, findingsByStep, workflowMermaid } from '../../src/report/mermaid.js';
import { testGroup, testPlan } from '../helpers/plans.js';
import type { Plan, PlannedGroup } from '../../src/plan/types.js';
import { finding, step, tableLocator, workflow } from './helpers.js';
import { mermaidError, parseMermaid, stopMermaid } from './mermaid-parse.js';

afterAll(stopMermaid);

/** The flood example in miniature: two inputs, three steps, two desired outputs. */
function flood() {
  return workflow({
    inputs: [{ name: 'reanalysis' }, { name: 'gauges' }],
    outputs: [
      { name: 'flood-maps', step: 'plot', output: 'maps' },
      { name: 'model', step: 'train', output: 'model' },
    ],
    steps: [
      step('regrid', { inputs: ['reanalysis'], outputs: { grid: 'work/grid.zarr' } }),
      step('train', { inputs: ['regrid.grid', 'gauges'], outputs: { model: 'work/model.keras' } }),
      step('plot', { inputs: ['train.model', 'regrid.grid'], outputs: { maps: 'results/*.png' } }),
    ],
    // Steps as they sit in the file: regrid lines 10-14, train 15-19, plot 20-24.
    source: tableLocator('stowage.yml', {
      'steps.regrid#key': { line: 10, column: 3, endLine: 10, endColumn: 9 },
      'steps.regrid': { line: 11, column: 5, endLine: 14, endColumn: 20 },
      'steps.train#key': { line: 15, column: 3, endLine: 15, endColumn: 8 },
      'steps.train': { line: 16, column: 5, endLine: 19, endColumn: 20 },
      'steps.plot#key': { line: 20, column: 3, endLine: 20, endColumn: 7 },
      'steps.plot': { line: 21, column: 5, endLine: 24, endColumn: 20 },
    }),
  });
}

function group(name: string, steps: string[], extra: Partial<PlannedGroup> = {}): PlannedGroup {
  return testGroup(name, steps, { contentHash: 'x', ...extra });
}

function plan(groups: PlannedGroup[], external: Plan['external'] = []): Plan {
  return testPlan(groups, { workflow: 'coastal-flood-model', external });
}

describe('workflowMermaid', () => {
  it('draws inputs, steps, desired outputs and the data between them', async () => {
    const text = workflowMermaid(flood());
    expect(text).toBe(
      [
        'flowchart LR',
        '  in_0(["reanalysis"])',
        '  in_1(["gauges"])',
        '  step_0["regrid"]',
        '  step_1["train"]',
        '  step_2["plot"]',
        '  result_0[/"flood-maps"/]',
        '  result_1[/"model"/]',
        '  in_0 --> step_0',
        '  step_0 -->|"grid"| step_1',
        '  in_1 --> step_1',
        '  step_1 -->|"model"| step_2',
        '  step_0 -->|"grid"| step_2',
        '  step_2 -->|"maps"| result_0',
        '  step_1 -->|"model"| result_1',
        '  classDef input fill:#eef6ff,stroke:#0969da',
        '  classDef output fill:#eefbf1,stroke:#1a7f37',
        '  classDef missing fill:#fff,stroke:#cf222e,stroke-dasharray:4 3',
        '  classDef error fill:#ffebe9,stroke:#cf222e,stroke-width:2px',
        '  classDef warning fill:#fff8c5,stroke:#9a6700,stroke-width:2px',
        '  classDef notice fill:#ddf4ff,stroke:#0969da',
        '  class in_0,in_1 input',
        '  class result_0,result_1 output',
      ].join('\n'),
    );
    await parseMermaid(text);
  });

  it('marks each step with the class of its worst finding and counts them', async () => {
    const findings = [
      finding({ severity: 'warning', span: { line: 12, column: 7, endLine: 12, endColumn: 9 } }),
      finding({ severity: 'error', span: { line: 13, column: 7, endLine: 13, endColumn: 9 } }),
      finding({ severity: 'notice', span: { line: 20, column: 3, endLine: 20, endColumn: 7 } }),
      // Outside every step: on the workflow's `outputs`, and in another file.
      finding({ severity: 'error', span: { line: 3, column: 1, endLine: 3, endColumn: 2 } }),
      finding({
        severity: 'error',
        file: 'other.yml',
        span: { line: 17, column: 5, endLine: 17, endColumn: 6 },
      }),
    ];
    const text = workflowMermaid(flood(), { findings });
    expect(text).toContain('  step_0["regrid<br/>1 error, 1 warning"]');
    expect(text).toContain('  step_1["train"]');
    expect(text).toContain('  step_2["plot<br/>1 notice"]');
    expect(text).toContain('  class step_0 error');
    expect(text).toContain('  class step_2 notice');
    expect(text).not.toMatch(/class step_1 /);
    expect(text).not.toContain('class  warning');
    await parseMermaid(text);
  });

  it('boxes steps by plan group, external images separately, and leaves the rest outside', async () => {
    const p = plan(
      [group('python', ['regrid']), group('python-gpu', ['train'], { gpu: true })],
      [{ step: 'plot', image: 'ghcr.io/acme/plot:1.0' }],
    );
    const text = workflowMermaid(flood(), { plan: p });
    expect(text).toContain(
      [
        '  subgraph group_0["python"]',
        '    step_0["regrid"]',
        '  end',
        '  subgraph group_1["python-gpu (python, GPU)"]',
        '    step_1["train"]',
        '  end',
        '  subgraph group_2["ghcr.io/acme/plot#58;1.0"]',
        '    step_2["plot"]',
        '  end',
      ].join('\n'),
    );
    await parseMermaid(text);

    const partial = workflowMermaid(flood(), { plan: plan([group('python', ['plot', 'ghost'])]) });
    expect(partial).toContain('  subgraph group_0["python"]\n    step_2["plot"]\n  end');
    expect(partial).toMatch(/ {2}end\n {2}step_0\["regrid"\]\n {2}step_1\["train"\]/);
    await parseMermaid(partial);
  });

  it('shows a reference to nothing as a dashed missing node', async () => {
    const wf = flood();
    wf.steps[2]!.inputs = ['train.modle', 'nowhere'];
    wf.outputs.push({ name: 'report', step: 'ghost', output: 'pdf' });
    const text = workflowMermaid(wf);
    expect(text).toContain('  missing_0 -.-> step_2');
    expect(text).toContain('  missing_1 -.-> step_2');
    expect(text).toContain('  missing_2 -.-> result_2');
    expect(text).toContain('  missing_0["train.modle (missing)"]');
    expect(text).toContain('  missing_2["ghost.pdf (missing)"]');
    expect(text).toContain('  class missing_0,missing_1,missing_2 missing');
    await parseMermaid(text);
  });

  it('resolves step ids that contain dots by the longest matching step', () => {
    const wf = workflow({
      steps: [
        step('qc.v2', { outputs: { report: 'r.html' } }),
        step('use', { inputs: ['qc.v2.report'] }),
      ],
    });
    expect(workflowMermaid(wf)).toContain('  step_0 -->|"report"| step_1');
  });

  it.each([
    ['quotes', 'say "hi"'],
    ['a closing fence', 'x```\n# Heading'],
    ['HTML', '<img src=x onerror=alert(1)>'],
    ['Mermaid syntax', 'a]) --> b; end; subgraph c'],
    ['entity-looking text', '#quot; #35;'],
    ['non-ASCII', 'Überschwemmung 🌊'],
  ])('keeps a diagram valid and inert when names hold %s', async (_, name) => {
    const wf = workflow({
      inputs: [{ name }],
      outputs: [{ name, step: name, output: name }],
      steps: [step(name, { inputs: [name], outputs: { [name]: 'x' } })],
    });
    const text = workflowMermaid(wf, {
      plan: plan([group(name, [name])]),
    });
    // Every label is one quoted string holding no quote, angle bracket, backtick or line break.
    const labels = text.match(/"[^"\n]*"/g) ?? [];
    expect(labels.length).toBeGreaterThanOrEqual(5);
    for (const label of labels) expect(label).not.toMatch(/[<>`\n]/);
    const outsideLabels = text.replace(/"[^"\n]*"/g, '""');
    expect(outsideLabels).not.toMatch(/[<`]/);
    expect(outsideLabels.split('\n').every((line) => /^(flowchart LR| {2,4}\S)/.test(line))).toBe(
      true,
    );
    await parseMermaid(text);
  });
});

describe('the Mermaid check itself', () => {
  it('rejects a broken diagram, so the checks above can fail', async () => {
    expect(await mermaidError('flowchart LR\n  a["x"] -->')).toMatch(/Parse error/);
    expect(await mermaidError('flowchart LR\n  in_0(["a "b"])')).toMatch(/Parse error|Expecting/);
  });
});

describe('escapeLabel', () => {
  it.each([
    ['plain-name_1.2', 'plain-name_1.2'],
    ['a"b', 'a#34;b'],
    ['<b>', '#60;b#62;'],
    ['#', '#35;'],
    ['a\nb', 'a#92;nb'], // a line break is shown as \n, not drawn,
    ['`x`', '#96;x#96;'],
    ['é', '#233;'],
  ])('%j → %j', (input, expected) => {
    expect(escapeLabel(input)).toBe(expected);
  });
});

describe('findingsByStep', () => {
  it.each([
    { name: 'on the step key', line: 10, column: 3, step: 'regrid' },
    { name: 'inside the step body', line: 13, column: 1, step: 'regrid' },
    { name: 'on the last character of the body', line: 14, column: 20, step: 'regrid' },
    { name: 'just before the key', line: 10, column: 2, step: undefined },
    { name: 'in the next step', line: 16, column: 5, step: 'train' },
    { name: 'after every step', line: 30, column: 1, step: undefined },
  ])('places a finding $name', ({ line, column, step: expected }) => {
    const placed = findingsByStep(flood(), [
      finding({ span: { line, column, endLine: line, endColumn: column } }),
    ]);
    expect([...placed.keys()]).toEqual(expected ? [expected] : []);
  });
});

describe('workflowMermaid at real size: a node per container group', () => {
  /**
   * nf-core-like: 40 steps in two groups, a chain across them, an image used as is, a step
   * without an image; 12 workflow inputs (drawn as one node) and a desired output.
   */
  function big(stepCount = 40) {
    const ids = Array.from({ length: stepCount }, (_, i) => `P${i}`);
    const wf = workflow({
      inputs: Array.from({ length: 12 }, (_, i) => ({ name: `in${i}` })),
      outputs: [{ name: 'report', step: 'P39', output: 'out' }],
      steps: [
        ...ids.map((id, i) =>
          step(id, {
            inputs: i === 0 ? ['in0', 'in1'] : [`P${i - 1}.out`],
            outputs: { out: `${id}/out` },
          }),
        ),
        step('GPU', { inputs: ['P10.out'] }),
        step('LOCAL', { inputs: ['P20.out'] }),
      ],
    });
    const p = plan(
      [
        group('conda', ids.slice(0, 20), { family: 'conda' }),
        group('conda-2', ids.slice(20), { family: 'conda' }),
      ],
      [{ step: 'GPU', image: 'nvcr.io/nvidia/clara/parabricks:4.6.0-1' }],
    );
    p.unplanned = [{ step: 'LOCAL', reason: 'the engine runs it' }];
    return { wf, p };
  }

  const nodes = (text: string) => text.split('\n').filter((l) => /^ {2}\w+[[(]/.test(l));
  const edges = (text: string) => text.split('\n').filter((l) => /-->|-\.->/.test(l));

  it.each<[number, 'auto' | 'groups' | 'steps' | undefined, 'groups' | 'steps']>([
    [40, undefined, 'groups'],
    [40, 'auto', 'groups'],
    [40, 'steps', 'steps'],
    [26, 'auto', 'groups'],
    [25, 'auto', 'steps'],
    [25, 'groups', 'groups'],
  ])('%i steps with detail %s: drawn by %s', async (n, detail, drawn) => {
    const { wf, p } = big(40);
    wf.steps = [...wf.steps.slice(0, n - 2), ...wf.steps.slice(40)];
    const text = workflowMermaid(wf, { plan: p, ...(detail ? { detail } : {}) });
    expect(text.includes('subgraph')).toBe(drawn === 'steps');
    expect(text.includes('step_0')).toBe(drawn === 'steps');
    await parseMermaid(text);
  });

  it('draws each group once with its step count, the image used as is, and the edges between them', async () => {
    const { wf, p } = big();
    const text = workflowMermaid(wf, { plan: p });
    expect(nodes(text)).toEqual([
      '  in_all(["12 workflow inputs"])',
      '  group_0["conda<br/>20 steps"]',
      '  group_1["conda-2 (conda)<br/>20 steps"]',
      '  image_0[["nvcr.io/nvidia/clara/parabricks#58;4.6.0-1<br/>1 step, used as is"]]',
      '  none_0("no image (not planned)<br/>1 step")',
      '  result_0[/"report"/]',
    ]);
    // Each pair once: 20 step-to-step edges inside groups are not drawn.
    expect(edges(text)).toEqual([
      '  in_all --> group_0',
      '  group_0 --> group_1',
      '  group_0 --> image_0',
      '  group_1 --> none_0',
      '  group_1 --> result_0',
    ]);
    expect(text).toContain('  class image_0,none_0 asis');
    await parseMermaid(text);
  });

  it('a group takes its worst finding and the counts of its steps', async () => {
    const { wf, p } = big();
    const spans: Record<
      string,
      { line: number; column: number; endLine: number; endColumn: number }
    > = {};
    wf.steps.forEach((s, i) => {
      spans[`steps.${s.id}#key`] = {
        line: i * 10 + 1,
        column: 3,
        endLine: i * 10 + 1,
        endColumn: 5,
      };
      spans[`steps.${s.id}`] = { line: i * 10 + 2, column: 5, endLine: i * 10 + 9, endColumn: 9 };
    });
    wf.source = tableLocator('stowage.yml', spans);
    const at = (line: number, severity: 'error' | 'warning') =>
      finding({ severity, span: { line, column: 6, endLine: line, endColumn: 7 } });
    const text = workflowMermaid(wf, {
      plan: p,
      findings: [at(3, 'warning'), at(13, 'error'), at(403, 'warning')],
    });
    expect(text).toContain('  group_0["conda<br/>20 steps<br/>1 error, 1 warning"]');
    expect(text).toContain(
      '  image_0[["nvcr.io/nvidia/clara/parabricks#58;4.6.0-1<br/>1 step, used as is<br/>1 warning"]]',
    );
    expect(text).toContain('  class group_0 error');
    expect(text).toContain('  class image_0 warning');
    await parseMermaid(text);
  });

  it('the group view of nf-core/rnaseq’s size stays a handful of nodes', async () => {
    // 76 steps in 4 groups and an image: 5 nodes instead of 76 boxes.
    const ids = Array.from({ length: 76 }, (_, i) => `S${i}`);
    const wf = workflow({ steps: ids.map((id) => step(id)) });
    const p = plan(
      [
        group('conda', ids.slice(0, 18)),
        group('conda-2', ids.slice(18, 62)),
        group('conda-3', ids.slice(62, 72)),
        group('conda-4', ids.slice(72, 75)),
      ],
      [{ step: 'S75', image: 'nvcr.io/x:1' }],
    );
    const text = workflowMermaid(wf, { plan: p });
    expect(nodes(text)).toHaveLength(5);
    await parseMermaid(text);
  });
});
