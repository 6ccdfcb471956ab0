/**
 * The resolve stage against a real conda channel (repodata written here, served on 127.0.0.1)
 * and rattler's real solver: conflicts that show only through dependencies split the group, each
 * group gets an explicit lock its Dockerfile installs from, and a rerun needs no channel.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { runTool } from '../../src/host/run.js';
import type { Plan, PlannedGroup } from '../../src/plan/types.js';
import { resolvePlan, type ResolveSettings } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import type { FetchFn } from '../../src/resolve/types.js';
import { loadSpecText } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/model.js';
import { PLANTED, writeChannel, type CondaRecord } from '../helpers/conda-channel.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

const FORGE = new Set(['python', 'pip', 'libzlib', 'openjdk', 'r-base']);
let server: Served;
let settings: ResolveSettings;

beforeAll(async () => {
  const root = tempDir('channels');
  const forge: CondaRecord[] = PLANTED.filter((r) => FORGE.has(r.name));
  writeChannel(path.join(root, 'conda-forge'), forge);
  writeChannel(
    path.join(root, 'bioconda'),
    PLANTED.filter((r) => !FORGE.has(r.name)),
  );
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

function workflowOf(steps: Record<string, string[]>, extra = ''): Workflow {
  const lines = ['version: 1', 'name: planted', 'steps:'];
  for (const [id, conda] of Object.entries(steps)) {
    lines.push(
      `  ${id}:`,
      `    run: ${id}`,
      `    software: { conda: [${conda.map((c) => `'${c}'`).join(', ')}] }`,
    );
  }
  const { workflow, findings } = loadSpecText(`${lines.join('\n')}\n${extra}`, 'stowage.yml');
  if (!workflow) throw new Error(findings.map((f) => f.message).join('\n'));
  return workflow;
}

const counting =
  (calls: string[]): FetchFn =>
  (input, init) => {
    calls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(input, init);
  };

const PLANTED_STEPS = {
  align: ['bioconda::samtools=1.17', 'bioconda::bwa=0.7.18'],
  call: ['bioconda::bcftools=1.20'],
  qc: ['bioconda::fastqc=0.12.1'],
  sv: ['bioconda::manta=1.6.0'],
  report: ['multiqc=1.25'],
  de: ['bioconductor-deseq2=1.46.0'],
  tx: ['bioconductor-tximeta=1.20.1'],
};
const APART: [string, string][] = [
  ['align', 'call'],
  ['sv', 'report'],
  ['de', 'tx'],
];

function groupOf(plan: Plan, step: string): PlannedGroup {
  return plan.groups.find((g) => g.steps.includes(step))!;
}

describe('conflicts through dependencies', () => {
  let first: Awaited<ReturnType<typeof resolvePlan>>;
  let store: LockStore;

  beforeAll(async () => {
    store = new LockStore();
    first = await resolvePlan(workflowOf(PLANTED_STEPS), {}, settings, store, {
      fetch,
      run: runTool,
    });
  });

  test('the name-level plan sees one group; the solver keeps every planted pair apart', () => {
    for (const [a, b] of APART)
      expect(groupOf(first.plan, a).name).not.toBe(groupOf(first.plan, b).name);
    // Optimum: two images (each conflict has one side in each); allowed: one more.
    expect(first.plan.groups.length).toBeLessThanOrEqual(3);
    expect(first.plan.lowerBound).toBe(2);
    expect(first.plan.solverConflicts?.map((c) => c.requirements)).toEqual(
      expect.arrayContaining([
        ['bioconda::bcftools=1.20', 'bioconda::samtools=1.17'],
        ['bioconda::manta=1.6.0', 'multiqc=1.25'],
        ['bioconductor-deseq2=1.46.0', 'bioconductor-tximeta=1.20.1'],
      ]),
    );
  });

  test('each split is a finding at the steps involved, with the explanation', () => {
    const splits = first.findings.filter((f) => f.rule === 'STW430');
    const call = splits.find((f) => f.message.startsWith('Step "call"'))!;
    expect(call.span.line).toBe(9); // the bcftools item of step call
    expect(call.message).toContain('cannot share an image with step "align"');
    expect(call.message).toMatch(/htslib >=1\.17,<1\.18/);
    expect(splits.map((f) => /^Step "([^"]+)"/.exec(f.message)![1]).sort()).toEqual([
      'align',
      'call',
      'de',
      'report',
      'sv',
      'tx',
    ]);
  });

  test('every group is solved and installs from its explicit lock in one step', () => {
    for (const g of first.plan.groups) {
      expect(g.resolution).toMatchObject({ status: 'solved', fromLock: false, solved: ['conda'] });
      const lock = g.generated['conda-amd64.lock']!;
      expect(lock).toContain('@EXPLICIT');
      for (const p of g.resolution!.packages) expect(lock).toContain(`${p.url}#sha256:${p.sha256}`);
      const dockerfile = g.generated['Dockerfile']!;
      expect(dockerfile).toContain('COPY ["conda-amd64.lock","/usr/local/share/stowage/"]');
      expect(dockerfile.match(/micromamba install/g)).toHaveLength(1);
      expect(dockerfile).toContain(
        'micromamba install -y -n base --file /usr/local/share/stowage/conda-amd64.lock',
      );
    }
    const align = groupOf(first.plan, 'align').resolution!.packages;
    expect(align.map((p) => `${p.name}=${p.version}`)).toEqual(
      expect.arrayContaining(['samtools=1.17', 'htslib=1.17', 'libzlib=1.3.1']),
    );
    // Dependencies come first in the explicit file.
    const names = align.map((p) => p.name);
    expect(names.indexOf('libzlib')).toBeLessThan(names.indexOf('htslib'));
    expect(names.indexOf('htslib')).toBeLessThan(names.indexOf('samtools'));
    expect(align.find((p) => p.name === 'samtools')).toMatchObject({
      source: `${server.url}/bioconda`,
      url: `${server.url}/bioconda/linux-64/samtools-1.17-h0_0.conda`,
      build: 'h0_0',
    });
  });

  test('a rerun with the channel gone gives the same plan from the lock file, without network', async () => {
    const reread = LockStore.parse(store.serialize(), 'stowage.lock');
    const calls: string[] = [];
    const again = await resolvePlan(workflowOf(PLANTED_STEPS), {}, settings, reread, {
      fetch: counting(calls),
      run: () => Promise.reject(new Error('no tool may run')),
    });
    expect(calls).toEqual([]);
    expect(again.stats.solverCalls).toBe(0);
    expect(again.notes).toEqual([]);
    const asSolved = again.plan.groups.map((g) => ({
      ...g,
      resolution: { ...g.resolution!, fromLock: false },
    }));
    // Byte for byte: plan.json does not change when the answers come from the lock file.
    expect(JSON.stringify(asSolved) === JSON.stringify(first.plan.groups)).toBe(true);
    expect(again.plan.groups.every((g) => g.resolution?.fromLock)).toBe(true);
    expect(again.findings).toEqual(first.findings);
  });
});
