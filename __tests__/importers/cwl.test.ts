import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cwlFanOut, writeTree } from '../../bench/hostile-inputs.js';
import { importCwl, MAX_FLATTENED_STEPS } from '../../src/workflow/importers/cwl.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const REL = '__tests__/fixtures/cwl/variant';
const PACKED = '__tests__/fixtures/cwl/packed/workflow.packed.cwl';
const MIB = 1024 ** 2;

describe('importCwl on a workflow with tools in YAML and JSON, v1.0 to v1.2', () => {
  const result = importCwl(resolve(REL), { root: ROOT });
  const workflow = result.workflow!;
  const step = (id: string) => workflow.steps.find((s) => s.id === id)!;

  it('imports steps, workflow inputs and outputs', () => {
    expect(workflow).toMatchObject({
      format: 'cwl',
      name: 'variant-cwl',
      file: `${REL}/workflow.cwl`,
    });
    expect(workflow.steps.map((s) => s.id)).toEqual(['align', 'sort', 'call', 'score']);
    expect(workflow.inputs).toEqual([
      { name: 'reference', path: 'data/genome.fa' },
      { name: 'reads', description: 'Sequencing reads, FASTQ' },
      { name: 'unused_panel' },
    ]);
    expect(workflow.outputs).toEqual([
      { name: 'calls', step: 'call', output: 'vcf' },
      { name: 'scores', step: 'score', output: 'scores' },
    ]);
  });

  it('wires in/out connections, with output globs from the tools', () => {
    expect(step('sort').inputs).toEqual(['align.sam']);
    expect(step('call').inputs).toEqual(['reference', 'sort.sorted']);
    // Each step writes into a folder of its own: stdout, then a glob.
    expect(step('align').outputs).toEqual({ sam: 'align/aligned.sam' });
    expect(step('call').outputs).toEqual({ vcf: 'call/calls.vcf.gz' });
  });

  it('maps SoftwareRequirement packages by their specs: conda channel or PyPI', () => {
    expect(step('align').software.conda).toEqual([
      'bioconda::bwa=0.7.18',
      'bioconda::samtools=1.17',
    ]);
    expect(step('sort').software.conda).toEqual(['bioconda::samtools=1.21']);
    expect(step('call').software).toMatchObject({
      conda: ['bioconda::bcftools=1.20'],
      pip: ['pysam==0.22.1'],
    });
  });

  it.each([
    // tool requirements win over the workflow's
    ['align', { cpus: 8, memory: 16384 * MIB, time: 7200 }],
    // workflow requirements win over tool hints (and over a step hint)
    ['sort', { cpus: 1, memory: 2048 * MIB }],
    ['call', { cpus: 1, memory: 2048 * MIB }],
    // cwltool:CUDARequirement
    ['score', { memory: 24576 * MIB, gpus: 1 }],
  ])('resolves %s resources with CWL precedence', (id, resources) => {
    expect(step(id).resources).toEqual(resources);
  });

  it('keeps DockerRequirement images; an image without software is used as is', () => {
    expect(result.currentImages).toEqual({
      align: 'quay.io/biocontainers/bwa:0.7.18--he4a0461_0',
      sort: 'quay.io/biocontainers/samtools:1.21--h50ea8bc_0',
      call: 'quay.io/biocontainers/bcftools:1.20--h8b25389_0',
      score: 'ghcr.io/acme/variant-scorer:2.0.1',
    });
    expect(step('score').container).toBe('ghcr.io/acme/variant-scorer:2.0.1');
    expect(step('align').container).toBe('auto');
    // A CWL parameter reference reads as a shell variable.
    expect(step('align').run).toBe('bwa mem -t ${runtime_cores}');
  });

  it('records each step tool for the overrides export', () => {
    expect(result.origin?.tools).toEqual({
      align: `${REL}/tools/bwa-mem.cwl`,
      sort: `${REL}/tools/samtools-sort.cwl`,
      call: `${REL}/tools/bcftools-call.cwl`,
      score: `${REL}/tools/score-gpu.cwl`,
    });
  });

  it.each([
    [['steps', 'align', 'software', 'conda', 1], `${REL}/tools/bwa-mem.cwl`, 12],
    [['steps', 'sort', 'software', 'conda', 0], `${REL}/tools/samtools-sort.cwl`, 11],
    [['steps', 'call', 'software', 'pip', 0], `${REL}/tools/bcftools-call.cwl`, 10],
    [['steps', 'align', 'resources', 'time'], `${REL}/tools/bwa-mem.cwl`, 19],
    [['steps', 'score', 'container'], `${REL}/tools/score-gpu.cwl`, 8],
    [['steps', 'call'], `${REL}/workflow.cwl`, 34],
    [['outputs', 'scores'], `${REL}/workflow.cwl`, 55],
  ] as const)('locates %j', (path, file, line) => {
    expect(workflow.source.locate(path)).toMatchObject({ file, span: { line } });
  });

  it('says once what CWL cannot express', () => {
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: 'STW421', severity: 'notice' }),
    ]);
  });
});

