/**
 * The cluster-fit rules on imported pipelines, with a cluster profile given as a file (what
 * `--cluster` and the `cluster` input hand to the run): STW502 where a request set on one line
 * (a label, a profile's default) exceeds the cluster, once for all the steps it sets, with the fix
 * in the format's terms; STW501 where a figure is missing, once for the workflow when no step
 * declares it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import type { Finding } from '../../src/common/findings.js';
import { fetchText } from '../../src/host/fetch-text.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const NF = '__tests__/fixtures/nextflow/resources';
const SMK = '__tests__/fixtures/snakemake/resources';
const CWL = '__tests__/fixtures/cwl/variant';
/** Drafted by `stowage cluster --from-slurm` from recorded Slurm output (see cluster.test.ts). */
const ONE_NODE = '__tests__/fixtures/cluster/slurm-one-node/cluster.yml';
const HPC = '__tests__/fixtures/cluster/slurm-hpc/cluster.yml';
const WRAPPERS = `${pathToFileURL(resolve(SMK, 'wrappers')).href}/`;

/** `RULE severity file:line` of the cluster-fit findings, sorted as lint sorts them. */
const where = (findings: readonly Finding[], rules = ['STW501', 'STW502']): string[] =>
  findings
    .filter((f) => rules.includes(f.rule))
    .map((f) => `${f.rule} ${f.severity} ${f.file}:${f.span.line}`);

async function lint(spec: string, cluster?: string, root = ROOT): Promise<Finding[]> {
  const result = await lintAndPlan(spec, {
    root,
    clusterPath: cluster,
    wrapperPrefix: WRAPPERS,
    fetchText: fetchText({ timeoutMs: 2000 }),
  });
  return result.findings;
}

