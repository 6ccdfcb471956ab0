/**
 * Every lint rule over small specs: where it fires (exact span, message naming the things involved)
 * and the near misses where it must stay quiet.
 */
import { describe, expect, it } from '@jest/globals';
import { findingsOf, spanOf, yaml } from './helpers.js';

interface Fires {
  title: string;
  spec: string;
  /** The text the finding must span, and optionally a text to search after. */
  at: { text: string; after?: string };
  says?: RegExp[];
}

interface Quiet {
  title: string;
  spec: string;
}

interface RuleCases {
  fires: Fires[];
  quiet: Quiet[];
}

const head = (...lines: string[]): string[] => ['version: 1', 'name: w', ...lines];

const CASES: Record<string, RuleCases> = {
  STW101: {
    fires: [
      {
        title: 'a misspelled workflow input',
        spec: yaml(
          ...head('inputs: { reads: { path: r.fq } }', 'steps:', '  align:', '    inputs: [read]'),
        ),
        at: { text: 'read', after: 'inputs: [' },
        says: [/Step "align" input "read"/, /Did you mean "reads"\?/],
      },
      {
        title: 'a step that does not exist',
        spec: yaml(
          ...head(
            'steps:',
            '  align:',
            '    outputs: { bam: a.bam }',
            '  call:',
            '    inputs: [algn.bam]',
          ),
        ),
        at: { text: 'algn.bam' },
        says: [/names step "algn", which does not exist/, /Did you mean "align.bam"\?/],
      },
      {
        title: 'an output the step does not declare',
        spec: yaml(
          ...head(
            'steps:',
            '  align:',
            '    outputs: { bam: a.bam }',
            '  call:',
            '    inputs: [align.bai]',
          ),
        ),
        at: { text: 'align.bai' },
        says: [
          /names output "bai" of step "align", but it has "bam"/,
          /Did you mean "align.bam"\?/,
        ],
      },
      {
        title: 'a desired output no step produces',
        spec: yaml(
          ...head(
            'outputs: { calls: call.vcf }',
            'steps:',
            '  call:',
            '    outputs: { bcf: c.bcf }',
          ),
        ),
        at: { text: 'call.vcf' },
        says: [/Desired output "calls" \(call.vcf\)/, /it has "bcf"/],
      },
      {
        title: 'a desired output of a missing step',
        spec: yaml(
          ...head(
            'outputs: { calls: cal.vcf }',
            'steps:',
            '  call:',
            '    outputs: { vcf: c.vcf }',
          ),
        ),
        at: { text: 'cal.vcf' },
        says: [/names step "cal"/, /Did you mean "call.vcf"\?/],
      },
      {
        title: 'a command placeholder naming an output the step does not have',
        spec: yaml(
          ...head(
            'steps:',
            '  fit:',
            '    outputs: { model: m.pkl }',
            '  report:',
            '    run: python report.py {fit.modle}',
          ),
        ),
        at: { text: 'python report.py {fit.modle}' },
        says: [/command placeholder "\{fit.modle\}"/, /Did you mean "fit.model"\?/],
      },
      {
        title: 'a command placeholder naming no workflow input',
        spec: yaml(
          ...head(
            'inputs: { reads: { path: r.fq } }',
            'steps:',
            '  qc:',
            '    run: fastqc {inputs.read}',
          ),
        ),
        at: { text: 'fastqc {inputs.read}' },
        says: [/names no workflow input "read"/, /Did you mean "reads"\?/],
      },
    ],
    quiet: [
      {
        title: 'inputs and outputs that all resolve',
        spec: yaml(
          ...head(
            'inputs: { reads: { path: r.fq } }',
            'outputs: { calls: call.vcf }',
            'steps:',
            '  align:',
            '    inputs: [reads]',
            '    outputs: { bam: a.bam }',
            '  call:',
            '    inputs: [align.bam, reads]',
            '    outputs: { vcf: c.vcf }',
          ),
        ),
      },
      {
        title: 'command placeholders that resolve, and braces that are no placeholder',
        spec: yaml(
          ...head(
            'inputs: { reads: { path: r.fq } }',
            'steps:',
            '  align:',
            '    run: bwa mem {inputs.reads} > {align.bam}; echo ${HOME} {x}',
            '    inputs: [reads]',
            '    outputs: { bam: a.bam }',
          ),
        ),
      },
    ],
  },

  STW102: {
    fires: [
      {
        title: 'two steps reading each other',
        spec: yaml(
          ...head(
            'steps:',
            '  a:',
            '    inputs: [b.out]',
            '    outputs: { out: a.txt }',
            '  b:',
            '    inputs: [a.out]',
            '    outputs: { out: b.txt }',
          ),
        ),
        at: { text: 'b.out' },
        says: [/"a" → "b" → "a"/, /"b" reads a.out, "a" reads b.out/],
      },
      {
        title: 'a three-step loop, named in order',
        spec: yaml(
          ...head(
            'steps:',
            '  a:',
            '    inputs: [c.out]',
            '    outputs: { out: a.txt }',
            '  b:',
            '    inputs: [a.out]',
            '    outputs: { out: b.txt }',
            '  c:',
            '    inputs: [b.out]',
            '    outputs: { out: c.txt }',
          ),
        ),
        at: { text: 'c.out' },
        says: [/"a" → "b" → "c" → "a"/],
      },
      {
        title: 'a step reading its own output',
        spec: yaml(...head('steps:', '  a:', '    inputs: [a.out]', '    outputs: { out: a.txt }')),
        at: { text: 'a.out' },
        says: [/Step "a" reads its own output a.out/],
      },
    ],
    quiet: [
      {
        title: 'a chain and a diamond',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { out: a.txt } }',
            '  b: { inputs: [a.out], outputs: { out: b.txt } }',
            '  c: { inputs: [a.out], outputs: { out: c.txt } }',
            '  d: { inputs: [b.out, c.out], outputs: { out: d.txt } }',
          ),
        ),
      },
    ],
  },

  STW103: {
    fires: [
      {
        title: 'two steps writing the same path',
        spec: yaml(
          ...head(
            'steps:',
            '  a:',
            '    outputs: { table: work/t.csv }',
            '  b:',
            '    outputs: { csv: ./work//t.csv }',
          ),
        ),
        at: { text: './work//t.csv' },
        says: [/Step "b" output "csv" writes .\/work\/\/t.csv, which step "a" \(output "table"\)/],
      },
      {
        title: 'two outputs of one step on one path',
        spec: yaml(...head('steps:', '  a:', '    outputs: { one: x.txt, two: x.txt }')),
        at: { text: 'x.txt', after: 'two' },
        says: [/output "one" of the same step/],
      },
    ],
    quiet: [
      {
        title: 'paths that only share a prefix',
        spec: yaml(
          ...head(
            'steps:',
            '  a:',
            '    outputs: { t: work/t.csv }',
            '  b:',
            '    outputs: { t: work/t.csv.gz }',
          ),
        ),
      },
    ],
  },

  STW104: {
    fires: [
      {
        title: 'an output nobody reads',
        spec: yaml(
          ...head(
            'outputs: { r: a.out }',
            'steps:',
            '  a:',
            '    outputs: { out: a.txt }',
            '  side:',
            '    outputs: { log: s.log }',
          ),
        ),
        at: { text: 'side' },
        says: [/Step "side" produces side.log, but no step reads it/],
      },
      {
        title: 'a step with no outputs at all',
        spec: yaml(
          ...head(
            'outputs: { r: a.out }',
            'steps:',
            '  a:',
            '    outputs: { out: a.txt }',
            '  noop:',
            '    run: "true"',
          ),
        ),
        at: { text: 'noop' },
        says: [/Step "noop" declares no outputs/],
      },
    ],
    quiet: [
      {
        title: 'outputs that are read or desired, and a service',
        spec: yaml(
          ...head(
            'outputs: { r: b.out }',
            'steps:',
            '  a: { outputs: { out: a.txt } }',
            '  b: { inputs: [a.out], outputs: { out: b.txt } }',
            '  api: { service: true, entrypoint: [serve] }',
          ),
        ),
      },
      {
        title: 'a workflow without desired outputs (STW105 reports that)',
        spec: yaml(...head('steps:', '  a: { outputs: { out: a.txt } }')),
      },
    ],
  },

  STW105: {
    fires: [
      {
        title: 'no outputs key',
        spec: yaml(...head('steps:', '  a: { outputs: { out: a.txt } }')),
        at: { text: 'name' },
        says: [/Workflow "w" declares no desired outputs/, /`out: a.out`/],
      },
      {
        title: 'an empty outputs mapping',
        spec: yaml(...head('outputs: {}', 'steps:', '  a: { run: x }')),
        at: { text: 'outputs' },
      },
    ],
    quiet: [
      {
        title: 'one desired output',
        spec: yaml(...head('outputs: { r: a.out }', 'steps:', '  a: { outputs: { out: a.txt } }')),
      },
    ],
  },

  STW106: {
    fires: [
      {
        title: 'an input no step reads',
        spec: yaml(
          ...head(
            'inputs:',
            '  reads: { path: r.fq }',
            '  legacy: { path: old.csv }',
            'steps:',
            '  a: { inputs: [reads] }',
          ),
        ),
        at: { text: 'legacy' },
        says: [/Workflow input "legacy" is read by no step/],
      },
    ],
    quiet: [
      {
        title: 'inputs read through `inputs` or a {inputs.x} placeholder',
        spec: yaml(
          ...head(
            'inputs:',
            '  reads: { path: r.fq }',
            '  ref: { path: ref.fa }',
            'steps:',
            '  a: { inputs: [reads], run: "bwa mem {inputs.ref}" }',
          ),
        ),
      },
    ],
  },

  STW201: {
    fires: [
      {
        title: 'Python and R in one step',
        spec: yaml(
          ...head(
            'steps:',
            '  plot:',
            "    software: { pip: [pandas==2.2.2], r: '4.4.1', cran: [ggplot2==3.5.1] }",
          ),
        ),
        at: { text: 'software' },
        says: [/mixes runtimes: Python \(pip\) and R \(r, cran\)/, /"plot-python" and "plot-r"/],
      },
      {
        title: 'four tools chained',
        spec: yaml(
          ...head(
            'steps:',
            '  prep:',
            '    run: samtools view x | bwa mem y && gatk A && bcftools norm z',
          ),
        ),
        at: { text: 'samtools view x | bwa mem y && gatk A && bcftools norm z' },
        says: [
          /calls 4 tools \(samtools, bwa, gatk, bcftools; at most 3 advised\)/,
          /"samtools", "bwa", "gatk", "bcftools"/,
        ],
      },
      {
        title: 'one tool called six times',
        spec: yaml(
          ...head('steps:', '  many:', '    run: gatk A; gatk B; gatk C; gatk D; gatk E; gatk F'),
        ),
        at: { text: 'gatk A; gatk B; gatk C; gatk D; gatk E; gatk F' },
        says: [/chains 6 tool commands \(at most 5 advised\)/],
      },
    ],
    quiet: [
      {
        title: 'a pipe of two tools, Python with apt libraries',
        spec: yaml(
          ...head(
            'steps:',
            '  align:',
            '    run: bwa mem ref.fa r.fq | samtools sort -o a.bam',
            "    software: { python: '3.12', apt: [libhts3] }",
          ),
        ),
      },
      {
        title: 'separators inside quotes and shell chores',
        spec: yaml(
          ...head(
            'steps:',
            '  a:',
            `    run: mkdir -p out && cd out && echo "a && b; c | d | e | f" && python x.py`,
          ),
        ),
      },
    ],
  },

  STW202: {
    fires: [
      {
        title: 'two short Python steps in a row',
        spec: yaml(
          ...head(
            'steps:',
            '  split:',
            '    outputs: { parts: p/ }',
            "    software: { python: '3.12', pip: [pandas==2.2.2] }",
            '    duration: 1m',
            '  tidy:',
            '    inputs: [split.parts]',
            '    outputs: { table: t.csv }',
            "    software: { python: '3.12', pip: [numpy==2.0.1] }",
            '    duration: 2m',
          ),
        ),
        at: { text: 'split' },
        says: [
          /Steps "split" → "tidy" form a straight chain of short steps \(1m, 2m; each at most 5m\)/,
          /"python" image/,
        ],
      },
      {
        title: 'three short native steps',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { o: a }, software: { apt: [gzip] }, duration: 30s }',
            '  b: { inputs: [a.o], outputs: { o: b }, software: { apt: [bzip2] }, duration: 1m }',
            '  c: { inputs: [b.o], outputs: { o: c }, software: { apt: [xz-utils] }, duration: 5m }',
          ),
        ),
        at: { text: 'a', after: 'steps:' },
        says: [/"a" → "b" → "c"/, /"native" image/],
      },
    ],
    quiet: [
      {
        title: 'a step longer than the threshold',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { o: a }, software: { apt: [gzip] }, duration: 1m }',
            '  b: { inputs: [a.o], outputs: { o: b }, software: { apt: [gzip] }, duration: 6m }',
          ),
        ),
      },
      {
        title: 'different families',
        spec: yaml(
          ...head(
            'steps:',
            "  a: { outputs: { o: a }, software: { python: '3.12' }, duration: 1m }",
            "  b: { inputs: [a.o], outputs: { o: b }, software: { java: '21' }, duration: 1m }",
          ),
        ),
      },
      {
        title: 'different Python versions (separate images)',
        spec: yaml(
          ...head(
            'steps:',
            "  a: { outputs: { o: a }, software: { python: '3.11' }, duration: 1m }",
            "  b: { inputs: [a.o], outputs: { o: b }, software: { python: '3.12' }, duration: 1m }",
          ),
        ),
      },
      {
        title: 'conflicting package pins (separate images)',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { o: a }, software: { pip: [pandas==2.2.2] }, duration: 1m }',
            '  b: { inputs: [a.o], outputs: { o: b }, software: { pip: [pandas==1.5.3] }, duration: 1m }',
          ),
        ),
      },
      {
        title: 'a branch: a feeds two steps',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { o: a }, software: { apt: [gzip] }, duration: 1m }',
            '  b: { inputs: [a.o], outputs: { o: b }, software: { apt: [gzip] }, duration: 1m }',
            '  c: { inputs: [a.o], outputs: { o: c }, software: { apt: [gzip] }, duration: 1m }',
          ),
        ),
      },
      {
        title: 'a step without a duration',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { o: a }, software: { apt: [gzip] }, duration: 1m }',
            '  b: { inputs: [a.o], outputs: { o: b }, software: { apt: [gzip] } }',
          ),
        ),
      },
      {
        title: 'a GPU step after a CPU step',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { outputs: { o: a }, software: { pip: [numpy==2.0.1] }, duration: 1m }',
            '  b: { inputs: [a.o], outputs: { o: b }, software: { pip: [torch==2.3.1] }, resources: { gpus: 1 }, duration: 1m }',
          ),
        ),
      },
    ],
  },

  STW203: {
    fires: [
      {
        title: 'a step without duration',
        spec: yaml(...head('steps:', '  align:', '    run: bwa mem')),
        at: { text: 'align' },
        says: [/Step "align" gives no expected processing time/],
      },
    ],
    quiet: [
      { title: 'a duration', spec: yaml(...head('steps:', '  a: { run: x, duration: 40m }')) },
      {
        title: 'a service',
        spec: yaml(...head('steps:', '  a: { service: true, entrypoint: [x] }')),
      },
    ],
  },

  STW301: {
    fires: [
      {
        title: 'no economics',
        spec: yaml(...head('steps:', '  a: { run: x }')),
        at: { text: 'name' },
        says: [/gives no `economics:`/],
      },
      {
        title: 'economics without maintenance and horizon',
        spec: yaml(
          ...head(
            'economics: { runs-per-year: 12, manual-minutes-per-run: 60, development-hours: 8 }',
            'steps:',
            '  a: { run: x }',
          ),
        ),
        at: { text: 'economics' },
        says: [/lacks maintenance-hours-per-year, horizon-years/],
      },
    ],
    quiet: [
      {
        title: 'all five figures',
        spec: yaml(
          ...head(
            'economics:',
            '  runs-per-year: 12',
            '  manual-minutes-per-run: 60',
            '  development-hours: 8',
            '  maintenance-hours-per-year: 1',
            '  horizon-years: 2',
            'steps:',
            '  a: { run: x }',
          ),
        ),
      },
    ],
  },

  STW302: {
    fires: [
      {
        title: 'a rare, quick manual task with a big build',
        spec: yaml(
          ...head(
            'economics:',
            '  runs-per-year: 2',
            '  manual-minutes-per-run: 30',
            '  development-hours: 100',
            '  maintenance-hours-per-year: 10',
            '  horizon-years: 3',
            'steps:',
            '  a: { run: x }',
          ),
        ),
        at: { text: 'economics' },
        says: [
          /2 runs\/year × 30 min × 3 years = 3 h saved/,
          /100 h development \+ 10 h\/year maintenance × 3 = 130 h spent/,
          /breaks even at 87 runs\/year \(now 2\)/,
        ],
      },
      {
        title: 'runs that save no manual time',
        spec: yaml(
          ...head(
            'economics: { runs-per-year: 50, manual-minutes-per-run: 0, development-hours: 1 }',
            'steps:',
            '  a: { run: x }',
          ),
        ),
        at: { text: 'economics' },
        says: [/never breaks even/],
      },
    ],
    quiet: [
      {
        title: 'a frequent long manual task',
        spec: yaml(
          ...head(
            'economics: { runs-per-year: 24, manual-minutes-per-run: 480, development-hours: 60, maintenance-hours-per-year: 12, horizon-years: 3 }',
            'steps:',
            '  a: { run: x }',
          ),
        ),
      },
      {
        title: 'exactly break-even',
        spec: yaml(
          ...head(
            'economics: { runs-per-year: 10, manual-minutes-per-run: 60, development-hours: 10, horizon-years: 1 }',
            'steps:',
            '  a: { run: x }',
          ),
        ),
      },
      {
        title: 'figures missing (STW301 asks for them)',
        spec: yaml(...head('economics: { runs-per-year: 1 }', 'steps:', '  a: { run: x }')),
      },
    ],
  },

  STW401: {
    fires: [
      {
        title: 'a bare run',
        spec: yaml(...head('steps:', '  count:', '    run: samtools flagstat x.bam | wc -l')),
        at: { text: 'count' },
        says: [
          /Step "count" declares no software and no container image/,
          /`run` calls "samtools"\)/,
          /List what it needs under `software:`/,
        ],
      },
      {
        title: 'a tool behind a variable or a wrapper (no hint, still a finding)',
        spec: yaml(...head('steps:', '  align:', '    run: timeout 3600 $ALIGNER mem ref.fa')),
        at: { text: 'align' },
        says: [/only the base system\. List what it needs/],
      },
      {
        title: 'an empty software mapping',
        spec: yaml(
          ...head('steps:', '  count:', '    run: samtools flagstat x.bam', '    software: {}'),
        ),
        at: { text: 'software' },
      },
    ],
    quiet: [
      {
        title: 'apt software',
        spec: yaml(...head('steps:', '  a: { run: wc, software: { apt: [coreutils] } }')),
      },
      {
        title: 'an image',
        spec: yaml(...head('steps:', '  a: { run: wc, container: "debian:12" }')),
      },
      {
        title: 'a pinned group with its own base',
        spec: yaml(
          ...head(
            'containers:',
            '  groups:',
            '    tools: { steps: [a], base: "debian:12" }',
            'steps:',
            '  a: { run: wc, container: tools }',
          ),
        ),
      },
    ],
  },

  STW402: {
    fires: [
      {
        title: 'a pip package without version',
        spec: yaml(
          ...head('steps:', "  a: { software: { python: '3.12', pip: [numpy==2.0.1, pandas] } }"),
        ),
        at: { text: 'pandas' },
        says: [/pip package "pandas" of step "a" has no exact version/, /pandas==<version>/],
      },
      {
        title: 'a pip range',
        spec: yaml(...head('steps:', "  a: { software: { pip: ['zarr>=2.18,<3'] } }")),
        at: { text: "'zarr>=2.18,<3'" },
        says: [/\(zarr>=2.18,<3\)/],
      },
      {
        title: 'a Python version without minor',
        spec: yaml(...head('steps:', "  a: { software: { python: '3' } }")),
        at: { text: "'3'" },
        says: [/asks for python "3"/],
      },
      {
        title: 'a conda package without version',
        spec: yaml(...head('steps:', '  a: { software: { conda: [bioconda::samtools] } }')),
        at: { text: 'bioconda::samtools' },
        says: [/conda package "samtools"/],
      },
      {
        title: 'a maven artifact without version',
        spec: yaml(...head('steps:', '  a: { software: { maven: [info.picocli:picocli] } }')),
        at: { text: 'info.picocli:picocli' },
        says: [/maven package "info.picocli:picocli"/],
      },
      {
        title: 'an npm caret range',
        spec: yaml(...head('steps:', "  a: { software: { npm: ['lodash@^4.17.0'] } }")),
        at: { text: "'lodash@^4.17.0'" },
      },
      {
        title: 'an apt package without version',
        spec: yaml(...head('steps:', '  a: { software: { apt: [curl] } }')),
        at: { text: 'curl' },
      },
    ],
    quiet: [
      {
        title: 'exact pins in every ecosystem',
        spec: yaml(
          ...head(
            'steps:',
            '  a:',
            '    software:',
            "      python: '3.12'",
            '      pip: [numpy==2.0.1]',
            '      conda: [bioconda::samtools=1.20]',
            "      r: '4.4.1'",
            '      cran: [ggplot2==3.5.1]',
            "      java: '21'",
            '      maven: [info.picocli:picocli:4.7.6]',
            '      apt: [libopenmpi3=4.1.4-3+b1]',
            "      npm: ['lodash@4.17.21']",
          ),
        ),
      },
      {
        title: 'an invalid requirement (STW410 reports it)',
        spec: yaml(...head('steps:', "  a: { software: { pip: ['numpy; rm -rf /'] } }")),
      },
    ],
  },

  STW403: {
    fires: [
      {
        title: 'an image without tag',
        spec: yaml(...head('steps:', '  a: { container: ubuntu }')),
        at: { text: 'ubuntu' },
        says: [/Step "a" names image "ubuntu", which has no tag/, /"ubuntu:<version>"/],
      },
      {
        title: 'latest',
        spec: yaml(...head('steps:', '  a: { container: "ghcr.io/acme/tool:latest" }')),
        at: { text: '"ghcr.io/acme/tool:latest"' },
        says: [/moving tag "latest"/, /"ghcr.io\/acme\/tool@sha256:…"/],
      },
      {
        title: 'a registry port but no tag',
        spec: yaml(...head('steps:', '  a: { container: "localhost:5000/tool" }')),
        at: { text: '"localhost:5000/tool"' },
      },
      {
        title: 'a base image',
        spec: yaml(
          ...head(
            'containers:',
            '  base-images:',
            '    python: python',
            'steps:',
            '  a: { run: x }',
          ),
        ),
        at: { text: 'python', after: 'python:' },
        says: [/The python base image names image "python"/],
      },
      {
        title: 'a pinned group base',
        spec: yaml(
          ...head(
            'containers:',
            '  groups:',
            '    gpu: { steps: [a], base: "nvidia/cuda:nightly" }',
            'steps:',
            '  a: { run: x, container: gpu }',
          ),
        ),
        at: { text: '"nvidia/cuda:nightly"' },
        says: [/Group "gpu"/],
      },
      {
        title: 'one image named by several steps, once',
        spec: yaml(
          ...head(
            'steps:',
            '  a: { container: "continuumio/miniconda3" }',
            '  b: { container: "continuumio/miniconda3" }',
            '  c: { container: "continuumio/miniconda3" }',
          ),
        ),
        at: { text: '"continuumio/miniconda3"' },
        says: [/Steps "a", "b" and "c" name image "continuumio\/miniconda3", which has no tag/],
      },
    ],
    quiet: [
      {
        title: 'tags, digests and group names',
        spec: yaml(
          ...head(
            'containers:',
            '  base-images: { python: "python:3.12-slim" }',
            '  groups:',
            '    tools: { steps: [b], base: "debian@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }',
            'steps:',
            '  a: { container: "localhost:5000/tool:1.0" }',
            '  b: { container: tools }',
            '  c: { container: auto, software: { apt: [curl] } }',
          ),
        ),
      },
    ],
  },

  STW407: {
    fires: [
      {
        title: 'a GPU package without GPU',
        spec: yaml(
          ...head('steps:', '  train: { software: { pip: [pandas==2.2.2, torch==2.3.1] } }'),
        ),
        at: { text: 'torch==2.3.1' },
        says: [/Step "train" uses torch==2.3.1, a GPU build, but requests no GPU/],
      },
      {
        title: 'a GPU without GPU software',
        spec: yaml(
          ...head(
            'steps:',
            '  plot:',
            '    software: { pip: [pandas==2.2.2] }',
            '    resources: { gpus: 2 }',
          ),
        ),
        at: { text: '2', after: 'gpus: ' },
        says: [/requests 2 GPUs, but none of its software uses one/],
      },
      {
        title: "pip's plain tensorflow wheel on a GPU step",
        spec: yaml(
          ...head(
            'steps:',
            '  t: { software: { pip: [tensorflow==2.17.0] }, resources: { gpus: 1 } }',
          ),
        ),
        at: { text: 'tensorflow==2.17.0' },
        says: [/wheel has no CUDA libraries/, /Write tensorflow\[and-cuda\]==2.17.0/],
      },
    ],
    quiet: [
      {
        title: 'tensorflow with its CUDA extra and a GPU',
        spec: yaml(
          ...head(
            'steps:',
            `  t: { software: { pip: ['tensorflow[and-cuda]==2.17.0'] }, resources: { gpus: 1 } }`,
          ),
        ),
      },
      {
        title: 'plain tensorflow on a CUDA base image',
        spec: yaml(
          ...head(
            'containers: { base-images: { python-gpu: "tensorflow/tensorflow:2.17.0-gpu" } }',
            'steps:',
            '  t: { software: { pip: [tensorflow==2.17.0] }, resources: { gpus: 1 } }',
          ),
        ),
      },
      {
        title: 'an image with a GPU',
        spec: yaml(
          ...head('steps:', '  t: { container: "acme/model:1.0", resources: { gpus: 1 } }'),
        ),
      },
      {
        title: 'a CUDA build with a GPU',
        spec: yaml(
          ...head(
            'steps:',
            '  t: { software: { build: "nvcc -o solver solver.cu" }, resources: { gpus: 1 } }',
          ),
        ),
      },
    ],
  },

  STW408: {
    fires: [
      {
        title: 'a service without entrypoint',
        spec: yaml(
          ...head('steps:', '  api:', '    service: true', "    software: { python: '3.12' }"),
        ),
        at: { text: 'true' },
        says: [/Service step "api" has no entrypoint/],
      },
    ],
    quiet: [
      {
        title: 'a service with entrypoint',
        spec: yaml(...head('steps:', '  api: { service: true, entrypoint: [uvicorn, app:api] }')),
      },
      { title: 'not a service', spec: yaml(...head('steps:', '  a: { run: x, service: false }')) },
    ],
  },

  STW409: {
    fires: [
      {
        title: 'no based-on',
        spec: yaml(...head('steps:', '  a: { run: x }')),
        at: { text: 'name' },
        says: [/does not say whether it adapts an existing workflow/, /`based-on: none`/],
      },
    ],
    quiet: [
      {
        title: 'based-on: none',
        spec: yaml(...head('based-on: none', 'steps:', '  a: { run: x }')),
      },
      {
        title: 'based-on a pipeline',
        spec: yaml(...head('based-on: https://nf-co.re/sarek', 'steps:', '  a: { run: x }')),
      },
    ],
  },

  STW501: {
    fires: [
      {
        title: 'no resources on a cluster',
        spec: yaml(...head('cluster: { scheduler: slurm }', 'steps:', '  align:', '    run: bwa')),
        at: { text: 'align' },
        says: [/Step "align" requests no resources on the slurm cluster/],
      },
      {
        title: 'resources without time',
        spec: yaml(
          ...head(
            'cluster: { max-cpus: 8 }',
            'steps:',
            '  align:',
            '    resources: { cpus: 4, memory: 8GB }',
          ),
        ),
        at: { text: 'resources' },
        says: [/requests no time on the cluster/, /time: …/],
      },
    ],
    quiet: [
      { title: 'no cluster', spec: yaml(...head('steps:', '  a: { run: x }')) },
      {
        title: 'full resources',
        spec: yaml(
          ...head(
            'cluster: { max-cpus: 8 }',
            'steps:',
            '  a: { resources: { cpus: 1, memory: 1GB, time: 1h } }',
          ),
        ),
      },
    ],
  },

  STW502: {
    fires: [
      {
        title: 'too many CPUs',
        spec: yaml(
          ...head('cluster: { max-cpus: 32 }', 'steps:', '  a: { resources: { cpus: 64 } }'),
        ),
        at: { text: '64' },
        says: [/Step "a" requests 64 cpus, but the cluster offers at most 32 CPUs per node/],
      },
      {
        title: 'too much memory',
        spec: yaml(
          ...head(
            'cluster: { max-memory: 128GB }',
            'steps:',
            '  a: { resources: { memory: 256GB } }',
          ),
        ),
        at: { text: '256GB' },
        says: [/256 GB memory, but the cluster offers at most 128 GB memory per node/],
      },
      {
        title: 'beyond the walltime',
        spec: yaml(
          ...head('cluster: { max-time: 24h }', 'steps:', '  a: { resources: { time: 2d } }'),
        ),
        at: { text: '2d' },
        says: [/requests 2d time, but the cluster offers at most 1d walltime/],
      },
      {
        title: 'a GPU on a cluster without GPUs',
        spec: yaml(...head('cluster: { gpus: 0 }', 'steps:', '  a: { resources: { gpus: 1 } }')),
        at: { text: '1', after: 'resources: { gpus: ' },
      },
    ],
    quiet: [
      {
        title: 'requests at the limits',
        spec: yaml(
          ...head(
            'cluster: { max-cpus: 32, max-memory: 128GB, max-time: 24h, gpus: 4 }',
            'steps:',
            '  a: { resources: { cpus: 32, memory: 128GB, time: 24h, gpus: 4 } }',
          ),
        ),
      },
      { title: 'no cluster', spec: yaml(...head('steps:', '  a: { resources: { cpus: 1000 } }')) },
    ],
  },

  STW503: {
    fires: [
      {
        title: 'a duration beyond the requested time',
        spec: yaml(
          ...head('steps:', '  surge:', '    resources: { time: 2h }', '    duration: 3h'),
        ),
        at: { text: '3h' },
        says: [/Step "surge" is expected to take 3h, longer than its requested time of 2h/],
      },
    ],
    quiet: [
      {
        title: 'equal',
        spec: yaml(...head('steps:', '  a: { resources: { time: 2h }, duration: 2h }')),
      },
      { title: 'no time requested', spec: yaml(...head('steps:', '  a: { duration: 2h }')) },
    ],
  },
};

for (const [rule, { fires, quiet }] of Object.entries(CASES)) {
  describe(rule, () => {
    it.each(fires)('fires on $title', ({ spec, at, says }) => {
      const findings = findingsOf(spec, rule);
      expect(findings).toHaveLength(1);
      expect(findings[0]!.span).toEqual(spanOf(spec, at.text, { after: at.after }));
      for (const pattern of says ?? []) expect(findings[0]!.message).toMatch(pattern);
    });
    it.each(quiet)('stays quiet on $title', ({ spec }) => {
      expect(findingsOf(spec, rule)).toEqual([]);
    });
  });
}
