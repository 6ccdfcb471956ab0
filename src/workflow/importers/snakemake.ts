/**
 * Snakemake importer. Rules of the `Snakefile` and the `.smk` files it `include:`s become steps:
 * `conda:` environment files give the software, `threads` and `resources` the resources, and
 * `input`/`output` file patterns wire the steps together — wildcards are matched against each
 * other, never evaluated. The first rule is Snakemake's default target: when it only collects
 * inputs (`rule all`), those inputs become the workflow's desired outputs.
 */
import { basename, dirname, join } from 'node:path';
import type { Finding } from '../../common/findings.js';
import type { Location, Step } from '../model.js';
import {
  dockerImage,
  importError,
  importLimit,
  IMPORTED_LIMITS,
  limitRules,
  newStep,
  newWorkflow,
  readCondaEnvironment,
  readTextFile,
  unreadable,
  relPath,
  safeName,
  type ImportResult,
} from './common.js';
import { OffsetMapper, RecordedSource } from './locator.js';
import { parseDuration } from '../../common/units.js';
import { MIB, parseMemory } from './units.js';

export interface SnakemakeOptions {
  root?: string;
}

const SNAKEFILES = ['Snakefile', 'snakefile', 'workflow/Snakefile', 'workflow/snakefile'];

export function findSnakefile(dir: string): string | undefined {
  for (const name of SNAKEFILES)
    if (readTextFile(join(dir, name), dir) !== undefined) return join(dir, name);
  return undefined;
}

/** Imports the Snakemake workflow in `dir` (or the Snakefile `path`). Problems are findings. */
export function importSnakemake(path: string, options: SnakemakeOptions = {}): ImportResult {
  const snakefile =
    readTextFile(path, options.root ?? dirname(path)) !== undefined && !path.endsWith('/')
      ? path
      : findSnakefile(path);
  const root = options.root ?? (snakefile ? dirname(snakefile) : path);
  const mainFile = relPath(root, snakefile ?? join(path, 'Snakefile'));
  const source = new RecordedSource(mainFile);
  const findings: Finding[] = [];
  if (!snakefile) {
    findings.push(importError(mainFile, `No Snakefile found in ${relPath(root, path) || '.'}.`));
    return { findings, currentImages: {} };
  }
  const dir = dirname(snakefile);
  const name = basename(dir) === 'workflow' ? basename(dirname(dir)) : basename(dir);
  const workflow = newWorkflow(name, mainFile, 'snakemake', source);
  const ctx: Context = {
    root,
    contextDir: dir,
    source,
    findings,
    rules: [],
    seen: new Set(),
    unwired: 0,
    pythonRuns: 0,
  };
  readSnakefile(snakefile, ctx, undefined);

  const taken = new Set<string>();
  const engineNames: Record<string, string> = {};
  const currentImages: Record<string, string> = {};
  // The default target: a rule marked `default_target: True`, else the first rule of the main
  // Snakefile (included files do not override it).
  const first =
    ctx.rules.find((r) => r.defaultTarget) ?? ctx.rules.find((r) => r.absFile === snakefile);
  const target = first && first.outputs.length === 0 && !first.hasAction ? first : undefined;
  const steps = new Map<ParsedRule, Step>();
  for (const rule of ctx.rules) {
    if (rule === target) continue;
    const id = safeName(rule.name, taken);
    engineNames[id] = rule.name;
    const step = buildStep(id, rule, ctx);
    steps.set(rule, step);
    workflow.steps.push(step);
    const image = rule.container ?? ctx.globalContainer;
    if (image) currentImages[id] = image;
  }
  wire(workflow, steps, ctx, target);

  findings.push(
    limitRules(
      workflow,
      'Snakemake',
      IMPORTED_LIMITS,
      ctx.unwired > 0
        ? `${ctx.unwired} input(s) computed by Python code (functions, config lookups) could not be wired to the step that makes them.`
        : '',
    ),
  );
  if (ctx.pythonRuns > 0) {
    findings.push(
      importLimit(
        mainFile,
        `${ctx.pythonRuns} rule(s) use \`run:\` Python blocks: their software is what the Snakemake environment provides, which Stowage cannot see.`,
      ),
    );
  }
  return {
    workflow,
    findings,
    currentImages,
    origin: { format: 'snakemake', engineNames, tools: {} },
  };
}

interface Item {
  name?: string;
  /** A file pattern, when the value is a string (or a wrapper around one). */
  pattern?: string;
  /** `rules.X.output.name` → { rule: X, output: name }. */
  ref?: { rule: string; output?: string };
  /** A number or other literal value. */
  text: string;
  location: Location;
}

