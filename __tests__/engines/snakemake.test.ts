/**
 * The Snakemake export against the real Snakemake 7.21 from Debian: a Snakefile of our own, its
 * export appended as the two lines Stowage prints, and `snakemake -n` must accept them and give
 * each rule the image Stowage planned for it. Apptainer/Singularity is not in Debian 12, so the
 * run that uses containers is a dry run, with a stand-in that only answers `singularity --version`
 * (Snakemake checks it before it plans the pulls it then prints).
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../helpers/temp.js';
import { requireTools, stowage } from './engines.js';

const SNAKEFILE = `rule all:
    input: "results/report.txt"

rule count:
    input: "data/reads.txt"
    output: "results/counts.txt"
    conda: "envs/count.yaml"
    shell: "wc -l {input} > {output}"

rule report:
    input: "results/counts.txt"
    output: "results/report.txt"
    conda: "envs/report.yaml"
    shell: "cat {input} > {output}"
`;

function snakemake(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync('snakemake', [...args, '--cores', '1'], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('the Snakemake export, read by the real Snakemake', () => {
  test('snakemake -n accepts the two lines and gives each rule its planned image', () => {
    requireTools(['snakemake']);
    const dir = tempDir('snakemake');
    writeFileSync(join(dir, 'Snakefile'), SNAKEFILE);
    mkdirSync(join(dir, 'envs'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/reads.txt'), 'a\nb\n');
    // Different Python majors: the two rules cannot share an image.
    writeFileSync(
      join(dir, 'envs/count.yaml'),
      'channels: [conda-forge]\ndependencies: [python=3.11, coreutils=9.4]\n',
    );
    writeFileSync(
      join(dir, 'envs/report.yaml'),
      'channels: [conda-forge]\ndependencies: [python=3.12]\n',
    );

    const exported = stowage(['export', 'snakemake', '.', '--registry', '127.0.0.1:1/smk'], dir);
    expect(exported.status).toBe(0);
    const usage = exported.stdout.split('append to the Snakefile:\n')[1]!.trim().split('\n');
    expect(usage).toHaveLength(2);
    // Read as YAML, as Snakemake's configfile reads it (keys and values are written quoted).
    const { stowage_images: images } = parse(
      readFileSync(join(dir, '.stowage/export/snakemake/stowage-images.yaml'), 'utf8'),
    ) as { stowage_images: Record<string, string> };
    const { count, report } = images;
    expect(count).toMatch(/^docker:\/\/127\.0\.0\.1:1\/smk\/conda:hash-[0-9a-f]{20}$/);
    expect(report).toMatch(/^docker:\/\/127\.0\.0\.1:1\/smk\/conda-2:hash-[0-9a-f]{20}$/);

    appendFileSync(join(dir, 'Snakefile'), `${usage.join('\n')}\n`);
    // Observation only: what Snakemake holds for each rule once the lines ran.
    appendFileSync(
      join(dir, 'Snakefile'),
      'for _r in workflow.rules: print("stowage-test", _r.name, _r.container_img)\n',
    );
    const plain = snakemake(['-n'], dir);
    expect([plain.status, plain.stderr]).toEqual([0, expect.any(String)]);
    expect(plain.stdout).toContain(`stowage-test count ${count}`);
    expect(plain.stdout).toContain(`stowage-test report ${report}`);
    expect(plain.stdout).toContain('stowage-test all None');

    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'singularity'), '#!/bin/sh\necho "singularity version 3.8.7"\n', {
      mode: 0o755,
    });
    const containers = snakemake(['-n', '--use-singularity'], dir, {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect([containers.status, containers.stderr]).toEqual([0, expect.any(String)]);
    const pulls = `${containers.stdout}${containers.stderr}`;
    expect(pulls).toContain(`Singularity image ${count} will be pulled.`);
    expect(pulls).toContain(`Singularity image ${report} will be pulled.`);
  });
});
