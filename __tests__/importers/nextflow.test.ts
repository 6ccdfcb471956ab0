import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importNextflow } from '../../src/workflow/importers/nextflow.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const PIPELINE = resolve('__tests__/fixtures/nextflow/nf-core-mini');
const REL = '__tests__/fixtures/nextflow/nf-core-mini';
const GB = 1024 ** 3;

function tempPipeline(files: Record<string, string>): string {
  const dir = tempDir('nf');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('importNextflow on an nf-core-style pipeline', () => {
  const result = importNextflow(PIPELINE, { root: ROOT });
  const workflow = result.workflow!;
  const step = (id: string) => workflow.steps.find((s) => s.id === id)!;

  it('imports every process, nf-core and local modules alike, as a step', () => {
    expect(workflow.format).toBe('nextflow');
    expect(workflow.name).toBe('nf-core-minivar');
    expect(workflow.file).toBe(`${REL}/main.nf`);
    expect(workflow.steps.map((s) => s.id).sort()).toEqual(
      [
        'BCFTOOLS_STATS',
        'BWA_MEM',
        'CUSTOM_DUMPSOFTWAREVERSIONS',
        'DEEPVARIANT_GPU',
        'FASTP',
        'FASTQC',
        'GATK4_HAPLOTYPECALLER',
        'MULTIQC',
        'PICARD_MARKDUPLICATES',
        'SAMTOOLS_INDEX',
        'SAMTOOLS_SORT',
        'SAMTOOLS_STATS',
        'SUMMARIZE_CALLS',
      ].sort(),
    );
  });

  it('reads environment.yml dependencies, including the pip sub-list', () => {
    expect(step('SAMTOOLS_SORT').software.conda).toEqual([
      'bioconda::samtools=1.17',
      'bioconda::htslib=1.17',
    ]);
    expect(step('SAMTOOLS_INDEX').software.conda).toEqual([
      'bioconda::samtools=1.21',
      'bioconda::htslib=1.21',
    ]);
    expect(step('SUMMARIZE_CALLS').software).toMatchObject({
      conda: ['conda-forge::python=3.11.9', 'conda-forge::pandas=2.2.2'],
      pip: ['pysam==0.22.1', 'tabulate>=0.9'],
    });
    expect(step('CUSTOM_DUMPSOFTWAREVERSIONS').software.conda).toContain(
      'conda-forge::python=3.8.3',
    );
  });

  it('keeps the docker side of the singularity/docker ternary as the current image', () => {
    expect(result.currentImages.SAMTOOLS_SORT).toBe('biocontainers/samtools:1.17--h00cdaf9_0');
    expect(result.currentImages.SUMMARIZE_CALLS).toBe('ghcr.io/acme/summarize-calls:0.3.0');
    expect(Object.keys(result.currentImages)).toHaveLength(13);
    // 13 processes, 12 distinct images (the two samtools 1.21 modules share one).
    expect(new Set(Object.values(result.currentImages)).size).toBe(12);
  });

  it('uses the declared image as is for a process without an environment', () => {
    expect(step('DEEPVARIANT_GPU').container).toBe('google/deepvariant:1.6.1-gpu');
    expect(step('SAMTOOLS_SORT').container).toBe('auto');
  });

  it.each([
    // label only → withLabel in conf/base.config
    ['SAMTOOLS_SORT', { cpus: 6, memory: 36 * GB, time: 8 * 3600 }],
    ['BWA_MEM', { cpus: 12, memory: 72 * GB, time: 16 * 3600 }],
    // withName:'GATK4_.*' overrides the label's memory and time
    ['GATK4_HAPLOTYPECALLER', { cpus: 6, memory: 48 * GB, time: 30 * 3600 }],
    // the label beats the process's own cpus 3 / memory 4.GB
    ['SUMMARIZE_CALLS', { cpus: 2, memory: 12 * GB, time: 4 * 3600 }],
    // own directives over config defaults; accelerator from the directive
    ['DEEPVARIANT_GPU', { cpus: 8, memory: 30 * GB, time: 2 * 3600, gpus: 1 }],
  ])('resolves %s resources with Nextflow precedence', (id, resources) => {
    expect(step(id).resources).toEqual(resources);
  });

  it('wires steps where a workflow passes PROCESS.out.emit to another process', () => {
    expect(step('SAMTOOLS_SORT').inputs).toEqual(['BWA_MEM.bam']);
    expect(step('DEEPVARIANT_GPU').inputs).toEqual([
      'PICARD_MARKDUPLICATES.bam',
      'SAMTOOLS_INDEX.bai',
    ]);
    expect(step('MULTIQC').inputs).toEqual([
      'FASTQC.zip',
      'SAMTOOLS_STATS.stats',
      'BCFTOOLS_STATS.stats',
    ]);
    // versions.yml is nf-core bookkeeping, not an output
    expect(step('FASTQC').outputs).toEqual({ html: 'FASTQC/*.html', zip: 'FASTQC/*.zip' });
  });

  it('reads the script block as the run command', () => {
    expect(step('SAMTOOLS_SORT').run).toMatch(/^samtools sort -@ \$task\.cpus/);
  });

  it.each([
    [
      ['steps', 'SAMTOOLS_SORT', 'software', 'conda', 0],
      `${REL}/modules/nf-core/samtools/sort/environment.yml`,
      7,
    ],
    [
      ['steps', 'SAMTOOLS_SORT', 'software', 'conda', 1],
      `${REL}/modules/nf-core/samtools/sort/environment.yml`,
      8,
    ],
    [
      ['steps', 'SUMMARIZE_CALLS', 'software', 'pip', 1],
      `${REL}/modules/local/summarize_calls/environment.yml`,
      8,
    ],
    [['steps', 'SAMTOOLS_SORT'], `${REL}/modules/nf-core/samtools/sort/main.nf`, 1],
    [['steps', 'SAMTOOLS_SORT', 'container'], `${REL}/modules/nf-core/samtools/sort/main.nf`, 6],
    [['steps', 'GATK4_HAPLOTYPECALLER', 'resources', 'memory'], `${REL}/conf/base.config`, 39],
    // the process_gpu label in base.config wins over the process's own accelerator directive
    [['steps', 'DEEPVARIANT_GPU', 'resources', 'gpus'], `${REL}/conf/base.config`, 36],
    [
      ['steps', 'DEEPVARIANT_GPU', 'resources', 'cpus'],
      `${REL}/modules/local/deepvariant_gpu.nf`,
      8,
    ],
  ] as const)('locates %j', (path, file, line) => {
    const location = workflow.source.locate(path);
    expect(location.file).toBe(file);
    expect(location.span.line).toBe(line);
  });

  it('says once that channels limit the graph checks', () => {
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      rule: 'STW421',
      severity: 'notice',
      file: `${REL}/main.nf`,
    });
    expect(
      workflow.source.lineText(`${REL}/modules/nf-core/samtools/sort/environment.yml`, 7),
    ).toBe('  - bioconda::samtools=1.17');
  });

  it('names processes for the exports', () => {
    expect(result.origin?.engineNames.SAMTOOLS_SORT).toBe('SAMTOOLS_SORT');
  });
});

