/**
 * The resolve stage at conda-forge's scale: the 60-step conda spec of `bench/resolve.ts` solved
 * against a generated channel of 550,000+ records (222 MB of `repodata.json` for linux-64 +
 * noarch; `bench/resolve-channel.ts`), served on 127.0.0.1 in each form a channel offers:
 *
 * - `plain`: `repodata.json` only;
 * - `zst`: `repodata.json.zst` beside it;
 * - `sharded`: CEP-16 shards (`repodata_shards.msgpack.zst` and the shards) beside both.
 *
 * Per form, in a process of its own (so each peak is its own): the cold resolve (no lock file, an
 * empty repodata cache), the cold resolve again with the repodata cache the first one left (a CI
 * cache restored), and the rerun from the lock file; with solver calls, bytes fetched and the
 * process's peak memory. The plans (groups, lock entries) of every form must be the same.
 *
 *   npm run bench:resolve-scale                 # every form
 *   npm run bench:resolve-scale -- --form plain # one form
 *   STOWAGE_BENCH_CHANNEL=/var/tmp/ch …          # keep the generated channel between runs
 *   STOWAGE_BENCH_NODE_FLAGS='--cpu-prof' …      # Node flags for each form's process
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { RunProcess } from '../src/common/process.js';
import type { Plan } from '../src/plan/types.js';
import { resolvePlan, type ResolveSettings } from '../src/resolve/resolve.js';
import { LockStore } from '../src/resolve/store.js';
import type { FetchFn } from '../src/resolve/types.js';
import { zstdDecoder } from '../src/resolve/zstd.js';
import { boundHeapGrowth } from '../src/host/heap.js';
import { loadSpecText } from '../src/workflow/load.js';
import { CHAIN, FAMILIES, lib, rng, tool, TOOLS, writeScaleChannel } from './resolve-channel.js';

const FORMS = ['plain', 'zst', 'sharded'] as const;
type Form = (typeof FORMS)[number];

/** Which files a channel of each form serves (the others answer 404). */
function serves(form: Form, file: string): boolean {
  const base = path.basename(file);
  if (base === 'repodata.json') return true;
  if (base === 'repodata.json.zst') return form !== 'plain';
  return form === 'sharded'; // the shard index and the shards
}