describe('importCwl on a packed $graph', () => {
  const result = importCwl(resolve(PACKED), { root: ROOT });
  const workflow = result.workflow!;

  it('finds #main and resolves #tool runs inside the graph', () => {
    expect(workflow.steps.map((s) => [s.id, s.inputs])).toEqual([
      ['align', ['reference', 'reads']],
      ['sort', ['align.sam']],
    ]);
    expect(workflow.outputs).toEqual([{ name: 'sorted', step: 'sort', output: 'sorted' }]);
    expect(workflow.steps[0]?.software.conda).toEqual(['bioconda::bwa=0.7.18']);
    expect(result.origin?.tools).toEqual({
      align: `${PACKED}#bwa-mem.cwl`,
      sort: `${PACKED}#samtools-sort.cwl`,
    });
  });
});

describe('importCwl on broken documents', () => {
  const dir = tempDir('cwl');

  it('reports a syntax error at its position', () => {
    writeFileSync(join(dir, 'bad.cwl'), 'cwlVersion: v1.2\nclass: Workflow\nsteps: [unclosed\n');
    const result = importCwl(join(dir, 'bad.cwl'), { root: dir });
    expect(result.workflow).toBeUndefined();
    expect(result.findings[0]).toMatchObject({
      rule: 'STW420',
      severity: 'error',
      file: 'bad.cwl',
      span: { line: 4 },
    });
  });

  it('reports a run file it cannot read at the step that names it', () => {
    writeFileSync(
      join(dir, 'wf.cwl'),
      'cwlVersion: v1.2\nclass: Workflow\ninputs: {}\noutputs: {}\nsteps:\n  a:\n    run: missing.cwl\n    in: {}\n    out: []\n',
    );
    const result = importCwl(join(dir, 'wf.cwl'), { root: dir });
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule: 'STW420',
        file: 'wf.cwl',
        span: expect.objectContaining({ line: 7 }),
      }),
    );
    expect(result.workflow?.steps.map((s) => s.id)).toEqual(['a']);
  });

  it('imports a lone CommandLineTool as a one-step workflow', () => {
    writeFileSync(
      join(dir, 'tool.cwl'),
      'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\nrequirements:\n  ResourceRequirement: { coresMin: "$(inputs.n)" }\ninputs: []\noutputs: []\n',
    );
    const result = importCwl(join(dir, 'tool.cwl'), { root: dir });
    expect(result.workflow?.steps.map((s) => [s.id, s.run])).toEqual([['tool', 'echo']]);
    expect(result.findings[0]?.message).toContain(
      '1 resource figure(s) are JavaScript expressions',
    );
  });
});

it('locates a CWL step by its key for messages about the step', () => {
  const workflow = importCwl(resolve(REL), { root: ROOT }).workflow!;
  expect(workflow.source.locate(['steps', 'call'], 'key')).toMatchObject({
    span: { line: 33, column: 3, endColumn: 7 },
  });
});

describe('importCwl on nested workflows', () => {
  const NESTED = '__tests__/fixtures/cwl/nested';
  const result = importCwl(resolve(NESTED, 'main.cwl'), { root: ROOT });
  const workflow = result.workflow!;
  const step = (id: string) => workflow.steps.find((s) => s.id === id)!;

  it('flattens them: their tool steps are named outer/inner, wired across the boundaries', () => {
    expect(workflow.steps.map((s) => [s.id, s.inputs])).toEqual([
      ['prep/unzip', ['reads']],
      ['prep/trim', ['prep/unzip.unzipped', 'min_length']],
      ['prep/stats/compress', ['prep/trim.trimmed']],
      ['prep/stats/summarise', ['prep/stats/compress.archive']],
      ['qc', ['prep/trim.trimmed']],
      ['pick', ['prep/trim.trimmed']],
    ]);
    expect(result.origin?.tools['prep/stats/compress']).toBe(`${NESTED}/tools/compress.cwl`);
  });

  it('locates a nested step in its own workflow file', () => {
    expect(workflow.source.locate(['steps', 'prep/stats/summarise'], 'key')).toMatchObject({
      file: `${NESTED}/subworkflows/stats.cwl`,
      span: { line: 15 },
    });
  });

  it('makes every result of a list-valued outputSource a desired output', () => {
    expect(workflow.outputs).toEqual([
      { name: 'reports', step: 'qc', output: 'html' },
      { name: 'reports-2', step: 'prep/stats/summarise', output: 'summary' },
      { name: 'chosen', step: 'pick', output: 'chosen' },
    ]);
  });

  it('admits every version of a version list; bio.tools names a bioconda package', () => {
    expect(step('prep/trim').software.conda).toEqual(['bioconda::cutadapt=4.8|4.9']);
  });

  it('maps a packages.debian.org spec to apt', () => {
    expect(step('prep/stats/compress').software.apt).toEqual(['pigz=2.6-1']);
  });

  it('installs nothing for a base command, and runs an unconfirmed package in its image', () => {
    expect(step('prep/unzip')).toMatchObject({ container: 'alpine:3.18' });
    expect(step('prep/unzip').software.conda).toEqual([]);
    expect(step('prep/stats/summarise')).toMatchObject({ container: 'python:3.12-slim' });
    expect(step('prep/stats/summarise').software.conda).toEqual([]);
    const notes = result.findings.filter((f) => f.message.startsWith('SoftwarePackage'));
    expect(notes.map((f) => [f.rule, f.file])).toEqual([
      ['STW421', `${NESTED}/tools/unzip.cwl`],
      ['STW421', `${NESTED}/tools/summarise.cwl`],
    ]);
    expect(notes[0]?.message).toMatch(
      /"gunzip" \(step prep\/unzip\) is a command every base image has/,
    );
    expect(notes[1]?.message).toMatch(
      /"biopython" .* not installed: the step runs in its DockerRequirement image/,
    );
  });

  it('plans a BioContainers image as its bioconda package; keeps when: as the condition', () => {
    expect(step('qc')).toMatchObject({
      container: 'auto',
      software: { conda: ['bioconda::fastqc=0.12.1'] },
      condition: '$(inputs.reads != null)',
    });
  });

  it('an ExpressionTool runs in the engine: no software, no image', () => {
    expect(step('pick')).toMatchObject({ runsIn: 'engine', container: 'auto' });
  });

  it('gives each step an output folder of its own (a glob computed at run time: the output name)', () => {
    expect(step('prep/trim').outputs).toEqual({ trimmed: 'prep/trim/trimmed.fastq' });
    expect(step('prep/stats/summarise').outputs).toEqual({
      summary: 'prep/stats/summarise/summary',
    });
  });
});

