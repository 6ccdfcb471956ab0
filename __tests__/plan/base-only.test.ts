/**
 * No external image for base utilities (issue 17.2): a CWL step whose SoftwareRequirement names
 * only what every Stowage base has (coreutils, gzip…) and that runs one of those programs goes
 * into the smallest group, never left on the DockerRequirement image Stowage did not build; the
 * plan says so. A workflow of our own, in a temporary folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import { planTable } from '../../src/report/plan.js';
import { needsOnlyBase } from '../../src/software/family.js';
import { tempDir } from '../helpers/temp.js';
import { step } from './helpers.js';

function tool(id: string, image: string, packages: string, baseCommand: string): string {
  return [
    'cwlVersion: v1.2',
    'class: CommandLineTool',
    `requirements:`,
    `  DockerRequirement: { dockerPull: "${image}" }`,
    'hints:',
    `  SoftwareRequirement: { packages: ${packages} }`,
    `baseCommand: ${baseCommand}`,
    `stdout: ${id}.txt`,
    'inputs:',
    '  x: { type: File, inputBinding: { position: 1 } }',
    'outputs:',
    `  out: { type: stdout }`,
    '',
  ].join('\n');
}

/** A workflow whose steps run the given tools one after another. */
function pipeline(tools: Record<string, string>): string {
  const root = tempDir('base-only');
  mkdirSync(join(root, 'tools'));
  const ids = Object.keys(tools);
  for (const id of ids) writeFileSync(join(root, 'tools', `${id}.cwl`), tools[id]!);
  const steps = ids.map((id, i) =>
    [
      `  ${id}:`,
      `    run: tools/${id}.cwl`,
      `    in: { x: ${i === 0 ? 'input' : `${ids[i - 1]}/out`} }`,
      '    out: [out]',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'workflow.cwl'),
    [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs: { input: File }',
      `outputs: { result: { type: File, outputSource: ${ids[ids.length - 1]}/out } }`,
      'steps:',
      ...steps,
      '',
    ].join('\n'),
  );
  return root;
}

const SAMTOOLS =
  '{ samtools: { specs: ["https://anaconda.org/bioconda/samtools"], version: ["1.20"] } }';

describe('a step that needs only base utilities', () => {
  test('goes into the smallest group, not onto the image it names; the plan says so', async () => {
    const root = pipeline({
      unzip: tool('unzip', 'debian:bookworm-slim', '[coreutils, gzip]', '[gzip, -dc]'),
      sort: tool(
        'sort',
        'quay.io/biocontainers/samtools:1.20--h50ea8bc_0',
        SAMTOOLS,
        '[samtools, sort]',
      ),
      count: tool('count', 'alpine:3.20', '{ coreutils: {} }', '[/usr/bin/wc, -l]'),
    });
    const { plan } = await lintAndPlan('workflow.cwl', { root, plan: true });
    expect(plan!.external).toEqual([]);
    expect(plan!.groups.map((g) => [g.name, g.steps])).toEqual([
      ['conda', ['unzip', 'sort', 'count']],
    ]);
    expect(plan!.baseOnly).toEqual([
      {
        step: 'unzip',
        image: 'debian:bookworm-slim',
        software: ['coreutils', 'gzip'],
        group: 'conda',
      },
      { step: 'count', image: 'alpine:3.20', software: ['coreutils'], group: 'conda' },
    ]);
    expect(plan!.lowerBound).toBe(1);
    const table = planTable(plan!);
    expect(table).toContain('On a Stowage image instead of their own: 2 steps');
    expect(table).toContain('  unzip (coreutils, gzip; named debian:bookworm-slim) in group conda');
  });

  test('alone, gets a native group of its own', async () => {
    const root = pipeline({
      unzip: tool('unzip', 'debian:bookworm-slim', '[gzip]', '[gunzip, -c]'),
    });
    const { plan } = await lintAndPlan('workflow.cwl', { root, plan: true });
    expect(plan!.external).toEqual([]);
    expect(plan!.groups.map((g) => [g.name, g.family, g.steps, g.blocked])).toEqual([
      ['native', 'native', ['unzip'], undefined],
    ]);
    expect(plan!.groups[0]!.generated['Dockerfile']).toMatch(/^FROM .*debian:bookworm-slim$/m);
    expect(plan!.lowerBound).toBe(1);
  });

  test.each<[string, Parameters<typeof step>[2], boolean]>([
    ['gzip from base software', { baseSoftware: ['gzip'], run: 'gzip -c x' }, true],
    ['no command at all', { baseSoftware: ['coreutils'], run: '' }, true],
    ['/bin/sort', { baseSoftware: ['coreutils'], run: '/bin/sort x' }, true],
    ['a tool the base lacks', { baseSoftware: ['coreutils'], run: 'samtools view x' }, false],
    ['an absolute tool path', { baseSoftware: ['gzip'], run: '/usr/local/bin/gzip x' }, false],
    ['no declared software', { run: 'gzip x' }, false],
    ['a package beside it', { baseSoftware: ['gzip'], run: 'gzip x' }, false],
  ])('%s', (what, extra, expected) => {
    const s = step('s', what === 'a package beside it' ? { apt: ['pigz'] } : {}, {
      container: 'debian:bookworm-slim',
      ...extra,
    });
    expect(needsOnlyBase(s)).toBe(expected);
  });

  test('a step whose command the base lacks stays on its image', async () => {
    const root = pipeline({
      view: tool(
        'view',
        'registry.example.org/lab/samtools:1.20',
        '[coreutils]',
        '[samtools, view]',
      ),
    });
    const { plan } = await lintAndPlan('workflow.cwl', { root, plan: true });
    expect(plan!.external).toEqual([
      { step: 'view', image: 'registry.example.org/lab/samtools:1.20' },
    ]);
    expect(plan!.baseOnly).toBeUndefined();
  });
});
