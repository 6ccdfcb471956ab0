/**
 * Resources of imported pipelines, as their engines decide them, each at the line that sets the
 * figure: Nextflow through its configuration (nextflow.config and what it includes, labels,
 * check_max and params.max_*, withName on a run's full name, resourceLimits, never a profile's),
 * Snakemake through the rule and the workflow profile (threads and resources as constants,
 * config values, arithmetic and lambdas of the attempt; default-resources, set-resources,
 * set-threads, max-threads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchText } from '../../src/host/fetch-text.js';
import { importNextflow } from '../../src/workflow/importers/nextflow.js';
import { importWithRemote, type ImportResult } from '../../src/workflow/importers/index.js';
import { importSnakemake } from '../../src/workflow/importers/snakemake.js';
import { evaluatePython } from '../../src/workflow/importers/snakemake-eval.js';
import type { Resources, Workflow } from '../../src/workflow/model.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const H = 3600;

function tree(files: Record<string, string>): string {
  const dir = tempDir('res');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Each figure of a step with the `file:line` that sets it. */
function figures(workflow: Workflow, id: string): Record<string, [number, string]> {
  const step = workflow.steps.find((s) => s.id === id)!;
  const out: Record<string, [number, string]> = {};
  for (const [key, value] of Object.entries(step.resources ?? {})) {
    const at = workflow.source.locate(['steps', id, 'resources', key]);
    out[key] = [value, `${at.file}:${at.span.line}`];
  }
  return out;
}

describe('Nextflow resources through the pipeline configuration', () => {
  const REL = '__tests__/fixtures/nextflow/resources';
  const workflow = importNextflow(resolve(REL), { root: ROOT }).workflow!;
  const base = `${REL}/conf/base.config`;

  it.each<[string, Record<string, [number, string]>]>([
    // a label of conf/base.config, included by nextflow.config
    [
      'SAMTOOLS_SORT',
      { cpus: [6, `${base}:12`], memory: [36 * GiB, `${base}:13`], time: [8 * H, `${base}:14`] },
    ],
    // process_high_memory's 200.GB through check_max: lowered to params.max_memory, set there
    [
      'HISAT2_BUILD',
      {
        cpus: [12, `${base}:17`],
        memory: [128 * GiB, `${REL}/nextflow.config:8`],
        time: [16 * H, `${base}:19`],
      },
    ],
    // a subworkflow's own config (included through ${projectDir}) names the run's full name
    [
      'FASTP',
      {
        cpus: [3, `${REL}/subworkflows/local/qc_trim/nextflow.config:4`],
        memory: [36 * GiB, `${base}:13`],
        time: [8 * H, `${base}:14`],
      },
    ],
    // process_gpu's accelerator; the test profile's resourceLimits and conf/big.config are not read
    [
      'PARABRICKS_FQ2BAM',
      {
        cpus: [12, `${base}:17`],
        memory: [72 * GiB, `${base}:18`],
        time: [16 * H, `${base}:19`],
        gpus: [1, `${base}:28`],
      },
    ],
    // the label wins over the process's own cpus 2 / memory 4.GB
    [
      'REPORT',
      { cpus: [1, `${base}:7`], memory: [6 * GiB, `${base}:8`], time: [4 * H, `${base}:9`] },
    ],
  ])('%s', (id, expected) => {
    expect(figures(workflow, id)).toEqual(expected);
  });
});

describe('Nextflow configuration constructs', () => {
  const main = "process P {\n  label 'big'\n  script:\n  'x'\n}\n";
  it.each<[string, Record<string, string>, Resources, string[] | undefined]>([
    [
      'process.resourceLimits lowers what exceeds it, at its line',
      {
        'nextflow.config':
          'process {\n  withLabel: big { cpus = 64; memory = 512.GB; time = 72.h }\n}\nprocess.resourceLimits = [ cpus: 32, memory: 256.GB, time: 48.h ]\n',
      },
      { cpus: 32, memory: 256 * GiB, time: 48 * H },
      undefined,
    ],
    [
      'a resourceLimits inside a profile applies only when chosen',
      {
        'nextflow.config':
          'process { withLabel: big { memory = 512.GB } }\nprofiles {\n  small { process { resourceLimits = [memory: 8.GB] } }\n}\n',
      },
      { memory: 512 * GiB },
      undefined,
    ],
    [
      "nf-core's exponential retry, 1.GB * (2 ** (task.attempt - 1))",
      {
        'nextflow.config': "includeConfig 'conf/base.config'\n",
        'conf/base.config':
          'process {\n  withLabel: big { memory = { 3.GB * (2 ** (task.attempt - 1)) } }\n}\n',
      },
      { memory: 3 * GiB },
      undefined,
    ],
    [
      'dotted process settings, and a parameter known only at run time',
      {
        'nextflow.config':
          "process.cpus = 4\nprocess.memory = '8 GB'\nprocess { withLabel: big { time = { params.long ? 48.h : 8.h } } }\n",
      },
      { cpus: 4, memory: 8 * GiB },
      ['time'],
    ],
    [
      'check_max without params.max_* keeps the value',
      {
        'nextflow.config':
          "process { withLabel: big { memory = { check_max(300.GB, 'memory') } } }\n",
      },
      { memory: 300 * GiB },
      undefined,
    ],
  ])('%s', (_title, files, resources, unknown) => {
    const dir = tree({ 'main.nf': main, ...files });
    const step = importNextflow(dir, { root: dir }).workflow!.steps[0]!;
    expect(step.resources).toEqual(resources);
    expect(step.resourcesUnknown).toEqual(unknown);
  });

  it('a config that does not parse is one STW420, and the rest is read', () => {
    const dir = tree({
      'main.nf': main,
      'nextflow.config': "includeConfig 'conf/broken.config'\nprocess.cpus = 2\n",
      'conf/broken.config': 'process { withLabel: big { cpus = 3 \n',
    });
    const result = importNextflow(dir, { root: dir });
    expect(result.findings.filter((f) => f.rule === 'STW420').map((f) => f.file)).toEqual([
      'conf/broken.config',
    ]);
    expect(result.workflow!.steps[0]!.resources).toEqual({ cpus: 2 });
  });
});

