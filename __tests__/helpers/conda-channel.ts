/**
 * A conda channel in the real repodata format (`<subdir>/repodata.json`, records keyed by file
 * name with name, version, build, build_number, depends, subdir, md5, sha256, size), written by
 * the tests and served on 127.0.0.1. Package files themselves are never fetched by a solve.
 * `writeChannel(dir, records, { zst, sharded })` also writes `repodata.json.zst` and CEP-16
 * sharded repodata (`repodata_shards.msgpack.zst` + `shards/<sha256>.msgpack.zst`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from '@msgpack/msgpack';

export interface CondaRecord {
  name: string;
  version: string;
  build?: string;
  depends?: string[];
  constrains?: string[];
  subdir?: 'linux-64' | 'linux-aarch64' | 'noarch';
  noarch?: 'python' | 'generic';
}

const digest = (algo: string, text: string) => createHash(algo).update(text).digest('hex');

export function fileName(r: CondaRecord): string {
  return `${r.name}-${r.version}-${r.build ?? 'h0_0'}.conda`;
}

export interface ChannelForms {
  /** Also `repodata.json.zst`. */
  zst?: boolean;
  /** Also sharded repodata (CEP-16). */
  sharded?: boolean;
}

/**
 * zstd-compressed bytes: the `zstd` command when there is one, else a valid frame of raw
 * (stored) blocks, which every decoder reads.
 */
export function zstd(bytes: Uint8Array): Buffer {
  const run = spawnSync('zstd', ['-q', '-c', '-3'], { input: bytes, maxBuffer: 1 << 30 });
  if (run.status === 0 && run.stdout.length > 0) return run.stdout;
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0])];
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(bytes.length));
  parts.push(size);
  const BLOCK = 1 << 17;
  for (let at = 0; at < bytes.length || at === 0; at += BLOCK) {
    const block = bytes.subarray(at, at + BLOCK);
    const last = at + BLOCK >= bytes.length ? 1 : 0;
    const header = (block.length << 3) | last; // block type 0: raw
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]));
    parts.push(Buffer.from(block));
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

/** Writes `<dir>/<subdir>/repodata.json` for every subdir (linux-64, linux-aarch64 and noarch always). */
export function writeChannel(
  dir: string,
  records: readonly CondaRecord[],
  forms: ChannelForms = {},
): void {
  const bySubdir = new Map<string, Record<string, unknown>>([
    ['linux-64', {}],
    ['linux-aarch64', {}],
    ['noarch', {}],
  ]);
  // A record without a subdir is built for both Linux architectures.
  const placed = records.flatMap((r) =>
    r.subdir
      ? [{ ...r }]
      : [
          { ...r, subdir: 'linux-64' as const },
          { ...r, subdir: 'linux-aarch64' as const },
        ],
  );
  for (const r of placed) {
    const subdir = r.subdir!;
    const build = r.build ?? 'h0_0';
    const file = fileName(r);
    bySubdir.get(subdir)![file] = {
      name: r.name,
      version: r.version,
      build,
      build_number: Number(/_(\d+)$/.exec(build)?.[1] ?? 0),
      depends: r.depends ?? [],
      ...(r.constrains ? { constrains: r.constrains } : {}),
      subdir,
      ...(r.noarch ? { noarch: r.noarch } : {}),
      md5: digest('md5', `${subdir}/${file}`),
      sha256: digest('sha256', `${subdir}/${file}`),
      size: 1000,
    };
  }
  for (const [subdir, packages] of bySubdir) {
    mkdirSync(path.join(dir, subdir), { recursive: true });
    const repodata = {
      info: { subdir },
      packages: {},
      'packages.conda': packages,
      repodata_version: 1,
    };
    const json = Buffer.from(JSON.stringify(repodata));
    writeFileSync(path.join(dir, subdir, 'repodata.json'), json);
    if (forms.zst) writeFileSync(path.join(dir, subdir, 'repodata.json.zst'), zstd(json));
    if (forms.sharded) writeShards(path.join(dir, subdir), subdir, packages);
  }
}

