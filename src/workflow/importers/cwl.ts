/**
 * CWL importer (v1.0–v1.2, YAML or JSON, packed `$graph` too). Each step of the Workflow becomes
 * a step; its `run` tool's requirements and hints — SoftwareRequirement, DockerRequirement,
 * ResourceRequirement, ToolTimeLimit, cwltool:CUDARequirement — give software and resources, with
 * CWL's precedence (tool over step over workflow; requirements over hints). `in`/`out`
 * connections and the workflow's `outputSource`s wire the model.
 */
import { basename, dirname, join } from 'node:path';
import { LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Finding } from '../../common/findings.js';
import type { Location, Step, Workflow } from '../model.js';
import {
  dockerImage,
  importError,
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
import { RecordedSource } from './locator.js';
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
  private readonly counter = new LineCounter();
  readonly doc: Document;
  readonly data: Json;
  private aliasError: string | undefined;
  constructor(
    readonly file: string,
    readonly abs: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, {
      lineCounter: this.counter,
      prettyErrors: false,
      uniqueKeys: false,
    });
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
      const parent = this.doc.getIn(path.slice(0, -1), true) as YamlNode | undefined;
      const last = path[path.length - 1];
      const pair =
        parent && 'items' in parent
          ? (parent.items as { key?: YamlNode }[]).find(
              (p) => (p.key as { value?: unknown } | undefined)?.value === last,
            )
          : undefined;
      const span = yamlSpan(pair?.key, this.counter);
      if (span) return { file: this.file, span };
    }
    for (let n = path.length; n >= 0; n -= 1) {
      const node = this.doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
      const span = yamlSpan(node, this.counter);
      if (span) return { file: this.file, span };
    }
    return fallback;
  }
}

/** A process document and where it lives: a file, a `$graph` entry, or inline in a step. */
interface Process {
  data: Obj;
  file: CwlFile;
  /** Path of this process inside `file`. */
  path: (string | number)[];
  /** What cwltool calls it in an overrides file: `tools/x.cwl`, `packed.cwl#x`. */
  ref: string;
}

interface Context {
  root: string;
  source: RecordedSource;
  findings: Finding[];
  files: Map<string, CwlFile | undefined>;
  expressions: number;
  nested: number;
}

