/**
 * Stowage as rattler's gateway (issue 21): each channel read once per run in the best form it
 * offers — sharded repodata (CEP-16), `repodata.json.zst`, `repodata.json` — and every form gives
 * the plan and the lock of the plain one; the disk cache makes a second cold run fetch no
 * repodata bytes, and a corrupted cache entry is refused and fetched again; the conflicts read from
 * the records before a solve are ones rattler's own solve confirms. Real rattler against channels
 * served on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../src/host/process.js';
import { matchSpecOf, virtualPackages } from '../../src/resolve/conda.js';
import { CondaGateway } from '../../src/resolve/conda-gateway.js';
import { Network } from '../../src/resolve/network.js';
import { loadRattler } from '../../src/software/conda-spec.js';
import { resolvePlan, type ResolveSettings } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import { loadSpecText } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/model.js';
import {
  PLANTED,
  writeChannel,
  type ChannelForms,
  type CondaRecord,
} from '../helpers/conda-channel.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

jest.setTimeout(90_000);

const FORGE = new Set(['python', 'pip', 'libzlib', 'openjdk', 'r-base']);
const FORMS: Record<string, ChannelForms> = {
  plain: {},
  zst: { zst: true },
  sharded: { zst: true, sharded: true },
};
let server: Served;
let root: string;

beforeAll(async () => {
  root = tempDir('gateway');
  for (const [form, forms] of Object.entries(FORMS)) {
    writeChannel(
      path.join(root, form, 'conda-forge'),
      PLANTED.filter((r) => FORGE.has(r.name)),
      forms,
    );
    writeChannel(
      path.join(root, form, 'bioconda'),
      PLANTED.filter((r) => !FORGE.has(r.name)),
      forms,
    );
  }
  server = await serveDir(root);
});

afterAll(() => server.close());

function settingsFor(form: string, cacheDir?: string): ResolveSettings {
  return {
    mode: 'auto',
    channelUrls: {
      'conda-forge': `${server.url}/${form}/conda-forge`,
      bioconda: `${server.url}/${form}/bioconda`,
    },
    pipIndexUrl: `${server.url}/simple`,
    npmRegistry: `${server.url}/npm`,
    arches: ['amd64'],
    python: 'python3',
    npm: 'npm',
    ...(cacheDir ? { cacheDir } : {}),
  };
}

const STEPS: Record<string, string[]> = {
  align: ['bioconda::samtools=1.17', 'bioconda::bwa=0.7.18'],
  call: ['bioconda::bcftools=1.20'],
  qc: ['bioconda::fastqc=0.12.1'],
  sv: ['bioconda::manta=1.6.0'],
  report: ['multiqc=1.25'],
  de: ['bioconductor-deseq2=1.46.0'],
  tx: ['bioconductor-tximeta=1.20.1'],
};

function workflow(): Workflow {
  const lines = ['version: 1', 'name: forms', 'steps:'];
  for (const [id, conda] of Object.entries(STEPS))
    lines.push(
      `  ${id}:`,
      `    run: ${id}`,
      `    software: { conda: [${conda.map((c) => `'${c}'`).join(', ')}] }`,
    );
  return loadSpecText(`${lines.join('\n')}\n`, 'stowage.yml').workflow!;
}

async function resolve(form: string, cacheDir?: string, store = new LockStore()) {
  const result = await resolvePlan(workflow(), {}, settingsFor(form, cacheDir), store, {
    fetch,
    run: runProcess,
  });
  // The same plan and lock from every form: URLs differ only by the form's folder (and so do the
  // content hashes, which cover the locks).
  const plan = JSON.stringify(result.plan.groups)
    .replaceAll(`/${form}/`, '/FORM/')
    .replace(/"contentHash":"[0-9a-f]+"/g, '"contentHash":"…"');
  // The lock's entries (their keys hash the URLs), in the order of their requests.
  const solves = (
    JSON.parse(store.serialize().replaceAll(`/${form}/`, '/FORM/')) as {
      solves: Record<string, { specs: string[] }>;
    }
  ).solves;
  const lock = JSON.stringify(
    Object.values(solves).sort((a, b) => (a.specs.join() < b.specs.join() ? -1 : 1)),
    null,
    1,
  );
  return { result, plan, lock };
}

describe('every form of a channel', () => {
  const answers: Record<string, { plan: string; lock: string; calls: number }> = {};
  const requests: Record<string, string[]> = {};

  beforeAll(async () => {
    for (const form of Object.keys(FORMS)) {
      const from = server.requests.length;
      const { result, plan, lock } = await resolve(form);
      answers[form] = { plan, lock, calls: result.stats.solverCalls };
      requests[form] = server.requests.slice(from);
      expect(result.plan.groups.every((g) => g.resolution?.status === 'solved')).toBe(true);
    }
  });

  test('sharded and zst give the plain answers (groups, Dockerfiles, locks)', () => {
    expect(answers.plain!.lock).toContain('"result": "solved"');
    expect(answers.plain!.lock).toContain('"result": "conflict"');
    expect(answers.plain!.calls).toBeGreaterThan(1);
    expect(answers.zst!.plan === answers.plain!.plan).toBe(true);
    expect(answers.zst!.lock).toBe(answers.plain!.lock);
    expect(answers.sharded!.plan === answers.plain!.plan).toBe(true);
    expect(answers.sharded!.lock).toBe(answers.plain!.lock);
  });

  test('each channel is read once per run, in the best form it offers', () => {
    const asked = (form: string) => requests[form]!;
    const count = (form: string, tail: string) =>
      asked(form).filter((p) => p.endsWith(tail)).length;
    // Two channels × linux-64 and noarch, once each for the whole run (several solver calls).
    expect(count('plain', '/repodata.json')).toBe(4);
    expect(count('zst', '/repodata.json.zst')).toBe(4);
    expect(count('zst', '/repodata.json')).toBe(0);
    expect(count('sharded', '/repodata_shards.msgpack.zst')).toBe(4);
    expect(count('sharded', '/repodata.json.zst')).toBe(0);
    // Only the shards of names a solve reaches, each once.
    const shards = asked('sharded').filter((p) => p.includes('/shards/'));
    expect(shards.length).toBeGreaterThan(0);
    expect(new Set(shards).size).toBe(shards.length);
  });
});

describe('the repodata cache', () => {
  test('a second cold run fetches no repodata bytes; the same answers', async () => {
    for (const form of Object.keys(FORMS)) {
      const cache = tempDir(`cache-${form}`);
      const first = await resolve(form, cache);
      expect(first.result.stats.bytesFetched).toBeGreaterThan(0);
      const second = await resolve(form, cache);
      expect(second.result.stats.solverCalls).toBe(first.result.stats.solverCalls);
      expect(second.result.stats.bytesFetched).toBe(0);
      expect(second.plan).toBe(first.plan);
      expect(second.lock).toBe(first.lock);
    }
  });

  test('a corrupted entry is refused, fetched again and noted', async () => {
    const cache = tempDir('cache-corrupt');
    const first = await resolve('zst', cache);
    const entries = path.join(cache, 'v1', 'entries');
    const bodies = readdirSync(entries).filter((f) => f.endsWith('.body'));
    expect(bodies.length).toBe(4);
    for (const body of bodies) {
      const file = path.join(entries, body);
      // Same size, other content: an edited record.
      writeFileSync(file, readFileSync(file, 'utf8').replace('"1.17"', '"9.17"'));
    }
    const second = await resolve('zst', cache);
    expect(second.result.stats.bytesFetched).toBeGreaterThan(0);
    expect(second.lock).toBe(first.lock);
    expect(second.result.notes.join('\n')).toMatch(
      /cached copy of .*repodata\.json\.zst does not match its sha256/,
    );
  });

  test('a cache folder that cannot be written is noted once; the run is not affected', async () => {
    for (const form of ['zst', 'sharded']) {
      // A file where the folder should be: no entry and no shard can be made under it.
      const blocked = path.join(tempDir(`cache-blocked-${form}`), 'file');
      writeFileSync(blocked, 'not a folder');
      const plain = await resolve(form);
      const run = await resolve(form, blocked);
      expect(run.lock).toBe(plain.lock);
      const notes = run.result.notes.filter((n) => n.startsWith('The repodata cache'));
      expect(notes).toEqual([
        `The repodata cache (${blocked}): cannot be written (ENOTDIR), so the next run is as cold as this one.`,
      ]);
    }
  });

  test('a corrupted shard is refused and fetched again', async () => {
    const cache = tempDir('cache-shard');
    const first = await resolve('sharded', cache);
    const shardDir = path.join(cache, 'v1', 'shards');
    for (const sub of readdirSync(shardDir))
      for (const f of readdirSync(path.join(shardDir, sub)))
        writeFileSync(path.join(shardDir, sub, f), 'not a shard');
    const second = await resolve('sharded', cache);
    expect(second.result.stats.bytesFetched).toBeGreaterThan(0);
    expect(second.lock).toBe(first.lock);
    expect(second.result.notes.join('\n')).toMatch(
      /cached shard [0-9a-f]{12}… does not match its name/,
    );
  });
});

describe("the records' conflicts agree with rattler", () => {
  test('a spec the records say excludes a record is one rattler cannot install with it', async () => {
    // x in versions and builds that version specs read differently; pin-N needs exactly one x.
    const xs = ['1.0', '1.0.1', '1.17', '1.17.1', '1.17.10', '2.0.0rc1', '2.0', '10.0'].flatMap(
      (version) => ['h0_0', 'py311h1_1'].map((build) => ({ name: 'x', version, build })),
    );
    const pins = xs.map((x, i) => ({
      name: `pin-${i}`,
      version: '1.0',
      depends: [`x ==${x.version} ${x.build}`],
    }));
    const dir = path.join(root, 'matching');
    writeChannel(dir, [...xs, ...pins]);
    const url = `${server.url}/matching`;
    const platforms: ('linux-64' | 'noarch')[] = ['linux-64', 'noarch'];
    const rattler = await loadRattler();
    const solvable = (specs: string[]) =>
      rattler.simpleSolve(specs, [url], platforms, virtualPackages('amd64', false)).then(
        () => true,
        () => false,
      );
    const gateway = new CondaGateway(new Network(fetch));
    const specs = [
      'x=1.17',
      'x==1.17',
      'x 1.17',
      'x 1.17.*',
      'x 1.17*',
      'x >=1.2,<2',
      'x >=1.2,<2.0a0',
      'x 1.0|2.0',
      'x !=1.0',
      'x ~=1.17',
      'x=1.17=h0_0',
      'x * py311*',
      'x >=2.0.0rc0',
      'x 1.17 py311h1_1',
    ].map(matchSpecOf);
    let agree = 0;
    for (const spec of specs) {
      for (const pin of pins) {
        const read = await gateway.forSolve([spec, pin.name], [url], platforms);
        const installs = await solvable([spec, pin.name]);
        // Sound: a pair the records call a conflict never installs.
        if ('conflicts' in read)
          expect([spec, pin.depends[0], installs]).toEqual([spec, pin.depends[0], false]);
        if ('conflicts' in read !== installs) agree++;
      }
    }
    // And exact on these: every pair that does not install is found from the records.
    expect(agree).toBe(specs.length * pins.length);
  });
});

describe('resolve-timeout', () => {
  test('a stage out of time stops, keeps the name-level plan unverified and names the groups', async () => {
    // The channel never answers (until the request is aborted); the network alone would wait 60 s.
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const started = Date.now();
    const result = await resolvePlan(
      workflow(),
      {},
      { ...settingsFor('plain'), timeoutMs: 1500 },
      new LockStore(),
      {
        fetch: hang,
        run: runProcess,
        limits: { budgetMs: 60_000, requestMs: 60_000, bodyMs: 60_000 },
      },
    );
    expect(Date.now() - started).toBeLessThan(6000);
    expect(result.plan.groups).toHaveLength(1); // the name-level plan
    expect(result.plan.groups[0]!.resolution).toMatchObject({ status: 'unverified' });
    expect(result.notes).toEqual([
      expect.stringMatching(
        /^Not solved: the resolve stage stopped at its time limit \(resolve-timeout 2s\)\. Group conda keeps the name-level plan \(unverified, installs not locked\)\. Raise resolve-timeout/,
      ),
    ]);
  });

  test('what was solved before the limit stays solved; the rest is left unverified', async () => {
    const store = new LockStore();
    // Solved once: these answers are in the lock and need no solver.
    await resolve('plain', undefined, store);
    const result = await resolvePlan(
      workflow(),
      {},
      { ...settingsFor('plain'), timeoutMs: 0 },
      LockStore.parse(store.serialize(), 'stowage.lock'),
      { fetch, run: runProcess },
    );
    expect(result.stats.solverCalls).toBe(0);
    expect(result.plan.groups.every((g) => g.resolution?.status === 'solved')).toBe(true);
    expect(result.notes).toEqual([]);
  });
});

describe('fewer solver calls', () => {
  /** manta (Python 2.7) beside six Python 3 tools, one step each, in one channel at `dir`. */
  async function hub(dir: string, manta: CondaRecord, extra: Record<string, string> = {}) {
    const py3 = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => ({
      name: `py3${x}`,
      version: '1.0',
      depends: ['python >=3.8'],
    }));
    writeChannel(dir, [...PLANTED.filter((r) => r.name !== 'manta'), manta, ...py3]);
    const steps = ['  sv:', '    run: sv', "    software: { conda: ['manta=1.6.0'] }"];
    for (const r of py3)
      steps.push(
        `  ${r.name}:`,
        `    run: ${r.name}`,
        `    software: { conda: ['${r.name}=1.0'] }`,
      );
    for (const [id, req] of Object.entries(extra))
      steps.push(`  ${id}:`, `    run: ${id}`, `    software: { conda: ['${req}'] }`);
    const { workflow: w } = loadSpecText(
      `version: 1\nname: hub\nsteps:\n${steps.join('\n')}\n`,
      'stowage.yml',
    );
    const url = `${server.url}/${path.relative(root, dir)}`;
    const result = await resolvePlan(
      w!,
      {},
      { ...settingsFor('plain'), channelUrls: { 'conda-forge': url, bioconda: url } },
      new LockStore(),
      { fetch, run: runProcess },
    );
    return { result, steps: py3.map((r) => r.name) };
  }

  test('conflicts the records show are all learned at once, before any solve', async () => {
    // manta needs Python 2.7; each py3 tool needs Python >=3.8: six conflicts, no solve needed.
    const { result, steps } = await hub(path.join(root, 'hub-records'), {
      name: 'manta',
      version: '1.6.0',
      depends: ['python >=2.7,<2.8'],
    });
    expect(result.plan.groups.map((g) => g.steps)).toEqual([['sv'], steps]);
    const conflicts = result.plan.solverConflicts ?? [];
    expect(conflicts.map((c) => c.requirements)).toEqual(
      steps.map((s) => ['manta=1.6.0', `${s}=1.0`]),
    );
    expect(conflicts.every((c) => c.by === 'records')).toBe(true);
    expect(conflicts[0]!.explanation).toBe(
      'manta=1.6.0 needs python 2.7.18, py3a=1.0 needs python 3.12.4: no python satisfies both',
    );
    // One solve per group; the first draft's group was answered by its records.
    expect([result.stats.solverCalls, result.stats.recordChecks]).toEqual([2, 1]);
    expect(result.notes).toEqual([]);
    const findings = result.findings.filter((f) => f.rule === 'STW430');
    expect(findings.find((f) => f.message.startsWith('Step "py3a"'))?.message).toMatch(
      /The channels' records show:\n {4}manta=1\.6\.0 needs python 2\.7\.18, py3a=1\.0 needs python 3\.12\.4/,
    );
  });

  test('conflicts read from the records do not make a step a hub when the solver names one more', async () => {
    // manta: Python 2 (six conflicts the records show) and, through `constrains`, no openjdk 11
    // (one only the solver names, with fastqc): kept apart from all seven, not given an image of
    // its own — bwa, which agrees with everyone, may still share its image.
    const { result } = await hub(
      path.join(root, 'hub-mixed'),
      {
        name: 'manta',
        version: '1.6.0',
        depends: ['python >=2.7,<2.8'],
        constrains: ['openjdk <11'],
      },
      { qc: 'fastqc=0.12.1', aln: 'bwa=0.7.18' },
    );
    const conflicts = result.plan.solverConflicts ?? [];
    expect(conflicts.filter((c) => c.by !== 'records').map((c) => c.requirements)).toEqual([
      ['fastqc=0.12.1', 'manta=1.6.0'],
    ]);
    expect(result.plan.groups.map((g) => g.steps)).toEqual([
      ['sv', 'aln'],
      ['py3a', 'py3b', 'py3c', 'py3d', 'py3e', 'py3f', 'qc'],
    ]);
  });

  test('a step that conflicts with many others gets an image of its own after three conflicts the solver names', async () => {
    // The records cannot show this one: manta's Python 2 comes through `constrains`, which only the
    // solver reads, so each conflict is named by a failed solve, one a round.
    const { result, steps } = await hub(path.join(root, 'hub-solver'), {
      name: 'manta',
      version: '1.6.0',
      constrains: ['python >=2.7,<2.8'],
      depends: ['python'],
    });
    expect(result.plan.groups.map((g) => g.steps)).toEqual([['sv'], steps]);
    // Three conflicts learned, not six (one a round, each checked by solving just its two specs).
    expect(result.plan.solverConflicts).toHaveLength(3);
    expect(result.plan.solverConflicts!.some((c) => c.by === 'records')).toBe(false);
    expect(result.stats.solverCalls).toBeLessThanOrEqual(10);
    expect(result.notes.join('\n')).toMatch(
      /Resolving took \d+ solver calls for 2 solved groups: 3 conflicts found through dependencies \(3 named by the solver, each checked by solving just its requirements\)/,
    );
  });
});
