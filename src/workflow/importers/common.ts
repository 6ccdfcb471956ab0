/**
 * What every importer shares: the result shape, the import findings, conda environment files
 * (used by nf-core modules and Snakemake rules alike), and a small file walker.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { Finding, Span } from '../../common/findings.js';
import { finding, ruleMeta, type RuleId } from '../../common/rules.js';
import type { Location, NodePath, RuleLevel, Step, Workflow, WorkflowFormat } from '../model.js';
import { emptySoftware } from '../model.js';
import type { RecordedSource } from './locator.js';
import { isInside } from '../../common/paths.js';

/** Whether `path` is a folder (following links); false when it cannot be read. */
export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A format read by an importer (every one but Stowage's own spec). */
export type ImportFormat = Exclude<WorkflowFormat, 'stowage'>;

/** Engine-side facts the exports need to address a step in its own engine. */
export interface ImportOrigin {
  format: ImportFormat;
  /** Step id → the engine's name for it: process name, rule name, CWL step id. */
  engineNames: Record<string, string>;
  /**
   * CWL only: step id → what an override of its tool must name, as cwltool resolves ids, in
   * repository-relative form: the tool's file (`tools/x.cwl`), `file#id` for a tool with an `id:`
   * or in a packed `$graph` (`packed.cwl#main`), `wf.cwl#step/run/id` for an inline tool with an
   * id, and the step (`wf.cwl#step`) for an inline tool without one.
   */
  tools: Record<string, string>;
  /** CWL only: steps whose tool no override can reach, with the reason. */
  toolsUnreachable?: Record<string, string>;
  /**
   * Nextflow only: step id → each run of its process the entry workflow reaches, by the names
   * `withName` selectors are matched against (besides the process's own name, `engineNames`):
   * the alias it is included under and the fully qualified name (`WF:SUB:ALIAS`).
   */
  invocations?: Record<string, { name: string; fqn: string }[]>;
  /** Nextflow only: every run is in `invocations` (false when there were too many to record). */
  invocationsComplete?: boolean;
  /** Snakemake only: rules read as targets (they collect inputs, run nothing), not as steps. */
  targets?: string[];
}

export interface ImportResult {
  workflow?: Workflow;
  findings: Finding[];
  /** Step id → the image the pipeline declares today (docker form), for the comparison. */
  currentImages: Record<string, string>;
  origin?: ImportOrigin;
  /**
   * URLs of files outside the repository the import needed but was not given (see remote.ts):
   * a Snakemake wrapper's environment, a meta-wrapper's rules.
   */
  remote?: string[];
}

const LINE_ONE: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** A file the importer could not read or parse, or a part of it it could not understand. */
export function importError(file: string, message: string, span: Span = LINE_ONE): Finding {
  return finding('STW420', { file, span }, message);
}

/**
 * Something imported only in part: what the source format cannot express (reported once per
 * import, not per step), or an entry the importer skipped.
 */
export function importLimit(file: string, message: string, span: Span = LINE_ONE): Finding {
  return finding('STW421', { file, span }, message);
}

export function newStep(id: string): Step {
  return {
    id,
    inputs: [],
    outputs: {},
    software: emptySoftware(),
    container: 'auto',
    service: false,
  };
}

export function newWorkflow(
  name: string,
  file: string,
  format: Workflow['format'],
  source: RecordedSource,
): Workflow {
  return {
    version: 1,
    name,
    inputs: [],
    outputs: [],
    containers: { baseImages: {}, groups: [], packageSizes: {} },
    steps: [],
    file,
    format,
    source,
  };
}

/** `a/b` relative to `root`, always with forward slashes. */
export function relPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}

/**
 * The text of a file the workflow names, or undefined when it cannot be read — or when it lies
 * outside `root` (by name or through a link): a pipeline's reference (`run: ../secret`) must not
 * make Stowage read, and so quote, a file outside the repository.
 */
export function readTextFile(path: string, root: string): string | undefined {
  try {
    if (!isInside(root, path)) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Why `readTextFile` gave nothing, for the finding: empty, or that the file is outside root. */
export function unreadable(path: string, root: string): string {
  try {
    return isInside(root, path)
      ? ''
      : ' (it is outside the repository: Stowage reads nothing there)';
  } catch {
    return '';
  }
}

const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  'work',
  '.nextflow',
  '.snakemake',
  'results',
  '.stowage',
]);

