/**
 * Stowage as rattler's gateway: each conda channel is read once per run, and each solver call is
 * served a small `repodata.json` holding only the records its specs can reach.
 *
 * rattler's bindings (`simpleSolve`) keep nothing between calls: each call fetches and parses the
 * whole repodata of every channel again (hundreds of MB of JSON for conda-forge). They fetch with
 * the global `fetch`, which the conda solver swaps for the length of a call (conda.ts), so this
 * gateway answers those requests itself:
 *
 * 1. A channel's subdir is opened once per run, in the best form it offers: sharded repodata
 *    (CEP-16: `repodata_shards.msgpack.zst`, then only the shards of the names a solve reaches),
 *    else `repodata.json.zst`, else `repodata.json`; a repodata file is indexed by package name
 *    in one pass (repodata-index.ts), its records parsed only when a solve reaches their name.
 * 2. For a solve, the records it could install are found by walking from its specs through the
 *    dependencies of the records they match, name by name, through every channel and subdir (the
 *    walk rattler's own gateway makes over sharded repodata), and each subdir is served as a
 *    repodata.json of just those records. Sharded and .zst requests of the solver are answered
 *    404, so it reads that file. The solver sees every record it could choose from the whole
 *    channel, so it chooses what it would choose from the whole channel.
 * 3. Before a solve, the records walked are read for conflicts no solve could get past
 *    (conda-needs.ts): a group whose requirements need versions of one package that no record
 *    offers together is answered with every such pair at once, and not solved.
 * 4. What was fetched is kept on disk (repodata-cache.ts) by the channel's ETag/Last-Modified;
 *    shards by their sha256.
 */
import { createHash } from 'node:crypto';
import { decode } from '@msgpack/msgpack';
import { pool } from '../common/pool.js';
import { loadRattler, splitCondaSpec } from '../software/conda-spec.js';
import { NeedsAnalysis } from './conda-needs.js';
import type { CachedResponse, Network } from './network.js';
import { indexRepodata, recordText, RepodataError, type RepodataIndex } from './repodata-index.js';
import type { RepodataCache, Validators } from './repodata-cache.js';
import type { FetchFn, SpecPair } from './types.js';
import { unzstd } from './zstd.js';

/** The form a subdir was read in. */
export type RepodataForm = 'sharded' | 'zst' | 'json' | 'missing';

/** One record of a subdir, ready to serve and to match. */
interface ChannelRecord {
  file: string;
  /** In `packages.conda` (else `packages`, the .tar.bz2 files). */
  conda: boolean;
  /** The record as JSON (hashes in hex). */
  json: string;
  version: string;
  build: string;
  depends: readonly string[];
}

/** The records of one package name in one subdir. */
type NameRecords = readonly ChannelRecord[];

const NONE: NameRecords = [];

interface Subdir {
  /** `<channel>/<subdir>` */
  url: string;
  form: RepodataForm;
  /** What the solver gets for `repodata.json` when the channel does not serve it (404). */
  status: number;
  /** The `info` object and `repodata_version` of the file served. */
  info: string;
  version: number;
  records(name: string): Promise<NameRecords>;
}

/** Shards fetched at once from one channel (each is a few KB). */
const SHARD_CONCURRENCY = 32;

/** The names a run has read from one list of channel subdirs, all their records, and what they need. */
interface SourcesView {
  loaded: Map<string, readonly ChannelRecord[]>;
  analysis: NeedsAnalysis<ChannelRecord>;
}

export class CondaGateway {
  private readonly subdirs = new Map<string, Promise<Subdir>>();
  private readonly views = new Map<string, SourcesView>();
  private shared: Promise<Matcher> | undefined;
  /** `<channel>/<subdir>` → the form it was read in (for the run's figures and the tests). */
  readonly forms = new Map<string, RepodataForm>();

  constructor(
    private readonly network: Network,
    private readonly cache?: RepodataCache,
  ) {}

