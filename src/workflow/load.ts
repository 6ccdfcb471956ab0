/**
 * Loads a Stowage spec: YAML text → syntax findings → schema findings (STW100) → Workflow model.
 *
 * The model is built defensively even when the schema reports problems (bad parts are left out),
 * so lint can still report everything else in the same run; callers that plan or build refuse a
 * workflow that has error findings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import compiledValidator from './schema-validator.generated.js';
import { isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { Finding, Span } from '../common/findings.js';
import { finding } from '../common/rules.js';
import {
  emptySoftware,
  type Cluster,
  type ContainersConfig,
  type DesiredOutput,
  type Economics,
  type LintConfig,
  type NodePath,
  type Resources,
  type RuleLevel,
  type Software,
  type Step,
  type Workflow,
  type WorkflowInput,
} from './model.js';
import { explainSchemaErrors } from './schema-errors.js';
import { positionsOfDocument, readWithPositions, type PositionNode } from './positions.js';
import { spanOf, YamlSource } from './source.js';
import { parseDuration, parseSize } from '../common/units.js';

export interface LoadResult {
  /** Undefined only when the text is not YAML at all (syntax errors) or not a mapping. */
  workflow?: Workflow;
  findings: Finding[];
}

function schemaFinding(file: string, span: Span, message: string): Finding {
  return finding('STW100', { file, span }, message);
}

/**
 * The schema's validator, compiled ahead of time (scripts/schema-validator.mjs writes it from
 * schema.json with these ajv options: allErrors, verbose, strict, the x-message vocabulary):
 * compiling it at start took longer than the rest of a small lint.
 */
function validate(): ValidateFunction {
  return compiledValidator;
}

/** Friendlier words for the YAML parser's error codes. */
const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'a key appears twice in the same mapping; keep one',
  TAB_AS_INDENT: 'YAML indentation must use spaces, not tabs',
  BAD_INDENT: 'the indentation does not line up with the lines around it',
  MISSING_CHAR: 'a closing bracket, brace or quote is missing',
  MULTILINE_IMPLICIT_KEY:
    'a key spans several lines; the line above probably misses a ":" or a quote',
};

function syntaxFinding(
  error: YAMLError,
  text: string,
  file: string,
  lineCounter: LineCounter,
): Finding {
  // Errors at the end of the file point past its last character: point at that character.
  const start = Math.max(0, Math.min(error.pos[0], text.trimEnd().length - 1));
  // The parser often marks one character; widen it to the token there (e.g. the duplicated key).
  let end = Math.min(error.pos[1], text.length);
  if (end - start <= 1) {
    end = start;
    while (end < text.length && !/[\s:,[\]{}]/.test(text[end]!)) end += 1;
  }
  end = Math.min(Math.max(end, start + 1), Math.max(text.length, start));
  const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const hint = YAML_HINTS[error.code];
  return schemaFinding(
    file,
    spanOf(lineCounter, start, end),
    `YAML syntax error: ${first}${hint ? ` (${hint})` : ''}`,
  );
}

/** The first key that repeats within one mapping (merge keys `<<` aside), with its range. */
function duplicateKey(document: Document): { key: string; range: [number, number] } | undefined {
  let found: { key: string; range: [number, number] } | undefined;
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (key === '<<') continue;
        if (seen.has(key) && isScalar(pair.key) && pair.key.range) {
          found = { key: String(key), range: [pair.key.range[0], pair.key.range[1]] };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** The `yaml` package's reading: its syntax and duplicate-key findings, its bounded aliases. */
function readWithYaml(
  text: string,
  file: string,
): { data: unknown; root: PositionNode | undefined } | { findings: Finding[] } {
  const lineCounter = new LineCounter();
  // The parser's own duplicate-key check compares every key with every other (quadratic in a
  // 10,000-step `steps:` map); `duplicateKey` does the same in one pass with a set per map.
  const document = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    merge: true,
    prettyErrors: false,
  });
  if (document.errors.length === 0) {
    const duplicate = duplicateKey(document);
    if (duplicate) {
      return {
        findings: [
          schemaFinding(
            file,
            spanOf(lineCounter, duplicate.range[0], duplicate.range[1]),
            `YAML syntax error: the key "${duplicate.key}" appears twice in the same mapping (${YAML_HINTS.DUPLICATE_KEY})`,
          ),
        ],
      };
    }
  }
  if (document.errors.length > 0) {
    // After the first syntax error the parser's further complaints are mostly echoes of it.
    const first = syntaxFinding(document.errors[0]!, text, file, lineCounter);
    const more = document.errors.length - 1;
    if (more > 0)
      first.message += `; ${more} more syntax error${more === 1 ? '' : 's'} may follow from it, fix this one first`;
    return { findings: [first] };
  }
  const root = positionsOfDocument(document);
  try {
    return { data: document.toJS({ maxAliasCount: 1000 }), root };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const span = new YamlSource(file, text, root).locate([]).span;
    return { findings: [schemaFinding(file, span, `cannot read the YAML: ${message}`)] };
  }
}

