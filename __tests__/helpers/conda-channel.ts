/**
 * A conda channel in the real repodata format (`<subdir>/repodata.json`, records keyed by file
 * name with name, version, build, build_number, depends, subdir, md5, sha256, size), written by
 * the tests and served on 127.0.0.1. Package files themselves are never fetched by a solve.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CondaRecord {
  name: string;
  version: string;
  build?: string;
  depends?: string[];
  subdir?: 'linux-64' | 'linux-aarch64' | 'noarch';
  noarch?: 'python' | 'generic';
}

const digest = (algo: string, text: string) => createHash(algo).update(text).digest('hex');

export function fileName(r: CondaRecord): string {
  return `${r.name}-${r.version}-${r.build ?? 'h0_0'}.conda`;
}

/** Writes `<dir>/<subdir>/repodata.json` for every subdir (linux-64, linux-aarch64 and noarch always). */
export function writeChannel(dir: string, records: readonly CondaRecord[]): void {
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
    writeFileSync(path.join(dir, subdir, 'repodata.json'), JSON.stringify(repodata));
  }
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