  /**
   * What a solve of `specs` from `channels` × `subdirs` is given: the pairs of specs no
   * installation can hold together, read from the records (conda-needs.ts) — then there is
   * nothing to solve — else the `repodata.json` each channel subdir serves the solver. Throws
   * `Unreachable` when a channel cannot be reached and `RepodataError` when what it serves cannot
   * be read.
   */
  async forSolve(
    specs: readonly string[],
    channels: readonly string[],
    subdirs: readonly string[],
  ): Promise<
    { conflicts: SpecPair[] } | { served: Map<string, { status: number; body?: string }> }
  > {
    const { sources, kept, analysis } = await this.reach(specs, channels, subdirs);
    const conflicts = analysis.conflicts(specs);
    if (conflicts.length > 0) return { conflicts };
    return { served: repodataFiles(sources, kept) };
  }

  /**
   * The records a solve of `specs` could install, per channel × subdir.
   *
   * A record can be installed only if a spec naming its package matches it — a requested spec, or
   * a dependency of a record that can itself be installed — so the walk starts from the requested
   * specs and follows the dependencies of the records they match, until no new spec comes up
   * (matched by the solver's own version reading). Every other record could not be chosen, and is
   * left out; the names are visited in rounds, each round's shards fetched at once. Every name
   * visited is kept with all its records, for the needs analysis.
   */
  private async reach(
    specs: readonly string[],
    channels: readonly string[],
    subdirs: readonly string[],
  ): Promise<{
    sources: Subdir[];
    kept: Set<ChannelRecord>[];
    analysis: NeedsAnalysis<ChannelRecord>;
  }> {
    const sources = await Promise.all(
      channels.flatMap((c) => subdirs.map((s) => this.subdir(`${c.replace(/\/+$/, '')}/${s}`))),
    );
    const matcher = await this.matcher();
    const view = this.view(sources, matcher);
    const kept = sources.map(() => new Set<ChannelRecord>());
    const seen = new Map<string, Set<string>>(); // name → the specs on it applied so far
    let pending = new Map<string, string[]>(); // name → specs on it not yet applied
    const add = (spec: string) => {
      const name = specName(spec);
      if (name === '' || name.startsWith('__')) return; // virtual packages are the target's
      const known = seen.get(name) ?? new Set<string>();
      seen.set(name, known);
      if (known.has(spec)) return;
      known.add(spec);
      pending.set(name, [...(pending.get(name) ?? []), spec]);
    };
    specs.forEach(add);
    while (pending.size > 0) {
      const round = [...pending];
      pending = new Map();
      const lists = await pool(
        sources.flatMap((source) => round.map(([name]) => [source, name] as const)),
        SHARD_CONCURRENCY,
        ([source, name]) => source.records(name),
      );
      round.forEach(([name], i) => {
        if (!view.loaded.has(name))
          view.loaded.set(
            name,
            sources.flatMap((_, k) => lists[k * round.length + i]!),
          );
      });
      lists.forEach((records, k) => {
        const into = kept[Math.floor(k / round.length)]!;
        const fresh = round[k % round.length]![1];
        for (const record of records) {
          if (into.has(record) || !fresh.some((spec) => matcher.matches(spec, record))) continue;
          into.add(record);
          record.depends.forEach(add);
        }
      });
    }
    return { sources, kept, analysis: view.analysis };
  }

  /** One matcher for the run (its parsed specs and versions are reused by every walk). */
  private matcher(): Promise<Matcher> {
    if (!this.shared) {
      this.shared = Matcher.load();
      this.shared.catch(() => (this.shared = undefined)); // asked again by the next solve
    }
    return this.shared;
  }

  /** The records read so far of one list of channel subdirs, and their needs analysis. */
  private view(sources: readonly Subdir[], matcher: Matcher): SourcesView {
    const key = sources.map((s) => s.url).join('\n');
    let hit = this.views.get(key);
    if (!hit) {
      const loaded = new Map<string, readonly ChannelRecord[]>();
      const analysis = new NeedsAnalysis<ChannelRecord>(
        (name) => loaded.get(name) ?? NONE,
        (spec, record) => matcher.matches(spec, record),
        specName,
      );
      hit = { loaded, analysis };
      this.views.set(key, hit);
    }
    return hit;
  }