/** Load a spec from its text. `file` is how findings name it (repository-relative is best). */
export function loadSpecText(text: string, file: string): LoadResult {
  // The fast reader takes plain documents; anything it refuses or leaves (a syntax error, a
  // repeated key, aliases) is read by `yaml`, whose messages and alias limits are the reference.
  const fast = readWithPositions(text);
  const read = fast ?? readWithYaml(text, file);
  if ('findings' in read) return { findings: read.findings };
  const source = new YamlSource(file, text, read.root);
  const data = read.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const got =
      data === null || data === undefined
        ? 'an empty document'
        : Array.isArray(data)
          ? 'a list'
          : 'a single value';
    return {
      findings: [
        schemaFinding(
          file,
          source.locate([]).span,
          `a spec is a mapping with version, name and steps; this file is ${got}`,
        ),
      ],
    };
  }
  const findings: Finding[] = [];
  const check = validate();
  const invalid: NodePath[] = [];
  if (!check(data)) {
    for (const problem of explainSchemaErrors(check.errors ?? [], data)) {
      const location = source.locate(problem.path, problem.part);
      findings.push(finding('STW100', location, problem.message));
      invalid.push(problem.covers ?? problem.path);
    }
  }
  const workflow = toWorkflow(data as Record<string, unknown>, file, source);
  if (invalid.length > 0) workflow.invalid = invalid;
  return { workflow, findings };
}

/** Load a spec file; `root` (default: the current directory) makes the reported path relative. */
export function loadSpecFile(filePath: string, options: { root?: string } = {}): LoadResult {
  const root = options.root ?? process.cwd();
  const text = readFileSync(filePath, 'utf8');
  const relative = path.relative(root, path.resolve(filePath)).split(path.sep).join('/');
  return loadSpecText(text, relative.startsWith('..') ? filePath : relative);
}

// --- model building: every read checks its type, so a bad node is skipped, never thrown on ---

type Data = Record<string, unknown>;

const isRecord = (v: unknown): v is Data =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const entries = (v: unknown): [string, unknown][] => (isRecord(v) ? Object.entries(v) : []);