/**
 * Files under `dir` (absolute paths, sorted) whose name passes `accept`, at most `depth` folders
 * down. Symbolic links are neither followed nor listed: a committed link to a parent folder would
 * make the walk endless (k links to itself: k^depth folders), and one out of the repository would
 * make it name files there. Each real folder is read once (a bind mount is not read again).
 */
export function walkFiles(dir: string, accept: (name: string) => boolean, depth = 8): string[] {
  const found: string[] = [];
  walkInto(dir, accept, depth, found, new Set());
  return found;
}

function walkInto(
  dir: string,
  accept: (name: string) => boolean,
  depth: number,
  found: string[],
  visited: Set<string>,
): void {
  let entries: Dirent[];
  try {
    const { dev, ino } = statSync(dir, { bigint: true });
    if (visited.has(`${dev}:${ino}`)) return;
    visited.add(`${dev}:${ino}`);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    // A Dirent describes the entry itself: a link is neither a directory nor a file here.
    if (entry.isDirectory()) {
      if (depth > 0 && !SKIPPED_DIRS.has(entry.name))
        walkInto(join(dir, entry.name), accept, depth - 1, found, visited);
    } else if (entry.isFile() && accept(entry.name)) {
      found.push(join(dir, entry.name));
    }
  }
}

/**
 * For each set of taken names, the next number to try after each base (`reads-7`): thousands of
 * inputs named `reads` then cost one try each, not one per name before them. Sets of taken names
 * only grow, so every number below it is taken.
 */
const nextNumber = new WeakMap<Set<string>, Map<string, number>>();

/** A step or input name the stowage model accepts, derived from an engine's name. */
export function safeName(raw: string, taken: Set<string>, fallback = 'step'): string {
  let base = raw
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/-+$/, '');
  if (base === '') base = fallback;
  base = base.slice(0, 56);
  const numbers = nextNumber.get(taken) ?? new Map<string, number>();
  nextNumber.set(taken, numbers);
  let name = base;
  for (let n = numbers.get(base) ?? 2; taken.has(name); n += 1) {
    name = `${base}-${n}`;
    numbers.set(base, n + 1);
  }
  taken.add(name);
  return name;
}

