/**
 * Cluster profiles: the limits of the cluster a workflow runs on, which the cluster-fit rules
 * (STW501, STW502, STW407) read. A spec writes them under `cluster:`; any workflow — an imported
 * pipeline too — can be given them in a file of their own (`--cluster`, the `cluster` input),
 * holding the same keys at its top level (or under a `cluster:` key, as pasted from a spec).
 *
 * `draftFromSlurm` writes such a file from what Slurm says about itself (`scontrol show partition
 * -o`, `sinfo -N`): the largest node of a partition and the partition's time limit.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Finding } from '../common/findings.js';
import { finding } from '../common/rules.js';
import { closest } from '../common/suggest.js';
import { formatDuration, parseDuration, parseSize } from '../common/units.js';
import type { Cluster, Location } from './model.js';
import { spanOf } from './source.js';

export const SCHEDULERS = ['slurm', 'pbs', 'sge', 'lsf', 'kubernetes', 'local', 'other'] as const;

type Key = 'scheduler' | 'max-cpus' | 'max-memory' | 'max-time' | 'gpus';

const KEYS: readonly Key[] = ['scheduler', 'max-cpus', 'max-memory', 'max-time', 'gpus'];

/** A cluster profile read from its file: the limits, and where each is written. */
export interface ClusterProfile {
  cluster: Cluster;
  /** Repository-relative, as findings name it. */
  file: string;
}

/**
 * Reads a cluster profile file. Problems are STW100 findings at their place in the file (an
 * unknown key with a "did you mean", a value that is no size, duration or whole number); the
 * valid keys are kept.
 */
export function readClusterProfile(
  text: string,
  file: string,
): { profile?: ClusterProfile; findings: Finding[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const at = (node: unknown): Location => {
    const range = (node as YamlNode | undefined)?.range;
    return {
      file,
      span: range
        ? spanOf(counter, range[0], range[1])
        : { line: 1, column: 1, endLine: 1, endColumn: 1 },
    };
  };
  const problem = (node: unknown, message: string): Finding =>
    finding('STW100', at(node), `${message} (cluster profile ${file})`);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const span = spanOf(counter, error.pos[0], error.pos[1]);
    return {
      findings: [
        finding(
          'STW100',
          { file, span },
          `YAML syntax error: ${error.message.split('\n')[0]} (cluster profile ${file})`,
        ),
      ],
    };
  }
  let root = doc.contents;
  if (isMap(root) && root.items.length === 1 && isScalar(root.items[0]?.key)) {
    // A spec's block pasted with its key.
    const only = root.items[0]!;
    if ((only.key as { value: unknown }).value === 'cluster' && isMap(only.value))
      root = only.value;
  }
  if (!isMap(root))
    return {
      findings: [
        problem(
          root,
          `a cluster profile is a mapping of ${KEYS.join(', ')}, as the spec's \`cluster:\``,
        ),
      ],
    };
  const findings: Finding[] = [];
  const cluster: Cluster = {};
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(KEYS as readonly string[]).includes(key)) {
      const meant = closest(key, KEYS);
      findings.push(
        problem(
          pair.key,
          `unknown key "${key}"${meant ? ` (did you mean "${meant}"?)` : ''}; a cluster profile takes ${KEYS.join(', ')}`,
        ),
      );
      continue;
    }
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const read = readValue(key as Key, value);
    if (typeof read === 'string') findings.push(problem(pair.value ?? pair.key, read));
    else Object.assign(cluster, read);
  }
  return { profile: { cluster, file }, findings };
}

/** One key's value into the model, or what is wrong with it. */
function readValue(key: Key, value: unknown): Partial<Cluster> | string {
  const shown = JSON.stringify(value ?? null);
  switch (key) {
    case 'scheduler':
      return typeof value === 'string' && (SCHEDULERS as readonly string[]).includes(value)
        ? { scheduler: value }
        : `scheduler is ${shown}; expected one of: ${SCHEDULERS.join(', ')}`;
    case 'max-cpus':
    case 'gpus': {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
        return key === 'gpus' ? { gpus: value } : { maxCpus: value };
      return `${key} is ${shown}; expected a whole number`;
    }
    case 'max-memory': {
      const bytes = parseSize(value);
      return bytes === undefined
        ? `max-memory is ${shown}; expected a size such as 512GB or 64GiB`
        : { maxMemory: bytes };
    }
    case 'max-time': {
      // Slurm's own forms too (`2-00:00:00`), as `scontrol` prints a partition's MaxTime.
      const seconds = parseDuration(value);
      return seconds === undefined
        ? `max-time is ${shown}; expected a duration such as 48h, 2d or 2-00:00:00`
        : { maxTime: seconds };
    }
  }
}

