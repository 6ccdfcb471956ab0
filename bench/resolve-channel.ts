/**
 * A conda channel of conda-forge's size and shape for the resolve benchmark at scale
 * (`bench/resolve-scale.ts`): linux-64 + noarch with 500,000+ records and 200+ MB of
 * `repodata.json`, written in every form a channel serves —
 *
 * - `<subdir>/repodata.json`, keys sorted and records shaped as conda-forge's (build, build_number,
 *   constrains, depends, license, md5, name, sha256, size, subdir, timestamp, version);
 * - `<subdir>/repodata.json.zst` (the `zstd` command, level 3 as conda-index writes it);
 * - sharded repodata (CEP-16): `<subdir>/repodata_shards.msgpack.zst`, a zstd-compressed msgpack
 *   map of package name → sha256 of that package's shard, and the shards themselves under
 *   `<subdir>/shards/<sha256 hex>.msgpack.zst` (msgpack, hashes as bytes, zstd-compressed).
 *
 * The shape: a core of system libraries (libgcc-ng … sqlite) with many versions and builds; Python
 * 3.8–3.13 with `python_abi`; 1,500 families of C libraries, each a chain of six names where a
 * name depends on the one before it and half the families' roots depend on a more popular family
 * (dependency chains of ten to forty names, popular ones shared by many tools, as in conda-forge);
 * 3,000 command-line tools built for three Pythons or three build numbers, on one to three
 * libraries; 4,000 noarch Python packages; and the conflicts pipelines meet through their
 * dependencies (htslib pins of samtools and bcftools, Python 2.7 against 3, R minor versions).
 * Deterministic for the seed.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from '@msgpack/msgpack';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScaleRecord {
  name: string;
  version: string;
  build: string;
  build_number: number;
  depends: string[];
  constrains?: string[];
  license: string;
  subdir: 'linux-64' | 'noarch';
  noarch?: 'python' | 'generic';
}

export const FAMILIES = 1500;
export const CHAIN = 6;
export const TOOLS = 3000;
export const PYPKGS = 4000;
const LIB_VERSIONS = 8;
const LIB_BUILDS = 5;
const TOOL_VERSIONS = 12;
const PY_VERSIONS = 10;
const PYTHONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];
const TOOL_PYTHONS = ['3.11', '3.12', '3.13'];
const CORE = [
  'libgcc-ng',
  'libstdcxx-ng',
  'libgomp',
  '_libgcc_mutex',
  '_openmp_mutex',
  'libzlib',
  'zlib',
  'bzip2',
  'xz',
  'liblzma',
  'zstd',
  'lz4-c',
  'openssl',
  'ncurses',
  'readline',
  'libffi',
  'libuuid',
  'libnsl',
  'libsqlite',
  'sqlite',
  'tk',
  'libxcrypt',
  'libcurl',
  'krb5',
  'libssh2',
  'c-ares',
  'libnghttp2',
  'libev',
  'keyutils',
  'libedit',
];
const LICENSES = ['MIT', 'BSD-3-Clause', 'Apache-2.0', 'GPL-3.0-or-later', 'LGPL-2.1-only'];

export const lib = (family: number, member: number) =>
  `lib${String(family).padStart(4, '0')}-${member}`;
export const tool = (i: number) => `tool${String(i).padStart(4, '0')}`;
export const pypkg = (i: number) => `py-pkg${String(i).padStart(4, '0')}`;

/** An index below `n`, log-uniform: low indexes (popular families) are drawn far more often. */
function popular(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(10 * (Math.pow((n + 10) / 10, random()) - 1)));
}