  /** A `fetch` for the solver that answers from `served` (404 for every other form it tries). */
  static fetchFor(served: ReadonlyMap<string, { status: number; body?: string }>): FetchFn {
    return async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const hit = served.get(url);
      const response = new Response(hit?.body ?? null, {
        status: hit?.status ?? 404,
        headers: { 'content-type': 'application/json' },
      });
      Object.defineProperty(response, 'url', { value: url });
      return response;
    };
  }

  private subdir(url: string): Promise<Subdir> {
    let hit = this.subdirs.get(url);
    if (!hit) {
      hit = this.open(url);
      this.subdirs.set(url, hit);
      // A failure is not kept: the next solve asks again (the Network remembers outages).
      hit.catch(() => this.subdirs.delete(url));
    }
    return hit;
  }

  /** Reads a subdir in the best form it offers. */
  private async open(url: string): Promise<Subdir> {
    const index = await this.get(`${url}/repodata_shards.msgpack.zst`);
    if (index.status === 200) return this.remember(shardedSubdir(url, index.body!, this));
    const zst = await this.get(`${url}/repodata.json.zst`, unzstd);
    if (zst.status === 200) return this.remember(jsonSubdir(url, zst.body!, 'zst'));
    const json = await this.get(`${url}/repodata.json`);
    if (json.status === 200) return this.remember(jsonSubdir(url, json.body!, 'json'));
    return this.remember({
      url,
      form: 'missing',
      status: json.status,
      info: '{}',
      version: 1,
      records: async () => NONE,
    });
  }

  private remember(subdir: Subdir): Subdir {
    this.forms.set(subdir.url, subdir.form);
    return subdir;
  }

  /**
   * A GET through the disk cache: the kept copy when the channel says it is current (304), else
   * the fresh body, `decoded` (a .zst decompressed) and kept. Any status but 200 passes through.
   */
  async get(
    url: string,
    decoded: (body: Uint8Array) => Uint8Array = (b) => b,
  ): Promise<{ status: number; body?: Uint8Array }> {
    const kept = await this.cache?.read(url);
    const response = await this.network.getFresh(url, kept?.validators);
    if (response.status === 304 && kept) return { status: 200, body: kept.body };
    if (response.status !== 200) return { status: response.status };
    let body: Uint8Array;
    try {
      body = decoded(response.body);
    } catch (error) {
      throw new RepodataError(`${url} cannot be decompressed: ${(error as Error).message}`);
    }
    this.cache?.write(url, validatorsOf(response), body);
    return { status: 200, body };
  }

  /** A shard by its sha256: from the disk cache (checked), else fetched and checked. */
  async shard(url: string, sha256: string): Promise<Uint8Array> {
    const kept = await this.cache?.readShard(sha256);
    if (kept) return kept;
    const response = await this.network.getFresh(url);
    if (response.status !== 200)
      throw new RepodataError(
        `${url}: the channel answers ${response.status} for a shard its index lists`,
      );
    if (createHash('sha256').update(response.body).digest('hex') !== sha256)
      throw new RepodataError(`${url} is not the shard its index names (sha256 differs)`);
    this.cache?.writeShard(sha256, response.body);
    return response.body;
  }
}

/** Each channel subdir as a `repodata.json` of just the records kept from it. */
function repodataFiles(
  sources: readonly Subdir[],
  kept: readonly Set<ChannelRecord>[],
): Map<string, { status: number; body?: string }> {
  const served = new Map<string, { status: number; body?: string }>();
  sources.forEach((source, k) => {
    const url = `${source.url}/repodata.json`;
    if (source.status !== 200) {
      served.set(url, { status: source.status });
      return;
    }
    const maps: [string[], string[]] = [[], []];
    for (const r of kept[k]!) maps[r.conda ? 1 : 0].push(`${JSON.stringify(r.file)}:${r.json}`);
    const body = `{"info":${source.info},"packages":{${maps[0].join(',')}},"packages.conda":{${maps[1].join(',')}},"repodata_version":${source.version}}`;
    served.set(url, { status: 200, body });
  });
  return served;
}

function validatorsOf(response: CachedResponse): Validators {
  const header = (name: string) => response.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const v: Validators = {};
  const etag = header('etag');
  const modified = header('last-modified');
  if (etag) v.etag = etag;
  if (modified) v.lastModified = modified;
  return v;
}

/** A repodata.json (or its .zst, decompressed), indexed once; records parsed by name on demand. */
function jsonSubdir(url: string, bytes: Uint8Array, form: 'zst' | 'json'): Subdir {
  const index: RepodataIndex = indexRepodata(bytes);
  const byName = new Map<string, NameRecords>();
  return {
    url,
    form,
    status: 200,
    info: index.info,
    version: index.version,
    records: async (name) => {
      let hit = byName.get(name);
      if (!hit) {
        hit = fromJson(index, name);
        byName.set(name, hit);
      }
      return hit;
    },
  };
}

