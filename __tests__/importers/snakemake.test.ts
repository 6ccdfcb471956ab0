import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchText } from '../../src/host/fetch-text.js';
import type { ImportResult } from '../../src/workflow/importers/common.js';
import { importWithRemote } from '../../src/workflow/importers/remote.js';
import { importSnakemake } from '../../src/workflow/importers/snakemake.js';
import { patternsMatch } from '../../src/workflow/importers/snakemake-outputs.js';
import { wrapperFileUrl } from '../../src/workflow/importers/wrappers.js';
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

  it('a conda: given as a Python value is said at its line, never replaced by the base image', () => {
    const dir = tempWorkflow({
      Snakefile: [
        'container: "continuumio/miniconda3"',
        'my_env = render_env()',
        '',
        'rule plot:',
        '    output: "x.pdf"',
        '    conda: my_env',
        '    script: "x.R"',
        '',
        'rule concat:',
        '    output: "y.pdf"',
        '    conda: "envs/" + ENV + ".yaml"',
        '    script: "y.R"',
        '',
      ].join('\n'),
    });
    const result = importSnakemake(dir, { root: dir });
    const plot = result.workflow!.steps.find((s) => s.id === 'plot')!;
    expect(plot.softwareUnknown).toMatch(/my_env/);
    const concat = result.workflow!.steps.find((s) => s.id === 'concat')!;
    expect(concat.softwareUnknown).toMatch(/"envs\/" \+ ENV \+ ".yaml"/);
    expect(plot.container).not.toBe('continuumio/miniconda3');
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule: 'STW421',
        file: 'Snakefile',
        span: expect.objectContaining({ line: 6 }),
        message: expect.stringContaining('Python value my_env'),
      }),
    );
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
    // Such an input may read any rule's output: STW104 dead-step cannot tell, and is off.
    expect(result.workflow?.lint?.rules.STW104).toBe('off');
  });

  it('reports a directory without a Snakefile', () => {
    const dir = tempWorkflow({ 'README.md': '' });
    expect(importSnakemake(dir, { root: dir }).findings[0]).toMatchObject({
      rule: 'STW420',
      severity: 'error',
    });
  });
});