interface ParsedRule {
  name: string;
  file: string;
  absFile: string;
  nameLocation: Location;
  blockLocation: Location;
  inputs: Item[];
  outputs: Item[];
  /** Output name (named, or `out`/`outN`) per output item index. */
  outputNames: string[];
  conda?: Item;
  container?: string;
  containerLocation?: Location;
  defaultTarget: boolean;
  threads?: Item;
  resources: Item[];
  shell?: string;
  script?: string;
  hasAction: boolean;
}

interface Context {
  root: string;
  /** The Snakefile's folder: the build context, so `files:` are relative to it. */
  contextDir: string;
  source: RecordedSource;
  findings: Finding[];
  rules: ParsedRule[];
  seen: Set<string>;
  unwired: number;
  pythonRuns: number;
  /** A top-level `container:`: the image of every rule without its own. */
  globalContainer?: string;
}

function readSnakefile(abs: string, ctx: Context, includedFrom: Location | undefined): void {
  if (ctx.seen.has(abs)) return;
  ctx.seen.add(abs);
  const file = relPath(ctx.root, abs);
  const text = readTextFile(abs, ctx.root);
  if (text === undefined) {
    const at = includedFrom ?? { file, span: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
    ctx.findings.push(
      importError(
        at.file,
        `Cannot read Snakemake file ${file}${unreadable(abs, ctx.root)}.`,
        at.span,
      ),
    );
    return;
  }
  ctx.source.addFile(file, text);
  const mapper = new OffsetMapper(text);
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as Line;
    if (line.indent !== 0 || line.blank) continue;
    const include = /^include\s*:\s*(.*)$/.exec(line.text);
    if (include) {
      const items = parseItems(
        line.offset + line.text.indexOf(':') + 1,
        text,
        line.offset + line.text.length,
        file,
        mapper,
      );
      for (const item of items) {
        if (item.pattern === undefined) continue;
        readSnakefile(join(dirname(abs), item.pattern), ctx, item.location);
      }
      continue;
    }
    const container = /^container\s*:/.exec(line.text);
    if (container) {
      const [item] = parseItems(
        line.offset + container[0].length,
        text,
        line.offset + line.text.length,
        file,
        mapper,
      );
      ctx.globalContainer = item?.pattern !== undefined ? dockerImage(item.pattern) : undefined;
      continue;
    }
    const rule = /^(rule|checkpoint)\s+([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(line.text);
    if (!rule) continue;
    let end = i + 1;
    while (end < lines.length && ((lines[end] as Line).blank || (lines[end] as Line).indent > 0))
      end += 1;
    const blockEnd = lastNonBlank(lines, i, end);
    const parsed = parseRule(
      rule[2] ?? 'rule',
      { file, absFile: abs, text, lines, mapper },
      i,
      end,
      ctx,
    );
    parsed.blockLocation = { file, span: mapper.span(line.offset, blockEnd) };
    ctx.rules.push(parsed);
    i = end - 1;
  }
}

interface Line {
  text: string;
  offset: number;
  indent: number;
  blank: boolean;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const body = raw.replace(/\r$/, '');
    const trimmed = body.trim();
    lines.push({
      text: body,
      offset,
      indent: body.length - body.trimStart().length,
      blank: trimmed === '' || trimmed.startsWith('#'),
    });
    offset += raw.length + 1;
  }
  return lines;
}

function lastNonBlank(lines: Line[], from: number, to: number): number {
  for (let k = to - 1; k >= from; k -= 1) {
    const l = lines[k] as Line;
    if (!l.blank) return l.offset + l.text.length;
  }
  return (lines[from] as Line).offset;
}

/** One Snakefile as the parser reads it: its text, lines and offsets, by both of its names. */
interface SourceText {
  /** Repository-relative name (findings use it). */
  file: string;
  absFile: string;
  text: string;
  lines: Line[];
  mapper: OffsetMapper;
}

/** The rule whose header is `lines[start]`, its block ending before `lines[end]`. */
function parseRule(
  name: string,
  src: SourceText,
  start: number,
  end: number,
  ctx: Context,
): ParsedRule {
  const { lines, text, file, absFile, mapper } = src;
  const head = lines[start] as Line;
  const rule: ParsedRule = {
    name,
    file,
    absFile,
    nameLocation: { file, span: mapper.span(head.offset, head.offset + head.text.indexOf(':')) },
    blockLocation: { file, span: mapper.span(head.offset, head.offset) },
    inputs: [],
    outputs: [],
    outputNames: [],
    resources: [],
    hasAction: false,
    defaultTarget: false,
  };
  let directiveIndent = -1;
  for (let i = start + 1; i < end; i += 1) {
    const line = lines[i] as Line;
    if (line.blank) continue;
    if (directiveIndent < 0) directiveIndent = line.indent;
    if (line.indent !== directiveIndent) continue;
    const m = /^\s*([A-Za-z_]+)\s*:/.exec(line.text);
    if (!m) continue;
    let stop = i + 1;
    while (
      stop < end &&
      ((lines[stop] as Line).blank || (lines[stop] as Line).indent > directiveIndent)
    )
      stop += 1;
    const from = line.offset + m[0].length;
    const to = lastNonBlank(lines, i, stop);
    const directive = m[1] ?? '';
    const items = () => parseItems(from, text, to, file, mapper);
    switch (directive) {
      case 'input':
        rule.inputs = items();
        break;
      case 'output':
        rule.outputs = items();
        break;
      case 'conda':
        rule.conda = items()[0];
        break;
      case 'container':
      case 'singularity': {
        const [item] = items();
        rule.container = item?.pattern !== undefined ? dockerImage(item.pattern) : undefined;
        rule.containerLocation = item?.location;
        break;
      }
      case 'threads':
        rule.threads = items()[0];
        break;
      case 'resources':
        rule.resources = items();
        break;
      case 'shell':
        rule.hasAction = true;
        rule.shell = items()
          .map((it) => it.pattern ?? '')
          .join('');
        break;
      case 'script':
      case 'notebook':
        rule.hasAction = true;
        rule.script = items()[0]?.pattern;
        break;
      case 'run':
        rule.hasAction = true;
        ctx.pythonRuns += 1;
        break;
      case 'default_target':
        rule.defaultTarget = items()[0]?.text === 'True';
        break;
      case 'wrapper':
      case 'cwl':
        rule.hasAction = true;
        break;
    }
    i = stop - 1;
  }
  const unnamed = rule.outputs.filter((o) => o.name === undefined).length;
  let n = 0;
  rule.outputNames = rule.outputs.map((o) => {
    if (o.name !== undefined) return o.name;
    n += 1;
    return unnamed === 1 ? 'out' : `out${n}`;
  });
  return rule;
}

// ---- A small Python expression tokenizer: enough to read directive values. ----

interface PyToken {
  kind: 'string' | 'name' | 'number' | 'op';
  value: string;
  start: number;
  end: number;
}

function tokenizePython(text: string, from: number, to: number): PyToken[] {
  const tokens: PyToken[] = [];
  let i = from;
  while (i < to) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '#') {
      while (i < to && text[i] !== '\n') i += 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, Math.min(to, i + 200)));
      const word = m?.[0] ?? c;
      const next = text[i + word.length];
      if (/^[rRbBfFuU]{1,2}$/.test(word) && (next === '"' || next === "'")) {
        const s = readPyString(text, i + word.length, to);
        tokens.push({ kind: 'string', value: s.value, start: i, end: s.end });
        i = s.end;
      } else {
        tokens.push({ kind: 'name', value: word, start: i, end: i + word.length });
        i += word.length;
      }
    } else if (c === '"' || c === "'") {
      const s = readPyString(text, i, to);
      tokens.push({ kind: 'string', value: s.value, start: i, end: s.end });
      i = s.end;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 100));
      const num = m?.[0] ?? c;
      tokens.push({ kind: 'number', value: num, start: i, end: i + num.length });
      i += num.length;
    } else {
      tokens.push({ kind: 'op', value: c, start: i, end: i + 1 });
      i += 1;
    }
  }
  return tokens;
}