/** CEP-16: one shard per name (hashes as bytes), named by the sha256 of its compressed bytes. */
function writeShards(folder: string, subdir: string, packages: Record<string, unknown>): void {
  const byName = new Map<string, Record<string, unknown>>();
  for (const [file, raw] of Object.entries(packages)) {
    const record = raw as Record<string, unknown>;
    const shard = byName.get(record.name as string) ?? {};
    shard[file] = {
      ...record,
      md5: Buffer.from(record.md5 as string, 'hex'),
      sha256: Buffer.from(record.sha256 as string, 'hex'),
    };
    byName.set(record.name as string, shard);
  }
  const shards: Record<string, Uint8Array> = {};
  mkdirSync(path.join(folder, 'shards'), { recursive: true });
  for (const [name, conda] of byName) {
    const bytes = zstd(encode({ packages: {}, 'packages.conda': conda, removed: [] }));
    const digest = createHash('sha256').update(bytes).digest();
    writeFileSync(path.join(folder, 'shards', `${digest.toString('hex')}.msgpack.zst`), bytes);
    shards[name] = digest;
  }
  const index = {
    version: 1,
    info: { subdir, base_url: './', shards_base_url: './shards/' },
    shards,
  };
  writeFileSync(path.join(folder, 'repodata_shards.msgpack.zst'), zstd(encode(index)));
}

/**
 * Conflicts that show only through dependencies, the way bioinformatics pipelines meet them:
 * samtools and bcftools pin different htslib; manta needs Python 2.7, multiqc Python 3; two
 * Bioconductor releases are built for different R minor versions.
 */
export const PLANTED: CondaRecord[] = [
  { name: 'htslib', version: '1.17', depends: ['libzlib >=1.2.13'] },
  { name: 'htslib', version: '1.20', depends: ['libzlib >=1.2.13'] },
  { name: 'libzlib', version: '1.3.1' },
  { name: 'samtools', version: '1.17', depends: ['htslib >=1.17,<1.18'] },
  { name: 'samtools', version: '1.20', depends: ['htslib >=1.20,<1.21'] },
  { name: 'bcftools', version: '1.17', depends: ['htslib >=1.17,<1.18'] },
  { name: 'bcftools', version: '1.20', depends: ['htslib >=1.20,<1.21'] },
  { name: 'bwa', version: '0.7.18', depends: ['libzlib >=1.2.13'] },
  { name: 'python', version: '2.7.18' },
  { name: 'python', version: '3.12.4', depends: ['libzlib >=1.2.13'] },
  { name: 'pip', version: '24.0', subdir: 'noarch', noarch: 'python', depends: ['python >=3.8'] },
  { name: 'manta', version: '1.6.0', depends: ['python >=2.7,<2.8'] },
  {
    name: 'multiqc',
    version: '1.25',
    subdir: 'noarch',
    noarch: 'python',
    depends: ['python >=3.8'],
  },
  { name: 'openjdk', version: '17.0.11' },
  { name: 'fastqc', version: '0.12.1', subdir: 'noarch', depends: ['openjdk >=11', '__unix'] },
  { name: 'r-base', version: '4.3.3', depends: ['__glibc >=2.17'] },
  { name: 'r-base', version: '4.4.2', depends: ['__glibc >=2.17'] },
  { name: 'bioconductor-deseq2', version: '1.46.0', depends: ['r-base >=4.4,<4.5'] },
  { name: 'bioconductor-tximeta', version: '1.20.1', depends: ['r-base >=4.3,<4.4'] },
  { name: 'bioconductor-tximport', version: '1.34.0', subdir: 'noarch', depends: ['r-base >=4.3'] },
  { name: 'cudaaligner', version: '1.0', depends: ['__cuda >=12', '__glibc >=2.17'] },
];