export function importCwl(path: string, options: CwlOptions = {}): ImportResult {
  const abs =
    path.endsWith('.cwl') || readTextFile(path, options.root ?? dirname(path)) !== undefined
      ? path
      : findCwlWorkflow(path);
  const root = options.root ?? (abs ? dirname(abs) : path);
  const mainFile = relPath(root, abs ?? join(path, 'workflow.cwl'));
  const source = new RecordedSource(mainFile);
  const ctx: Context = { root, source, findings: [], files: new Map(), expressions: 0, nested: 0 };
  if (!abs) {
    ctx.findings.push(
      importError(mainFile, `No CWL document (*.cwl) found in ${relPath(root, path) || '.'}.`),
    );
    return { findings: ctx.findings, currentImages: {} };
  }
  const main = loadFile(abs, ctx, undefined);
  if (!main) return { findings: ctx.findings, currentImages: {} };
  const top = topProcess(main);
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

  if (top.data.class === 'Workflow') {
    importWorkflowProcess(top, workflow, ctx, { currentImages, engineNames, tools });
  } else {
    // A single tool: a workflow of one step.
    const id = safeName(basename(abs).replace(/\.cwl$/, ''), new Set());
    const step = newStep(id);
    source.record(['steps', id], top.file.at(top.path));
    engineNames[id] = id;
    tools[id] = top.ref;
    applyTool(step, top, [], ctx, currentImages);
    workflow.steps.push(step);
  }

  const limits: string[] = [];
  if (ctx.expressions > 0)
    limits.push(
      `${ctx.expressions} resource figure(s) are JavaScript expressions, which Stowage does not evaluate.`,
    );
  if (ctx.nested > 0)
    limits.push(
      `${ctx.nested} step(s) run a nested Workflow, imported as one step without its tools' software.`,
    );
  ctx.findings.push(limitRules(workflow, 'CWL', IMPORTED_LIMITS, limits.join(' ')));
  return {
    workflow,
    findings: ctx.findings,
    currentImages,
    origin: { format: 'cwl', engineNames, tools },
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

function topProcess(file: CwlFile): Process | undefined {
  const data = file.data as Obj;
  const graph = data.$graph;
  if (Array.isArray(graph)) {
    const index = graph.findIndex(
      (p) => isObj(p) && p.class === 'Workflow' && stripHash(String(p.id ?? '')) === 'main',
    );
    const k = index >= 0 ? index : graph.findIndex((p) => isObj(p) && p.class === 'Workflow');
    const entry = graph[k];
    if (!isObj(entry)) return undefined;
    return {
      data: entry,
      file,
      path: ['$graph', k],
      ref: `${file.file}#${stripHash(String(entry.id ?? 'main'))}`,
    };
  }
  return typeof data.class === 'string' ? { data, file, path: [], ref: file.file } : undefined;
}

/** Resolves a step's `run`: a relative file, a `#id` in the packed graph, or an inline process. */
function resolveRun(
  step: Obj,
  stepPath: (string | number)[],
  parent: Process,
  ctx: Context,
): Process | undefined {
  const run = step.run;
  if (isObj(run))
    return {
      data: run,
      file: parent.file,
      path: [...stepPath, 'run'],
      ref: `${parent.file.file}#${String(step.id ?? stepPath[stepPath.length - 1])}`,
    };
  if (typeof run !== 'string') return undefined;
  const where = parent.file.at([...stepPath, 'run']);
  if (run.startsWith('#')) {
    const graph = (parent.file.data as Obj).$graph;
    const k = Array.isArray(graph)
      ? graph.findIndex((p) => isObj(p) && stripHash(String(p.id ?? '')) === stripHash(run))
      : -1;
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
    };
  }
  const [filePart, fragment] = run.split('#');
  const file = loadFile(join(dirname(parent.file.abs), filePart ?? run), ctx, where);
  if (!file) return undefined;
  if (fragment !== undefined) {
    const graph = (file.data as Obj).$graph;
    const k = Array.isArray(graph)
      ? graph.findIndex((p) => isObj(p) && stripHash(String(p.id ?? '')) === fragment)
      : -1;
    const entry = Array.isArray(graph) ? graph[k] : undefined;
    if (isObj(entry))
      return { data: entry, file, path: ['$graph', k], ref: `${file.file}#${fragment}` };
  }
  const top = topProcess(file);
  return top && top.data.class !== 'Workflow' ? { ...top, ref: file.file } : top;
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
}

function importWorkflowProcess(
  wf: Process,
  workflow: Workflow,
  ctx: Context,
  out: Collected,
): void {
  const { source } = ctx;
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
    source.record(
      ['inputs', name],
      wf.file.at([...wf.path, 'inputs', key]),
      wf.file.at([...wf.path, 'inputs', key], 'key'),
    );
  }

  const taken = new Set<string>();
  const stepIds = new Map<string, string>();
  const parsedSteps: { id: string; cwlId: string; data: Obj; path: (string | number)[] }[] = [];
  for (const [cwlId, value, key] of entries(wf.data.steps)) {
    if (!isObj(value)) continue;
    const id = safeName(cwlId.split('/').pop() ?? cwlId, taken);
    stepIds.set(cwlId.split('/').pop() ?? cwlId, id);
    parsedSteps.push({ id, cwlId, data: value, path: [...wf.path, 'steps', key] });
  }

  const sourceRef = (src: string): string => {
    const s = stripId(src);
    const slash = s.lastIndexOf('/');
    if (slash < 0) return s;
    const stepId = stepIds.get(s.slice(0, slash).split('/').pop() ?? '') ?? s.slice(0, slash);
    return `${stepId}.${s.slice(slash + 1)}`;
  };

  for (const s of parsedSteps) {
    const step = newStep(s.id);
    source.record(['steps', s.id], wf.file.at(s.path), wf.file.at(s.path, 'key'));
    out.engineNames[s.id] = s.cwlId.split('/').pop() ?? s.cwlId;
    for (const [, value, key] of entries(s.data.in)) {
      const raw = isObj(value) ? value.source : value;
      const sources = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
      for (const src of sources) {
        if (typeof src !== 'string') continue;
        const ref = sourceRef(src);
        if (step.inputs.includes(ref)) continue;
        source.record(
          ['steps', s.id, 'inputs', step.inputs.length],
          wf.file.at([...s.path, 'in', key]),
        );
        step.inputs.push(ref);
      }
    }
    const tool = resolveRun(s.data, s.path, wf, ctx);
    for (const [outId, , key] of entries(s.data.out)) {
      const outName = outId.split('/').pop() ?? outId;
      step.outputs[outName] = toolGlob(tool, outName) ?? `${s.id}/${outName}`;
      source.record(['steps', s.id, 'outputs', outName], wf.file.at([...s.path, 'out', key]));
    }
    if (tool) {
      out.tools[s.id] = tool.ref;
      if (tool.data.class === 'Workflow') ctx.nested += 1;
      const inherited: Layer[] = [
        layer(wf, 'hints'),
        { process: { ...wf, data: s.data, path: s.path }, field: 'hints' },
        layer(wf, 'requirements'),
        { process: { ...wf, data: s.data, path: s.path }, field: 'requirements' },
      ];
      applyTool(step, tool, inherited, ctx, out.currentImages);
    }
    workflow.steps.push(step);
  }

  for (const [name, value, key] of entries(wf.data.outputs)) {
    const src = isObj(value) ? value.outputSource : undefined;
    const first = Array.isArray(src) ? src[0] : src;
    if (typeof first !== 'string') continue;
    const ref = sourceRef(first);
    const dot = ref.indexOf('.');
    if (dot < 0) continue;
    workflow.outputs.push({ name, step: ref.slice(0, dot), output: ref.slice(dot + 1) });
    source.record(
      ['outputs', name],
      wf.file.at([...wf.path, 'outputs', key]),
      wf.file.at([...wf.path, 'outputs', key], 'key'),
    );
  }
}

