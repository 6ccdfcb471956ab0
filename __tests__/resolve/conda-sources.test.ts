/**
 * Where conda packages come from, as the pipeline says (issue 17.5, 17.6): an environment file's
 * `channels:` (names and URLs, in order) are what the group is solved against, what its lock
 * records and what an unsolved group's Dockerfile installs from; `--channel-url` maps a name to a
 * mirror; and a spec only conda's grammar reads reaches the solver in conda's canonical form.
 * Real rattler against channels served on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import { runProcess } from '../../src/host/process.js';
import { resolvePlan, type ResolveSettings } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import { effectiveChannels, groupChannels } from '../../src/software/channels.js';
import { prepareRequirements } from '../../src/software/requirements.js';
import { loadSpecText } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/model.js';
import { PLANTED, writeChannel } from '../helpers/conda-channel.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

jest.setTimeout(90_000);

const FORGE = new Set(['python', 'pip', 'libzlib', 'openjdk', 'r-base']);
let server: Served;
let settings: ResolveSettings;

beforeAll(async () => {
  const root = tempDir('sources');
  writeChannel(
    path.join(root, 'conda-forge'),
    PLANTED.filter((r) => FORGE.has(r.name)),
  );
  writeChannel(
    path.join(root, 'bioconda'),
    PLANTED.filter((r) => !FORGE.has(r.name)),
  );
  // A project's own channel, listed first by its environment file: its samtools wins.
  writeChannel(path.join(root, 'lab'), [
    { name: 'samtools', version: '1.21', depends: ['htslib >=1.20,<1.21'] },
  ]);
  server = await serveDir(root);
  settings = {
    mode: 'auto',
    channelUrls: { 'conda-forge': `${server.url}/conda-forge`, bioconda: `${server.url}/bioconda` },
    pipIndexUrl: `${server.url}/simple`,
    npmRegistry: `${server.url}/npm`,
    arches: ['amd64'],
    python: 'python3',
    npm: 'npm',
  };
});

afterAll(() => server.close());

function workflowOf(conda: string[], channels?: string[]): Workflow {
  const spec = `version: 1\nname: w\nsteps:\n  a:\n    run: samtools\n    software: { conda: [${conda.map((c) => `"${c}"`).join(', ')}] }\n`;
  const { workflow } = loadSpecText(spec, 'stowage.yml');
  if (channels) workflow!.steps[0]!.software.channels = channels;
  return workflow!;
}

describe("an environment file's channels", () => {
  test.each<[string[] | undefined, string[]]>([
    [undefined, ['conda-forge', 'bioconda']],
    [
      ['lab', 'conda-forge', 'bioconda'],
      ['lab', 'conda-forge', 'bioconda'],
    ],
    [['bioconda'], ['bioconda', 'conda-forge']],
    [['lab', 'nodefaults'], ['lab']],
    [
      ['lab', 'defaults', 'extra'],
      ['lab', 'conda-forge', 'bioconda', 'extra'],
    ],
    [['https://mirror.example/lab/'], ['https://mirror.example/lab', 'conda-forge', 'bioconda']],
  ])('%j are read as %j', (listed, effective) => {
    expect(effectiveChannels(listed)).toEqual(effective);
  });

  test.each<[(string[] | undefined)[], string[] | undefined]>([
    [[undefined, ['conda-forge', 'bioconda']], undefined],
    [
      [['lab', 'conda-forge'], undefined, ['other']],
      ['lab', 'other', 'conda-forge', 'bioconda'],
    ],
    // A project channel a later step lists first stays before the defaults of an earlier step.
    [
      [undefined, ['https://lab.example/c', 'conda-forge', 'bioconda']],
      ['https://lab.example/c', 'conda-forge', 'bioconda'],
    ],
    // Steps that disagree: the first in document order wins.
    [
      [
        ['bioconda', 'conda-forge'],
        ['conda-forge', 'bioconda'],
      ],
      ['bioconda', 'conda-forge'],
    ],
  ])("a group's channels from its steps' %j are %j", (lists, expected) => {
    expect(groupChannels(lists)).toEqual(expected);
  });

  test('are solved against in their order, recorded in the lock, mapped by --channel-url', async () => {
    const store = new LockStore();
    const result = await resolvePlan(
      workflowOf(['samtools'], ['lab', 'conda-forge', 'bioconda']),
      {},
      { ...settings, channelUrls: { ...settings.channelUrls, lab: `${server.url}/lab` } },
      store,
      { fetch, run: runProcess },
    );
    const group = result.plan.groups[0]!;
    expect(group.channels).toEqual(['lab', 'conda-forge', 'bioconda']);
    expect(group.resolution?.status).toBe('solved');
    expect(group.resolution!.packages.find((p) => p.name === 'samtools')).toMatchObject({
      version: '1.21',
      source: `${server.url}/lab`,
    });
    // The lock's request lists the channels' URLs in the file's order.
    const lock = store.serialize();
    const at = (name: string) => lock.indexOf(`${server.url}/${name}`);
    expect(at('lab')).toBeGreaterThanOrEqual(0);
    expect(at('lab')).toBeLessThan(at('conda-forge'));
    expect(at('conda-forge')).toBeLessThan(at('bioconda'));
  });

  test('a channel written as a URL is used as it is', async () => {
    const result = await resolvePlan(
      workflowOf(['samtools'], [`${server.url}/lab/`]),
      {},
      settings,
      new LockStore(),
      { fetch, run: runProcess },
    );
    expect(result.plan.groups[0]!.channels).toEqual([
      `${server.url}/lab`,
      'conda-forge',
      'bioconda',
    ]);
    expect(result.plan.groups[0]!.resolution!.packages).toContainEqual(
      expect.objectContaining({ name: 'samtools', version: '1.21' }),
    );
  });

  test('without them the defaults solve as before (bioconda samtools 1.20)', async () => {
    const result = await resolvePlan(workflowOf(['samtools']), {}, settings, new LockStore(), {
      fetch,
      run: runProcess,
    });
    expect(result.plan.groups[0]!.channels).toBeUndefined();
    expect(result.plan.groups[0]!.resolution!.packages).toContainEqual(
      expect.objectContaining({ name: 'samtools', version: '1.20' }),
    );
  });

  test('read from a Snakemake environment file, go into the unsolved Dockerfile in order', async () => {
    const root = tempDir('sources-smk');
    mkdirSync(path.join(root, 'envs'));
    writeFileSync(
      path.join(root, 'envs', 'tools.yaml'),
      'channels:\n  - lab\n  - https://mirror.example/bioconda\n  - conda-forge\ndependencies:\n  - samtools=1.21\n',
    );
    writeFileSync(
      path.join(root, 'Snakefile'),
      'rule sort:\n    output: "x.bam"\n    conda: "envs/tools.yaml"\n    shell: "samtools sort -o {output}"\n',
    );
    const result = await lintAndPlan('.', { root, plan: true });
    const group = result.plan!.groups[0]!;
    expect(group.channels).toEqual([
      'lab',
      'https://mirror.example/bioconda',
      'conda-forge',
      'bioconda',
    ]);
    expect(group.generated['Dockerfile']).toContain(
      "micromamba install -y -n base -c lab -c https://mirror.example/bioconda -c conda-forge -c bioconda 'samtools=1.21'",
    );
  });

  test('a channel with credentials is refused, and keeps its step out of the plan', async () => {
    const result = await resolvePlan(
      workflowOf(['samtools'], ['https://user:secret@mirror.example/lab']),
      {},
      settings,
      new LockStore(),
      { fetch, run: runProcess },
    );
    expect(result.plan.groups).toEqual([]);
    expect(result.plan.unplanned).toEqual([
      { step: 'a', reason: expect.stringContaining('carries credentials') },
    ]);
    expect(result.findings.map((f) => f.rule)).toContain('STW410');
  });
});

describe('a spec only conda reads', () => {
  test('reaches the solver in canonical form and is locked', async () => {
    const specs = ['bioconda::samtools == 1.17', "bcftools[version='1.17']"];
    await prepareRequirements(specs);
    const store = new LockStore();
    const result = await resolvePlan(workflowOf(specs), {}, settings, store, {
      fetch,
      run: runProcess,
    });
    const group = result.plan.groups[0]!;
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(group.resolution?.status).toBe('solved');
    const versions = group.resolution!.packages.map((p) => `${p.name}=${p.version}`);
    expect(versions).toEqual(expect.arrayContaining(['samtools=1.17', 'bcftools=1.17']));
    expect(store.serialize()).toContain('samtools ==1.17');
    // The lock's answer is checked against the canonical request when it is read back.
    const again = await resolvePlan(
      workflowOf(specs),
      {},
      { ...settings, mode: 'offline' },
      LockStore.parse(store.serialize(), 'stowage.lock'),
      { fetch, run: runProcess },
    );
    expect(again.plan.groups[0]!.resolution).toMatchObject({ status: 'solved', fromLock: true });
  });
});