describe('Snakemake resources through the rules and the workflow profile', () => {
  const DIR = resolve('__tests__/fixtures/snakemake/resources');
  const REL = '__tests__/fixtures/snakemake/resources/workflow';
  const prefix = `${pathToFileURL(join(DIR, 'wrappers')).href}/`;
  let result: ImportResult;
  beforeAll(async () => {
    result = await importWithRemote(
      (remote) => importSnakemake(DIR, { root: ROOT, wrapperPrefix: prefix, remote }),
      fetchText({ timeoutMs: 2000 }),
    );
  });
  const profile = `${REL}/profiles/default/config.yaml`;
  const rules = `${REL}/rules/align.smk`;

  it.each<[string, Record<string, [number, string]>]>([
    // threads 4; mem_mb a lambda of threads, replaced by the profile's set-resources; runtime "3h"
    [
      'index',
      {
        cpus: [4, `${rules}:6`],
        memory: [512000 * MiB, `${profile}:7`],
        time: [3 * H, `${rules}:9`],
      },
    ],
    // config values, a lambda of the attempt (first attempt), a GPU
    [
      'align',
      {
        cpus: [16, `${rules}:22`],
        memory: [64000 * MiB, `${rules}:24`],
        time: [24 * H, `${rules}:25`],
        gpus: [1, `${rules}:26`],
      },
    ],
    // threads 64 lowered to max-threads; a name the Snakefile assigned; the default runtime
    [
      'merge',
      {
        cpus: [32, `${profile}:10`],
        memory: [4096 * MiB, `${rules}:40`],
        time: [120 * 60, `${profile}:4`],
      },
    ],
    // a wrapper rule: set-threads and the profile's defaults
    [
      'stats',
      {
        cpus: [2, `${profile}:9`],
        memory: [2000 * MiB, `${profile}:3`],
        time: [120 * 60, `${profile}:4`],
      },
    ],
  ])('%s', (id, expected) => {
    expect(figures(result.workflow!, id)).toEqual(expected);
  });
});

describe('Snakemake profile forms', () => {
  const snakefile = [
    'rule a:',
    '    output: "a.txt"',
    '    threads: 8',
    '    resources:',
    '        mem="8G",',
    '        runtime=lambda wildcards, input: input.size_mb * 2,',
    '    shell: "touch {output}"',
    '',
  ].join('\n');
  it.each<[string, string | undefined, Resources, string[] | undefined]>([
    ['no profile', undefined, { cpus: 8, memory: 8 * GiB }, ['time']],
    [
      'mappings, and config.v8+.yaml before config.yaml',
      'set-threads: {a: 2}\nset-resources: {a: {runtime: 90}}\n',
      { cpus: 2, memory: 8 * GiB, time: 90 * 60 },
      undefined,
    ],
    [
      'lists of name=value',
      "set-resources: ['a:mem_mb=1024']\nmax-threads: 4\n",
      { cpus: 4, memory: 1024 * MiB },
      ['time'],
    ],
  ])('%s', (_title, v8Profile, resources, unknown) => {
    const dir = tree({
      Snakefile: snakefile,
      'profiles/default/config.yaml': 'set-threads: {a: 99}\n',
      ...(v8Profile === undefined ? {} : { 'profiles/default/config.v8+.yaml': v8Profile }),
    });
    if (v8Profile === undefined) writeFileSync(join(dir, 'profiles/default/config.yaml'), '{}\n');
    const step = importSnakemake(dir, { root: dir }).workflow!.steps[0]!;
    expect(step.resources).toEqual(resources);
    expect(step.resourcesUnknown).toEqual(unknown);
  });
});

describe("the Snakefile evaluator's numbers", () => {
  const scope = { vars: new Map(), basedir: '/w', currentBasedir: '/w', config: { n: 6 } };
  it.each<[string, unknown]>([
    ['4 * 1024', 4096],
    ['config["n"] // 4 + 1', 2],
    ['-3 + 10 % 4', -1],
    ['max(1, config["n"] - 10)', 1],
    ['int("12")', 12],
    ['60 * 24 / 2', 720],
    ['1 / 0', undefined],
    ['"a" - "b"', undefined],
  ])('%s → %j', (text, value) => {
    expect(evaluatePython(text, scope)).toEqual(value);
  });

  it.each<[string, Record<string, number>, unknown]>([
    ['lambda wildcards, attempt: attempt * 2000', { attempt: 1 }, 2000],
    ['lambda wc, threads: threads * 1000', { threads: 4 }, 4000],
    ['lambda wildcards, input: input.size_mb', { attempt: 1 }, undefined],
  ])('%s called with %j → %j', (text, kwargs, value) => {
    const fn = evaluatePython(text, scope) as {
      kind: 'fn';
      call: (a: unknown[], k: Map<string, unknown>) => unknown;
    };
    expect(fn.kind).toBe('fn');
    expect(fn.call([], new Map(Object.entries(kwargs)))).toEqual(value);
  });
});
