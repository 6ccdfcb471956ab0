/**
 * Lint on imported pipelines, through the check use case the adapters call: the constructs real
 * pipelines use give no false alarms (STW103, STW105, STW201, STW401), and a finding that does
 * apply is said once (STW403).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { check } from '../../src/app/check.js';
import type { Finding } from '../../src/common/findings.js';
import { fetchText } from '../../src/host/fetch-text.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = process.cwd();
const rules = (findings: readonly Finding[]): string[] =>
  [...new Set(findings.map((f) => f.rule))].sort();

describe('lint on imported pipelines', () => {
  it('Nextflow: an exec: process needs no software; script branches are no long chain', async () => {
    const result = await check('__tests__/fixtures/nextflow/groovy-constructs', { root: ROOT });
    expect(result.findings.filter((f) => f.rule === 'STW401').map((f) => f.message)).toEqual([]);
    expect(result.findings.filter((f) => f.rule === 'STW201')).toEqual([]);
  });

  it('Snakemake: alternatives, multiext and a target computed in Python raise nothing', async () => {
    const prefix = `${pathToFileURL(resolve('__tests__/fixtures/snakemake/constructs/wrappers')).href}/`;
    const result = await check('__tests__/fixtures/snakemake/constructs', {
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
    const result = await check('.', { root: dir });
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
    const result = await check('.', { root: dir });
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
    const result = await check('__tests__/fixtures/cwl/nested/main.cwl', {
      root: ROOT,
      plan: true,
    });
    const bad = result.findings.filter((f) => ['STW103', 'STW104', 'STW401'].includes(f.rule));
    expect(bad.map((f) => f.message)).toEqual([]);
    expect(result.plan?.groups.map((g) => g.family).sort()).toEqual(['conda', 'native']);
  });
});
