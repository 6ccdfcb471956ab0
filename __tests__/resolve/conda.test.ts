/**
 * The resolve stage against a real conda channel (repodata written here, served on 127.0.0.1)
 * and rattler's real solver: conflicts that show only through dependencies split the group, each
 * group gets an explicit lock its Dockerfile installs from, and a rerun needs no channel.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import path from 'node:path';
import { runProcess } from '../../src/host/process.js';
import type { Plan, PlannedGroup } from '../../src/plan/types.js';
import { planTable } from '../../src/report/plan.js';
import { resolvePlan, type ResolveSettings } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import type { FetchFn } from '../../src/resolve/types.js';
import { loadSpecText } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/model.js';
import { PLANTED, writeChannel, type CondaRecord } from '../helpers/conda-channel.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

// Each solve starts the solver (and npm or pip runs a process): slow on a busy 2-core runner.
jest.setTimeout(90_000);

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

const realFetch = fetch; // the solver swaps the global during a solve
const counting =
  (calls: string[]): FetchFn =>
  (input, init) => {
    calls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return realFetch(input, init);
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
      run: runProcess,
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

  test('the baselines and the table say what they count', () => {
    // One image for everything would hold the three conflicts the solver found (none by name).
    expect(first.plan.baselines.monolith.conflicts).toBe(3);
    expect(first.plan.baselines.perStep.conflicts).toBe(0);
    const table = planTable(first.plan);
    expect(table).toMatch(/^GROUP\s+FAMILY\s+STEPS\s+PACKAGES\s+EST\. SIZE\s+HASH\s+SOLVED$/m);
    expect(table).toMatch(/^conda-2\s+conda\s+call, report, tx\s.*\ssolved$/m);
    expect(table).toContain('Lower bound: 2 images (conda 2): no plan can use fewer.');
    expect(table).toContain('through dependencies: 3 conflicts found by the solvers');
    expect(table).toContain('One image for everything: 1 image, 365 MB, 3 conflicts inside.');
  });

  test('each split is a finding at the steps involved, with the explanation', () => {
    const splits = first.findings.filter((f) => f.rule === 'STW430');
    const call = splits.find((f) => f.message.startsWith('Step "call"'))!;
    expect(call.span.line).toBe(9); // the bcftools item of step call
    expect(call.message).toContain('cannot share an image with step "align"');
    expect(call.message).toContain(
      "The channels' records show:\n    bcftools=1.20 needs htslib 1.20, samtools=1.17 needs htslib 1.17: no htslib satisfies both",
    );
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

describe('when the solver says no, or cannot be asked', () => {
  test('a step whose own packages conflict stands alone and is reported, the others still solve', async () => {
    const workflow = workflowOf({
      both: ['bioconda::samtools=1.17', 'bioconda::bcftools=1.20'],
      qc: ['bioconda::fastqc=0.12.1'],
      align: ['bioconda::samtools=1.20'],
    });
    const result = await resolvePlan(workflow, {}, settings, new LockStore(), {
      fetch,
      run: runProcess,
    });
    const both = groupOf(result.plan, 'both');
    expect(both.steps).toEqual(['both']);
    expect(both.resolution?.status).toBe('unsolvable');
    expect(both.blocked?.[0]).toMatch(
      /cannot install bioconda::bcftools=1\.20, bioconda::samtools=1\.17 together/,
    );
    expect(groupOf(result.plan, 'qc').resolution?.status).toBe('solved');
    expect(groupOf(result.plan, 'qc').steps).toEqual(['qc', 'align']);
    const unsolvable = result.findings.filter((f) => f.rule === 'STW431');
    expect(unsolvable).toHaveLength(1);
    expect(unsolvable[0]!.message).toMatch(
      /^Step "both": its software does not solve, even in an image of its own/,
    );
  });

  test('a version the channel does not have is unsolvable, named by the solver', async () => {
    const result = await resolvePlan(
      workflowOf({ old: ['bioconda::samtools=0.1'] }),
      {},
      settings,
      new LockStore(),
      {
        fetch,
        run: runProcess,
      },
    );
    expect(result.plan.groups[0]!.resolution?.status).toBe('unsolvable');
    expect(result.findings.find((f) => f.rule === 'STW431')?.message).toContain(
      'No candidates were found for samtools 0.1.*',
    );
  });

  test('a pinned group is not split: the conflict is reported at the pin (STW404)', async () => {
    const workflow = workflowOf(
      { align: ['bioconda::samtools=1.17'], call: ['bioconda::bcftools=1.20'] },
      'containers:\n  groups:\n    tools: { steps: [align, call] }\n',
    );
    const result = await resolvePlan(workflow, {}, settings, new LockStore(), {
      fetch,
      run: runProcess,
    });
    expect(result.plan.groups.map((g) => g.name)).toEqual(['tools']);
    expect(result.plan.groups[0]!.blocked).toBeDefined();
    const pin = result.findings.find((f) => f.rule === 'STW404')!;
    expect(pin.message).toContain(
      'bioconda::bcftools=1.20 vs bioconda::samtools=1.17 (the conda solver)',
    );
    expect(result.findings.some((f) => f.rule === 'STW430')).toBe(false);
  });

  test('arm64 is solved and locked separately; the Dockerfile picks the lock by TARGETARCH', async () => {
    const result = await resolvePlan(
      workflowOf({ qc: ['bioconda::fastqc=0.12.1'] }),
      {},
      { ...settings, arches: ['amd64', 'arm64'] },
      new LockStore(),
      { fetch, run: runProcess },
    );
    const g = result.plan.groups[0]!;
    expect(g.resolution?.arches).toEqual(['amd64', 'arm64']);
    expect(g.generated['conda-arm64.lock']).toContain('# platform: linux-aarch64');
    expect(g.generated['conda-arm64.lock']).toContain(
      '/conda-forge/linux-aarch64/openjdk-17.0.11-h0_0.conda#sha256:',
    );
    expect(g.generated['Dockerfile']).toContain(
      'ARG TARGETARCH\nCOPY ["conda-amd64.lock","conda-arm64.lock","/usr/local/share/stowage/"]\nRUN micromamba install -y -n base --file /usr/local/share/stowage/conda-$TARGETARCH.lock',
    );
  });

  test('an unreachable channel: a bounded wait, one notice, the name-level plan marked unverified', async () => {
    const hang: FetchFn = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const started = Date.now();
    const result = await resolvePlan(
      workflowOf(PLANTED_STEPS),
      {},
      {
        ...settings,
        channelUrls: {
          'conda-forge': 'http://192.0.2.1/conda-forge',
          bioconda: 'http://192.0.2.1/bioconda',
        },
      },
      new LockStore(),
      { fetch: hang, run: runProcess, limits: { budgetMs: 1500, requestMs: 1000, bodyMs: 1000 } },
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.plan.groups).toHaveLength(1); // the name-level plan: one conda group
    expect(result.plan.groups[0]!.resolution).toMatchObject({ status: 'unverified', packages: [] });
    expect(result.plan.groups[0]!.generated['Dockerfile']).toContain(
      'micromamba install -y -n base -c conda-forge',
    );
    // Nothing was solved against: no solver call counted (nor a notice about calls per group).
    expect(result.stats.solverCalls).toBe(0);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(
      /^Not solved: http:\/\/192\.0\.2\.1 cannot be reached \(the connection failed, or no answer came within 1 s\)/,
    );
    expect(result.notes[0]).toContain('Group conda keeps the name-level plan (unverified');
  });

  test('GPU groups solve with the __cuda virtual package, and are locked apart from CPU groups', async () => {
    const text = (gpus: number) =>
      `version: 1\nname: g\nsteps:\n  a:\n    run: a\n    resources: { gpus: ${gpus} }\n    software: { conda: [cudaaligner=1.0] }\n`;
    const store = new LockStore();
    const gpu = await resolvePlan(
      loadSpecText(text(1), 'stowage.yml').workflow!,
      {},
      settings,
      store,
      {
        fetch,
        run: runProcess,
      },
    );
    expect(gpu.plan.groups[0]).toMatchObject({
      name: 'conda-gpu',
      resolution: { status: 'solved' },
    });
    const cpu = await resolvePlan(
      loadSpecText(text(0), 'stowage.yml').workflow!,
      {},
      settings,
      store,
      {
        fetch,
        run: runProcess,
      },
    );
    expect(cpu.plan.groups[0]!.resolution?.status).toBe('unsolvable');
    expect(cpu.findings.find((f) => f.rule === 'STW431')?.message).toContain('__cuda');
    expect(store.serialize()).toContain('"gpu": true');
  });

  test('offline: the lock file only; a group without an entry stays unverified', async () => {
    const calls: string[] = [];
    const result = await resolvePlan(
      workflowOf({ qc: ['bioconda::fastqc=0.12.1'] }),
      {},
      { ...settings, mode: 'offline' },
      new LockStore(),
      {
        fetch: counting(calls),
        run: runProcess,
      },
    );
    expect(calls).toEqual([]);
    expect(result.plan.groups[0]!.resolution?.status).toBe('unverified');
    expect(result.notes[0]).toContain('offline: the lock file has no answer');
  });

  test('update: solves again although the lock file has the answers', async () => {
    const store = new LockStore();
    const workflow = workflowOf({ qc: ['bioconda::fastqc=0.12.1'] });
    await resolvePlan(workflow, {}, settings, store, { fetch, run: runProcess });
    const again = await resolvePlan(workflow, {}, { ...settings, mode: 'update' }, store, {
      fetch,
      run: runProcess,
    });
    expect(again.stats.solverCalls).toBe(1);
    expect(again.plan.groups[0]!.resolution?.fromLock).toBe(false);
  });
});

describe('the lock file', () => {
  test('refuses entries that could smuggle text into a lock or Dockerfile', () => {
    const entry = (pkg: Record<string, string>) =>
      JSON.stringify({
        lockfileVersion: 1,
        solves: {
          k: {
            ecosystem: 'conda',
            arch: 'amd64',
            specs: ['x'],
            sources: ['https://c'],
            result: 'solved',
            packages: [pkg],
          },
        },
      });
    const ok = {
      name: 'x',
      version: '1',
      build: 'h0',
      source: 'https://c',
      url: 'https://c/linux-64/x-1-h0.conda',
      sha256: 'a'.repeat(64),
    };
    expect(() => LockStore.parse(entry(ok), 'stowage.lock')).not.toThrow();
    expect(() =>
      LockStore.parse(entry({ ...ok, url: 'https://c/x.conda\nRUN curl evil' }), 'stowage.lock'),
    ).toThrow(/stowage\.lock: entry k, package 1: url .* is not a plain http\(s\) URL/);
    expect(() => LockStore.parse(entry({ ...ok, sha256: 'zz' }), 'stowage.lock')).toThrow(
      /sha256 "zz" is not valid/,
    );
    expect(() => LockStore.parse('{"lockfileVersion": 7}', 'stowage.lock')).toThrow(
      /not a Stowage lock file of version 1/,
    );
    expect(() => LockStore.parse('{', 'stowage.lock')).toThrow(/stowage\.lock is not valid JSON/);
  });
});
