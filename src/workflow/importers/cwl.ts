/**
 * CWL importer (v1.0–v1.2, YAML or JSON, packed `$graph` too). Each step of the Workflow becomes
 * a step; its `run` tool's requirements and hints — SoftwareRequirement, DockerRequirement,
 * ResourceRequirement, ToolTimeLimit, cwltool:CUDARequirement — give software and resources, with
 * CWL's precedence (tool over step over workflow; requirements over hints). `in`/`out`
 * connections and the workflow's `outputSource`s wire the model.
 */
import { basename, dirname, join, posix } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { Finding } from '../../common/findings.js';
import { shellQuote } from '../../common/escape/shell.js';
import type { Location, Step, Workflow } from '../model.js';
import {
  dockerImage,
  importError,
  importLimit,
  IMPORTED_LIMITS,
  limitRules,
  newStep,
  newWorkflow,
  readTextFile,
  unreadable,
  relPath,
  safeName,
  walkFiles,
  yamlSpan,
  type ImportResult,
} from './common.js';
import { DeclaredImages, imageSoftware } from './images.js';
import { RecordedSource } from './locator.js';
import { relaxFlowIndentation } from './yaml-lenient.js';
import { MIB } from './units.js';

export interface CwlOptions {
  root?: string;
}

/** The workflow file of a directory: workflow.cwl, main.cwl, else the first `class: Workflow`. */
export function findCwlWorkflow(dir: string): string | undefined {
  for (const name of ['workflow.cwl', 'main.cwl'])
    if (readTextFile(join(dir, name), dir) !== undefined) return join(dir, name);
  const candidates = walkFiles(dir, (n) => n.endsWith('.cwl'), 1);
  return (
    candidates.find((f) =>
      /["']?class["']?\s*:\s*["']?Workflow\b/.test(readTextFile(f, dir) ?? ''),
    ) ?? candidates[0]
  );
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: Json | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed CWL file: its data and a way to find any node's position in it. */
class CwlFile {
  private counter = new LineCounter();
  readonly doc: Document;
  readonly data: Json;
  private aliasError: string | undefined;
  constructor(
    readonly file: string,
    readonly abs: string,
    readonly text: string,
  ) {
    const parse = (source: string, counter: LineCounter): Document =>
      parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
    let doc = parse(text, this.counter);
    if (doc.errors.length > 0) {
      // What cwltool's loader (ruamel.yaml) accepts and the YAML spec does not: flow constructs
      // whose continuation lines are not indented deeper than the line that opens them.
      const relaxed = relaxFlowIndentation(text);
      const counter = new LineCounter();
      const again = relaxed === undefined ? undefined : parse(relaxed, counter);
      if (again && again.errors.length === 0) {
        doc = again;
        this.counter = counter;
      }
    }
    this.doc = doc;
    let data: Json = null;
    if (this.doc.errors.length === 0) {
      try {
        data = this.doc.toJS({ maxAliasCount: 100 }) as Json;
      } catch (e) {
        // An alias without its anchor, or an alias bomb: reported like a syntax error.
        this.aliasError = e instanceof Error ? e.message : String(e);
      }
    }
    this.data = data;
  }

  private graphIds: Map<string, number> | undefined;
  /** The process the file stands for, found once (null: not looked for yet). */
  private top: Process | undefined | null = null;

  /** The file's process: its one process, or the main Workflow of its `$graph`. */
  topProcess(): Process | undefined {
    if (this.top === null) this.top = findTopProcess(this);
    return this.top;
  }

  /** Index in `$graph` of the process with id `id` (`#` and file prefixes aside), or -1. */
  graphIndex(id: string): number {
    const graph = isObj(this.data) ? this.data.$graph : undefined;
    if (!Array.isArray(graph)) return -1;
    if (!this.graphIds) {
      this.graphIds = new Map();
      graph.forEach((p, k) => {
        const key = isObj(p) ? stripHash(String(p.id ?? '')) : undefined;
        if (key !== undefined && !this.graphIds!.has(key)) this.graphIds!.set(key, k);
      });
    }
    return this.graphIds.get(stripHash(id)) ?? -1;
  }

  firstError(): { message: string; location: Location } | undefined {
    const e = this.doc.errors[0];
    if (!e && this.aliasError !== undefined) {
      const span = { line: 1, column: 1, endLine: 1, endColumn: 1 };
      return { message: this.aliasError, location: { file: this.file, span } };
    }
    if (!e) return undefined;
    const a = this.counter.linePos(e.pos[0]);
    const b = this.counter.linePos(e.pos[1]);
    return {
      message: e.message.split('\n')[0] ?? 'syntax error',
      location: {
        file: this.file,
        span: { line: a.line, column: a.col, endLine: b.line, endColumn: b.col },
      },
    };
  }

  /** Location of the node at `path` (keys and indexes in the file's own structure). */
  at(path: (string | number)[], part: 'key' | 'value' = 'value'): Location {
    const fallback: Location = {
      file: this.file,
      span: { line: 1, column: 1, endLine: 1, endColumn: 1 },
    };
    if (part === 'key' && path.length > 0) {
      const parent = this.nodeAt(path.slice(0, -1));
      const pair = isMap(parent) ? this.pairOf(parent, path[path.length - 1]!) : undefined;
      const span = yamlSpan(pair?.key as YamlNode | undefined, this.counter);
      if (span) return { file: this.file, span };
    }
    for (let n = path.length; n >= 0; n -= 1) {
      const span = yamlSpan(this.nodeAt(path.slice(0, n)), this.counter);
      if (span) return { file: this.file, span };
    }
    return fallback;
  }

  /** Each mapping's pairs by key, indexed when first asked (yaml's getIn scans every pair). */
  private readonly pairs = new WeakMap<YAMLMap, Map<unknown, Pair>>();

  /** The node at `path`, as `doc.getIn(path, true)` finds it, in time linear in the path. */
  private nodeAt(path: (string | number)[]): YamlNode | undefined {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      if (isMap(node)) node = this.pairOf(node, key)?.value;
      else if (isSeq(node) && typeof key === 'number') node = node.items[key];
      else return undefined;
    }
    return (node ?? undefined) as YamlNode | undefined;
  }

  /** The first pair of `map` with this key (a repeated key is read as its first). */
  private pairOf(map: YAMLMap, key: string | number): Pair | undefined {
    let byKey = this.pairs.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!byKey.has(k)) byKey.set(k, pair);
      }
      this.pairs.set(map, byKey);
    }
    return byKey.get(key);
  }
}