function fromJson(index: RepodataIndex, name: string): NameRecords {
  const list = index.names.get(name);
  if (!list) return NONE;
  const out: ChannelRecord[] = [];
  for (const i of list) {
    const text = recordText(index, i);
    let record: unknown;
    try {
      record = JSON.parse(text) as unknown;
    } catch {
      continue; // not JSON: rattler could not read it either; the others still serve
    }
    const usable = usableRecord(record, name);
    if (usable)
      out.push({
        file: index.files[i]!,
        conda: index.map[i] === 1,
        json: served(record as object),
        ...usable,
      });
  }
  return out;
}

interface ShardIndex {
  info?: { base_url?: unknown; shards_base_url?: unknown; subdir?: unknown };
  shards?: Record<string, unknown>;
}

/** CEP-16: the index maps names to the sha256 of their shard; shards are fetched as reached. */
function shardedSubdir(url: string, compressed: Uint8Array, gateway: CondaGateway): Subdir {
  const indexUrl = `${url}/repodata_shards.msgpack.zst`;
  let index: ShardIndex;
  try {
    index = decode(unzstd(compressed)) as ShardIndex;
  } catch (error) {
    throw new RepodataError(`${indexUrl} cannot be read: ${(error as Error).message}`);
  }
  if (
    typeof index !== 'object' ||
    index === null ||
    typeof index.shards !== 'object' ||
    index.shards === null
  )
    throw new RepodataError(`${indexUrl} has no shards`);
  const info = index.info ?? {};
  const base = (value: unknown, what: string) => {
    if (value === undefined || value === '') return new URL('./', indexUrl);
    if (typeof value !== 'string') throw new RepodataError(`${indexUrl}: ${what} is not a string`);
    const resolved = new URL(value.endsWith('/') ? value : `${value}/`, indexUrl);
    if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:')
      throw new RepodataError(`${indexUrl}: ${what} is not http(s)`);
    return resolved;
  };
  const shardsBase = base(info.shards_base_url, 'shards_base_url');
  const packagesBase = base(info.base_url, 'base_url');
  const hashes = new Map<string, string>();
  for (const [name, hash] of Object.entries(index.shards)) {
    if (hash instanceof Uint8Array && hash.length === 32)
      hashes.set(name.toLowerCase(), Buffer.from(hash).toString('hex'));
  }
  // Packages live beside the index unless it says otherwise (CEP-15's base_url).
  const own = packagesBase.href === new URL('./', indexUrl).href;
  const subdir =
    typeof info.subdir === 'string' ? info.subdir : url.slice(url.lastIndexOf('/') + 1);
  const byName = new Map<string, Promise<NameRecords>>();
  return {
    url,
    form: 'sharded',
    status: 200,
    info: JSON.stringify({ subdir, ...(own ? {} : { base_url: packagesBase.href }) }),
    version: own ? 1 : 2,
    records: (name) => {
      let hit = byName.get(name);
      if (!hit) {
        const sha256 = hashes.get(name);
        hit =
          sha256 === undefined
            ? Promise.resolve(NONE)
            : gateway
                .shard(new URL(`${sha256}.msgpack.zst`, shardsBase).href, sha256)
                .then((bytes) => fromShard(bytes, name, indexUrl));
        byName.set(name, hit);
      }
      return hit;
    },
  };
}

function fromShard(bytes: Uint8Array, name: string, indexUrl: string): NameRecords {
  let shard: { packages?: unknown; 'packages.conda'?: unknown };
  try {
    shard = decode(unzstd(bytes)) as typeof shard;
  } catch (error) {
    throw new RepodataError(
      `a shard of ${indexUrl} (${name}) cannot be read: ${(error as Error).message}`,
    );
  }
  const out: ChannelRecord[] = [];
  for (const map of ['packages', 'packages.conda'] as const) {
    const records = shard[map];
    if (typeof records !== 'object' || records === null) continue;
    for (const [file, raw] of Object.entries(records)) {
      const usable = usableRecord(raw, name);
      if (!usable) continue;
      // CEP-16 keeps hashes as bytes: repodata.json writes them in hex.
      const record: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>))
        record[k] = v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
      out.push({ file, conda: map === 'packages.conda', json: served(record), ...usable });
    }
  }
  return out;
}