describe('importNextflow on broken or bare pipelines', () => {
  it('reports a file it cannot parse at its position and keeps the other processes', () => {
    const dir = tempPipeline({
      'main.nf': "process GOOD {\n  cpus 2\n  script:\n  'true'\n}\n",
      'modules/bad/main.nf': "process BAD {\n  container 'unterminated\n}\n",
    });
    const result = importNextflow(dir, { root: dir });
    expect(result.workflow?.steps.map((s) => s.id)).toEqual(['GOOD']);
    const error = result.findings.find((f) => f.severity === 'error');
    expect(error).toMatchObject({
      rule: 'STW420',
      file: 'modules/bad/main.nf',
      span: { line: 2, column: 13 },
    });
  });

  it('reports a broken environment.yml with its position', () => {
    const dir = tempPipeline({
      'main.nf': 'process P {\n  conda "${moduleDir}/environment.yml"\n  script:\n  \'x\'\n}\n',
      'environment.yml': 'dependencies:\n  - [unclosed\n',
    });
    const result = importNextflow(dir, { root: dir });
    expect(
      result.findings.some(
        (f) => f.rule === 'STW420' && f.file === 'environment.yml' && f.span.line >= 2,
      ),
    ).toBe(true);
  });

  it("falls back to nf-core's label table without conf/base.config and reads inline conda specs", () => {
    const dir = tempPipeline({
      'main.nf':
        "process P {\n  label 'process_low'\n  conda 'bioconda::samtools=1.17 bioconda::htslib=1.17'\n  script:\n  'x'\n}\n",
    });
    const step = importNextflow(dir, { root: dir }).workflow!.steps[0]!;
    expect(step.resources).toEqual({ cpus: 2, memory: 12 * GB, time: 4 * 3600 });
    expect(step.software.conda).toEqual(['bioconda::samtools=1.17', 'bioconda::htslib=1.17']);
    expect(
      step.resources &&
        importNextflow(dir, { root: dir }).workflow!.source.locate([
          'steps',
          'P',
          'software',
          'conda',
          1,
        ]).span.line,
    ).toBe(3);
  });

  it('reports a directory without Nextflow scripts', () => {
    const dir = tempPipeline({ 'README.md': 'nothing here' });
    const result = importNextflow(dir, { root: dir });
    expect(result.workflow).toBeUndefined();
    expect(result.findings[0]).toMatchObject({ rule: 'STW420', severity: 'error' });
  });

  it('does not take a process keyword inside a string or comment for a process', () => {
    const dir = tempPipeline({
      'main.nf':
        "// process FAKE { }\nprintln 'process ALSO_FAKE { }'\nprocess REAL {\n  script:\n  'x'\n}\n",
    });
    expect(importNextflow(dir, { root: dir }).workflow!.steps.map((s) => s.id)).toEqual(['REAL']);
  });
});