/** Drops undefined fields so the model prints and compares cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toWorkflow(data: Data, file: string, source: YamlSource): Workflow {
  return compact({
    version: 1 as const,
    name: str(data.name) ?? '',
    description: str(data.description),
    basedOn: str(data['based-on']),
    inputs: entries(data.inputs).map(([name, v]) => toInput(name, v)),
    outputs: entries(data.outputs).flatMap(([name, v]) => toDesiredOutput(name, v)),
    economics: isRecord(data.economics) ? toEconomics(data.economics) : undefined,
    cluster: isRecord(data.cluster) ? toCluster(data.cluster) : undefined,
    containers: toContainers(data.containers),
    steps: entries(data.steps).map(([id, v]) => toStep(id, isRecord(v) ? v : {})),
    lint: isRecord(data.lint) ? toLintConfig(data.lint) : undefined,
    file,
    format: 'stowage' as const,
    source,
  });
}

function toInput(name: string, v: unknown): WorkflowInput {
  const d = isRecord(v) ? v : {};
  return compact({
    name,
    path: str(d.path),
    size: parseSize(d.size),
    description: str(d.description),
  });
}

function toDesiredOutput(name: string, v: unknown): DesiredOutput[] {
  const ref = str(v);
  const dot = ref?.indexOf('.') ?? -1;
  if (!ref || dot <= 0) return [];
  return [{ name, step: ref.slice(0, dot), output: ref.slice(dot + 1) }];
}

function toEconomics(d: Data): Economics {
  return compact({
    runsPerYear: num(d['runs-per-year']),
    manualMinutesPerRun: num(d['manual-minutes-per-run']),
    developmentHours: num(d['development-hours']),
    maintenanceHoursPerYear: num(d['maintenance-hours-per-year']),
    horizonYears: num(d['horizon-years']),
  });
}

function toCluster(d: Data): Cluster {
  return compact({
    scheduler: str(d.scheduler),
    maxCpus: num(d['max-cpus']),
    maxMemory: parseSize(d['max-memory']),
    maxTime: parseDuration(d['max-time']),
    gpus: num(d.gpus),
  });
}

function toContainers(v: unknown): ContainersConfig {
  const d = isRecord(v) ? v : {};
  const baseImages: Record<string, string> = {};
  for (const [family, ref] of entries(d['base-images']))
    if (typeof ref === 'string') baseImages[family] = ref;
  const packageSizes: Record<string, number> = {};
  for (const [name, size] of entries(d['package-sizes'])) {
    const bytes = parseSize(size);
    if (bytes !== undefined) packageSizes[name] = bytes;
  }
  const channelUrls: Record<string, string> = {};
  for (const [name, url] of entries(d['channel-urls']))
    if (typeof url === 'string') channelUrls[name] = url;
  return compact({
    registry: str(d.registry),
    sizeBudget: parseSize(d['size-budget']),
    baseImages,
    packageSizes,
    channelUrls: Object.keys(channelUrls).length > 0 ? channelUrls : undefined,
    pipIndexUrl: str(d['pip-index-url']),
    npmRegistry: str(d['npm-registry']),
    groups: entries(d.groups).map(([name, g]) =>
      compact({
        name,
        steps: strings(isRecord(g) ? g.steps : undefined),
        base: str(isRecord(g) ? g.base : undefined),
      }),
    ),
  });
}

function toSoftware(v: unknown): Software {
  const d = isRecord(v) ? v : {};
  return compact({
    ...emptySoftware(),
    python: str(d.python),
    pip: strings(d.pip),
    conda: strings(d.conda),
    r: str(d.r),
    cran: strings(d.cran),
    bioconductor: strings(d.bioconductor),
    java: str(d.java),
    maven: strings(d.maven),
    apt: strings(d.apt),
    npm: strings(d.npm),
    build: str(d.build),
    files: strings(d.files),
  });
}

function toResources(d: Data): Resources {
  return compact({
    cpus: num(d.cpus),
    memory: parseSize(d.memory),
    time: parseDuration(d.time),
    gpus: num(d.gpus),
  });
}

function toStep(id: string, d: Data): Step {
  const outputs: Record<string, string> = {};
  for (const [name, p] of entries(d.outputs)) if (typeof p === 'string') outputs[name] = p;
  return compact({
    id,
    description: str(d.description),
    run: str(d.run),
    inputs: strings(d.inputs),
    outputs,
    software: toSoftware(d.software),
    resources: isRecord(d.resources) ? toResources(d.resources) : undefined,
    duration: parseDuration(d.duration),
    container: str(d.container) ?? 'auto',
    entrypoint: Array.isArray(d.entrypoint) ? strings(d.entrypoint) : undefined,
    service: d.service === true,
  });
}

const LEVELS: readonly RuleLevel[] = ['off', 'error', 'warning', 'notice'];

function toLintConfig(d: Data): LintConfig {
  const rules: Record<string, RuleLevel> = {};
  for (const [rule, level] of entries(d.rules))
    if (LEVELS.includes(level as RuleLevel)) rules[rule] = level as RuleLevel;
  return { rules, settings: isRecord(d.settings) ? { ...d.settings } : {} };
}
