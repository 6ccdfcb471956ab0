/**
 * Lint on imported pipelines, through the check use case the adapters call: the constructs real
 * pipelines use give no false alarms (STW103, STW105, STW201, STW401), and a finding that does
 * apply is said once (STW403).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import type { Finding } from '../../src/common/findings.js';
import { fetchText } from '../../src/host/fetch-text.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const rules = (findings: readonly Finding[]): string[] =>
  [...new Set(findings.map((f) => f.rule))].sort();

describe('lint on imported pipelines', () => {
  it("Snakemake: an archive in an environment's pip list is refused (pip would build it on the runner)", async () => {
    const dir = tempDir('smk-archive');
    mkdirSync(join(dir, 'envs'));
    writeFileSync(
      join(dir, 'Snakefile'),
      'rule a:\n    output: "a.txt"\n    conda: "envs/a.yaml"\n    shell: "python -c 1 > {output}"\n',
    );
    writeFileSync(
      join(dir, 'envs', 'a.yaml'),
      'channels: [conda-forge]\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - evil-1.0.tar.gz\n',
    );
    const result = await lintAndPlan(dir, { root: dir, plan: true });
    const refused = result.findings.filter((f) => f.rule === 'STW410');
    expect(refused.map((f) => [f.file, f.span.line])).toEqual([['envs/a.yaml', 6]]);
    expect(refused[0]?.message).toMatch(/names an archive file/);
  });

  it('Nextflow: an exec: process needs no software; script branches are no long chain', async () => {
    const result = await lintAndPlan('__tests__/fixtures/nextflow/groovy-constructs', {
      root: ROOT,
    });
    expect(result.findings.filter((f) => f.rule === 'STW401').map((f) => f.message)).toEqual([]);
    expect(result.findings.filter((f) => f.rule === 'STW201')).toEqual([]);
  });

  it('Nextflow: STW401 names the tools a script runs (never its comment) and the directives to add', async () => {
    const dir = tempDir('nf401');
    writeFileSync(
      join(dir, 'main.nf'),
      [
        'process FETCH_DB {',
        '  script:',
        '  """',
        '  # just in case the folder is left from a run before',
        '  rm -rf db',
        '  wget -q https://example.org/db.tar.gz && tar xzf db.tar.gz',
        '  """',
        '}',
        'process CONCATENATE {',
        '  script:',
        '  """',
        '  # merge the parts',
        '  ls parts | head -n 5 | grep -v skip',
        '  cat parts/* > all.txt',
        '  """',
        '}',
        '',
      ].join('\n'),
    );
    const result = await lintAndPlan('.', { root: dir });
    const stw401 = result.findings.filter((f) => f.rule === 'STW401');
    expect(stw401.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /Step "FETCH_DB" .*`run` calls "wget"\)\. Give the process a `conda` directive .* or a `container`/,
      ),
      // Only base utilities: no tool to name, but a step with no image is still reported.
      expect.stringMatching(/Step "CONCATENATE" .*only the base system\. Give the process/),
    ]);
  });

  it('Snakemake: an unpinned package of an environment file many rules use is one finding', async () => {
    const dir = tempDir('smk402');
    mkdirSync(join(dir, 'envs'));
    writeFileSync(
      join(dir, 'envs', 'sleuth.yaml'),
      'channels: [conda-forge, bioconda]\ndependencies:\n  - r-base >=4.1\n  - r-sleuth =0.30.1\n',
    );
    const rule = (name: string): string =>
      `rule ${name}:\n    output: "${name}.rds"\n    conda: "envs/sleuth.yaml"\n    script: "${name}.R"\n`;
    writeFileSync(join(dir, 'Snakefile'), ['a', 'b', 'c', 'd', 'e'].map(rule).join('\n'));
    const result = await lintAndPlan('.', { root: dir });
    const stw402 = result.findings.filter((f) => f.rule === 'STW402');
    expect(stw402).toEqual([
      expect.objectContaining({
        file: 'envs/sleuth.yaml',
        span: expect.objectContaining({ line: 3 }),
        message: expect.stringMatching(
          /^conda package "r-base" of steps "a", "b", "c" and 2 more has no exact version \(r-base >=4\.1\).*Pin it/,
        ),
      }),
    ]);
  });

  it('Snakemake: an unpinned package of a wrapper points at the wrapper, not at a pin to write', async () => {
    const dir = tempDir('smk402w');
    mkdirSync(join(dir, 'wrappers', 'v1.0.0', 'bio', 'fetch'), { recursive: true });
    writeFileSync(
      join(dir, 'wrappers', 'v1.0.0', 'bio', 'fetch', 'environment.yaml'),
      'channels: [conda-forge]\ndependencies:\n  - curl\n',
    );
    // The wrapper's name on the line after `wrapper:`, a comment after it.
    writeFileSync(
      join(dir, 'Snakefile'),
      'rule get:\n    output: "ref.fa"\n    wrapper:\n        "v1.0.0/bio/fetch"  # the reference\n',
    );
    const result = await lintAndPlan('Snakefile', {
      root: dir,
      wrapperPrefix: `${pathToFileURL(join(dir, 'wrappers')).href}/`,
      fetchText: fetchText({ timeoutMs: 2000 }),
    });
    const stw402 = result.findings.filter((f) => f.rule === 'STW402');
    // Upstream code: a notice that says whose it is (lint/upstream.ts), no pin to write here.
    expect(stw402).toEqual([
      expect.objectContaining({
        severity: 'notice',
        message: expect.stringMatching(
          /^In Snakemake wrapper v1\.0\.0\/bio\/fetch \(upstream, not this repository's code\): conda package "curl" of step "get" has no exact version; rebuilding the image could silently change it\. That is for the upstream to fix: take a newer release of the wrapper/,
        ),
      }),
    ]);
    expect(stw402[0]?.message).not.toMatch(/Pin it/);
  });

  it('Snakemake: alternatives, multiext and a target computed in Python raise nothing', async () => {
    const prefix = `${pathToFileURL(resolve('__tests__/fixtures/snakemake/constructs/wrappers')).href}/`;
    const result = await lintAndPlan('__tests__/fixtures/snakemake/constructs', {
      root: ROOT,
      wrapperPrefix: prefix,
      fetchText: fetchText({ timeoutMs: 2000 }),
      plan: true,
    });
    expect(rules(result.findings)).not.toContain('STW103');
    expect(rules(result.findings)).not.toContain('STW105');
    // The wrapper it cannot read is one notice, not also a missing-software warning.
    expect(result.findings.filter((f) => f.rule === 'STW401')).toEqual([]);
    expect(result.plan?.groups.length).toBeGreaterThan(0);
  });

  it('Snakemake: a top-level container without a tag is reported once, naming the rules', async () => {
    const dir = tempDir('smk-lint');
    const rule = (name: string) =>
      `rule ${name}:\n    output: "${name}.txt"\n    shell: "touch {output}"\n`;
    writeFileSync(
      join(dir, 'Snakefile'),
      [
        'container: "docker://continuumio/miniconda3"\n',
        rule('a'),
        rule('b'),
        rule('c'),
        rule('d'),
      ].join('\n'),
    );
    const result = await lintAndPlan('.', { root: dir });
    const found = result.findings.filter((f) => f.rule === 'STW403');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'Snakefile', span: { line: 1 } });
    expect(found[0]?.message).toMatch(/^Steps "a" and 3 more name image "continuumio\/miniconda3"/);
  });

  it('Snakemake: a rule inside a for block is imported with its condition; anonymous rules by name:', async () => {
    const dir = tempDir('smk-for');
    mkdirSync(join(dir, 'envs'));
    writeFileSync(join(dir, 'envs', 'x.yaml'), 'dependencies:\n  - bioconda::samtools=1.21\n');
    writeFileSync(
      join(dir, 'Snakefile'),
      'for kind in ["a"]:\n\n    rule index:\n        output: "x.bai"\n        conda: "envs/x.yaml"\n        shell: "samtools index x"\n' +
        '\nrule:\n    name: "faidx"\n    output: "x.fai"\n    conda: "envs/x.yaml"\n    shell: "samtools faidx x"\n',
    );
    const result = await lintAndPlan('.', { root: dir });
    expect(result.workflow?.steps).toEqual([
      expect.objectContaining({ id: 'index', condition: 'for kind in ["a"]' }),
      // an anonymous rule, named by its name: directive
      expect.objectContaining({
        id: 'faidx',
        software: expect.objectContaining({ conda: ['bioconda::samtools=1.21'] }),
      }),
    ]);
  });

  it('CWL: an ExpressionTool needs no software; per-step folders and listed results raise nothing', async () => {
    const result = await lintAndPlan('__tests__/fixtures/cwl/nested/main.cwl', {
      root: ROOT,
      plan: true,
    });
    const bad = result.findings.filter((f) => ['STW103', 'STW104', 'STW401'].includes(f.rule));
    expect(bad.map((f) => f.message)).toEqual([]);
    expect(result.plan?.groups.map((g) => g.family).sort()).toEqual(['conda', 'native']);
  });
});
