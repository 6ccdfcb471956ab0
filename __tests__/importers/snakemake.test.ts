import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importSnakemake, patternsMatch } from '../../src/workflow/importers/snakemake.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const REL = '__tests__/fixtures/snakemake/calling/workflow';
const MIB = 1024 ** 2;

function tempWorkflow(files: Record<string, string>): string {
  const dir = tempDir('smk');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('patternsMatch (wildcards matched, not evaluated)', () => {
  it.each([
    ['results/sorted/{sample}.bam', 'results/sorted/{sample}.bam', true],
    ['results/sorted/A.bam', 'results/sorted/{sample}.bam', true],
    ['results/sorted/{s}.bam', 'results/sorted/{sample,[A-Z]+}.bam', true],
    ['results/calls/{sample}.vcf.gz', 'results/calls/{sample}.vcf.gz', true],
    ['results/sorted/{sample}.bam.bai', 'results/sorted/{sample}.bam', false],
    ['results/sorted/{sample}.bam', 'results/mapped/{sample}.bam', false],
    ['data/genome.fa', 'results/{x}.vcf', false],
  ])('%s ~ %s → %s', (a, b, expected) => {
    expect(patternsMatch(a, b)).toBe(expected);
  });
});

describe('importSnakemake on a workflow with includes, envs and wildcards', () => {
  const result = importSnakemake(resolve('__tests__/fixtures/snakemake/calling'), { root: ROOT });
  const workflow = result.workflow!;
  const step = (id: string) => workflow.steps.find((s) => s.id === id)!;

  it('imports the rules of the Snakefile and its included .smk files; rule all is the target', () => {
    expect(workflow.format).toBe('snakemake');
    expect(workflow.name).toBe('calling');
    expect(workflow.steps.map((s) => s.id)).toEqual([
      'bwa_map',
      'samtools_sort',
      'samtools_index',
      'call_variants',
      'plot_quals',
      'score_gpu',
    ]);
    expect(workflow.outputs).toEqual([
      { name: 'call_variants-out', step: 'call_variants', output: 'out' },
      { name: 'plot_quals-out', step: 'plot_quals', output: 'out' },
    ]);
  });

  it('wires inputs to the rules whose outputs match, and the rest to workflow inputs', () => {
    expect(step('bwa_map').inputs).toEqual(['ref', 'reads']);
    expect(step('samtools_sort').inputs).toEqual(['bwa_map.out']); // rules.bwa_map.output
    expect(step('samtools_index').inputs).toEqual(['samtools_sort.bam']);
    expect(step('call_variants').inputs).toEqual([
      'ref',
      'samtools_sort.bam',
      'samtools_index.out',
    ]);
    expect(step('plot_quals').inputs).toEqual(['call_variants.out']); // through expand()
    expect(workflow.inputs).toEqual([
      { name: 'ref', path: 'data/genome.fa' },
      { name: 'reads', path: 'data/samples/{sample}.fastq' },
    ]);
    expect(step('samtools_sort').outputs).toEqual({ bam: 'results/sorted/{sample}.bam' });
  });

  it('reads conda env files relative to the file that names them', () => {
    expect(step('bwa_map').software.conda).toEqual(['bwa=0.7.18', 'samtools=1.17']);
    expect(step('samtools_sort').software.conda).toEqual(['bioconda::samtools=1.17']);
    expect(step('samtools_index').software.conda).toEqual(['bioconda::samtools=1.21']);
    expect(step('plot_quals').software).toMatchObject({
      conda: ['conda-forge::python=3.12.4', 'conda-forge::matplotlib-base=3.9.1'],
      pip: ['pysam==0.22.1'],
      files: ['scripts/plot-quals.py'], // relative to the Snakefile's folder, the build context
    });
    expect(step('call_variants').software.conda).toContain('conda-forge::python=3.10.14');
  });

  it.each([
    ['bwa_map', { cpus: 8, memory: 8000 * MIB, time: 120 * 60 }],
    ['call_variants', { cpus: 4, memory: 16000 * MIB, time: 3 * 3600 }],
    ['score_gpu', { gpus: 1, memory: 24 * 1024 ** 3 }],
    ['samtools_sort', undefined],
  ])('reads threads and resources of %s', (id, resources) => {
    expect(step(id).resources).toEqual(resources);
  });

  it('keeps the current images: the rule container, else the global one', () => {
    expect(result.currentImages.score_gpu).toBe('ghcr.io/acme/variant-scorer:2.0.1');
    expect(result.currentImages.bwa_map).toBe('condaforge/miniforge3:24.3.0-0');
    expect(step('score_gpu').container).toBe('ghcr.io/acme/variant-scorer:2.0.1');
    expect(step('bwa_map').container).toBe('auto');
  });

  it('joins adjacent shell strings into the run command', () => {
    expect(step('samtools_sort').run).toBe(
      'samtools sort -T results/sorted/{wildcards.sample} -O bam {input} > {output.bam}',
    );
  });

  it.each([
    [['steps', 'samtools_sort'], `${REL}/rules/align.smk`, 17, 'key'],
    [
      ['steps', 'samtools_sort', 'software', 'conda', 0],
      `${REL}/envs/samtools-old.yaml`,
      4,
      'value',
    ],
    [['steps', 'call_variants', 'resources', 'time'], `${REL}/rules/call.smk`, 13, 'value'],
    [['steps', 'call_variants', 'inputs', 2], `${REL}/rules/call.smk`, 5, 'value'],
    [['outputs', 'plot_quals-out'], `${REL}/Snakefile`, 15, 'value'],
  ] as const)('locates %j', (path, file, line, part) => {
    const location = workflow.source.locate(path, part);
    expect(location).toMatchObject({ file, span: { line } });
  });

  it('says once what Snakemake cannot express', () => {
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: 'STW421', severity: 'notice' }),
    ]);
  });
});

describe('importSnakemake on broken workflows', () => {
  it('reports an include and an env file it cannot read, at the line that names them', () => {
    const dir = tempWorkflow({
      Snakefile:
        'include: "rules/missing.smk"\n\nrule a:\n    output: "x.txt"\n    conda: "envs/missing.yaml"\n    shell: "touch {output}"\n',
    });
    const result = importSnakemake(dir, { root: dir });
    expect(result.findings.filter((f) => f.rule === 'STW420')).toEqual([
      expect.objectContaining({ file: 'Snakefile', span: expect.objectContaining({ line: 1 }) }),
      expect.objectContaining({ file: 'Snakefile', span: expect.objectContaining({ line: 5 }) }),
    ]);
    expect(result.workflow?.steps.map((s) => s.id)).toEqual(['a']);
  });

  it('counts inputs computed by Python code in its one notice', () => {
    const dir = tempWorkflow({
      Snakefile:
        'rule a:\n    input: lambda wc: config["x"]\n    output: "x.txt"\n    shell: "touch {output}"\n',
    });
    const result = importSnakemake(dir, { root: dir });
    expect(result.findings).toEqual([
      expect.objectContaining({
        rule: 'STW421',
        message: expect.stringContaining('1 input(s) computed by Python'),
      }),
    ]);
  });

  it('reports a directory without a Snakefile', () => {
    const dir = tempWorkflow({ 'README.md': '' });
    expect(importSnakemake(dir, { root: dir }).findings[0]).toMatchObject({
      rule: 'STW420',
      severity: 'error',
    });
  });
});