/**
 * Fields neither the solver's choice nor Stowage's lock reads: left out of what the solver is
 * served (it parses every byte it gets, in WebAssembly; these are a third of a record).
 */
const UNREAD = new Set([
  'license',
  'license_family',
  'legacy_bz2_md5',
  'legacy_bz2_size',
  'purls',
  'arch',
  'platform',
]);

/** A record as the solver is served it. */
function served(record: object): string {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!UNREAD.has(k)) kept[k] = v;
  return JSON.stringify(kept);
}

/** What the walk needs of a record the solver can read, filed under its own name. */
function usableRecord(
  record: unknown,
  name: string,
): Pick<ChannelRecord, 'version' | 'build' | 'depends'> | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  if (
    typeof r.name !== 'string' ||
    r.name.toLowerCase() !== name ||
    typeof r.version !== 'string' ||
    typeof r.build !== 'string'
  )
    return undefined;
  const depends = r.depends ?? [];
  if (!Array.isArray(depends) || !depends.every((d) => typeof d === 'string')) return undefined;
  return { version: r.version, build: r.build, depends: depends as string[] };
}

type Rattler = Awaited<ReturnType<typeof loadRattler>>;
type VersionSpecObject = InstanceType<Rattler['VersionSpec']>;
type VersionObject = InstanceType<Rattler['Version']>;
type ParsedSpec = { version?: VersionSpecObject; build?: RegExp } | null;

/**
 * Whether a record matches a match spec (`name`, `name >=1.2,<2`, `name 3.12.* *_cp312`), by the
 * solver's own version reading (rattler's `VersionSpec`). A spec it cannot read (brackets, an odd
 * version) matches every record: the walk may then keep more than needed, never less.
 */
class Matcher {
  private readonly specs = new Map<string, ParsedSpec>();
  private readonly versions = new Map<string, VersionObject | null>();

  private constructor(private readonly rattler: Rattler) {}

  static async load(): Promise<Matcher> {
    return new Matcher(await loadRattler());
  }

  matches(spec: string, record: ChannelRecord): boolean {
    let parsed = this.specs.get(spec);
    if (parsed === undefined) {
      parsed = this.parse(spec);
      this.specs.set(spec, parsed);
    }
    if (parsed === null) return true;
    if (parsed.build && !parsed.build.test(record.build)) return false;
    if (!parsed.version) return true;
    let version = this.versions.get(record.version);
    if (version === undefined) {
      try {
        version = new this.rattler.Version(record.version);
      } catch {
        version = null;
      }
      this.versions.set(record.version, version);
    }
    return version === null || parsed.version.matches(version);
  }

  /**
   * The version and build a spec asks for, split as conda splits it (conda-spec.ts); null
   * (matches every record) for a spec it refuses. Channel, subdir and bracket keys are not read:
   * they could only rule out more records.
   */
  private parse(spec: string): ParsedSpec {
    const split = splitCondaSpec(spec);
    if (!split.ok) return null;
    const { version, build } = split.parts;
    const out: { version?: VersionSpecObject; build?: RegExp } = {};
    if (version !== undefined && version !== '*') {
      try {
        // A bare version is exact to conda; rattler's strict reading wants the `==` said.
        const text = /^[^=*,|<>!~]+$/.test(version) ? `==${version}` : version;
        out.version = new this.rattler.VersionSpec(text, 'lenient');
      } catch {
        return null;
      }
    }
    if (build !== undefined && build !== '*') {
      if (!/^[A-Za-z0-9_.+*!-]+$/.test(build)) return null;
      out.build = new RegExp(`^${build.replace(/[.+!-]/g, '\\$&').replace(/\*/g, '.*')}$`);
    }
    return out;
  }
}

/** The package name a match spec starts with, lower case. */
export function specName(spec: string): string {
  const text = spec.trim();
  const after = text.includes('::') ? text.slice(text.lastIndexOf('::') + 2) : text;
  return (/^[^\s=<>!~[(,|]+/.exec(after)?.[0] ?? '').toLowerCase();
}

export { RepodataError };