/** 54 steps pinning three tools each, and six carrying the planted conflicts. */
export function scaleSpec(seed = 11): string {
  const random = rng(seed);
  const lines = ['version: 1', 'name: bench-resolve-scale', 'steps:'];
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
    while (tools.size < 3) tools.add(tool(Math.floor(random() * TOOLS)));
    const reqs = [...tools].map((t) => `'${t}=2.${Math.floor(random() * 12)}'`);
    lines.push(`  step${s}:`, `    run: step${s}`, `    software: { conda: [${reqs.join(', ')}] }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Files under `root`, per form under `/<form>/…`, with ETag and Last-Modified (304 on a match). */
async function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const [, form, ...rest] = decodeURIComponent((req.url ?? '/').split('?')[0]!).split('/');
    const file = path.join(root, path.normalize(rest.join('/')));
    if (
      !FORMS.includes(form as Form) ||
      !file.startsWith(root) ||
      !existsSync(file) ||
      !serves(form as Form, file)
    ) {
      res.writeHead(404).end();
      return;
    }
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = { etag, 'last-modified': stat.mtime.toUTCString() };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-length': stat.size,
      'content-type': 'application/octet-stream',
    });
    createReadStream(file).pipe(res);
  });
  // As a CDN does: connections kept open, many at once.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => r()),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

interface ChildReport {
  form: Form;
  cold: {
    ms: number;
    calls: number;
    recordChecks: number;
    rounds: number;
    peakMb: number;
    bytes: number;
    requests: number;
  };
  warmCache: { ms: number; calls: number; bytes: number; requests: number };
  rerun: { ms: number; fromLock: number };
  groups: number;
  conflicts: number;
  lowerBound: number;
  notes: string[];
  /** sha256 over the groups (steps, content hashes) and the lock file. */
  fingerprint: string;
  sameFromLock: boolean;
}

/** One form, in this process: cold, cold with the cache left by the first, rerun from the lock. */
async function child(form: Form, url: string): Promise<void> {
  boundHeapGrowth(); // as the action and the CLI run
  const { workflow } = loadSpecText(scaleSpec(), 'stowage.yml');
  if (!workflow) throw new Error('the benchmark spec does not load');
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'stowage-bench-cache-'));
  const channel = `${url}/${form}`;
  const settings = {
    mode: 'auto',
    channelUrls: { 'conda-forge': channel, bioconda: channel },
    pipIndexUrl: 'http://127.0.0.1:9/simple',
    npmRegistry: 'http://127.0.0.1:9/npm',
    arches: ['amd64'],
    python: 'python3',
    npm: 'npm',
    cacheDir,
  } as ResolveSettings;
  const noTools: RunProcess = () => Promise.reject(new Error('no tools in this benchmark'));
  // Bytes as the server sends them (its content-length), requests as made.
  const realFetch = fetch;
  const count = { bytes: 0, requests: 0 };
  const counting: FetchFn = async (input, init) => {
    count.requests++;
    const response = await realFetch(input, init);
    count.bytes += Number(response.headers.get('content-length') ?? 0);
    return response;
  };
  try {
    const store = new LockStore();
    let t0 = performance.now();
    const cold = await resolvePlan(workflow, {}, settings, store, {
      fetch: counting,
      run: noTools,
    });
    const coldMs = performance.now() - t0;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const coldCount = { ...count };

    t0 = performance.now();
    const warm = await resolvePlan(workflow, {}, settings, new LockStore(), {
      fetch: counting,
      run: noTools,
    });
    const warmMs = performance.now() - t0;
    const warmCount = {
      bytes: count.bytes - coldCount.bytes,
      requests: count.requests - coldCount.requests,
    };

    const offline: FetchFn = () => Promise.reject(new Error('the rerun must not fetch'));
    const lockText = store.serialize();
    t0 = performance.now();
    const again = await resolvePlan(
      workflow,
      {},
      settings,
      LockStore.parse(lockText, 'stowage.lock'),
      { fetch: offline, run: noTools },
    );
    const rerunMs = performance.now() - t0;
    const groups = (p: typeof cold.plan) =>
      JSON.stringify(p.groups.map((g) => [g.name, g.steps, g.contentHash]));
    const report: ChildReport = {
      form,
      cold: {
        ms: coldMs,
        calls: cold.stats.solverCalls,
        recordChecks: cold.stats.recordChecks,
        rounds: cold.stats.rounds,
        peakMb,
        ...coldCount,
      },
      warmCache: { ms: warmMs, calls: warm.stats.solverCalls, ...warmCount },
      rerun: { ms: rerunMs, fromLock: again.stats.fromLock },
      groups: cold.plan.groups.length,
      conflicts: cold.plan.solverConflicts?.length ?? 0,
      lowerBound: cold.plan.lowerBound,
      notes: cold.notes,
      fingerprint: fingerprint(cold.plan, lockText, channel),
      sameFromLock:
        groups(again.plan) === groups(cold.plan) && groups(warm.plan) === groups(cold.plan),
    };
    console.log(`REPORT ${JSON.stringify(report)}`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * The plan and the lock of a form as any form gives them: its URLs differ only by the channel's
 * (each form is served from its own folder), so the channel is written CHANNEL; the groups by name, steps and generated files
 * (whose content hashes cover those URLs); the lock's entries in the order of their requests
 * (their keys hash the URLs).
 */
function fingerprint(plan: Plan, lockText: string, channel: string): string {
  const same = (text: string) => text.replaceAll(channel, 'CHANNEL');
  const groups = plan.groups.map((g) => [g.name, g.steps, same(JSON.stringify(g.generated))]);
  const solves = Object.values(
    (JSON.parse(same(lockText)) as { solves: Record<string, { specs: string[] }> }).solves,
  ).sort((a, b) => (a.specs.join() < b.specs.join() ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([groups, solves]))
    .digest('hex')
    .slice(0, 16);
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const formArg = args[args.indexOf('--form') + 1];
  if (args.includes('--child')) {
    await child(formArg as Form, args[args.indexOf('--url') + 1]!);
    return;
  }
  const forms: Form[] = args.includes('--form') ? [formArg as Form] : [...FORMS];
  if (forms.some((f) => !FORMS.includes(f))) throw new Error(`--form takes ${FORMS.join('|')}`);
  const keep = process.env.STOWAGE_BENCH_CHANNEL;
  const root = keep ?? mkdtempSync(path.join(tmpdir(), 'stowage-bench-scale-'));
  const marker = path.join(root, 'written.json');
  try {
    const t0 = performance.now();
    if (!existsSync(marker)) {
      const written = writeScaleChannel(root);
      writeFileSync(marker, JSON.stringify(written));
      console.log(`channel written in ${s(performance.now() - t0)}`);
    }
    const written = JSON.parse(readFileSync(marker, 'utf8')) as ReturnType<
      typeof writeScaleChannel
    >;
    console.log(
      `channel: ${written.records.toLocaleString('en')} records, ${written.names.toLocaleString('en')} names (linux-64 + noarch); repodata.json ${mb(written.bytes.json)}, .zst ${mb(written.bytes.zst)}, shard index ${mb(written.bytes.shardIndex)} + ${written.shardFiles.toLocaleString('en')} shards ${mb(written.bytes.shards)}; ${FAMILIES} library families in chains of ${CHAIN} (${lib(0, 0)} …)`,
    );
    console.log('spec: 60 conda steps (54 × three tools, six planted conflicts), one architecture');
    console.log(`Node ${process.version}, zstd by ${zstdDecoder}`);
    const { server, url } = await serve(root);
    const reports: ChildReport[] = [];
    try {
      for (const form of forms) {
        // spawnSync would block this process, and with it the server: run the child async.
        const out = await new Promise<string>((resolve, reject) => {
          {
            const p = spawn(
              process.execPath,
              [
                // Node flags for the child (`--cpu-prof`, which NODE_OPTIONS does not take).
                ...(process.env.STOWAGE_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
                '--import',
                fileURLToPath(new URL('./register.mjs', import.meta.url)),
                fileURLToPath(import.meta.url),
                '--child',
                '--form',
                form,
                '--url',
                url,
              ],
              { stdio: ['ignore', 'pipe', 'inherit'] },
            );
            let text = '';
            p.stdout.on('data', (d: Buffer) => (text += d.toString()));
            p.on('close', (code) =>
              code === 0 ? resolve(text) : reject(new Error(`${form}: exit ${code}\n${text}`)),
            );
          }
        });
        const line = out.split('\n').find((l) => l.startsWith('REPORT '));
        if (!line) throw new Error(`${form}: no report\n${out}`);
        const report = JSON.parse(line.slice(7)) as ChildReport;
        reports.push(report);
        const r = report;
        console.log(
          `\n${form}: cold ${s(r.cold.ms)} — ${r.cold.calls} solver calls (and ${r.cold.recordChecks} requests answered by their records' conflicts) in ${r.cold.rounds} rounds, ${r.groups} groups (lower bound ${r.lowerBound}), ${r.conflicts} conflicts; fetched ${mb(r.cold.bytes)} in ${r.cold.requests.toLocaleString('en')} requests; peak ${r.cold.peakMb.toFixed(0)} MB`,
        );
        console.log(
          `  cold again with the repodata cache: ${s(r.warmCache.ms)}, ${r.warmCache.calls} solver calls, fetched ${mb(r.warmCache.bytes)} in ${r.warmCache.requests.toLocaleString('en')} requests`,
        );
        console.log(
          `  rerun from the lock: ${s(r.rerun.ms)} (${r.rerun.fromLock} answers, nothing fetched), ratio ${(r.rerun.ms / r.cold.ms).toFixed(3)} (target ≤ 0.05); plan ${r.fingerprint}, the same from the cache and the lock: ${r.sameFromLock}`,
        );
        for (const note of r.notes) console.log(`  notice: ${note}`);
      }
    } finally {
      server.close();
    }
    if (reports.length > 1)
      console.log(
        `\nsame plan (groups, locks) from every form: ${reports.every((r) => r.fingerprint === reports[0]!.fingerprint)}`,
      );
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}

// Run as a script (not when another benchmark imports the spec).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