// ---- drafting from Slurm -----------------------------------------------------------------------

/** The `sinfo` format `draftFromSlurm` reads: node, partition, CPUs, memory (MB), GRES, time. */
export const SINFO_FORMAT = '%N|%P|%c|%m|%G|%l';

interface Partition {
  name: string;
  isDefault: boolean;
  maxTime?: number;
  /** Per node. */
  maxCpus?: number;
  /** Bytes per node. */
  maxMemory?: number;
  nodes: { cpus?: number; memory?: number; gpus: number }[];
}

/**
 * A cluster profile drafted from `scontrol show partition -o` (one line per partition) and
 * `sinfo -N -h -o '%N|%P|%c|%m|%G|%l'` (one line per node and partition): for `partition` (else
 * the default partition, else the first), the CPUs, memory and GPUs of its largest node, capped
 * by the partition's MaxCPUsPerNode and MaxMemPerNode, and its MaxTime. Memory is written in
 * binary units, as Slurm counts it (`--mem=64G` is 64 GiB).
 */
export function draftFromSlurm(
  scontrol: string,
  sinfo: string,
  partition?: string,
): { yaml: string; cluster: Cluster; partition: string } | { error: string } {
  const partitions = readPartitions(scontrol, sinfo);
  if (partitions.length === 0)
    return { error: 'Slurm lists no partition (scontrol show partition printed none)' };
  const chosen =
    partition === undefined
      ? (partitions.find((p) => p.isDefault) ?? partitions[0]!)
      : partitions.find((p) => p.name === partition);
  if (!chosen) {
    const names = partitions.map((p) => p.name);
    const meant = closest(partition!, names);
    return {
      error: `no partition "${partition}"${meant ? ` (did you mean "${meant}"?)` : ''}; the partitions are: ${names.join(', ')}`,
    };
  }
  const cluster = limitsOf(chosen);
  const why = partition === undefined ? (chosen.isDefault ? ' (the default)' : ' (the first)') : '';
  const others = partitions.filter((p) => p !== chosen);
  const lines = [
    `# Drafted by \`stowage cluster --from-slurm\` from partition "${chosen.name}"${why}: the CPUs,`,
    '# memory and GPUs of its largest node, and its time limit. Check them, then pass this file',
    '# with --cluster (or paste the keys under `cluster:` in a stowage.yml).',
    ...(others.length > 0
      ? [
          `# Other partitions (--partition NAME): ${others
            .map((p) => `${p.name} (${describe(limitsOf(p))})`)
            .join('; ')}.`,
        ]
      : []),
    'scheduler: slurm',
    ...(cluster.maxCpus !== undefined ? [`max-cpus: ${cluster.maxCpus}`] : []),
    ...(cluster.maxMemory !== undefined ? [`max-memory: ${binarySize(cluster.maxMemory)}`] : []),
    cluster.maxTime !== undefined
      ? `max-time: ${formatDuration(cluster.maxTime)}`
      : '# max-time: the partition sets no time limit',
    `gpus: ${cluster.gpus ?? 0}`,
    '',
  ];
  return { yaml: lines.join('\n'), cluster, partition: chosen.name };
}

function limitsOf(p: Partition): Cluster {
  const most = (values: (number | undefined)[]): number | undefined => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length > 0 ? Math.max(...known) : undefined;
  };
  const capped = (v: number | undefined, cap: number | undefined) =>
    v !== undefined && cap !== undefined ? Math.min(v, cap) : (v ?? cap);
  return {
    scheduler: 'slurm',
    ...defined('maxCpus', capped(most(p.nodes.map((n) => n.cpus)), p.maxCpus)),
    ...defined('maxMemory', capped(most(p.nodes.map((n) => n.memory)), p.maxMemory)),
    ...defined('maxTime', p.maxTime),
    gpus: most(p.nodes.map((n) => n.gpus)) ?? 0,
  };
}