function readPyString(text: string, start: number, to: number): { value: string; end: number } {
  const q = text[start] ?? '"';
  const triple = text.startsWith(q.repeat(3), start);
  const delim = triple ? q.repeat(3) : q;
  let i = start + delim.length;
  let value = '';
  while (i < to) {
    if (text.startsWith(delim, i)) return { value, end: i + delim.length };
    const c = text[i] ?? '';
    if (c === '\\') {
      value += text.slice(i, i + 2);
      i += 2;
    } else {
      value += c;
      i += 1;
    }
  }
  return { value, end: to };
}

const WRAPPERS = new Set([
  'temp',
  'protected',
  'directory',
  'ancient',
  'touch',
  'pipe',
  'expand',
  'ensure',
  'multiext',
  'local',
  'service',
  'report',
  'storage',
]);

/** Splits a directive's value into comma-separated items, reading names and file patterns. */
function parseItems(
  from: number,
  text: string,
  to: number,
  file: string,
  mapper: OffsetMapper,
): Item[] {
  const tokens = tokenizePython(text, from, to);
  const groups: PyToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'op' && '([{'.includes(t.value)) depth += 1;
    if (t.kind === 'op' && ')]}'.includes(t.value)) depth -= 1;
    if (depth === 0 && t.kind === 'op' && t.value === ',') groups.push([]);
    else groups[groups.length - 1]?.push(t);
  }
  const items: Item[] = [];
  for (const g of groups) {
    if (g.length === 0) continue;
    let body = g;
    let name: string | undefined;
    if (g[0]?.kind === 'name' && g[1]?.value === '=' && g[2]?.value !== '=') {
      name = g[0].value;
      body = g.slice(2);
    }
    const first = g[0] as PyToken;
    const last = g[g.length - 1] as PyToken;
    const item: Item = {
      text: text.slice((body[0] ?? first).start, last.end),
      location: { file, span: mapper.span(first.start, last.end) },
    };
    if (name !== undefined) item.name = name;
    // "a" "b" (implicit concatenation) or wrapper("a", …)
    let k = 0;
    while (
      body[k]?.kind === 'name' &&
      WRAPPERS.has(body[k]?.value ?? '') &&
      body[k + 1]?.value === '('
    )
      k += 2;
    if (body[k]?.kind === 'string') {
      let pattern = '';
      while (body[k]?.kind === 'string') pattern += body[k++]?.value ?? '';
      item.pattern = pattern;
    } else if (body[0]?.value === 'rules' && body[1]?.value === '.' && body[2]?.kind === 'name') {
      const output =
        body[4]?.value === 'output' && body[5]?.value === '.' ? body[6]?.value : undefined;
      item.ref = output !== undefined ? { rule: body[2].value, output } : { rule: body[2].value };
    }
    items.push(item);
  }
  return items;
}