function toolGlob(tool: Process | undefined, outName: string): string | undefined {
  if (!tool) return undefined;
  for (const [id, value] of entries(tool.data.outputs)) {
    if ((id.split('/').pop() ?? id) !== outName || !isObj(value)) continue;
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

function requirementsOf(
  l: Layer,
): { cls: string; data: Obj; path: (string | number)[]; file: CwlFile }[] {
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

  const command = [tool.data.baseCommand, tool.data.arguments]
    .flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]))
    .filter((v): v is string => typeof v === 'string');
  if (command.length > 0) step.run = command.join(' ');
  if (typeof tool.data.doc === 'string') step.description = tool.data.doc.trim();

  const software = winning.get('SoftwareRequirement');
  if (software) {
    for (const [pkg, value, key] of entries(software.data.packages, 'package')) {
      const spec = softwareSpec(pkg, value);
      // A map entry (`samtools: {version: …}`) is shown at its key, a list entry as a whole.
      const location = software.file.at(
        [...software.path, 'packages', key],
        typeof key === 'string' ? 'key' : 'value',
      );
      ctx.source.record(
        [...base, 'software', spec.ecosystem, step.software[spec.ecosystem].length],
        location,
      );
      step.software[spec.ecosystem].push(spec.spec);
    }
  }
  const docker = winning.get('DockerRequirement');
  if (docker) {
    const raw = docker.data.dockerPull ?? docker.data.dockerImageId;
    const image = typeof raw === 'string' ? dockerImage(raw) : undefined;
    ctx.source.record(
      [...base, 'container'],
      docker.file.at([
        ...docker.path,
        docker.data.dockerPull !== undefined ? 'dockerPull' : 'dockerImageId',
      ]),
    );
    if (image) {
      currentImages[step.id] = image;
      if (step.software.conda.length === 0 && step.software.pip.length === 0)
        step.container = image;
    }
  }
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
 * A SoftwarePackage as a stowage requirement. Its `specs` URLs say where it comes from: an
 * anaconda.org channel → conda `channel::name=version`, PyPI → pip `name==version`; without
 * such a hint it is a conda package, which is how cwltool resolves SoftwareRequirement.
 */
function softwareSpec(pkg: string, value: Json): { ecosystem: 'conda' | 'pip'; spec: string } {
  const obj = isObj(value) ? value : {};
  const name = typeof obj.package === 'string' ? obj.package : pkg;
  const versions = Array.isArray(value) ? value : Array.isArray(obj.version) ? obj.version : [];
  const version = versions.find(
    (v): v is string | number => typeof v === 'string' || typeof v === 'number',
  );
  const specs = (Array.isArray(obj.specs) ? obj.specs : []).filter(
    (s): s is string => typeof s === 'string',
  );
  const pypi = specs.some((s) => /pypi\.(org|python\.org)\//.test(s));
  if (pypi) return { ecosystem: 'pip', spec: version !== undefined ? `${name}==${version}` : name };
  const channel = specs
    .map((s) => /anaconda\.org\/([^/]+)\//.exec(s)?.[1])
    .find((c) => c !== undefined);
  const prefix = channel !== undefined ? `${channel}::` : '';
  return {
    ecosystem: 'conda',
    spec: `${prefix}${name}${version !== undefined ? `=${version}` : ''}`,
  };
}