it("drops nf-core's versions.yml heredoc from the run command", () => {
  const step = importNextflow(PIPELINE, { root: ROOT }).workflow!.steps.find(
    (s) => s.id === 'BWA_MEM',
  )!;
  expect(step.run).toBe(
    'bwa mem -t $task.cpus $index $reads | samtools sort -@ $task.cpus -o ${prefix}.bam -',
  );
});

it('orders steps as the workflow calls their processes', () => {
  const ids = importNextflow(PIPELINE, { root: ROOT }).workflow!.steps.map((s) => s.id);
  expect(ids.slice(0, 4)).toEqual(['FASTQC', 'FASTP', 'BWA_MEM', 'SAMTOOLS_SORT']);
  expect(ids[ids.length - 1]).toBe('CUSTOM_DUMPSOFTWAREVERSIONS');
});

it('reads older nf-core syntax: conda behind params, quay.io images, regex label selectors', () => {
  const dir = tempPipeline({
    'main.nf': [
      'process OLD {',
      "    label 'big'",
      '    conda (params.enable_conda ? "bioconda::samtools=1.15.1" : null)',
      `    container "\${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ?`,
      "        'https://depot.galaxyproject.org/singularity/samtools:1.15.1--h1170115_0' :",
      "        'quay.io/biocontainers/samtools:1.15.1--h1170115_0' }\"",
      '    script:',
      '    """',
      '    samtools --version',
      '    """',
      '}',
      '',
    ].join('\n'),
    'conf/base.config':
      "process {\n  withLabel: 'small|big' { cpus = 3 }\n  withLabel: '!big' { cpus = 1 }\n}\n",
  });
  const result = importNextflow(dir, { root: dir });
  const step = result.workflow!.steps[0]!;
  expect(step.software.conda).toEqual(['bioconda::samtools=1.15.1']);
  expect(result.currentImages.OLD).toBe('quay.io/biocontainers/samtools:1.15.1--h1170115_0');
  expect(step.resources).toEqual({ cpus: 3 });
  expect(step.run).toBe('samtools --version');
});