it('makes every step inside a conditional nested workflow wait for what its when: reads', () => {
  const dir = tempDir('cwl-when');
  const write = (name: string, text: string) => writeFileSync(join(dir, name), `${text}\n`);
  write(
    'count.cwl',
    'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: [wc, -l]\ninputs: { f: File }\noutputs: { n: int }',
  );
  write(
    'sub.cwl',
    'cwlVersion: v1.2\nclass: Workflow\ninputs: { f: File }\noutputs: {}\nsteps:\n  again:\n    run: count.cwl\n    in: { f: f }\n    out: [n]',
  );
  write(
    'main.cwl',
    [
      'cwlVersion: v1.2',
      'class: Workflow',
      'requirements: { SubworkflowFeatureRequirement: {}, InlineJavascriptRequirement: {} }',
      'inputs: { f: File }',
      'outputs: {}',
      'steps:',
      '  count:',
      '    run: count.cwl',
      '    in: { f: f }',
      '    out: [n]',
      '  sub:',
      '    run: sub.cwl',
      '    when: $(inputs.n > 0)',
      '    in: { f: f, n: count/n }',
      '    out: []',
    ].join('\n'),
  );
  const result = importCwl(join(dir, 'main.cwl'), { root: dir });
  expect(result.workflow!.steps.find((s) => s.id === 'sub/again')).toMatchObject({
    inputs: ['count.n', 'f'],
    condition: '$(inputs.n > 0)',
  });
});

describe('nested workflows that each run the next four times', () => {
  const imported = (files: number) => {
    const dir = tempDir('cwl-fan');
    writeTree(dir, cwlFanOut(files));
    return importCwl(join(dir, 'wf1.cwl'), { root: dir });
  };

  it('are flattened in full while within the budget (6 files: 4^5 steps), each file read once', () => {
    const result = imported(6);
    expect(result.workflow!.steps).toHaveLength(4 ** 5);
    expect(result.workflow!.steps[1]).toMatchObject({
      id: 's0/s0/s0/s0/s1',
      inputs: ['s0/s0/s0/s0/s0.y'],
    });
    expect(result.findings.map((f) => f.message)).not.toContainEqual(
      expect.stringMatching(/budget/),
    );
    expect([...result.workflow!.source.files().keys()].sort()).toEqual(
      ['wf1.cwl', 'wf2.cwl', 'wf3.cwl', 'wf4.cwl', 'wf5.cwl', 'wf6.cwl'].sort(),
    );
  });

  it('past the budget, stop a level early and say so (12 files: 4^11 steps in full)', () => {
    const result = imported(12);
    const steps = result.workflow!.steps;
    expect(steps.length).toBeLessThanOrEqual(MAX_FLATTENED_STEPS);
    expect(steps).toHaveLength(4 ** 6);
    // The deepest steps flattened run the next workflow as one step each, still wired.
    expect(steps[1]).toMatchObject({ id: 's0/s0/s0/s0/s0/s1', inputs: ['s0/s0/s0/s0/s0/s0.y'] });
    expect(result.origin!.tools['s0/s0/s0/s0/s0/s0']).toBe('wf7.cwl');
    expect(result.findings.filter((f) => /budget/.test(f.message))).toEqual([
      expect.objectContaining({
        rule: 'STW421',
        file: 'wf6.cwl',
        span: expect.objectContaining({ line: 7 }),
        message:
          'Nested workflows are flattened 5 level(s) deep (4,096 steps): one level more would pass the budget of 10,000 steps. ' +
          "The 4,096 step(s) that run a workflow one level deeper (the first is here) are imported as one step each, with that workflow's own requirements; the tools inside it are not read.",
      }),
    ]);
  });
});