describe('importSnakemake on the constructs real workflows use', () => {
  const DIR = resolve('__tests__/fixtures/snakemake/constructs');
  const REL_C = '__tests__/fixtures/snakemake/constructs/workflow';
  const prefix = `${pathToFileURL(join(DIR, 'wrappers')).href}/`;
  let result: ImportResult;
  const step = (id: string) => result.workflow!.steps.find((s) => s.id === id)!;
  beforeAll(async () => {
    result = await importWithRemote(
      (remote) => importSnakemake(DIR, { root: ROOT, wrapperPrefix: prefix, remote }),
      fetchText({ timeoutMs: 2000 }),
    );
  });

  it('imports local modules, use rule, rules inside if/else; collecting rules are targets', () => {
    expect(result.workflow!.steps.map((s) => s.id)).toEqual([
      'get_genome',
      'genome_faidx',
      'bwa_index',
      'fastp_se',
      'fastp_pe',
      'fastp_pe_umi',
      'qc_fastqc',
      'qc_multiqc',
      'call',
      'call_skip',
      'unreachable',
    ]);
    expect(result.origin?.targets).toEqual(['all']);
  });

  it("reads a wrapper's environment.yaml through a file:// prefix, at the line of the wrapper", () => {
    expect(step('fastp_se').software.conda).toEqual(['fastp =0.24.0']);
    expect(step('genome_faidx').software.conda).toEqual(['samtools =1.21']);
    expect(result.workflow!.source.locate(['steps', 'fastp_se', 'software', 'conda', 0])).toEqual({
      file: `${REL_C}/rules/trim.smk`,
      span: { line: 10, column: 9, endLine: 10, endColumn: 27 },
    });
  });

  it('says once per wrapper it cannot read, and never falls back to the base image', () => {
    const notices = result.findings.filter((f) => f.message.includes('uses wrapper'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ rule: 'STW421', file: `${REL_C}/Snakefile` });
    expect(notices[0]?.message).toMatch(/v9\.9\.9\/bio\/does-not-exist.*ENOENT/);
    expect(step('unreachable')).toMatchObject({
      container: 'auto',
      softwareUnknown: expect.any(String),
    });
  });

  it('use rule A as B with: copies A, overriding the directives the with: block sets', () => {
    expect(step('fastp_pe_umi')).toMatchObject({
      software: { conda: ['fastp =0.24.0'] },
      outputs: { trimmed: 'results/umi/{sample}_R1.fastq.gz', json: 'results/umi/{sample}.json' },
      resources: { cpus: 16 },
    });
  });

  it('use rule * from M as M_*: the module rules, renamed, their envs relative to the module', () => {
    expect(step('qc_fastqc').software.conda).toEqual(['bioconda::fastqc=0.12.1']);
    expect(step('qc_fastqc').inputs).toEqual(['fastp_pe.trimmed']);
    expect(step('qc_multiqc').inputs).toEqual(['qc_fastqc.out']);
  });

  it('marks rules inside if/else with their condition; rules with the same output are alternatives', () => {
    expect(step('call').condition).toBe('if config["call"]["activate"]');
    expect(step('call_skip').condition).toBe('else (after if config["call"]["activate"])');
    expect(step('call').alternativeOutputs).toEqual(['out']);
    expect(step('call_skip').alternativeOutputs).toEqual(['out']);
    // Only the report both make: fastp_se's other output is its own.
    expect(step('fastp_se').alternativeOutputs).toEqual(['json']);
    expect(step('fastp_pe').alternativeOutputs).toEqual(['json']);
  });

  it('reads multiext as one output per extension (no clash with the prefix file)', () => {
    expect(step('bwa_index').outputs).toEqual({
      idx: 'resources/genome.fasta.amb',
      idx2: 'resources/genome.fasta.ann',
      idx3: 'resources/genome.fasta.bwt',
      idx4: 'resources/genome.fasta.pac',
      idx5: 'resources/genome.fasta.sa',
    });
    expect(step('bwa_index').inputs).toEqual(['get_genome.out']);
  });

  it('plans a rule that names only a BioContainers image from its bioconda package', () => {
    expect(step('get_genome')).toMatchObject({
      container: 'auto',
      software: { conda: ['bioconda::samtools=1.17'] },
    });
    expect(step('call_skip').container).toBe('continuumio/miniconda3'); // the top-level container
  });

  it('turns off the output rules when the target rule computes its inputs in Python', () => {
    expect(result.workflow!.lint?.rules).toMatchObject({ STW104: 'off', STW105: 'off' });
    expect(result.findings.at(-1)?.message).toMatch(/which files its target rule `all` asks for/);
  });
});