/** A process document and where it lives: a file, a `$graph` entry, or inline in a step. */
interface Process {
  data: Obj;
  file: CwlFile;
  /** Path of this process inside `file`. */
  path: (string | number)[];
  /** Its identity here: the file, `file#id` in a `$graph`, `file#step` when inline (loops, caches). */
  ref: string;
  /**
   * The id cwltool gives it, which an override must name (see cwlId): `tools/x.cwl`,
   * `tools/x.cwl#id`, `packed.cwl#x`, `wf.cwl#step/run/id`; undefined when cwltool gives it a
   * blank id (an inline process without `id:`), which no override can name.
   */
  target?: string;
  /** The fragment ids inside it are resolved under (`''` at a file's top, `main` in `#main`). */
  scope?: string;
}

/**
 * An `id` as cwltool's loader (schema-salad) resolves it, in repository-relative form: `#x` is
 * fragment `x` of the file; a bare `x` is scoped under the enclosing id (`step/run/x` for a tool
 * inline in a step, `main/x` inside `#main`), `other.cwl#x` is in another file, an id with a scheme
 * is kept whole, and `_:…` is a blank node (no id at all).
 */
function cwlId(
  id: string,
  file: string,
  scope: string | undefined,
): { target: string; scope: string } | undefined {
  if (id.startsWith('_:')) return undefined;
  // Only the schemes cwltool's fetcher knows are absolute; other `x:y` ids are scoped like names.
  if (/^(?:file|https?):/.test(id)) {
    const hash = id.indexOf('#');
    return { target: id, scope: hash < 0 ? '' : id.slice(hash + 1) };
  }
  const hash = id.indexOf('#');
  if (hash >= 0) {
    const path = id.slice(0, hash);
    const fragment = id.slice(hash + 1);
    const doc = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
    return { target: fragment === '' ? doc : `${doc}#${fragment}`, scope: fragment };
  }
  if (scope === undefined) return undefined; // inside a blank node: blank too
  const fragment = scope === '' ? id : `${scope}/${id}`;
  return { target: `${file}#${fragment}`, scope: fragment };
}

/** The target and scope of a process that is a file's top or a `$graph` entry. */
function documentId(data: Obj, file: string): Pick<Process, 'target' | 'scope'> {
  if (typeof data.id !== 'string') return { target: file, scope: '' };
  const id = cwlId(data.id, file, '');
  return id ? { target: id.target, scope: id.scope } : {};
}

interface Context {
  root: string;
  source: RecordedSource;
  findings: Finding[];
  files: Map<string, CwlFile | undefined>;
  /** Each step's `run`, resolved once however often nested workflows reach the step. */
  runs: WeakMap<Obj, Process | undefined>;
  expressions: number;
  images: DeclaredImages;
  packageNotes: PackageNotes;
}

/** SoftwarePackages said once per name: commands of the base system, names nothing confirms. */
class PackageNotes {
  private readonly notes = new Map<
    string,
    { kind: 'base' | 'image' | 'conda'; name: string; steps: string[]; at: Location }
  >();

  note(kind: 'base' | 'image' | 'conda', name: string, step: string, at: Location): void {
    const seen = this.notes.get(`${kind} ${name}`);
    if (seen) seen.steps.push(step);
    else this.notes.set(`${kind} ${name}`, { kind, name, steps: [step], at });
  }

  findings(): Finding[] {
    return [...this.notes.values()].map(({ kind, name, steps, at }) => {
      const who = `${steps.length === 1 ? 'step' : 'steps'} ${steps.join(', ')}`;
      const add = `Add a spec such as https://anaconda.org/bioconda/${name.toLowerCase()} to plan it.`;
      const message =
        kind === 'base'
          ? `SoftwarePackage "${name}" (${who}) is a command every base image has, not a package: nothing is installed for it.`
          : kind === 'image'
            ? `SoftwarePackage "${name}" (${who}) names no package channel (no anaconda.org, PyPI, Debian, bio.tools or BioContainers spec), so it is not installed: the step runs in its DockerRequirement image, as cwltool runs it. ${add}`
            : `SoftwarePackage "${name}" (${who}) names no package channel; it is planned as the conda package "${name.toLowerCase()}", the way cwltool's conda resolver installs it, and the build fails if no channel has it. ${add}`;
      return importLimit(at.file, message, at.span);
    });
  }
}

