/**
 * Synthetic workflow specs for the plan benchmark: N steps with realistic overlap (most steps
 * draw from a shared pool of packages, mostly at one dominant version) and conflicts (a minority
 * pins an older or newer version, or another Python), spread over the families, a few GPU steps,
 * and a DAG where each step reads one or two earlier outputs. Deterministic for a given seed.
 */

/** mulberry32: a small seeded PRNG, so the same N gives the same spec. */
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

/** name → versions; the first is the dominant one. */
const PIP: Record<string, string[]> = {
  numpy: ['2.0.1', '1.26.4', '2.1.0'],
  pandas: ['2.2.2', '2.1.4'],
  scipy: ['1.14.0', '1.13.1'],
  xarray: ['2024.6.0', '2024.3.0'],
  matplotlib: ['3.9.0', '3.8.4'],
  'scikit-learn': ['1.5.1', '1.4.2'],
  pyarrow: ['16.1.0', '15.0.2'],
  zarr: ['2.18.2', '3.0.0'],
  netcdf4: ['1.7.1'],
  dask: ['2024.7.0'],
  requests: ['2.32.3'],
  jinja2: ['3.1.4'],
  pyyaml: ['6.0.1'],
  shapely: ['2.0.5', '1.8.5'],
  h5py: ['3.11.0'],
  biopython: ['1.84'],
};
const CONDA: Record<string, string[]> = {
  samtools: ['1.20', '1.17'],
  bcftools: ['1.20', '1.17'],
  bwa: ['0.7.18'],
  fastqc: ['0.12.1'],
  gatk4: ['4.5.0.0', '4.4.0.0'],
  bedtools: ['2.31.1'],
  htslib: ['1.20', '1.17'],
};
const CRAN: Record<string, string[]> = {
  ggplot2: ['3.5.1', '3.4.4'],
  'data.table': ['1.15.4'],
  dplyr: ['1.1.4'],
  tidyr: ['1.3.1'],
};
const MAVEN: Record<string, string[]> = {
  'info.picocli:picocli': ['4.7.6', '4.6.3'],
  'org.locationtech.jts:jts-core': ['1.19.0'],
  'com.google.guava:guava': ['33.2.1-jre', '32.1.3-jre'],
};
const APT = [
  'libgomp1',
  'libhdf5-103-1',
  'libnetcdf19',
  'curl',
  'ca-certificates',
  'libopenmpi3',
  'zlib1g',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function choose(r: () => number, table: Record<string, string[]>, n: number, op: string): string[] {
  const names = Object.keys(table);
  const chosen = new Set<string>();
  while (chosen.size < Math.min(n, names.length)) chosen.add(pick(r, names));
  return [...chosen].sort().map((name) => {
    const versions = table[name]!;
    // 95% take the dominant version; the rest spread over the others (the conflicts).
    const v = versions.length > 1 && r() < 0.05 ? pick(r, versions.slice(1)) : versions[0]!;
    return `${name}${op}${v}`;
  });
}

function list(items: string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}

export function generateSpec(steps: number, seed = 42): string {
  const r = rng(seed ^ steps);
  const out: string[] = [
    'version: 1',
    `name: synthetic-${steps}`,
    'based-on: none',
    'inputs:',
    '  raw: { path: data/raw/*.csv, size: 10GB }',
    'outputs:',
    `  final: s${String(steps - 1).padStart(5, '0')}.out`,
    'economics: { runs-per-year: 12, manual-minutes-per-run: 600, development-hours: 80, maintenance-hours-per-year: 10, horizon-years: 3 }',
    'containers:',
    '  registry: ghcr.io/acme/synthetic',
    '  size-budget: 6GB',
    'steps:',
  ];
  for (let i = 0; i < steps; i++) {
    const id = `s${String(i).padStart(5, '0')}`;
    const inputs =
      i === 0
        ? ['raw']
        : [
            ...new Set([
              `s${String(i - 1).padStart(5, '0')}.out`,
              `s${String(Math.floor(r() * i)).padStart(5, '0')}.out`,
            ]),
          ];
    const roll = r();
    const software: string[] = [];
    let run = `python scripts/${id}.py`;
    let resources = '{ cpus: 2, memory: 4GB, time: 1h }';
    if (roll < 0.5) {
      software.push(`python: '${r() < 0.9 ? '3.12' : '3.11'}'`);
      software.push(`pip: ${list(choose(r, PIP, 2 + Math.floor(r() * 5), '=='))}`);
      if (r() < 0.3) software.push(`apt: ${list([pick(r, APT)])}`);
    } else if (roll < 0.55) {
      software.push(`python: '3.11'`);
      software.push(
        `pip: ${list([`${pick(r, ['tensorflow==2.17.0', 'torch==2.4.0'])}`, ...choose(r, PIP, 2, '==')])}`,
      );
      resources = '{ cpus: 8, memory: 64GB, time: 8h, gpus: 1 }';
    } else if (roll < 0.75) {
      software.push(`conda: ${list(choose(r, CONDA, 1 + Math.floor(r() * 3), '='))}`);
      run = `bash scripts/${id}.sh`;
    } else if (roll < 0.85) {
      software.push(`r: '4.4.1'`, `cran: ${list(choose(r, CRAN, 1 + Math.floor(r() * 3), '=='))}`);
      run = `Rscript scripts/${id}.R`;
    } else if (roll < 0.93) {
      software.push(
        `java: '${r() < 0.9 ? '21' : '17'}'`,
        `maven: ${list(choose(r, MAVEN, 1 + Math.floor(r() * 2), ':'))}`,
      );
      run = `java -jar tools/${id}.jar`;
    } else {
      software.push(
        `apt: ${list(choose(r, Object.fromEntries(APT.map((a) => [a, ['']])), 2, '').map((a) => a.replace(/$/, '')))}`,
      );
      run = `tools/${id}`;
    }
    out.push(
      `  ${id}:`,
      `    description: Synthetic step ${i}`,
      `    run: ${run} --in {${inputs[0]!.includes('.') ? inputs[0] : 'inputs.raw'}} --out work/${id}.dat`,
      `    inputs: [${inputs.join(', ')}]`,
      `    outputs: { out: work/${id}.dat }`,
      '    software:',
      ...software.map((s) => `      ${s}`),
      `    resources: ${resources}`,
      `    duration: ${5 + Math.floor(r() * 50)}m`,
    );
  }
  return `${out.join('\n')}\n`;
}