describe('wrapper prefixes, as Snakemake takes them', () => {
  const WRAPPERS = resolve('__tests__/fixtures/snakemake/constructs/wrappers');
  const workflow = (): string =>
    tempWorkflow({
      Snakefile:
        'rule faidx:\n    output: "g.fa.fai"\n    wrapper:\n        "v7.2.0/bio/samtools/faidx"\n',
    });
  const importWith = (
    dir: string,
    wrapperPrefix: string | undefined,
    fetch = fetchText({ timeoutMs: 2000 }),
  ) =>
    importWithRemote((remote) => importSnakemake(dir, { root: dir, wrapperPrefix, remote }), fetch);

  it.each([
    [
      'v7.2.0/bio/fastp',
      undefined,
      'https://raw.githubusercontent.com/snakemake/snakemake-wrappers/v7.2.0/bio/fastp/environment.yaml',
    ],
    [
      'v7.2.0/bio/fastp',
      'https://mirror.example.org/wrappers',
      'https://mirror.example.org/wrappers/v7.2.0/bio/fastp/environment.yaml',
    ],
    [
      'v7.2.0/bio/fastp',
      'file:///srv/wrappers/',
      'file:///srv/wrappers/v7.2.0/bio/fastp/environment.yaml',
    ],
    [
      'v7.2.0/bio/fastp',
      'git+file:///srv/clone',
      'git+file:///srv/clone/bio/fastp/environment.yaml@v7.2.0',
    ],
    [
      'v7.2.0/bio/fastp',
      'git+file:///srv/clone@',
      'git+file:///srv/clone/bio/fastp/environment.yaml@v7.2.0',
    ],
    [
      'https://example.org/w/fastp',
      'file:///ignored/',
      'https://example.org/w/fastp/environment.yaml',
    ],
  ])('%s with prefix %s → %s', (value, prefix, url) => {
    expect(wrapperFileUrl(value, 'environment.yaml', prefix)).toBe(url);
  });

  it('an https:// mirror: a 127.0.0.1 server laid out like the wrappers repository', async () => {
    const server = createServer((req, res) => {
      const file = join(WRAPPERS, decodeURIComponent(req.url ?? '').replace(/^\/wrappers\//, ''));
      try {
        res.end(readFileSync(file));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await importWith(workflow(), `http://127.0.0.1:${port}/wrappers/`);
      expect(result.workflow!.steps[0]?.software.conda).toEqual(['samtools =1.21']);
      const missing = await importWith(
        tempWorkflow({ Snakefile: 'rule x:\n    output: "x"\n    wrapper: "v1.0.0/bio/none"\n' }),
        `http://127.0.0.1:${port}/wrappers/`,
      );
      expect(missing.findings[0]?.message).toMatch(/cannot be read \(HTTP 404\)/);
    } finally {
      server.close();
    }
  });

  it('a git+file:// clone, read at the wrapper version tag', async () => {
    const clone = tempDir('wrappers-git');
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', clone, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    git('init', '-q');
    mkdirSync(join(clone, 'bio/samtools/faidx'), { recursive: true });
    writeFileSync(
      join(clone, 'bio/samtools/faidx/environment.yaml'),
      'dependencies:\n  - samtools =1.20\n',
    );
    git('add', '.');
    git('commit', '-qm', 'v7.2.0');
    git('tag', 'v7.2.0');
    // A later commit: the tag, not the work tree, is what counts.
    writeFileSync(
      join(clone, 'bio/samtools/faidx/environment.yaml'),
      'dependencies:\n  - samtools =1.22\n',
    );
    git('commit', '-qam', 'later');
    const result = await importWith(workflow(), `git+file://${clone}`);
    expect(result.workflow!.steps[0]?.software.conda).toEqual(['samtools =1.20']);
  });

  it('an unreachable prefix: one notice per wrapper, each wrapper fetched once per run', async () => {
    const calls: string[] = [];
    const dir = tempWorkflow({
      Snakefile: [
        'rule a:\n    output: "a"\n    wrapper: "v7.2.0/bio/samtools/faidx"\n',
        'rule b:\n    output: "b"\n    wrapper: "v7.2.0/bio/samtools/faidx"\n',
      ].join('\n'),
    });
    const result = await importWith(dir, 'https://wrappers.invalid/', async (url) => {
      calls.push(url);
      throw new Error('no answer within 10 s');
    });
    expect(calls).toEqual(['https://wrappers.invalid/v7.2.0/bio/samtools/faidx/environment.yaml']);
    const notices = result.findings.filter((f) => f.message.includes('uses wrapper'));
    expect(notices.map((f) => f.span.line)).toEqual([3, 7]);
    expect(notices[0]?.message).toMatch(/cannot be read \(no answer within 10 s\)/);
    expect(result.workflow!.steps.map((s) => s.container)).toEqual(['auto', 'auto']);
  });

  it('reads containerized: like a top-level container', () => {
    const dir = tempWorkflow({
      Snakefile:
        'containerized: "docker://ghcr.io/acme/wf:1.0"\n\nrule a:\n    output: "a"\n    shell: "touch {output}"\n',
    });
    const result = importSnakemake(dir, { root: dir });
    expect(result.currentImages.a).toBe('ghcr.io/acme/wf:1.0');
  });
});