// ---- Model ----

function buildStep(id: string, rule: ParsedRule, ctx: Context): Step {
  const step = newStep(id);
  const base = ['steps', id] as const;
  ctx.source.record(base, rule.blockLocation, rule.nameLocation);
  rule.outputs.forEach((out, k) => {
    const outName = rule.outputNames[k] ?? `out${k + 1}`;
    if (out.pattern === undefined) return;
    step.outputs[outName] = out.pattern;
    ctx.source.record([...base, 'outputs', outName], out.location);
  });
  if (rule.shell !== undefined) step.run = rule.shell.trim();
  else if (rule.script !== undefined) {
    const interpreter = /\.py$/.test(rule.script)
      ? 'python '
      : /\.[rR]$/.test(rule.script)
        ? 'Rscript '
        : '';
    step.run = `${interpreter}${rule.script}`;
    step.software.files.push(relPath(ctx.contextDir, join(dirname(rule.absFile), rule.script)));
  }

  if (rule.conda?.pattern !== undefined) {
    const envAbs = join(dirname(rule.absFile), rule.conda.pattern);
    const text = /\.ya?ml$/.test(rule.conda.pattern) ? readTextFile(envAbs, ctx.root) : undefined;
    if (text !== undefined) {
      ctx.findings.push(
        ...readCondaEnvironment(text, relPath(ctx.root, envAbs), step, ctx.source).findings,
      );
    } else if (/\.ya?ml$/.test(rule.conda.pattern)) {
      ctx.findings.push(
        importError(
          rule.file,
          `Rule ${rule.name} names conda environment ${rule.conda.pattern}, which cannot be read${unreadable(envAbs, ctx.root)}.`,
          rule.conda.location.span,
        ),
      );
    } else {
      ctx.findings.push(
        importLimit(
          rule.file,
          `Rule ${rule.name} uses the named conda environment "${rule.conda.pattern}"; Stowage can only read environment files.`,
          rule.conda.location.span,
        ),
      );
    }
  }
  if (rule.containerLocation) ctx.source.record([...base, 'container'], rule.containerLocation);
  const image = rule.container ?? ctx.globalContainer;
  if (image && step.software.conda.length === 0 && step.software.pip.length === 0)
    step.container = image;

  const threads = rule.threads ? Number(rule.threads.text) : NaN;
  if (Number.isFinite(threads) && threads > 0) {
    step.resources = { cpus: threads };
    ctx.source.record([...base, 'resources', 'cpus'], (rule.threads as Item).location);
  }
  for (const r of rule.resources) {
    const [field, value] = resourceValue(r);
    if (!field || value === undefined) continue;
    step.resources = { ...step.resources, [field]: value };
    ctx.source.record([...base, 'resources', field], r.location);
  }
  return step;
}