const hex = (random: () => number) =>
  Math.floor(random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0');

/** The conflicts of the planted steps, shown only through dependencies. */
function planted(): ScaleRecord[] {
  const r = (
    name: string,
    version: string,
    depends: string[],
    subdir: 'linux-64' | 'noarch' = 'linux-64',
  ): ScaleRecord => ({
    name,
    version,
    build: subdir === 'noarch' ? 'pyhd8ed1ab_0' : 'h0_0',
    build_number: 0,
    depends,
    license: 'MIT',
    subdir,
    ...(subdir === 'noarch' ? { noarch: 'python' as const } : {}),
  });
  return [
    r('htslib', '1.17', ['libzlib >=1.2.13,<2.0a0', 'libgcc-ng >=1.0']),
    r('htslib', '1.20', ['libzlib >=1.2.13,<2.0a0', 'libgcc-ng >=1.0']),
    r('samtools', '1.17', ['htslib >=1.17,<1.18.0a0']),
    r('bcftools', '1.20', ['htslib >=1.20,<1.21.0a0']),
    r('python', '2.7.18', ['libgcc-ng >=1.0', 'libzlib >=1.2.13,<2.0a0']),
    r('manta', '1.6.0', ['python >=2.7,<2.8.0a0']),
    r('multiqc', '1.25', ['python >=3.8'], 'noarch'),
    r('r-base', '4.3.3', ['libgcc-ng >=1.0']),
    r('r-base', '4.4.2', ['libgcc-ng >=1.0']),
    r('bioconductor-deseq2', '1.46.0', ['r-base >=4.4,<4.5.0a0']),
    r('bioconductor-tximeta', '1.20.1', ['r-base >=4.3,<4.4.0a0']),
  ];
}

/** Every record of the channel, in no particular order. */
export function* scaleRecords(seed = 21): Generator<ScaleRecord> {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  yield* planted();
  // The core: each depends on a few before it, 40 versions × 3 builds.
  for (let c = 0; c < CORE.length; c++) {
    for (let v = 0; v < 40; v++) {
      for (let b = 0; b < 3; b++) {
        const deps =
          c < 2
            ? []
            : [...new Set([CORE[0]!, CORE[Math.floor(random() * c)]!])].map((d) => `${d} >=1.0`);
        yield {
          name: CORE[c]!,
          version: `1.${Math.floor(v / 8)}.${v % 8}`,
          build: `h${hex(random)}_${b}`,
          build_number: b,
          depends: deps,
          license: pick(LICENSES),
          subdir: 'linux-64',
        };
      }
    }
  }
  // Python and its ABI.
  for (const minor of PYTHONS) {
    const cp = `cp${minor.replace('.', '')}`;
    for (let patch = 0; patch < 8; patch++) {
      for (let b = 0; b < 4; b++) {
        yield {
          name: 'python',
          version: `${minor}.${patch}`,
          build: `h${hex(random)}_${b}_${cp}`,
          build_number: b,
          depends: [
            'bzip2 >=1.0,<2.0a0',
            'libffi >=1.0,<2.0a0',
            'libgcc-ng >=1.0',
            'libsqlite >=1.0,<2.0a0',
            'libuuid >=1.0,<2.0a0',
            'libzlib >=1.0,<2.0a0',
            'ncurses >=1.0,<2.0a0',
            'openssl >=1.0,<2.0a0',
            'readline >=1.0,<2.0a0',
            'tk >=1.0,<2.0a0',
            'xz >=1.0,<2.0a0',
            `python_abi ${minor}.* *_${cp}`,
          ],
          constrains: [`python_abi ${minor}.* *_${cp}`],
          license: 'Python-2.0',
          subdir: 'linux-64',
        };
      }
    }
    yield {
      name: 'python_abi',
      version: minor,
      build: `5_${cp}`,
      build_number: 5,
      depends: [],
      constrains: [`python ${minor}.* *_${cp}`],
      license: 'BSD-3-Clause',
      subdir: 'linux-64',
    };
  }
  // Families of libraries: chains of names (each depends on the one before it); a family's root
  // hangs, half the time, off a member of a more popular family (lower index, log-uniform), as
  // libraries build on zlib, openssl or boost: chains of ten to forty names, shared by many tools.
  for (let f = 0; f < FAMILIES; f++) {
    const parent = f > 0 && random() < 0.5 ? popular(random, f) : -1;
    const core = pick(CORE);
    for (let m = 0; m < CHAIN; m++) {
      const deps = [`libgcc-ng >=1.0`, `${core} >=1.0,<2.0a0`];
      if (m > 0) deps.push(`${lib(f, m - 1)} >=1.0,<2.0a0`);
      else if (parent >= 0) deps.push(`${lib(parent, CHAIN - 1)} >=1.2,<2.0a0`);
      for (let v = 0; v < LIB_VERSIONS; v++) {
        for (let b = 0; b < LIB_BUILDS; b++) {
          yield {
            name: lib(f, m),
            version: `1.${v}.${b % 2}`,
            build: `h${hex(random)}_${b}`,
            build_number: b,
            depends: deps,
            ...(random() < 0.1 ? { constrains: [`${lib(f, m)}-static <0a0`] } : {}),
            license: pick(LICENSES),
            subdir: 'linux-64',
          };
        }
      }
    }
  }
  // Tools: one to three libraries of popular families (a member near the top), some built per
  // Python; a version needs a recent enough library.
  for (let t = 0; t < TOOLS; t++) {
    const libs = Array.from({ length: 1 + Math.floor(random() * 2.2) }, () =>
      lib(popular(random, FAMILIES), CHAIN - 1 - Math.floor(random() * 3)),
    );
    const withPython = random() < 0.4;
    for (let v = 0; v < TOOL_VERSIONS; v++) {
      const deps = [...new Set(libs)].map((l) => `${l} >=1.${Math.floor(v / 3)},<2.0a0`);
      deps.push('libgcc-ng >=1.0', 'libstdcxx-ng >=1.0');
      for (let b = 0; b < 3; b++) {
        const py = TOOL_PYTHONS[b]!;
        const cp = `cp${py.replace('.', '')}`;
        const next = py.replace(/\d+$/, (x) => String(Number(x) + 1));
        yield {
          name: tool(t),
          version: `2.${v}`,
          build: withPython ? `py${cp.slice(2)}h${hex(random)}_0` : `h${hex(random)}_${b}`,
          build_number: withPython ? 0 : b,
          depends: withPython
            ? [...deps, `python >=${py},<${next}.0a0`, `python_abi ${py}.* *_${cp}`]
            : deps,
          license: pick(LICENSES),
          subdir: 'linux-64',
        };
      }
    }
  }
  // noarch Python packages: Python and up to two earlier packages.
  for (let p = 0; p < PYPKGS; p++) {
    const deps = [`python >=3.${8 + Math.floor(random() * 3)}`];
    for (let k = 0; k < Math.floor(random() * 3) && p > 0; k++)
      deps.push(`${pypkg(Math.floor(random() * p))} >=0.1`);
    for (let v = 0; v < PY_VERSIONS; v++) {
      for (let b = 0; b < 2; b++) {
        yield {
          name: pypkg(p),
          version: `0.${v}.${b}`,
          build: `pyhd8ed1ab_${b}`,
          build_number: b,
          depends: [...new Set(deps)],
          license: pick(LICENSES),
          subdir: 'noarch',
          noarch: 'python',
        };
      }
    }
  }
}

export function fileName(r: ScaleRecord): string {
  return `${r.name}-${r.version}-${r.build}.conda`;
}

/** A record as conda-forge writes it: keys sorted, hex hashes. */
function recordObject(r: ScaleRecord, file: string): Record<string, unknown> {
  return {
    build: r.build,
    build_number: r.build_number,
    ...(r.constrains ? { constrains: r.constrains } : {}),
    depends: r.depends,
    license: r.license,
    md5: createHash('md5').update(`${r.subdir}/${file}`).digest('hex'),
    name: r.name,
    ...(r.noarch ? { noarch: r.noarch } : {}),
    sha256: createHash('sha256').update(`${r.subdir}/${file}`).digest('hex'),
    size: 10_000 + ((file.length * 7919) % 5_000_000),
    subdir: r.subdir,
    timestamp: 1_700_000_000_000 + ((file.length * 104729) % 50_000_000_000),
    version: r.version,
  };
}

/** `zstd -3` on each file (in place, keeping the original); false when the command is missing. */
function zstdFiles(files: readonly string[], keep: boolean): boolean {
  const list = path.join(path.dirname(files[0]!), '.zstd-filelist');
  writeFileSync(list, files.join('\n'));
  const run = spawnSync(
    'zstd',
    ['-q', '-f', '-3', '-T0', ...(keep ? ['-k'] : ['--rm']), '--filelist', list],
    { stdio: 'inherit' },
  );
  return run.status === 0;
}

export interface WrittenChannel {
  records: number;
  names: number;
  /** Bytes of each file kind, all subdirs together. */
  bytes: { json: number; zst: number; shardIndex: number; shards: number };
  shardFiles: number;
}

/**
 * Writes the channel under `dir` (`linux-64/`, `noarch/`), every form. Needs the `zstd` command
 * (Debian's `zstd` package), as a channel's indexer does.
 */
export function writeScaleChannel(dir: string, seed = 21): WrittenChannel {
  const bySubdir = new Map<string, Map<string, [string, Record<string, unknown>][]>>([
    ['linux-64', new Map()],
    ['noarch', new Map()],
  ]);
  let count = 0;
  for (const r of scaleRecords(seed)) {
    const file = fileName(r);
    const names = bySubdir.get(r.subdir)!;
    let list = names.get(r.name);
    if (!list) names.set(r.name, (list = []));
    list.push([file, recordObject(r, file)]);
    count++;
  }
  const bytes = { json: 0, zst: 0, shardIndex: 0, shards: 0 };
  let shardFiles = 0;
  const allNames = new Set<string>();
  for (const [subdir, names] of bySubdir) {
    const folder = path.join(dir, subdir);
    const shardDir = path.join(folder, 'shards');
    mkdirSync(shardDir, { recursive: true });
    // repodata.json, written in pieces (one string of 200 MB is more than the benchmark needs).
    const parts: string[] = [`{"info":{"subdir":"${subdir}"},"packages":{},"packages.conda":{`];
    let first = true;
    for (const [name, list] of [...names].sort(([a], [b]) => (a < b ? -1 : 1))) {
      allNames.add(name);
      for (const [file, record] of list) {
        parts.push(`${first ? '' : ','}${JSON.stringify(file)}:${JSON.stringify(record)}`);
        first = false;
      }
    }
    parts.push('},"removed":[],"repodata_version":1}');
    const json = Buffer.from(parts.join(''));
    parts.length = 0;
    writeFileSync(path.join(folder, 'repodata.json'), json);
    bytes.json += json.length;
    // Shards: one per name, hashes as bytes, named by the sha256 of the compressed file.
    const raw: [string, string][] = [];
    for (const [name, list] of names) {
      const packages = Object.fromEntries(
        list.map(([file, record]) => [
          file,
          {
            ...record,
            md5: Buffer.from(record.md5 as string, 'hex'),
            sha256: Buffer.from(record.sha256 as string, 'hex'),
          },
        ]),
      );
      const file = path.join(shardDir, `${name}.msgpack`);
      writeFileSync(file, encode({ packages: {}, 'packages.conda': packages, removed: [] }));
      raw.push([name, file]);
    }
    if (!zstdFiles([path.join(folder, 'repodata.json')], true))
      throw new Error('the benchmark needs the zstd command (apt-get install zstd)');
    bytes.zst += readFileSync(path.join(folder, 'repodata.json.zst')).length;
    zstdFiles(
      raw.map(([, f]) => f),
      false,
    );
    const shards: Record<string, Uint8Array> = {};
    for (const [name, file] of raw) {
      const body = readFileSync(`${file}.zst`);
      const digest = createHash('sha256').update(body).digest();
      renameSync(`${file}.zst`, path.join(shardDir, `${digest.toString('hex')}.msgpack.zst`));
      shards[name] = digest;
      bytes.shards += body.length;
      shardFiles++;
    }
    const index = path.join(folder, 'repodata_shards.msgpack');
    writeFileSync(
      index,
      encode({
        version: 1,
        info: { subdir, base_url: './', shards_base_url: './shards/' },
        shards,
      }),
    );
    zstdFiles([index], false);
    bytes.shardIndex += readFileSync(`${index}.zst`).length;
    for (const f of readdirSync(folder))
      if (f === '.zstd-filelist')
        renameSync(path.join(folder, f), path.join(folder, '..', `.${subdir}-filelist`));
  }
  return { records: count, names: allNames.size, bytes, shardFiles };
}