describe('cluster-fit findings on imported pipelines with a cluster profile', () => {
  it.each<[string, string, string | undefined, string[]]>([
    ['Nextflow, no profile: nothing to check against', NF, undefined, []],
    [
      'Nextflow on the one-node cluster (2 CPUs, 3.9 GiB)',
      NF,
      ONE_NODE,
      [
        `STW502 error ${NF}/conf/base.config:8`,
        `STW502 error ${NF}/conf/base.config:12`,
        `STW502 error ${NF}/conf/base.config:13`,
        `STW502 error ${NF}/conf/base.config:17`,
        `STW502 error ${NF}/conf/base.config:18`,
        `STW502 error ${NF}/conf/base.config:28`,
        `STW502 error ${NF}/nextflow.config:8`,
        `STW502 error ${NF}/subworkflows/local/qc_trim/nextflow.config:4`,
      ],
    ],
    [
      "Nextflow on an HPC's default partition: only the GPU process does not fit",
      NF,
      HPC,
      [`STW502 error ${NF}/conf/base.config:28`],
    ],
    [
      'Snakemake on the HPC: a profile default, a GPU; every rule has a time',
      SMK,
      HPC,
      [
        `STW502 error ${SMK}/workflow/profiles/default/config.yaml:7`,
        `STW502 error ${SMK}/workflow/rules/align.smk:26`,
      ],
    ],
    [
      'CWL on the HPC: a GPU tool; the tools without a ToolTimeLimit',
      CWL,
      HPC,
      [
        `STW502 error ${CWL}/tools/score-gpu.cwl:12`,
        `STW501 warning ${CWL}/workflow.cwl:28`,
        `STW501 warning ${CWL}/workflow.cwl:33`,
        `STW501 warning ${CWL}/workflow.cwl:43`,
      ],
    ],
  ])('%s', async (_title, spec, cluster, expected) => {
    expect(where(await lint(spec, cluster))).toEqual(expected);
  });

  it('a request several steps share is one finding at its line, naming them and the fix', async () => {
    const findings = await lint(NF, ONE_NODE);
    const shared = findings.find((f) => f.file === `${NF}/conf/base.config` && f.span.line === 17);
    expect(shared?.message).toBe(
      'Steps "HISAT2_BUILD" and "PARABRICKS_FQ2BAM" request 12 cpus, set on this line, but the ' +
        `cluster profile ${ONE_NODE} offers at most 2 CPUs per node; their jobs would never start. ` +
        "Lower it where it is set, or cap every request at the cluster's limit in a config passed " +
        'with -c: `process { resourceLimits = [cpus: 2] }` (Nextflow 24.04 or later; a pipeline ' +
        'with `check_max` takes `--max_cpus 2`).',
    );
    // Memory in the binary units the engines count in, the figure check_max lowered to.
    const capped = findings.find((f) => f.file === `${NF}/nextflow.config`);
    expect(capped?.message).toMatch(
      /^Step "HISAT2_BUILD" requests 128 GiB memory, but .* at most 3\.9 GiB memory per node; .*resourceLimits = \[memory: 3\.GB\]/,
    );
  });

  it('Snakemake: the fix names the rule and the profile key', async () => {
    const findings = await lint(SMK, HPC);
    expect(findings.find((f) => f.rule === 'STW502')?.message).toMatch(
      /^Step "index" requests 500 GiB memory, but .* at most 186\.5 GiB memory per node; .*`set-resources: \[index:mem_mb=191000\]` in profiles\/default\/config\.yaml\.$/,
    );
  });

  it('STW501: a figure no step declares is said once, in the format terms; engine work needs none', async () => {
    const dir = tempDir('fit501');
    writeFileSync(
      join(dir, 'Snakefile'),
      [
        'rule a:',
        '    output: "a.txt"',
        '    threads: 2',
        '    conda: "env.yaml"',
        '    shell: "touch {output}"',
        'rule b:',
        '    input: "a.txt"',
        '    output: "b.txt"',
        '    conda: "env.yaml"',
        '    shell: "cp {input} {output}"',
        'rule c:',
        '    input: "b.txt"',
        '    output: "c.txt"',
        '    run:',
        '        open(output[0], "w").write("c")',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'env.yaml'), 'dependencies:\n  - coreutils=9.5\n');
    writeFileSync(join(dir, 'cluster.yml'), 'cluster:\n  scheduler: slurm\n  max-cpus: 8\n');
    const stw501 = (await lint('.', 'cluster.yml', dir)).filter((f) => f.rule === 'STW501');
    expect(stw501.map((f) => [f.file, f.span.line, f.message])).toEqual([
      [
        'Snakefile',
        1,
        'No step of this workflow requests time on the slurm cluster (2 steps), so each job gets ' +
          "the scheduler's default, which may kill it or leave it queued. Set it for every rule " +
          'in the workflow profile: `default-resources: [runtime=…]` in profiles/default/config.yaml.',
      ],
    ]);
  });

  it('--cluster replaces the spec’s own cluster:', async () => {
    const dir = tempDir('fit-spec');
    writeFileSync(
      join(dir, 'stowage.yml'),
      [
        'version: 1',
        'name: w',
        'cluster: { max-cpus: 128 }',
        'steps:',
        '  a: { run: x, resources: { cpus: 64, memory: 1GB, time: 1h } }',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'small.yml'), 'max-cpus: 32\n');
    expect(where(await lint('stowage.yml', undefined, dir))).toEqual([]);
    const findings = await lint('stowage.yml', 'small.yml', dir);
    expect(where(findings)).toEqual(['STW502 error stowage.yml:5']);
    expect(findings.find((f) => f.rule === 'STW502')?.message).toMatch(
      /requests 64 cpus, but the cluster profile small\.yml offers at most 32 CPUs per node; .*correct `cluster:`/,
    );
  });

  it.each<[string, string, string[]]>([
    [
      'an unknown key',
      'max-mem: 64GB\n',
      ['small.yml:1 unknown key "max-mem" (did you mean "max-memory"?)'],
    ],
    [
      'a size that is none',
      'max-memory: lots\n',
      ['small.yml:1 max-memory is "lots"; expected a size'],
    ],
    ['not a mapping', '- slurm\n', ['small.yml:1 a cluster profile is a mapping']],
  ])('a profile with %s is STW100 at its line, the rest still read', async (_t, text, expected) => {
    const dir = tempDir('fit-bad');
    mkdirSync(join(dir, 'w'));
    writeFileSync(join(dir, 'stowage.yml'), 'version: 1\nname: w\nsteps:\n  a: { run: x }\n');
    writeFileSync(join(dir, 'small.yml'), text);
    const findings = (await lint('stowage.yml', 'small.yml', dir)).filter(
      (f) => f.rule === 'STW100',
    );
    expect(findings.map((f) => `${f.file}:${f.span.line} ${f.message}`)).toEqual(
      expected.map((e) => expect.stringContaining(e)),
    );
  });
});