function defined<K extends keyof Cluster>(key: K, value: Cluster[K] | undefined): Partial<Cluster> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Cluster>);
}

function describe(c: Cluster): string {
  return [
    c.maxCpus !== undefined ? `${c.maxCpus} CPUs` : undefined,
    c.maxMemory !== undefined ? binarySize(c.maxMemory) : undefined,
    c.gpus ? `${c.gpus} GPUs` : undefined,
    c.maxTime !== undefined ? formatDuration(c.maxTime) : 'no time limit',
  ]
    .filter(Boolean)
    .join(', ');
}

const MIB = 1024 ** 2;

/** `64GiB` when whole, else `4000MiB`: binary, as Slurm counts memory. */
function binarySize(bytes: number): string {
  const mib = Math.round(bytes / MIB);
  if (mib % (1024 * 1024) === 0) return `${mib / (1024 * 1024)}TiB`;
  if (mib % 1024 === 0) return `${mib / 1024}GiB`;
  return `${mib}MiB`;
}

function readPartitions(scontrol: string, sinfo: string): Partition[] {
  const partitions = new Map<string, Partition>();
  for (const line of scontrol.split('\n')) {
    const fields = keyValues(line);
    const name = fields.get('PartitionName');
    if (!name) continue;
    const memPerNode = slurmMegabytes(fields.get('MaxMemPerNode'));
    partitions.set(name, {
      name,
      isDefault: fields.get('Default') === 'YES',
      maxTime: slurmTime(fields.get('MaxTime')),
      maxCpus: wholeNumber(fields.get('MaxCPUsPerNode')),
      maxMemory: memPerNode === undefined ? undefined : memPerNode * MIB,
      nodes: [],
    });
  }
  for (const line of sinfo.split('\n')) {
    const [, rawPartition, cpus, memory, gres, time] = line.trim().split('|');
    if (rawPartition === undefined) continue;
    const isDefault = rawPartition.endsWith('*');
    const name = rawPartition.replace(/\*$/, '');
    let p = partitions.get(name);
    if (!p) {
      // A partition `scontrol` did not list (other output, older Slurm): what sinfo says.
      p = { name, isDefault, maxTime: slurmTime(time), nodes: [] };
      partitions.set(name, p);
    }
    if (isDefault) p.isDefault = true;
    const mb = slurmMegabytes(memory);
    p.nodes.push({
      cpus: wholeNumber(cpus),
      memory: mb === undefined ? undefined : mb * MIB,
      gpus: gpuCount(gres ?? ''),
    });
  }
  return [...partitions.values()];
}

/** `Key=Value Key2=Value2` (scontrol's one-line form); values hold no spaces. */
function keyValues(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const word of line.trim().split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) fields.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return fields;
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text);
}

/** Slurm memory in MB (`4000`, `4000M`, `64G`, `1T`); undefined for UNLIMITED or none. */
function slurmMegabytes(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)([MGTP]?)\+?\s*$/i.exec(text ?? '');
  if (!m) return undefined;
  const factor = { '': 1, M: 1, G: 1024, T: 1024 ** 2, P: 1024 ** 3 }[m[2]!.toUpperCase()] ?? 1;
  return Math.round(Number(m[1]) * factor);
}

/** Slurm time limits (`UNLIMITED`, `infinite`, `2-00:00:00`, `30:00`, `60` minutes) → seconds. */
function slurmTime(text: string | undefined): number | undefined {
  const value = text?.trim();
  if (!value || /^(unlimited|infinite|n\/a|none)$/i.test(value)) return undefined;
  // A bare number is minutes in Slurm.
  if (/^\d+$/.test(value)) return Number(value) * 60;
  return parseDuration(value);
}

/** The GPUs of one node's GRES (`gpu:4`, `gpu:a100:4(S:0-1)`, `gpu:2,mps:100`, `(null)`). */
function gpuCount(gres: string): number {
  let total = 0;
  for (const part of gres.split(',')) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(part.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}