function resourceValue(item: Item): [field?: 'memory' | 'time' | 'gpus', value?: number] {
  const n = Number(item.text);
  const str = item.pattern;
  switch (item.name) {
    case 'mem_mb':
    case 'mem_mib':
      return ['memory', Number.isFinite(n) ? Math.round(n * MIB) : undefined];
    case 'mem_gb':
      return ['memory', Number.isFinite(n) ? Math.round(n * 1024 * MIB) : undefined];
    case 'mem':
      return ['memory', str !== undefined ? parseMemory(str) : undefined];
    case 'runtime':
    case 'time_min':
      // Minutes when a number; Snakemake ≥ 8 also accepts "2h".
      return [
        'time',
        Number.isFinite(n)
          ? Math.round(n * 60)
          : str !== undefined
            ? parseDuration(str)
            : undefined,
      ];
    case 'gpu':
    case 'gpus':
    case 'nvidia_gpu':
      return ['gpus', Number.isFinite(n) ? n : undefined];
    default:
      return [];
  }
}

const SENTINEL = '\u0001';

function wildcardRegex(pattern: string): RegExp {
  const parts = pattern.split(/\{[^{}]*\}/);
  return new RegExp(
    `^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`,
    's',
  );
}

/** True when a file matching `a` could be a file matching `b`: wildcards on either side. */
export function patternsMatch(a: string, b: string): boolean {
  const sa = a.replace(/\{[^{}]*\}/g, SENTINEL);
  const sb = b.replace(/\{[^{}]*\}/g, SENTINEL);
  return wildcardRegex(b).test(sa) || wildcardRegex(a).test(sb);
}

function wire(
  workflow: ReturnType<typeof newWorkflow>,
  steps: Map<ParsedRule, Step>,
  ctx: Context,
  target: ParsedRule | undefined,
): void {
  const byRuleName = new Map<string, { rule: ParsedRule; step: Step }>();
  for (const [rule, step] of steps) byRuleName.set(rule.name, { rule, step });
  const producers = (pattern: string): string | undefined => {
    for (const [rule, step] of steps) {
      const k = rule.outputs.findIndex(
        (o) => o.pattern !== undefined && patternsMatch(pattern, o.pattern),
      );
      if (k >= 0) return `${step.id}.${rule.outputNames[k]}`;
    }
    return undefined;
  };
  const inputNames = new Map<string, string>();
  const takenInputs = new Set<string>();
  const resolve = (item: Item): string | undefined => {
    if (item.ref) {
      const p = byRuleName.get(item.ref.rule);
      if (!p) return undefined;
      const outName = item.ref.output ?? p.rule.outputNames[0];
      return outName !== undefined && outName in p.step.outputs
        ? `${p.step.id}.${outName}`
        : undefined;
    }
    if (item.pattern === undefined) return undefined;
    return producers(item.pattern);
  };

  for (const [rule, step] of steps) {
    for (const item of rule.inputs) {
      const ref = resolve(item);
      if (ref !== undefined) {
        if (!step.inputs.includes(ref)) step.inputs.push(ref);
      } else if (item.pattern !== undefined) {
        let name = inputNames.get(item.pattern);
        if (name === undefined) {
          name = safeName(
            item.name ?? basename(item.pattern).replace(/\{[^}]*\}/g, 'x'),
            takenInputs,
            'input',
          );
          inputNames.set(item.pattern, name);
          ctx.source.record(['inputs', name], item.location);
          workflow.inputs.push({ name, path: item.pattern });
        }
        if (!step.inputs.includes(name)) step.inputs.push(name);
      } else {
        ctx.unwired += 1;
        continue;
      }
      ctx.source.record(['steps', step.id, 'inputs', step.inputs.length - 1], item.location);
    }
  }
  if (target) {
    ctx.source.record(['outputs'], target.blockLocation, target.nameLocation);
    for (const item of target.inputs) {
      const ref = resolve(item);
      if (ref === undefined) continue;
      const [stepId, output] = ref.split('.') as [string, string];
      const name = safeName(`${stepId}-${output}`, new Set(workflow.outputs.map((o) => o.name)));
      if (workflow.outputs.some((o) => o.step === stepId && o.output === output)) continue;
      ctx.source.record(['outputs', name], item.location);
      workflow.outputs.push({ name, step: stepId, output });
    }
  }
}