export function importCwl(path: string, options: CwlOptions = {}): ImportResult {
  const abs =
    path.endsWith('.cwl') || readTextFile(path, options.root ?? dirname(path)) !== undefined
      ? path
      : findCwlWorkflow(path);
  const root = options.root ?? (abs ? dirname(abs) : path);
  const mainFile = relPath(root, abs ?? join(path, 'workflow.cwl'));
  const source = new RecordedSource(mainFile);
  const ctx: Context = {
    root,
    source,
    findings: [],
    files: new Map(),
    runs: new WeakMap(),
    expressions: 0,
    images: new DeclaredImages(source),
    packageNotes: new PackageNotes(),
  };
  if (!abs) {
    ctx.findings.push(
      importError(mainFile, `No CWL document (*.cwl) found in ${relPath(root, path) || '.'}.`),
    );
    return { findings: ctx.findings, currentImages: {} };
  }
  const main = loadFile(abs, ctx, undefined);
  if (!main) return { findings: ctx.findings, currentImages: {} };
  const top = main.topProcess();
  if (!top) {
    ctx.findings.push(
      importError(main.file, `${main.file} holds no CWL Workflow or CommandLineTool.`),
    );
    return { findings: ctx.findings, currentImages: {} };
  }

  const name =
    typeof top.data.label === 'string' && /^[\w .-]+$/.test(top.data.label)
      ? top.data.label
      : basename(abs).replace(/\.cwl$/, '');
  const workflow = newWorkflow(name, main.file, 'cwl', source);
  if (typeof top.data.doc === 'string') workflow.description = top.data.doc.trim();
  const currentImages: Record<string, string> = {};
  const engineNames: Record<string, string> = {};
  const tools: Record<string, string> = {};
  const toolsUnreachable: Record<string, string> = {};

  if (top.data.class === 'Workflow') {
    importWorkflowProcess(top, workflow, ctx, {
      currentImages,
      engineNames,
      tools,
      toolsUnreachable,
    });
  } else {
    // A single tool: a workflow of one step.
    const id = safeName(basename(abs).replace(/\.cwl$/, ''), new Set());
    const step = newStep(id);
    source.record(['steps', id], top.file.at(top.path));
    engineNames[id] = id;
    if (top.target !== undefined) tools[id] = top.target;
    applyTool(step, top, [], ctx, currentImages);
    workflow.steps.push(step);
  }

  const limits: string[] = [];
  if (ctx.expressions > 0)
    limits.push(
      `${ctx.expressions} resource figure(s) are JavaScript expressions, which Stowage does not evaluate.`,
    );
  ctx.findings.push(...ctx.images.findings(), ...ctx.packageNotes.findings());
  ctx.findings.push(limitRules(workflow, 'CWL', IMPORTED_LIMITS, limits.join(' ')));
  return {
    workflow,
    findings: ctx.findings,
    currentImages,
    origin: { format: 'cwl', engineNames, tools, toolsUnreachable },
  };
}

