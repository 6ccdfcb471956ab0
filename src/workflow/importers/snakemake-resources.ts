/**
 * What a Snakemake rule asks a cluster for, as Snakemake decides it: the rule's `threads:` and
 * `resources:` (constants, config values, arithmetic, and `lambda wildcards, attempt: …` read for
 * the first attempt; see snakemake-eval.ts), over the workflow profile's `default-resources`,
 * under its `set-threads` and `set-resources`, with `threads` lowered to its `max-threads`.
 *
 * The workflow profile is the one Snakemake 8 reads without being asked: `profiles/default/`
 * (`config.v8+.yaml`, else `config.yaml`) in the folder Snakemake runs in, else beside the
 * Snakefile (`workflow/profiles/default/` in the standard layout). A profile given only on the
 * command line (`--profile`) is not in the repository: describe such a cluster with `--cluster`.
 */
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Finding } from '../../common/findings.js';
import { parseDuration, parseSize } from '../../common/units.js';
import type { Location, Resources } from '../model.js';
import { importLimit, readTextFile, relPath, yamlSpan } from './common.js';
import type { RecordedSource } from './locator.js';
import { asText, evaluatePython, type EvalScope, type PyValue } from './snakemake-eval.js';
import type { Item } from './snakemake-parse.js';
import { MIB, parseMemory } from './units.js';

/** One `name=value` a rule or the profile sets, where it is written. */
interface ResourceEntry {
  name: string;
  /** The Python expression, as written. */
  text: string;
  location: Location;
}

/** A figure and the line that sets it. */
interface Figure {
  value: number | undefined;
  location: Location;
}

export interface SnakemakeProfile {
  file: string;
  defaults: ResourceEntry[];
  /** Rule name → its `set-resources`. */
  set: Map<string, ResourceEntry[]>;
  /** Rule name → its `set-threads`. */
  threads: Map<string, ResourceEntry>;
  maxThreads?: ResourceEntry;
}

const PROFILE_FILES = ['config.v8+.yaml', 'config.yaml'];

/**
 * The workflow profile among `workdirs` (the folder Snakemake runs in first, then the Snakefile's),
 * read; its file is added to `source`. A profile that is no YAML mapping is one notice.
 */
export function readWorkflowProfile(
  workdirs: readonly string[],
  root: string,
  source: RecordedSource,
): { profile?: SnakemakeProfile; findings: Finding[] } {
  for (const dir of workdirs) {
    for (const name of PROFILE_FILES) {
      const abs = join(dir, 'profiles', 'default', name);
      const text = readTextFile(abs, root);
      if (text === undefined) continue;
      return parseProfile(text, relPath(root, abs), source);
    }
  }
  return { findings: [] };
}

