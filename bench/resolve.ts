/**
 * Resolve benchmark: every group of a 60-step conda spec solved by rattler against a channel of
 * 80,000+ records served on 127.0.0.1 (cold: an empty lock file), then the rerun with the lock
 * file (no channel, no solver), and the peak memory. Run with `npx tsx bench/resolve.ts`.
 *
 * The channel: 2,000 libraries and 2,000 tools × 20 versions (tools depend on two or three
 * libraries, libraries on up to two others), plus the conflicts pipelines meet through their
 * dependencies: htslib pins of samtools/bcftools, Python 2 vs 3 (manta, multiqc), and
 * Bioconductor releases built for different R minor versions. 54 steps pin three tools each; six
 * steps carry the planted conflicts. Deterministic for the seed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolvePlan, type ResolveSettings } from '../src/resolve/resolve.js';
import { LockStore } from '../src/resolve/store.js';
import type { RunProcess } from '../src/common/process.js';
import type { FetchFn } from '../src/resolve/types.js';
import { loadSpecText } from '../src/workflow/load.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rec = { name: string; version: string; depends: string[]; subdir?: string };

const PLANTED: Rec[] = [
  { name: 'htslib', version: '1.17', depends: [] },
  { name: 'htslib', version: '1.20', depends: [] },
  { name: 'samtools', version: '1.17', depends: ['htslib >=1.17,<1.18'] },
  { name: 'bcftools', version: '1.20', depends: ['htslib >=1.20,<1.21'] },
  { name: 'python', version: '2.7.18', depends: [] },
  { name: 'python', version: '3.12.4', depends: [] },
  { name: 'manta', version: '1.6.0', depends: ['python >=2.7,<2.8'] },
  { name: 'multiqc', version: '1.25', depends: ['python >=3.8'], subdir: 'noarch' },
  { name: 'r-base', version: '4.3.3', depends: [] },
  { name: 'r-base', version: '4.4.2', depends: [] },
  { name: 'bioconductor-deseq2', version: '1.46.0', depends: ['r-base >=4.4,<4.5'] },
  { name: 'bioconductor-tximeta', version: '1.20.1', depends: ['r-base >=4.3,<4.4'] },
];

const LIBS = 2000;
const TOOLS = 2000;
const VERSIONS = 20;

function records(random: () => number): Rec[] {
  const out: Rec[] = [...PLANTED];
  const lib = (i: number) => `lib${String(i).padStart(4, '0')}`;
  for (let i = 0; i < LIBS; i++) {
    for (let v = 0; v < VERSIONS; v++) {
      const deps =
        i < 2
          ? []
          : [0, 1].slice(0, Math.floor(random() * 3)).map(() => lib(Math.floor(random() * i)));
      out.push({
        name: lib(i),
        version: `1.${v}`,
        depends: [...new Set(deps)].map((d) => `${d} >=1.0`),
      });
    }
  }
  for (let i = 0; i < TOOLS; i++) {
    for (let v = 0; v < VERSIONS; v++) {
      const n = 2 + Math.floor(random() * 2);
      const deps = Array.from({ length: n }, () => lib(Math.floor(random() * LIBS)));
      out.push({
        name: `tool${String(i).padStart(4, '0')}`,
        version: `2.${v}`,
        depends: [...new Set(deps)].map((d) => `${d} >=1.${Math.floor(v / 4)},<2`),
      });
    }
  }
  return out;
}

function writeChannel(dir: string, recs: readonly Rec[]): void {
  const subdirs = new Map<string, Record<string, unknown>>([
    ['linux-64', {}],
    ['noarch', {}],
  ]);
  for (const r of recs) {
    const subdir = r.subdir ?? 'linux-64';
    const file = `${r.name}-${r.version}-h0_0.conda`;
    subdirs.get(subdir)![file] = {
      name: r.name,
      version: r.version,
      build: 'h0_0',
      build_number: 0,
      depends: r.depends,
      subdir,
      md5: createHash('md5').update(file).digest('hex'),
      sha256: createHash('sha256').update(file).digest('hex'),
      size: 1000,
    };
  }
  for (const [subdir, packages] of subdirs) {
    mkdirSync(path.join(dir, subdir), { recursive: true });
    const repodata = { info: { subdir }, packages: {}, 'packages.conda': packages };
    writeFileSync(path.join(dir, subdir, 'repodata.json'), JSON.stringify(repodata));
  }
}

function spec(random: () => number): string {
  const lines = ['version: 1', 'name: bench-resolve', 'steps:'];
  const planted: Record<string, string> = {
    align: 'samtools=1.17',
    call: 'bcftools=1.20',
    sv: 'manta=1.6.0',
    report: 'multiqc=1.25',
    de: 'bioconductor-deseq2=1.46.0',
    tx: 'bioconductor-tximeta=1.20.1',
  };
  for (const [id, req] of Object.entries(planted))
    lines.push(`  ${id}:`, `    run: ${id}`, `    software: { conda: ['${req}'] }`);
  for (let s = 0; s < 54; s++) {
    const tools = new Set<string>();
    while (tools.size < 3)
      tools.add(`tool${String(Math.floor(random() * TOOLS)).padStart(4, '0')}`);
    const reqs = [...tools].map((t) => `'${t}=2.${Math.floor(random() * VERSIONS)}'`);
    lines.push(`  step${s}:`, `    run: step${s}`, `    software: { conda: [${reqs.join(', ')}] }`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const random = rng(11);
  const root = mkdtempSync(path.join(tmpdir(), 'stowage-bench-resolve-'));
  const server = createServer((req, res) => {
    const file = path.join(root, path.normalize(decodeURIComponent(req.url ?? '/')));
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  try {
    const recs = records(random);
    writeChannel(path.join(root, 'channel'), recs);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/channel`;
    const { workflow } = loadSpecText(spec(random), 'stowage.yml');
    if (!workflow) throw new Error('the benchmark spec does not load');
    const settings: ResolveSettings = {
      mode: 'auto',
      channelUrls: { 'conda-forge': url, bioconda: url },
      pipIndexUrl: 'http://127.0.0.1:9/simple',
      npmRegistry: 'http://127.0.0.1:9/npm',
      arches: ['amd64'],
      python: 'python3',
      npm: 'npm',
    };
    const noTools: RunProcess = () => Promise.reject(new Error('no tools in this benchmark'));
    const realFetch = fetch;

    const store = new LockStore();
    let t0 = performance.now();
    const cold = await resolvePlan(workflow, {}, settings, store, {
      fetch: realFetch,
      run: noTools,
    });
    const coldMs = performance.now() - t0;

    const offline: FetchFn = () => Promise.reject(new Error('the rerun must not fetch'));
    const lockText = store.serialize();
    t0 = performance.now();
    const again = await resolvePlan(
      workflow,
      {},
      settings,
      LockStore.parse(lockText, 'stowage.lock'),
      {
        fetch: offline,
        run: noTools,
      },
    );
    const warmMs = performance.now() - t0;

    const same =
      JSON.stringify(again.plan.groups.map((g) => g.contentHash)) ===
      JSON.stringify(cold.plan.groups.map((g) => g.contentHash));
    const solved = cold.plan.groups.filter((g) => g.resolution?.status === 'solved').length;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const bytes = statSync(path.join(root, 'channel/linux-64/repodata.json')).size;
    console.log(
      `channel: ${recs.length.toLocaleString('en')} records (linux-64 repodata.json ${(bytes / 1e6).toFixed(0)} MB); spec: 60 conda steps`,
    );
    console.log(
      `cold resolve:     ${(coldMs / 1000).toFixed(2)} s — ${cold.plan.groups.length} groups (${solved} solved, lower bound ${cold.plan.lowerBound}), ${cold.stats.solverCalls} solver calls in ${cold.stats.rounds} rounds, ${cold.plan.solverConflicts?.length ?? 0} conflicts learned`,
    );
    console.log(
      `rerun with locks: ${(warmMs / 1000).toFixed(3)} s — ${again.stats.fromLock} answers from the lock file, 0 fetches, same plan: ${same}`,
    );
    for (const note of cold.notes) console.log(`notice: ${note}`);
    console.log(`ratio rerun/cold: ${(warmMs / coldMs).toFixed(3)} (target ≤ 0.1)`);
    console.log(
      `peak memory (max RSS of the process): ${peakMb.toFixed(0)} MB; lock file ${(lockText.length / 1024).toFixed(0)} KB`,
    );
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