function loadFile(abs: string, ctx: Context, from: Location | undefined): CwlFile | undefined {
  if (ctx.files.has(abs)) return ctx.files.get(abs);
  const file = relPath(ctx.root, abs);
  const text = readTextFile(abs, ctx.root);
  if (text === undefined) {
    const at = from ?? { file, span: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
    ctx.findings.push(
      importError(
        at.file,
        `Cannot read CWL document ${file}${unreadable(abs, ctx.root)}.`,
        at.span,
      ),
    );
    ctx.files.set(abs, undefined);
    return undefined;
  }
  ctx.source.addFile(file, text);
  const parsed = new CwlFile(file, abs, text);
  const error = parsed.firstError();
  if (error) {
    ctx.findings.push(
      importError(
        file,
        `Cannot parse CWL document ${file}: ${error.message}.`,
        error.location.span,
      ),
    );
    ctx.files.set(abs, undefined);
    return undefined;
  }
  if (!isObj(parsed.data)) {
    ctx.findings.push(importError(file, `CWL document ${file} is not a mapping.`));
    ctx.files.set(abs, undefined);
    return undefined;
  }
  ctx.files.set(abs, parsed);
  return parsed;
}

const stripHash = (id: string): string => id.replace(/^#/, '').replace(/^.*#/, '');

function findTopProcess(file: CwlFile): Process | undefined {
  const data = file.data as Obj;
  const graph = data.$graph;
  if (Array.isArray(graph)) {
    const main = file.graphIndex('main');
    const k =
      isObj(graph[main]) && graph[main].class === 'Workflow'
        ? main
        : graph.findIndex((p) => isObj(p) && p.class === 'Workflow');
    const entry = graph[k];
    if (!isObj(entry)) return undefined;
    return {
      data: entry,
      file,
      path: ['$graph', k],
      ref: `${file.file}#${stripHash(String(entry.id ?? 'main'))}`,
      ...documentId(entry.id === undefined ? { ...entry, id: '#main' } : entry, file.file),
    };
  }
  return typeof data.class === 'string'
    ? { data, file, path: [], ref: file.file, ...documentId(data, file.file) }
    : undefined;
}

/** The process a step runs, read once (nested workflows may reach one step many times). */
function resolveRun(
  step: Obj,
  stepPath: (string | number)[],
  parent: Process,
  ctx: Context,
): Process | undefined {
  if (!ctx.runs.has(step)) ctx.runs.set(step, readRun(step, stepPath, parent, ctx));
  return ctx.runs.get(step);
}

/** Reads a step's `run`: a relative file, a `#id` in the packed graph, or an inline process. */
function readRun(
  step: Obj,
  stepPath: (string | number)[],
  parent: Process,
  ctx: Context,
): Process | undefined {
  const run = step.run;
  if (isObj(run)) {
    // An inline process is scoped under its step: `wf.cwl#step/run/<its id>` from CWL v1.1 on
    // (the `run` field's subscope), `wf.cwl#step/<its id>` in v1.0.
    const own = stepId(step, stepPath, parent);
    const version = (parent.file.data as Obj).cwlVersion;
    const subscope = typeof version === 'string' && /^(v1\.0|draft-)/.test(version) ? '' : '/run';
    const id =
      typeof run.id === 'string' && own !== undefined
        ? cwlId(run.id, parent.file.file, `${own.scope}${subscope}`)
        : undefined;
    // Without an id, cwltool gives the process a blank id; what it holds is still scoped under
    // `step/run` from v1.1 on (in v1.0 under a random id: nothing inside can be named).
    const blankScope =
      own !== undefined && subscope !== '' && typeof run.id !== 'string'
        ? { scope: `${own.scope}${subscope}` }
        : {};
    return {
      data: run,
      file: parent.file,
      path: [...stepPath, 'run'],
      ref: `${parent.file.file}#${String(step.id ?? stepPath[stepPath.length - 1])}`,
      ...(id ? { target: id.target, scope: id.scope } : blankScope),
    };
  }
  if (typeof run !== 'string') return undefined;
  const where = parent.file.at([...stepPath, 'run']);
  if (run.startsWith('#')) {
    const graph = (parent.file.data as Obj).$graph;
    const k = parent.file.graphIndex(run);
    const entry = Array.isArray(graph) ? graph[k] : undefined;
    if (!isObj(entry)) {
      ctx.findings.push(
        importError(
          where.file,
          `Step run ${run} names no process in the packed $graph.`,
          where.span,
        ),
      );
      return undefined;
    }
    return {
      data: entry,
      file: parent.file,
      path: ['$graph', k],
      ref: `${parent.file.file}#${stripHash(run)}`,
      ...documentId(entry, parent.file.file),
    };
  }
  const [filePart, fragment] = run.split('#');
  const file = loadFile(join(dirname(parent.file.abs), filePart ?? run), ctx, where);
  if (!file) return undefined;
  if (fragment !== undefined) {
    const graph = (file.data as Obj).$graph;
    const k = file.graphIndex(fragment);
    const entry = Array.isArray(graph) ? graph[k] : undefined;
    if (isObj(entry))
      return {
        data: entry,
        file,
        path: ['$graph', k],
        ref: `${file.file}#${fragment}`,
        ...documentId(entry, file.file),
      };
  }
  const top = file.topProcess();
  return top && top.data.class !== 'Workflow' ? { ...top, ref: file.file } : top;
}

/** cwltool's id of a step of `wf` (map key or `id:`), or undefined inside a blank node. */
function stepId(
  step: Obj,
  stepPath: (string | number)[],
  wf: Process,
): { target: string; scope: string } | undefined {
  const key = stepPath[stepPath.length - 1];
  const raw = typeof key === 'string' ? key : typeof step.id === 'string' ? step.id : undefined;
  return raw === undefined ? undefined : cwlId(raw, wf.file.file, wf.scope);
}

/** Entries of a CWL map-or-list field (`inputs`, `steps`, `in`, `out`…) as [id, value, pathKey]. */
function entries(field: Json | undefined, idKey = 'id'): [string, Json, string | number][] {
  if (Array.isArray(field)) {
    return field.map((v, k) => [
      isObj(v) ? stripId(String(v[idKey] ?? k)) : stripId(String(v)),
      v,
      k,
    ]);
  }
  if (isObj(field)) return Object.entries(field).map(([k, v]) => [stripId(k), v, k]);
  return [];
}

/** `#main/align/bam` → `align/bam`; `#reads` → `reads`. */
function stripId(id: string): string {
  return id.replace(/^.*#/, '').replace(/^main\//, '');
}

interface Collected {
  currentImages: Record<string, string>;
  engineNames: Record<string, string>;
  tools: Record<string, string>;
  toolsUnreachable: Record<string, string>;
}

/**
 * Nested workflows are flattened: their tool steps become steps named `outer/inner`. Connections
 * cross workflow boundaries through ports: `in:<scope><input>` (a workflow's input) and
 * `out:<scope><step>.<output>` (a step's output), each an alias of other ports, down to a
 * workflow input of the main workflow or a tool step's output (`<step id>.<output>`).
 */
class Ports {
  private readonly aliases = new Map<string, string[]>();
  /** Ports already resolved: many steps read one workflow input, each resolves it once. */
  private readonly resolved = new Map<string, string[]>();
  /** Ports being resolved: met again, they are a loop, which adds nothing. */
  private readonly resolving = new Set<string>();

  alias(port: string, targets: string[]): void {
    this.aliases.set(port, targets);
    this.resolved.clear();
  }

  /** The model references a port stands for (none when it is not connected). */
  resolve(port: string): string[] {
    if (!port.startsWith('in:') && !port.startsWith('out:')) return [port];
    const known = this.resolved.get(port);
    if (known) return known;
    if (this.resolving.has(port)) return [];
    this.resolving.add(port);
    const refs = [...new Set((this.aliases.get(port) ?? []).flatMap((p) => this.resolve(p)))];
    this.resolving.delete(port);
    this.resolved.set(port, refs);
    return refs;
  }
}

/** Where a flattened workflow sits: its step id prefix, and what it inherits. */
interface Scope {
  /** `''` for the main workflow, `outer/` inside step `outer`. */
  prefix: string;
  /** Hints and requirements of the enclosing workflows and steps, outermost first. */
  inherited: Layer[];
  /** Steps ids taken in this workflow. */
  taken: Set<string>;
  /** The `when:` of the enclosing steps. */
  condition?: string;
  /** What those conditions read: every step inside depends on it. */
  conditionPorts: string[];
  /** Workflows being flattened (a workflow that runs itself is not followed). */
  open: Set<string>;
}

const MAX_DEPTH = 20;

/**
 * The most steps nested workflows are flattened into (the main workflow's own steps always count
 * in full): workflows that each run the next several times multiply (12 files, each running the
 * next four times, are 4^11 steps). Past it, nested workflows are flattened fewer levels deep.
 */
export const MAX_FLATTENED_STEPS = 10_000;

/**
 * How many levels of nested workflows to flatten: the most that keep the flattened workflow
 * within MAX_FLATTENED_STEPS. Each workflow's size is counted once per depth, so the count costs
 * the number of workflows, not the number of steps they would make.
 */
function flatteningDepth(main: Process, ctx: Context): number {
  const counted = new WeakMap<Obj, Map<number, number>>();
  const stepsAt = (wf: Process, depth: number): number => {
    const known = counted.get(wf.data)?.get(depth);
    if (known !== undefined) return known;
    let total = 0;
    for (const [, value, key] of entries(wf.data.steps)) {
      if (total > MAX_FLATTENED_STEPS) break; // too many already: the exact figure does not matter
      if (!isObj(value)) continue;
      const tool = depth > 0 ? resolveRun(value, [...wf.path, 'steps', key], wf, ctx) : undefined;
      total += tool?.data.class === 'Workflow' ? stepsAt(tool, depth - 1) : 1;
    }
    const byDepth = counted.get(wf.data) ?? new Map<number, number>();
    counted.set(wf.data, byDepth.set(depth, total));
    return total;
  };
  let depth = MAX_DEPTH - 1;
  while (depth > 0 && stepsAt(main, depth) > MAX_FLATTENED_STEPS) depth -= 1;
  return depth;
}

function importWorkflowProcess(
  wf: Process,
  workflow: Workflow,
  ctx: Context,
  out: Collected,
): void {
  const { source } = ctx;
  const ports = new Ports();
  for (const [name, value, key] of entries(wf.data.inputs)) {
    const def = isObj(value) ? value.default : undefined;
    const location =
      isObj(def) && typeof def.location === 'string'
        ? def.location
        : isObj(def) && typeof def.path === 'string'
          ? def.path
          : undefined;
    const input = location !== undefined ? { name, path: location } : { name };
    if (isObj(value) && typeof value.doc === 'string')
      Object.assign(input, { description: value.doc });
    workflow.inputs.push(input);
    ports.alias(`in:${name}`, [name]);
    source.record(
      ['inputs', name],
      wf.file.at([...wf.path, 'inputs', key]),
      wf.file.at([...wf.path, 'inputs', key], 'key'),
    );
  }
  const pending: { step: Step; port: string; location: Location }[] = [];
  const flattening: Flattening = {
    ctx,
    workflow,
    out,
    ports,
    pending,
    depth: flatteningDepth(wf, ctx),
    unflattened: [],
  };
  flatten(
    wf,
    { prefix: '', inherited: [], taken: new Set(), open: new Set([wf.ref]), conditionPorts: [] },
    flattening,
  );
  if (flattening.unflattened.length > 0) ctx.findings.push(budgetFinding(flattening));
  const inputsOf = new Map<Step, Set<string>>();
  for (const { step, port, location } of pending) {
    const known = inputsOf.get(step) ?? new Set(step.inputs);
    inputsOf.set(step, known);
    for (const ref of ports.resolve(port)) {
      if (known.has(ref)) continue;
      known.add(ref);
      source.record(['steps', step.id, 'inputs', step.inputs.length], location);
      step.inputs.push(ref);
    }
  }

  for (const [name, value, key] of entries(wf.data.outputs)) {
    const raw = isObj(value) ? value.outputSource : undefined;
    const sources = (Array.isArray(raw) ? raw : [raw]).filter(
      (s): s is string => typeof s === 'string',
    );
    // A list-valued outputSource names several results: each is desired.
    const refs = sources.flatMap((src) => ports.resolve(sourcePort(src, wf, '')));
    refs.forEach((ref, k) => {
      const dot = ref.indexOf('.');
      if (dot < 0) return;
      const outName = k === 0 ? name : `${name}-${k + 1}`;
      workflow.outputs.push({ name: outName, step: ref.slice(0, dot), output: ref.slice(dot + 1) });
      source.record(
        ['outputs', outName],
        wf.file.at([...wf.path, 'outputs', key]),
        wf.file.at([...wf.path, 'outputs', key], 'key'),
      );
    });
  }
}

interface Flattening {
  ctx: Context;
  workflow: Workflow;
  out: Collected;
  ports: Ports;
  /** Step inputs to resolve once every workflow is flattened. */
  pending: { step: Step; port: string; location: Location }[];
  /** Levels of nested workflows flattened (see flatteningDepth). */
  depth: number;
  /** Where a step runs a workflow nested deeper than `depth`: it stays one step. */
  unflattened: Location[];
}

const figure = (n: number): string => n.toLocaleString('en');

/** The notice that nested workflows were flattened only so deep, to stay within the budget. */
function budgetFinding(f: Flattening): Finding {
  const [first] = f.unflattened;
  const count = f.unflattened.length;
  return importLimit(
    first!.file,
    `Nested workflows are flattened ${f.depth} level(s) deep (${figure(f.workflow.steps.length)} steps): ` +
      `one level more would pass the budget of ${figure(MAX_FLATTENED_STEPS)} steps. ` +
      `The ${figure(count)} step(s) that run a workflow one level deeper (the first is here) are imported ` +
      `as one step each, with that workflow's own requirements; the tools inside it are not read.`,
    first!.span,
  );
}

/** The sources of a step's `in` entry: `source: a`, `source: [a, b]`, or the value itself. */
function inSources(value: Json): string[] {
  const raw = isObj(value) ? value.source : value;
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.filter((s): s is string => typeof s === 'string');
}

/** The port a `source` of workflow `wf` (flattened at `prefix`) names. */
function sourcePort(src: string, wf: Process, prefix: string): string {
  let s = stripId(src);
  // In a packed file, ids inside a nested workflow start with its own id.
  const own = stripHash(String(wf.data.id ?? ''));
  if (own !== '' && s.startsWith(`${own}/`)) s = s.slice(own.length + 1);
  const slash = s.lastIndexOf('/');
  if (slash < 0) return `in:${prefix}${s}`;
  return `out:${prefix}${s.slice(0, slash).split('/').pop()}.${s.slice(slash + 1)}`;
}

const localName = (cwlId: string): string => cwlId.split('/').pop() ?? cwlId;

/** The tool steps of workflow `wf` in `scope`, nested workflows followed. */
function flatten(wf: Process, scope: Scope, f: Flattening): void {
  for (const [cwlId, value, key] of entries(wf.data.steps)) {
    if (!isObj(value)) continue;
    const path = [...wf.path, 'steps', key];
    const name = localName(cwlId);
    const id = `${scope.prefix}${safeName(name, scope.taken)}`;
    const stepLayer = (field: Layer['field']): Layer => ({
      process: { ...wf, data: value, path },
      field,
    });
    const when = typeof value.when === 'string' ? value.when : undefined;
    const condition =
      [scope.condition, when].filter((c) => c !== undefined).join(' and ') || undefined;
    const inner: Scope = {
      prefix: `${id}/`,
      inherited: [
        ...scope.inherited,
        layer(wf, 'hints'),
        stepLayer('hints'),
        layer(wf, 'requirements'),
        stepLayer('requirements'),
      ],
      taken: new Set(),
      open: scope.open,
      conditionPorts: [
        ...scope.conditionPorts,
        ...(when === undefined ? [] : whenPorts(value, when, wf, scope.prefix)),
      ],
    };
    if (condition !== undefined) inner.condition = condition;
    const tool = resolveRun(value, path, wf, f.ctx);
    if (tool?.data.class === 'Workflow') {
      if (scope.open.has(tool.ref) || scope.open.size >= MAX_DEPTH) {
        f.ctx.findings.push(
          importError(
            wf.file.file,
            `Step ${id} runs ${tool.ref}, which is already being flattened (or nests too deep); it was not followed.`,
            wf.file.at([...path, 'run']).span,
          ),
        );
      } else if (scope.open.size > f.depth) {
        f.unflattened.push(wf.file.at([...path, 'run']));
      } else {
        nestWorkflow(tool, value, wf, name, scope, inner, f);
        continue;
      }
    }
    toolStep({ id, name, data: value, path }, tool, wf, scope, inner, f);
  }
}

/** `when: $(inputs.count > 0)` reads the step's `count` input: the ports that feed it. */
function whenPorts(step: Obj, when: string, wf: Process, prefix: string): string[] {
  return entries(step.in)
    .filter(([name]) =>
      new RegExp(`inputs\\.${localName(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(
        when,
      ),
    )
    .flatMap(([, v]) => inSources(v).map((src) => sourcePort(src, wf, prefix)));
}

/** A step that runs workflow `tool`: its inputs are the step's `in`, its outputs its outputSources. */
function nestWorkflow(
  tool: Process,
  step: Obj,
  wf: Process,
  name: string,
  scope: Scope,
  inner: Scope,
  f: Flattening,
): void {
  // A packed file names the step's inputs by full id (`#main/step/reads`): the nested
  // workflow's input is the last part.
  for (const [input, v] of entries(step.in))
    f.ports.alias(
      `in:${inner.prefix}${localName(input)}`,
      inSources(v).map((s) => sourcePort(s, wf, scope.prefix)),
    );
  for (const [output, v] of entries(tool.data.outputs)) {
    const raw = isObj(v) ? v.outputSource : undefined;
    const list = (Array.isArray(raw) ? raw : [raw]).filter(
      (s): s is string => typeof s === 'string',
    );
    f.ports.alias(
      `out:${scope.prefix}${name}.${localName(output)}`,
      list.map((s) => sourcePort(s, tool, inner.prefix)),
    );
  }
  flatten(tool, { ...inner, open: new Set([...scope.open, tool.ref]) }, f);
}

/** A step that runs a tool (or a `run` that could not be read): one step of the model. */
function toolStep(
  {
    id,
    name,
    data: value,
    path,
  }: { id: string; name: string; data: Obj; path: (string | number)[] },
  tool: Process | undefined,
  wf: Process,
  scope: Scope,
  inner: Scope,
  f: Flattening,
): void {
  const { source } = f.ctx;
  const step = newStep(id);
  source.record(['steps', id], wf.file.at(path), wf.file.at(path, 'key'));
  f.out.engineNames[id] = `${scope.prefix}${name}`;
  if (inner.condition !== undefined) step.condition = inner.condition;
  for (const port of inner.conditionPorts)
    f.pending.push({ step, port, location: wf.file.at([...path, 'when']) });
  for (const [, v, k] of entries(value.in)) {
    for (const src of inSources(v)) {
      const location = wf.file.at([...path, 'in', k]);
      f.pending.push({ step, port: sourcePort(src, wf, scope.prefix), location });
    }
  }
  for (const [outId, , k] of entries(value.out)) {
    const outName = localName(outId);
    // Every step writes into its own folder: outputs are told apart by the step.
    step.outputs[outName] = `${id}/${toolGlob(tool, outName) ?? outName}`;
    f.ports.alias(`out:${scope.prefix}${name}.${outName}`, [`${id}.${outName}`]);
    source.record(['steps', id, 'outputs', outName], wf.file.at([...path, 'out', k]));
  }
  if (tool) {
    const key = overrideKey(tool, value, path, wf);
    if ('target' in key) f.out.tools[id] = key.target;
    else f.out.toolsUnreachable[id] = key.reason;
    applyTool(step, tool, inner.inherited, f.ctx, f.out.currentImages);
  }
  f.workflow.steps.push(step);
}

/**
 * What an override of this step must name for cwltool to apply it: the tool's id; for an inline
 * tool without an id (a blank node to cwltool) the step's id — cwltool adds a step's overrides to
 * the requirements the tool inherits, which beat its hints but not its own requirements — or why
 * no override can reach the tool.
 */
function overrideKey(
  tool: Process,
  step: Obj,
  stepPath: (string | number)[],
  wf: Process,
): { target: string } | { reason: string } {
  if (tool.target !== undefined) return { target: tool.target };
  const own = requirementsOf(layer(tool, 'requirements')).some(
    (r) => r.cls === 'DockerRequirement',
  );
  const id = stepId(step, stepPath, wf);
  if (!own && id !== undefined) return { target: id.target };
  return {
    reason:
      'its tool is written inline without an `id:`, so cwltool gives it a blank id that no override can name' +
      (own
        ? ', and it sets DockerRequirement under `requirements`, which an override of its step cannot replace'
        : '') +
      '. Give the inline tool an id (`id: my_tool`) and export again',
  };
}

/**
 * The file an output names: its glob (or the tool's `stdout`). An output that is a value — an
 * `int`, a `string`… read from a file's contents (`loadContents`, `outputEval`) — writes no file
 * of its own: it is named after itself, so it shares no path with the file it reads.
 */
function toolGlob(tool: Process | undefined, outName: string): string | undefined {
  if (!tool) return undefined;
  for (const [id, value] of entries(tool.data.outputs)) {
    if ((id.split('/').pop() ?? id) !== outName || !isObj(value)) continue;
    if (
      value.type !== undefined &&
      !/\b(File|Directory|stdout|stderr)\b/.test(JSON.stringify(value.type))
    )
      return undefined;
    if (value.type === 'stdout' && typeof tool.data.stdout === 'string') return tool.data.stdout;
    const binding = value.outputBinding;
    if (isObj(binding) && typeof binding.glob === 'string' && !binding.glob.includes('$('))
      return binding.glob;
  }
  return undefined;
}

interface Layer {
  process: Process;
  field: 'requirements' | 'hints';
}

const layer = (process: Process, field: Layer['field']): Layer => ({ process, field });

/** Requirement class without its namespace: `cwltool:CUDARequirement` → `CUDARequirement`. */
const className = (cls: string): string => cls.replace(/^.*[:#/]/, '');

/** One requirement or hint: its class, its data, and where it is. */
interface Requirement {
  cls: string;
  data: Obj;
  path: (string | number)[];
  file: CwlFile;
}

function requirementsOf(l: Layer): Requirement[] {
  const field = l.process.data[l.field];
  return entries(field, 'class').flatMap(([cls, value, key]) =>
    isObj(value)
      ? [
          {
            cls: className(isObj(value) && typeof value.class === 'string' ? value.class : cls),
            data: value,
            path: [...l.process.path, l.field, key],
            file: l.process.file,
          },
        ]
      : [],
  );
}

function applyTool(
  step: Step,
  tool: Process,
  inherited: Layer[],
  ctx: Context,
  currentImages: Record<string, string>,
): void {
  const base = ['steps', step.id] as const;
  // Most specific last: it wins.
  const layers = [
    ...inherited.filter((l) => l.field === 'hints'),
    layer(tool, 'hints'),
    ...inherited.filter((l) => l.field === 'requirements'),
    layer(tool, 'requirements'),
  ];
  const winning = new Map<string, ReturnType<typeof requirementsOf>[number]>();
  for (const l of layers) for (const r of requirementsOf(l)) winning.set(r.cls, r);

  if (tool.data.class === 'ExpressionTool') step.runsIn = 'engine';
  const command = [tool.data.baseCommand, tool.data.arguments]
    .flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]))
    .filter((v): v is string => typeof v === 'string');
  if (command.length > 0) step.run = command.map(shellWord).join(' ');
  if (typeof tool.data.doc === 'string') step.description = tool.data.doc.trim();

  const docker = winning.get('DockerRequirement');
  const rawImage = docker?.data.dockerPull ?? docker?.data.dockerImageId;
  const image = typeof rawImage === 'string' ? dockerImage(rawImage) : undefined;
  const imageAt = docker?.file.at([
    ...docker.path,
    docker.data.dockerPull !== undefined ? 'dockerPull' : 'dockerImageId',
  ]);
  if (imageAt) ctx.source.record([...base, 'container'], imageAt);
  if (image) currentImages[step.id] = image;
  if (step.runsIn === 'engine') return; // the engine evaluates it: no software, no image

  const software = winning.get('SoftwareRequirement');
  if (software) installPackages(step, software, image, ctx);
  if (image) ctx.images.use(step, image, imageAt);
  const resources: NonNullable<Step['resources']> = {};
  const figure = (
    r: ReturnType<typeof requirementsOf>[number],
    keys: string[],
    scale: number,
    field: 'cpus' | 'memory' | 'time' | 'gpus',
  ): void => {
    for (const key of keys) {
      const v = r.data[key];
      if (typeof v === 'number' && v >= 0) {
        resources[field] = Math.round(v * scale);
        ctx.source.record([...base, 'resources', field], r.file.at([...r.path, key]));
        return;
      }
      if (typeof v === 'string' && v.includes('$')) {
        ctx.expressions += 1;
        return;
      }
    }
  };
  const res = winning.get('ResourceRequirement');
  if (res) {
    figure(res, ['coresMin', 'coresMax'], 1, 'cpus');
    figure(res, ['ramMin', 'ramMax'], MIB, 'memory');
  }
  const limit = winning.get('ToolTimeLimit');
  if (limit) figure(limit, ['timelimit'], 1, 'time');
  const cuda = winning.get('CUDARequirement');
  if (cuda) {
    figure(cuda, ['cudaDeviceCountMin', 'cudaDeviceCountMax'], 1, 'gpus');
    if (resources.gpus === undefined) {
      resources.gpus = 1;
      ctx.source.record([...base, 'resources', 'gpus'], cuda.file.at(cuda.path));
    }
  }
  if (Object.keys(resources).length > 0) step.resources = resources;
}

/**
 * The packages of a SoftwareRequirement, installed only where something says what they are: a
 * `specs` URL that names an ecosystem, or the tool's BioContainers image of the same name. A
 * name of a command every base image has (`gunzip`) installs nothing. Names nothing confirms are
 * not installed when the tool names an image — the step runs in it, as cwltool runs it; without
 * an image they are planned from conda by name, as cwltool's conda resolver does. Either way a
 * notice names them once.
 */
function installPackages(
  step: Step,
  software: Requirement,
  image: string | undefined,
  ctx: Context,
): void {
  const fromImage = image ? imageSoftware(image) : undefined;
  const planned: { spec: PackageSpec; location: Location }[] = [];
  for (const [pkg, value, key] of entries(software.data.packages, 'package')) {
    // A map entry (`samtools: {version: …}`) is shown at its key, a list entry as a whole.
    const location = software.file.at(
      [...software.path, 'packages', key],
      typeof key === 'string' ? 'key' : 'value',
    );
    const spec = softwareSpec(pkg, value, fromImage?.kind === 'bioconda' ? fromImage.name : '');
    if (spec.kind === 'base') {
      ctx.packageNotes.note('base', spec.name, step.id, location);
      // Recorded for the plan: a step that needs only these needs no image of its own.
      (step.baseSoftware ??= []).push(spec.name);
    } else planned.push({ spec, location });
  }
  const unconfirmed = planned.filter((p) => p.spec.kind === 'package' && !p.spec.confirmed);
  for (const p of unconfirmed)
    ctx.packageNotes.note(image ? 'image' : 'conda', p.spec.name, step.id, p.location);
  if (image && unconfirmed.length > 0) return; // the step runs in its image
  for (const { spec, location } of planned) {
    if (spec.kind !== 'package') continue;
    const list = step.software[spec.ecosystem];
    ctx.source.record(['steps', step.id, 'software', spec.ecosystem, list.length], location);
    list.push(spec.spec);
  }
}

type PackageSpec =
  | { kind: 'base'; name: string }
  | {
      kind: 'package';
      name: string;
      ecosystem: 'conda' | 'pip' | 'apt';
      spec: string;
      /** A spec URL (or the image) says which package this is. */
      confirmed: boolean;
    };

/** Commands every base image has: a SoftwarePackage naming one needs no install. */
const BASE_COMMANDS = new Set([
  ...['gunzip', 'gzip', 'zcat', 'tar', 'cat', 'awk', 'sed', 'grep', 'bash', 'sh', 'find'],
  ...['coreutils', 'cut', 'sort', 'head', 'tail', 'wc', 'tr', 'cp', 'mv', 'ls', 'echo', 'touch'],
]);

/**
 * A SoftwarePackage as a requirement. `specs` URLs that name an ecosystem decide it: an
 * anaconda.org channel → `channel::name`, PyPI → pip, packages.debian.org (or Ubuntu's) → apt,
 * bio.tools and BioContainers identifiers → bioconda. `version` lists the versions known to work
 * (CWL); all of them are admitted (`name=1.65|1.66|1.69`), so the plan may share the step's image
 * with any of them and a solver installs the newest that fits. pip cannot express alternatives:
 * there the newest listed version wins, for the same reason. apt is pinned only to a Debian
 * version (`1.17-1`), since upstream versions are no apt versions.
 */
function softwareSpec(pkg: string, value: Json, imagePackage: string): PackageSpec {
  const obj = isObj(value) ? value : {};
  const name = (typeof obj.package === 'string' ? obj.package : pkg).replace(/^.*[#/]/, '');
  if (BASE_COMMANDS.has(name)) return { kind: 'base', name };
  const raw = Array.isArray(value)
    ? value
    : Array.isArray(obj.version)
      ? obj.version
      : [obj.version];
  const versions = raw
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map(String)
    .filter((v) => /^[0-9A-Za-z][0-9A-Za-z._+~-]*$/.test(v));
  const specs = (Array.isArray(obj.specs) ? obj.specs : []).filter(
    (s): s is string => typeof s === 'string',
  );
  const match = (re: RegExp): string | undefined =>
    specs.map((s) => re.exec(s)?.[1]).find((m) => m !== undefined);
  const pkgSpec = (
    ecosystem: 'conda' | 'pip' | 'apt',
    spec: string,
    confirmed = true,
  ): PackageSpec => ({
    kind: 'package',
    name,
    ecosystem,
    spec,
    confirmed,
  });
  if (
    match(/^https?:\/\/(?:pypi\.org\/project|pypi\.python\.org\/pypi)\/([^/?#]+)/) !== undefined
  ) {
    const newest = [...versions].sort(compareVersions).pop();
    return pkgSpec('pip', newest !== undefined ? `${name}==${newest}` : name);
  }
  const deb = match(
    /^https?:\/\/packages\.(?:debian\.org|ubuntu\.com)\/(?:[^/]+\/)?([a-z0-9][a-z0-9+.-]+)\/?$/,
  );
  if (deb !== undefined) {
    const debian = versions.find((v) => /^[0-9][^-]*-[0-9A-Za-z.+~]+$/.test(v));
    return pkgSpec('apt', debian !== undefined ? `${deb}=${debian}` : deb);
  }
  const conda = (channel: string | undefined, confirmed: boolean): PackageSpec =>
    pkgSpec(
      'conda',
      `${channel !== undefined ? `${channel}::` : ''}${name.toLowerCase()}${versions.length > 0 ? `=${versions.join('|')}` : ''}`,
      confirmed,
    );
  const channel = match(/^https?:\/\/anaconda\.org\/([^/]+)\//);
  if (channel !== undefined) return conda(channel, true);
  const bioconda =
    match(/^https?:\/\/bio\.tools\/([^/?#]+)/) ??
    match(/^https?:\/\/identifiers\.org\/biotools[:/]([^/?#]+)/) ??
    match(/^https?:\/\/biocontainers\.pro\/tools\/([^/?#]+)/) ??
    match(/^https?:\/\/identifiers\.org\/biocontainers[:/]([^/?#]+)/);
  if (bioconda !== undefined || imagePackage === name.toLowerCase()) return conda('bioconda', true);
  return conda(undefined, false);
}

/** Dotted versions compared part by part, numbers as numbers. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/** A word of a tool's command: CWL parameter references read as shell variables; quoted if needed. */
function shellWord(word: string): string {
  const text = word.replace(
    /\$\(([^()]*)\)/g,
    (_m, ref: string) =>
      `\${${ref.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'cwl'}}`,
  );
  return /^[\w@%+=:,./${}-]+$/.test(text) ? text : shellQuote(text);
}