function parseProfile(
  text: string,
  file: string,
  source: RecordedSource,
): { profile?: SnakemakeProfile; findings: Finding[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  source.addFile(file, text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    return {
      findings: [
        importLimit(
          file,
          `The workflow profile ${file} is no YAML mapping, so the resources it sets are not read.`,
        ),
      ],
    };
  }
  const at = (node: unknown): Location => ({
    file,
    span: yamlSpan(node as YamlNode, counter) ?? { line: 1, column: 1, endLine: 1, endColumn: 1 },
  });
  const profile: SnakemakeProfile = { file, defaults: [], set: new Map(), threads: new Map() };
  const root = doc.contents;
  profile.defaults = assignments(root.get('default-resources', true), at);
  for (const entry of assignments(root.get('set-resources', true), at, true)) {
    const [rule, name] = entry.name.split(':');
    if (!rule || !name) continue;
    const list = profile.set.get(rule) ?? [];
    list.push({ ...entry, name });
    profile.set.set(rule, list);
  }
  for (const entry of assignments(root.get('set-threads', true), at))
    profile.threads.set(entry.name, entry);
  const max = root.get('max-threads', true);
  if (isScalar(max))
    profile.maxThreads = { name: 'max-threads', text: String(max.value), location: at(max) };
  return { profile, findings: [] };
}

/**
 * `name=value` entries of a profile key, in either form Snakemake takes: a list of strings
 * (`[mem_mb=1000]`, `set-resources: ["align:mem_mb=8000"]`) or a mapping (`{mem_mb: 1000}`,
 * `set-resources: {align: {mem_mb: 8000}}` — with `nested`, read as `align:mem_mb`).
 */
function assignments(
  node: unknown,
  at: (node: unknown) => Location,
  nested = false,
): ResourceEntry[] {
  const entries: ResourceEntry[] = [];
  if (isSeq(node)) {
    for (const item of node.items) {
      if (!isScalar(item)) continue;
      const raw = String(item.value);
      const eq = raw.indexOf('=');
      if (eq <= 0) continue;
      entries.push({
        name: raw.slice(0, eq).trim(),
        text: raw.slice(eq + 1).trim(),
        location: at(item),
      });
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (nested && isMap(pair.value)) {
        for (const inner of assignments(pair.value, at))
          entries.push({ ...inner, name: `${key}:${inner.name}` });
      } else if (isScalar(pair.value)) {
        const value = pair.value.value;
        // A YAML string is the Python expression Snakemake evaluates; a number is itself.
        entries.push({ name: key, text: String(value), location: at(pair.key) });
      }
    }
  }
  return entries;
}

/** The figures a rule asks for, with the line that sets each (the rule's, or the profile's). */
export function ruleResources(
  rule: { name: string; threads?: Item; resources: readonly Item[] },
  scope: EvalScope,
  profile: SnakemakeProfile | undefined,
): {
  resources: Resources;
  locations: Partial<Record<keyof Resources, Location>>;
  /** Set, to a figure known only at run time. */
  unknown: (keyof Resources)[];
} {
  const resources: Resources = {};
  const locations: Partial<Record<keyof Resources, Location>> = {};
  const put = (field: keyof Resources, figure: Figure | undefined): void => {
    if (!figure) return;
    // A value that cannot be known still replaces what it overrides.
    if (figure.value === undefined) delete resources[field];
    else resources[field] = figure.value;
    locations[field] = figure.location;
  };

  const setThreads = profile?.threads.get(rule.name);
  let threads: Figure | undefined = setThreads
    ? { value: count(evaluatePython(setThreads.text, scope)), location: setThreads.location }
    : rule.threads
      ? { value: count(evaluatePython(rule.threads.text, scope)), location: rule.threads.location }
      : undefined;
  const max = profile?.maxThreads;
  const maxValue = max ? count(evaluatePython(max.text, scope)) : undefined;
  if (max && maxValue !== undefined && threads?.value !== undefined && threads.value > maxValue)
    threads = { value: maxValue, location: max.location };
  put('cpus', threads);

  const own: ResourceEntry[] = rule.resources.flatMap((item) =>
    item.name === undefined ? [] : [{ name: item.name, text: item.text, location: item.location }],
  );
  const layers = [profile?.defaults ?? [], own, profile?.set.get(rule.name) ?? []];
  // Default resources fill in only what the rule does not set itself.
  const setByRule = new Set(own.flatMap((e) => RESOURCE_FIELDS[e.name] ?? []));
  for (const [k, layer] of layers.entries()) {
    for (const entry of layer) {
      const field = RESOURCE_FIELDS[entry.name];
      if (!field || (k === 0 && setByRule.has(field))) continue;
      const value = evaluatePython(entry.text, scope);
      const called = callResource(value, threads?.value);
      put(field, { value: figure(entry.name, called, entry.text), location: entry.location });
    }
  }
  const unknown = (Object.keys(locations) as (keyof Resources)[]).filter(
    (k) => resources[k] === undefined,
  );
  return { resources, locations, unknown };
}

/** The resource names Snakemake and its executors read, by the figure they set. */
const RESOURCE_FIELDS: Record<string, keyof Resources> = {
  mem_mb: 'memory',
  mem_mib: 'memory',
  mem_gb: 'memory',
  mem: 'memory',
  runtime: 'time',
  time_min: 'time',
  gpu: 'gpus',
  gpus: 'gpus',
  nvidia_gpu: 'gpus',
};

/** A resource given as a function: called as Snakemake calls it on the first attempt. */
function callResource(
  value: PyValue | undefined,
  threads: number | undefined,
): PyValue | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.kind !== 'fn')
    return value;
  const kwargs = new Map<string, PyValue>([['attempt', 1]]);
  if (threads !== undefined) kwargs.set('threads', threads);
  return value.call([], kwargs);
}

/** A whole number of at least 1 (threads), else undefined. */
function count(value: PyValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.floor(value)
    : undefined;
}

/**
 * One resource's figure in the model's units: `mem_mb` is MiB (what Slurm's --mem reads),
 * `runtime` minutes or a duration (`"3h"`, Snakemake 8), `mem` a size (`"8G"`, `"8GB"`).
 * A string that is no Python (a profile's `mem: 8G`) is read as written.
 */
function figure(name: string, value: PyValue | undefined, text: string): number | undefined {
  const n = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  const str = asText(value) ?? (value === undefined ? text.replace(/^["']|["']$/g, '') : undefined);
  switch (name) {
    case 'mem_mb':
    case 'mem_mib':
      return n === undefined ? undefined : Math.round(n * MIB);
    case 'mem_gb':
      return n === undefined ? undefined : Math.round(n * 1024 * MIB);
    case 'mem':
      if (n !== undefined || str === undefined) return undefined;
      return parseMemory(str) ?? parseMemory(`${str}B`) ?? parseSize(str);
    case 'runtime':
    case 'time_min':
      if (n !== undefined) return Math.round(n * 60);
      return str === undefined ? undefined : parseDuration(str);
    default:
      return n === undefined ? undefined : Math.round(n);
  }
}
