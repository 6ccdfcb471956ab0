import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nestedGStringPipeline, writeTree } from '../../bench/hostile-inputs.js';
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
    // own directives over config defaults; the process_gpu label's `{ workflow.profile…
    // ? 1 : null }` wins over the directive's accelerator 1, and cannot be known: no GPU count
    ['DEEPVARIANT_GPU', { cpus: 8, memory: 30 * GB, time: 2 * 3600 }],
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

  it('a module without a conda directive runs in its container, not from an environment.yml beside it', () => {
    const dir = tempPipeline({
      'main.nf': [
        'process CNN {',
        '  // Conda is not supported for this tool',
        '  container "quay.io/nf-core/gatk:4.5.0.0"',
        '  script:',
        "  'gatk CNNScoreVariants'",
        '}',
        'process WITH_CONDA {',
        '  conda "${moduleDir}/environment.yml"',
        '  container "quay.io/biocontainers/gatk4:4.5.0.0--py36hdfd78af_0"',
        '  script:',
        "  'gatk HaplotypeCaller'",
        '}',
        '',
      ].join('\n'),
      'environment.yml': 'channels: [bioconda]\ndependencies:\n  - bioconda::gatk4=4.5.0.0\n',
    });
    const steps = importNextflow(dir, { root: dir }).workflow!.steps;
    const cnn = steps.find((s) => s.id === 'CNN')!;
    expect(cnn.software.conda).toEqual([]);
    expect(cnn.container).toBe('quay.io/nf-core/gatk:4.5.0.0');
    expect(steps.find((s) => s.id === 'WITH_CONDA')!.software.conda).toEqual([
      'bioconda::gatk4=4.5.0.0',
    ]);
  });

  it("images without a registry host are pulled from nextflow.config's docker.registry, as Nextflow does", () => {
    const dir = tempPipeline({
      'nextflow.config': "docker.registry = 'quay.io'\nparams.x = 1\n",
      'main.nf': [
        "process BALLOON {\n  container 'microbiome-informatics/r_balloon:3.1.2'\n  script:\n  'balloon.R'\n}",
        "process RUBY {\n  container 'quay.io/microbiome-informatics/bioruby:2.0.1'\n  script:\n  'x.rb'\n}",
        "process LOCAL {\n  container 'localhost:5000/tools/x:1'\n  script:\n  'x'\n}",
        '',
      ].join('\n'),
    });
    const result = importNextflow(dir, { root: dir });
    expect(result.currentImages).toEqual({
      BALLOON: 'quay.io/microbiome-informatics/r_balloon:3.1.2',
      RUBY: 'quay.io/microbiome-informatics/bioruby:2.0.1',
      LOCAL: 'localhost:5000/tools/x:1',
    });
    const balloon = result.workflow!.steps.find((s) => s.id === 'BALLOON')!;
    expect(balloon.container).toBe('quay.io/microbiome-informatics/r_balloon:3.1.2');
  });

  it.each([
    [
      'a mirror with a path, in a docker scope',
      "docker {\n  enabled = true\n  registry = 'mirror.example.com/hub'\n}\n",
      'mirror.example.com/hub/',
    ],
    [
      "a profile's setting (applies only when chosen)",
      "profiles {\n  docker { docker.registry = 'quay.io' }\n}\n",
      '',
    ],
    [
      'a commented-out setting',
      "// docker.registry = 'quay.io'\n/* docker.registry = 'x.io' */\n",
      '',
    ],
    ['another engine inside the docker scope', "docker {\n  podman.registry = 'quay.io'\n}\n", ''],
  ])('docker.registry: %s', (_, config, prefix) => {
    const dir = tempPipeline({
      'nextflow.config': config,
      'main.nf': [
        "process TOOL {\n  container 'org/tool:1.0'\n  script:\n  'tool'\n}",
        "process SAMTOOLS {\n  container 'biocontainers/samtools:1.21--h50ea8bc_0'\n  script:\n  'samtools'\n}",
        '',
      ].join('\n'),
    });
    const result = importNextflow(dir, { root: dir });
    expect(result.currentImages.TOOL).toBe(`${prefix}org/tool:1.0`);
    // The image as written still names its bioconda package, whatever registry it is pulled from.
    expect(result.workflow!.steps.find((s) => s.id === 'SAMTOOLS')!.software.conda).toEqual([
      'bioconda::samtools=1.21',
    ]);
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

describe('importNextflow on the Groovy pipelines really use', () => {
  const CONSTRUCTS = '__tests__/fixtures/nextflow/groovy-constructs';
  const result = importNextflow(resolve(CONSTRUCTS), { root: ROOT });
  const step = (id: string) => result.workflow!.steps.find((s) => s.id === id)!;

  it('reads regex literals, dollar-slashy strings and closures inside ${…} without an error', () => {
    // ALIGN holds `=~ /\.bam$/`, `replaceFirst(/\.tar$/, "")`, `.split(/\./)`, `$/…$$/$`, a
    // division and a GString whose ${…} holds a closure with a GString of its own.
    expect(step('ALIGN').software.conda).toEqual([
      'bioconda::bowtie2=2.5.4',
      'bioconda::samtools=1.21',
    ]);
    expect(step('DUPCHECK').inputs).toEqual(['ALIGN.bam']); // main.nf's `.split(/\./)` too
  });

  it('reports the one process it cannot read, at its position, and imports the rest', () => {
    const errors = result.findings.filter((f) => f.rule === 'STW420');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      file: `${CONSTRUCTS}/modules/local/broken/main.nf`,
      span: { line: 12, column: 5 },
    });
    expect(errors[0]?.message).toMatch(/Cannot read process BAD_ONE .*unterminated string/);
    expect(step('GOOD_ONE')).toBeDefined();
    expect(result.workflow!.steps).toHaveLength(7);
  });

  it('turns script: branches into one shell if, every branch kept, versions heredoc dropped', () => {
    const run = step('ALIGN').run!;
    expect(run).toMatch(/^if :; then # Groovy: if \(meta\.single_end\)\nbowtie2 -x index -U/);
    expect(run).toContain('\nelse # Groovy: else\nbowtie2 -x index -1 ${reads_0} -2 ${reads_1}');
    expect(run).toContain('samtools index ${prefix}.bam\nfi');
    expect(run).not.toContain('versions.yml');
    // Groovy ${…} the shell cannot read become shell variables; $name stays as written.
    expect(run).toContain('--threads ${task_cpus} $args');
  });

  it('reads the environment a conda ternary names, the plain one first (a GPU is unknown)', () => {
    expect(step('EMBED').software.conda).toEqual(['conda-forge::pytorch-cpu=2.3.1']);
  });

  it('runs a template with the interpreter of its #! line', () => {
    expect(step('DUPCHECK').run).toBe('Rscript dupcheck.r');
  });

  it('marks an exec: process as work the engine does itself', () => {
    expect(step('SAMPLESHEET')).toMatchObject({ runsIn: 'engine', container: 'auto' });
    expect(step('SAMPLESHEET').run).toBeUndefined();
  });

  it('plans a BioContainers single-tool image as its bioconda package', () => {
    expect(step('FASTQC')).toMatchObject({
      container: 'auto',
      software: { conda: ['bioconda::fastqc=0.12.1'] },
    });
    expect(result.currentImages.FASTQC).toBe('quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0');
    expect(step('GOOD_ONE').software.conda).toEqual(['bioconda::multiqc=1.25']);
  });

  it('keeps a mulled-v2 image as is and says its name cannot be read back', () => {
    expect(step('ALIGN_SORT').container).toMatch(/^quay\.io\/biocontainers\/mulled-v2-/);
    const notice = result.findings.find((f) => f.message.includes('multi-tool image'));
    expect(notice).toMatchObject({
      rule: 'STW421',
      file: `${CONSTRUCTS}/modules/local/mulled/main.nf`,
    });
    expect(notice?.message).toMatch(/name is a hash of its packages, which cannot be read back/);
  });
});

it('gives two processes of the same name (in different modules) outputs of their own', () => {
  const dir = tempPipeline({
    'main.nf': '',
    'modules/a.nf':
      'process MULTIQC {\n    output:\n    path "*.html", emit: report\n    script:\n    "multiqc ."\n}\n',
    'modules/b.nf':
      'process MULTIQC {\n    output:\n    path "*.html", emit: report\n    script:\n    "multiqc ."\n}\n',
  });
  const steps = importNextflow(dir, { root: dir }).workflow!.steps;
  expect(steps.map((s) => [s.id, s.outputs])).toEqual([
    ['MULTIQC', { report: 'MULTIQC/*.html' }],
    ['MULTIQC-2', { report: 'MULTIQC-2/*.html' }],
  ]);
});

it('a syntax error after a process, in the workflow code, costs no process', () => {
  const dir = tempPipeline({
    'main.nf': [
      'process A {\n    script:\n    "samtools index x"\n}\n',
      'workflow {\n    A("x)\n}\n', // a string left open
    ].join('\n'),
  });
  const result = importNextflow(dir, { root: dir });
  expect(result.workflow!.steps.map((s) => s.id)).toEqual(['A']);
  expect(result.findings.filter((f) => f.rule === 'STW420')).toEqual([
    expect.objectContaining({
      file: 'main.nf',
      message: expect.stringMatching(
        /its processes were read one by one, its workflow calls were not read/,
      ),
    }),
  ]);
});

it('a GString nested 1,800 levels deep costs only its process, reported at its place', () => {
  const dir = tempDir('nf-deep');
  writeTree(dir, nestedGStringPipeline(1800));
  const result = importNextflow(dir, { root: dir });
  expect(result.workflow!.steps.map((s) => s.id)).toEqual(['A', 'C']);
  expect(result.findings.filter((f) => f.rule === 'STW420')).toEqual([
    expect.objectContaining({
      file: 'main.nf',
      span: expect.objectContaining({ line: 8, column: 306 }),
      message:
        'Cannot read process DEEP in main.nf: strings nested more than 100 levels deep in ${…}; it was not imported.',
    }),
  ]);
});