export function yamlSpan(
  node: YamlNode | null | undefined,
  counter: LineCounter,
): Span | undefined {
  const range = node?.range;
  if (!range) return undefined;
  const a = counter.linePos(range[0]);
  const b = counter.linePos(range[1]);
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

export interface CondaEnvironment {
  channels: string[];
  conda: string[];
  pip: string[];
}

/**
 * Reads a conda environment file into `step`'s software and records where each dependency is:
 * `['steps', id, 'software', 'conda', i]` points at the i-th conda dependency's line, `pip` the
 * same for the `pip:` sub-list. Returns findings for an unreadable file or odd entries.
 */
export function readCondaEnvironment(
  text: string,
  file: string,
  step: Step,
  source: RecordedSource,
  at?: Location,
): { environment?: CondaEnvironment; findings: Finding[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (!at) source.addFile(file, text);
  const findings: Finding[] = [];
  // A file from elsewhere (a wrapper's environment): its nodes are located at `at`.
  const where = (node: YamlNode | null | undefined): Location | undefined => {
    if (at) return at;
    const span = yamlSpan(node, counter);
    return span ? { file, span } : undefined;
  };
  const reportAt = (span: Span | undefined): { file: string; span?: Span } =>
    at ? { file: at.file, span: at.span } : { file, span };
  if (doc.errors.length > 0) {
    for (const e of doc.errors.slice(0, 1)) {
      const a = counter.linePos(e.pos[0]);
      const b = counter.linePos(e.pos[1]);
      const target = reportAt({ line: a.line, column: a.col, endLine: b.line, endColumn: b.col });
      findings.push(
        importError(
          target.file,
          `Cannot read conda environment ${file}: ${e.message.split('\n')[0]}.`,
          target.span,
        ),
      );
    }
    return { findings };
  }
  const environment: CondaEnvironment = { channels: [], conda: [], pip: [] };
  const root = doc.contents;
  if (!isMap(root)) {
    const target = reportAt(undefined);
    findings.push(
      importError(
        target.file,
        `Conda environment ${file} is not a mapping with dependencies.`,
        target.span,
      ),
    );
    return { findings };
  }
  const channels = root.get('channels', true);
  if (isSeq(channels)) {
    for (const item of channels.items)
      if (isScalar(item)) environment.channels.push(String(item.value));
  }
  // The packages come from these channels, in this order (solving, the lock, the Dockerfile).
  if (environment.channels.length > 0) step.software.channels = [...environment.channels];
  const deps = root.get('dependencies', true);
  if (!isSeq(deps)) {
    const target = reportAt(undefined);
    findings.push(
      importLimit(target.file, `Conda environment ${file} lists no dependencies.`, target.span),
    );
    return { environment, findings };
  }
  const base: NodePath = ['steps', step.id, 'software'];
  for (const item of deps.items) {
    const location = where(item as YamlNode);
    if (isScalar(item)) {
      const spec = String(item.value).trim();
      if (spec === '') continue;
      if (location) source.record([...base, 'conda', step.software.conda.length], location);
      step.software.conda.push(spec);
      environment.conda.push(spec);
    } else if (isMap(item) && isSeq(item.get('pip', true))) {
      const pipSeq = item.get('pip', true);
      if (!isSeq(pipSeq)) continue;
      if (location) source.record([...base, 'pip'], location);
      for (const pipItem of pipSeq.items) {
        if (!isScalar(pipItem)) continue;
        const pipLocation = where(pipItem as YamlNode);
        if (pipLocation) source.record([...base, 'pip', step.software.pip.length], pipLocation);
        step.software.pip.push(String(pipItem.value).trim());
        environment.pip.push(String(pipItem.value).trim());
      }
    } else if (location) {
      findings.push(
        importLimit(
          location.file,
          `Unrecognised dependency entry in ${file}; it was skipped.`,
          location.span,
        ),
      );
    }
  }
  const depsLocation = where(deps);
  if (depsLocation) source.record([...base, 'conda'], depsLocation);
  return { environment, findings };
}

/** `docker://x`, `x` → `x`; a Singularity/Apptainer file or https URL → undefined. */
export function dockerImage(raw: string): string | undefined {
  const value = raw.trim().replace(/^docker:\/\//, '');
  if (value === '' || /^(https?|shub|library|oras|file):\/\//.test(value)) return undefined;
  if (/\.(sif|img|simg)$/.test(value) || value.startsWith('/')) return undefined;
  return value;
}

/** A lint rule that cannot apply to a workflow read from some format, and why. */
export interface RuleLimit {
  rule: RuleId;
  why: string;
}

/** Rules no imported format can feed: engines record neither durations nor economics. */
export const IMPORTED_LIMITS: readonly RuleLimit[] = [
  { rule: 'STW203', why: 'expected durations' },
  { rule: 'STW301', why: 'the economics of automation' },
  { rule: 'STW302', why: 'the economics of automation' },
  {
    rule: 'STW409',
    why: '`based-on` (the pipeline is itself the existing workflow)',
  },
];

/**
 * Turns off, in the workflow's own lint config, the rules its format cannot feed, and returns the
 * single notice that says so — instead of one finding per step from each of those rules.
 */
export function limitRules(
  workflow: Workflow,
  formatName: string,
  limits: readonly RuleLimit[],
  extra = '',
): Finding {
  const rules: Record<string, RuleLevel> = { ...workflow.lint?.rules };
  for (const l of limits) rules[l.rule] = 'off';
  workflow.lint = { rules, settings: workflow.lint?.settings ?? {} };
  const whys = [...new Set(limits.map((l) => l.why))];
  return importLimit(
    workflow.file,
    `${formatName} does not record ${whys.join(', ')}, so ${limits.map((l) => `${l.rule} ${ruleMeta(l.rule).name}`).join(', ')} ` +
      `are off for this workflow.${extra ? ` ${extra}` : ''} To get those checks, describe the workflow in a stowage.yml.`,
  );
}
