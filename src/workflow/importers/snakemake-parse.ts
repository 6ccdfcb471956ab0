/**
 * Reading Snakefiles: the statements Snakemake adds to Python — `rule`/`checkpoint` blocks,
 * `include:`, a top-level `container:`/`containerized:`, `module` blocks and `use rule` — wherever
 * they stand, also inside `if`/`else`/`for` blocks (such rules are conditional), and the values
 * of their directives (file patterns, `rules.X.output.y` references, numbers). Python itself is
 * only skipped: function bodies, assignments and calls are not evaluated.
 */
import type { Location } from '../model.js';
import type { OffsetMapper } from './locator.js';

/** One value of a directive: `name=value` or a bare value. */
export interface Item {
  name?: string;
  /** A file pattern, when the value is a string (or a wrapper around one). */
  pattern?: string;
  /** `rules.X.output.name` → { rule: X, output: name }. */
  ref?: { rule: string; output?: string };
  /** The value as written (numbers, names, calls). */
  text: string;
  location: Location;
}

export interface ParsedRule {
  name: string;
  /** Repository-relative file findings point at. */
  file: string;
  /** Folder paths in the rule are relative to: a local folder, or a URL for a remote module. */
  baseDir: string;
  /** The rule comes from a file that is not in the repository (a remote module). */
  remote: boolean;
  nameLocation: Location;
  blockLocation: Location;
  inputs: Item[];
  outputs: Item[];
  conda?: Item;
  container?: Item;
  wrapper?: Item;
  /** `wildcard_constraints: name="a|b"`. */
  wildcardConstraints: Item[];
  defaultTarget: boolean;
  threads?: Item;
  resources: Item[];
  shell?: string;
  script?: string;
  /** A `run:` block: Python the Snakemake process runs. */
  pythonRun: boolean;
  /** `template_engine:`: Snakemake renders the output itself, in its own process. */
  template?: boolean;
  hasAction: boolean;
  /** The enclosing `if`/`else`/`for` headers, when the rule is defined inside one. */
  condition?: string;
}

/** `use rule A as B with: …`, `use rule * from M as M_*`. */
export interface UseRule {
  /** Rule names, or `*`. */
  names: string[];
  from?: string;
  exclude: string[];
  /** The new name, or a pattern with `*`. */
  as?: string;
  /** Directives of the `with:` block, read as a rule without a name. */
  with?: ParsedRule;
  location: Location;
  condition?: string;
}

/** `module NAME:` with its `snakefile:` (or `meta_wrapper:`), `prefix:` and `pathvars:`. */
export interface ModuleDecl {
  name: string;
  snakefile?: Item;
  metaWrapper?: Item;
  prefix?: string;
  pathvars: Record<string, string>;
  location: Location;
}

/** A statement of a Snakefile, in order. */
export type Statement =
  | { kind: 'rule'; rule: ParsedRule }
  | { kind: 'include'; items: Item[]; condition?: string }
  | { kind: 'configfile'; item?: Item }
  /** `NAME = <expression>`: a Python value a later path may be built from. */
  | { kind: 'assign'; name: string; text: string }
  | { kind: 'container'; item?: Item }
  | { kind: 'module'; module: ModuleDecl }
  | { kind: 'use'; use: UseRule };

/** The text of one Snakefile and how to point into it. */
export interface SnakeText {
  file: string;
  baseDir: string;
  remote: boolean;
  text: string;
  /** Offsets → a location in `file`; for a remote file, always `at`. */
  locate(start: number, end: number): Location;
}

export function localText(
  file: string,
  baseDir: string,
  text: string,
  mapper: OffsetMapper,
): SnakeText {
  return {
    file,
    baseDir,
    remote: false,
    text,
    locate: (start, end) => ({ file, span: mapper.span(start, end) }),
  };
}

/** A file fetched from elsewhere: its nodes are located at the statement that brought it in. */
export function remoteText(url: string, text: string, at: Location): SnakeText {
  return {
    file: at.file,
    baseDir: url.replace(/\/[^/]*$/, ''),
    remote: true,
    text,
    locate: () => at,
  };
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

/** Index just past the block opened by `lines[start]` (lines indented deeper, or blank). */
function blockEnd(lines: readonly Line[], start: number): number {
  const indent = (lines[start] as Line).indent;
  let end = start + 1;
  while (end < lines.length && ((lines[end] as Line).blank || (lines[end] as Line).indent > indent))
    end += 1;
  return end;
}

function lastNonBlank(lines: readonly Line[], from: number, to: number): number {
  for (let k = to - 1; k >= from; k -= 1) {
    const l = lines[k] as Line;
    if (!l.blank) return l.offset + l.text.length;
  }
  return (lines[from] as Line).offset;
}

const RULE = /^(rule|checkpoint)(?:\s+([A-Za-z_][A-Za-z0-9_]*))?\s*:/;
const USE =
  /^use\s+rule\s+(.+?)(?:\s+from\s+([A-Za-z_]\w*))?(?:\s+exclude\s+(.+?))?(?:\s+as\s+(\S+?))?\s*(with\s*:)?\s*(?:#.*)?$/;
const MODULE = /^module\s+([A-Za-z_]\w*)\s*:/;
const COMPOUND = /^(if|elif|else|for|while|with|try|except|finally)\b(.*):\s*(?:#.*)?$/;

/** The Snakemake statements of `src`, in order. */
export function readStatements(src: SnakeText): Statement[] {
  const lines = splitLines(src.text);
  const statements: Statement[] = [];
  const blocks: { indent: number; header: string }[] = [];
  const lastIf = new Map<number, string>();
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as Line;
    if (line.blank) continue;
    while (blocks.length > 0 && (blocks[blocks.length - 1]?.indent ?? -1) >= line.indent)
      blocks.pop();
    const body = line.text.trim();
    const condition = blocks.length > 0 ? blocks.map((b) => b.header).join(' and ') : undefined;
    const end = blockEnd(lines, i);
    const rule = RULE.exec(body);
    const use = USE.exec(body);
    const module = MODULE.exec(body);
    const directive = /^(include|container|containerized|configfile)\s*:/.exec(body);
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(body);
    if (rule) {
      // An anonymous `rule:` is named by its `name:` directive, else by its line.
      const parsed = parseRule(rule[2] ?? `rule_${i + 1}`, src, lines, i, end);
      if (condition !== undefined) parsed.condition = condition;
      statements.push({ kind: 'rule', rule: parsed });
      i = end - 1;
    } else if (use) {
      statements.push({ kind: 'use', use: parseUse(use, src, lines, i, end, condition) });
      i = use[5] ? end - 1 : i;
    } else if (module) {
      statements.push({ kind: 'module', module: parseModule(module[1] ?? '', src, lines, i, end) });
      i = end - 1;
    } else if (directive) {
      const from = line.offset + line.indent + directive[0].length;
      const to = lastNonBlank(lines, i, end);
      const items = parseItems(from, to, src);
      if (directive[1] === 'include') statements.push({ kind: 'include', items, condition });
      else if (directive[1] === 'configfile')
        statements.push({ kind: 'configfile', item: items[0] });
      else statements.push({ kind: 'container', item: items[0] });
      i = end - 1;
    } else if (assign) {
      const from = line.offset + line.indent + assign[0].length;
      const to = expressionEnd(src.text, from);
      statements.push({ kind: 'assign', name: assign[1] ?? '', text: src.text.slice(from, to) });
      while (i + 1 < lines.length && (lines[i + 1] as Line).offset < to) i += 1;
    } else if (/^(def|class|async\s+def)\s/.test(body)) {
      i = end - 1; // Python: not Snakemake's business
    } else {
      const compound = COMPOUND.exec(body);
      if (!compound) continue;
      const keyword = compound[1] ?? '';
      let header = `${keyword}${compound[2] ?? ''}`.trim();
      if (keyword === 'if') lastIf.set(line.indent, header);
      if (keyword === 'else' || keyword === 'elif') {
        const previous = lastIf.get(line.indent);
        if (previous !== undefined) header = `${header} (after ${previous})`;
        if (keyword === 'elif') lastIf.set(line.indent, header);
      }
      blocks.push({ indent: line.indent, header });
    }
  }
  return statements;
}

/**
 * Where a Python expression starting at `from` ends: the first line end outside brackets and
 * strings, not after a backslash.
 */
function expressionEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const delim = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += delim.length;
      while (i < text.length && !text.startsWith(delim, i)) {
        if (text[i] === '\\') i += 1;
        else if (text[i] === '\n' && delim.length === 1) break;
        i += 1;
      }
      i += delim.length - 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
      i -= 1;
    } else if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') depth -= 1;
    else if (c === '\\' && text[i + 1] === '\n') i += 1;
    else if (c === '\n' && depth <= 0) return i;
  }
  return text.length;
}

/** The directives of the block `lines[start+1, end)`: name → its items and where the values are. */
function directivesOf(
  src: SnakeText,
  lines: readonly Line[],
  start: number,
  end: number,
): { name: string; items: () => Item[]; from: number; to: number }[] {
  const found: { name: string; items: () => Item[]; from: number; to: number }[] = [];
  let indent = -1;
  for (let i = start + 1; i < end; i += 1) {
    const line = lines[i] as Line;
    if (line.blank) continue;
    if (indent < 0) indent = line.indent;
    if (line.indent !== indent) continue;
    const m = /^\s*([A-Za-z_]+)\s*:/.exec(line.text);
    if (!m) continue;
    let stop = i + 1;
    while (stop < end && ((lines[stop] as Line).blank || (lines[stop] as Line).indent > indent))
      stop += 1;
    const from = line.offset + m[0].length;
    const to = lastNonBlank(lines, i, stop);
    found.push({ name: m[1] ?? '', items: () => parseItems(from, to, src), from, to });
    i = stop - 1;
  }
  return found;
}

function emptyRule(name: string, src: SnakeText, at: Location): ParsedRule {
  return {
    name,
    file: src.file,
    baseDir: src.baseDir,
    remote: src.remote,
    nameLocation: at,
    blockLocation: at,
    inputs: [],
    outputs: [],
    resources: [],
    wildcardConstraints: [],
    defaultTarget: false,
    pythonRun: false,
    hasAction: false,
  };
}

/** The rule whose header is `lines[start]`, its block ending before `lines[end]`. */
function parseRule(
  name: string,
  src: SnakeText,
  lines: readonly Line[],
  start: number,
  end: number,
): ParsedRule {
  const head = lines[start] as Line;
  const headStart = head.offset + head.indent;
  const rule = emptyRule(name, src, src.locate(headStart, head.offset + head.text.indexOf(':')));
  rule.blockLocation = src.locate(headStart, lastNonBlank(lines, start, end));
  applyDirectives(rule, directivesOf(src, lines, start, end));
  return rule;
}

function applyDirectives(rule: ParsedRule, directives: ReturnType<typeof directivesOf>): void {
  for (const d of directives) {
    switch (d.name) {
      case 'input':
        rule.inputs = d.items();
        break;
      case 'output':
        rule.outputs = d.items();
        break;
      case 'conda':
        // `conda: None` says the rule has no environment.
        rule.conda = d.items()[0]?.text.trim() === 'None' ? undefined : d.items()[0];
        break;
      case 'container':
      case 'singularity':
        rule.container = d.items()[0];
        break;
      case 'threads':
        rule.threads = d.items()[0];
        break;
      case 'resources':
        rule.resources = d.items();
        break;
      case 'shell':
        rule.hasAction = true;
        rule.shell = d
          .items()
          .map((it) => it.pattern ?? '')
          .join('');
        break;
      case 'script':
      case 'notebook':
        rule.hasAction = true;
        rule.script = d.items()[0]?.pattern;
        break;
      case 'run':
        rule.hasAction = true;
        rule.pythonRun = true;
        break;
      case 'template_engine':
        rule.hasAction = true;
        rule.template = true;
        break;
      case 'name':
        if (d.items()[0]?.pattern !== undefined) rule.name = d.items()[0]?.pattern as string;
        break;
      case 'default_target':
        rule.defaultTarget = d.items()[0]?.text === 'True';
        break;
      case 'wrapper':
        rule.hasAction = true;
        rule.wrapper = d.items()[0];
        break;
      case 'cwl':
        rule.hasAction = true;
        break;
      case 'wildcard_constraints':
        rule.wildcardConstraints = d.items();
        break;
    }
  }
}

function parseUse(
  m: RegExpExecArray,
  src: SnakeText,
  lines: readonly Line[],
  start: number,
  end: number,
  condition: string | undefined,
): UseRule {
  const head = lines[start] as Line;
  const location = src.locate(head.offset + head.indent, head.offset + head.text.length);
  const list = (text: string | undefined): string[] =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const use: UseRule = { names: list(m[1]), exclude: list(m[3]), location };
  if (m[2] !== undefined) use.from = m[2];
  if (m[4] !== undefined) use.as = m[4];
  if (condition !== undefined) use.condition = condition;
  if (m[5]) {
    const rule = emptyRule('', src, location);
    applyDirectives(rule, directivesOf(src, lines, start, end));
    use.with = rule;
  }
  return use;
}

function parseModule(
  name: string,
  src: SnakeText,
  lines: readonly Line[],
  start: number,
  end: number,
): ModuleDecl {
  const head = lines[start] as Line;
  const module: ModuleDecl = {
    name,
    pathvars: {},
    location: src.locate(head.offset + head.indent, head.offset + head.text.length),
  };
  for (const d of directivesOf(src, lines, start, end)) {
    if (d.name === 'snakefile') module.snakefile = d.items()[0];
    if (d.name === 'meta_wrapper') module.metaWrapper = d.items()[0];
    if (d.name === 'prefix') module.prefix = d.items()[0]?.pattern;
    if (d.name === 'pathvars')
      for (const item of d.items())
        if (item.name !== undefined && item.pattern !== undefined)
          module.pathvars[item.name] = item.pattern;
  }
  return module;
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
        const s = readPyString(text, i + word.length, to, /f/i.test(word));
        tokens.push({ kind: 'string', value: s.value, start: i, end: s.end });
        i = s.end;
      } else {
        tokens.push({ kind: 'name', value: word, start: i, end: i + word.length });
        i += word.length;
      }
    } else if (c === '"' || c === "'") {
      const s = readPyString(text, i, to, false);
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

/**
 * A Python string. In an f-string `{{x}}` is a Snakemake wildcard `{x}`, and `{x}` a Python value,
 * kept as `<x>` (it is not evaluated).
 */
function readPyString(
  text: string,
  start: number,
  to: number,
  formatted: boolean,
): { value: string; end: number } {
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
    } else if (formatted && (text.startsWith('{{', i) || text.startsWith('}}', i))) {
      value += c;
      i += 2;
    } else if (formatted && c === '{') {
      // A Python value, not a wildcard: kept as `<expr>`, which matches no file pattern.
      const close = text.indexOf('}', i);
      const stop = close < 0 || close >= to ? to : close;
      value += `<${text.slice(i + 1, stop)}>`;
      i = stop + 1;
    } else {
      value += c;
      i += 1;
    }
  }
  return { value, end: to };
}

/** Functions that wrap a file pattern without changing it. */
const WRAPPERS = new Set([
  'temp',
  'protected',
  'directory',
  'ancient',
  'touch',
  'pipe',
  'expand',
  'ensure',
  'local',
  'service',
  'report',
  'storage',
  'update',
  'before_update',
]);

/** Splits a directive's value into comma-separated items, reading names and file patterns. */
export function parseItems(from: number, to: number, src: SnakeText): Item[] {
  const tokens = tokenizePython(src.text, from, to);
  const groups: PyToken[][] = [[]];
  let depth = 0;
  // `mem_mb=lambda wildcards, attempt: …`: the lambda's parameters are one item's.
  let lambdaParams = false;
  for (const t of tokens) {
    if (t.kind === 'op' && '([{'.includes(t.value)) depth += 1;
    if (t.kind === 'op' && ')]}'.includes(t.value)) depth -= 1;
    if (depth === 0 && t.kind === 'name' && t.value === 'lambda') lambdaParams = true;
    if (depth === 0 && t.kind === 'op' && t.value === ':') lambdaParams = false;
    if (depth === 0 && t.kind === 'op' && t.value === ',' && !lambdaParams) groups.push([]);
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
    const base: Item = {
      text: src.text.slice((body[0] ?? first).start, last.end),
      location: src.locate(first.start, last.end),
    };
    if (name !== undefined) base.name = name;
    let k = 0;
    while (
      body[k]?.kind === 'name' &&
      WRAPPERS.has(body[k]?.value ?? '') &&
      body[k + 1]?.value === '('
    )
      k += 2;
    if (body[k]?.value === 'multiext' && body[k + 1]?.value === '(') {
      items.push(...multiext(body.slice(k + 2), base));
      continue;
    }
    if (body[k]?.value === '[' && body[body.length - 1]?.value === ']') {
      items.push(...listItems(body.slice(k + 1, -1), base));
      continue;
    }
    const item: Item = { ...base };
    if (body[k]?.kind === 'string') {
      // "a" "b" (implicit concatenation), or wrapper("a", …)
      let pattern = '';
      while (body[k]?.kind === 'string') pattern += body[k++]?.value ?? '';
      // "envs/" + name + ".yaml", "{}.txt".format(x), "%s" % x: Python computes it, not a pattern.
      const computed = body[k]?.kind === 'op' && ['+', '%', '.', '*'].includes(body[k]!.value);
      if (!computed) item.pattern = pattern;
    } else if (body[0]?.value === 'rules' && body[1]?.value === '.' && body[2]?.kind === 'name') {
      const output =
        body[4]?.value === 'output' && body[5]?.value === '.' ? body[6]?.value : undefined;
      item.ref = output !== undefined ? { rule: body[2].value, output } : { rule: body[2].value };
    }
    items.push(item);
  }
  return items;
}

/** `name=["a", "b"]`: one file each, named `name`, `name2`, … (a part that is no string is skipped). */
function listItems(inner: PyToken[], base: Item): Item[] {
  const items: Item[] = [];
  let pattern: string | undefined = '';
  const flush = (): void => {
    if (pattern) {
      const item: Item = { ...base, pattern };
      delete item.name;
      if (base.name !== undefined)
        item.name = items.length === 0 ? base.name : `${base.name}${items.length + 1}`;
      items.push(item);
    }
    pattern = '';
  };
  for (const t of inner) {
    if (t.value === ',') flush();
    else if (t.kind === 'string' && pattern !== undefined) pattern += t.value;
    else pattern = undefined;
  }
  flush();
  return items;
}

/**
 * `multiext("results/genome.fa", ".amb", ".bwt")`: one file per extension. Named extensions
 * (`bwt=".bwt"`) name their file; a prefix that is not a string (a variable) cannot be read.
 */
function multiext(args: PyToken[], base: Item): Item[] {
  // Each argument: its name (if any) and its text, or undefined when it is not a string literal.
  const parts: { name?: string; value?: string }[] = [{ value: '' }];
  let depth = 0;
  for (let i = 0; i < args.length; i += 1) {
    const t = args[i] as PyToken;
    const part = parts[parts.length - 1] as { name?: string; value?: string };
    if (t.kind === 'op' && '([{'.includes(t.value)) depth += 1;
    if (t.kind === 'op' && ')]}'.includes(t.value)) {
      if (depth === 0) break;
      depth -= 1;
    }
    if (depth === 0 && t.value === ',') parts.push({ value: '' });
    else if (t.kind === 'name' && args[i + 1]?.value === '=' && part.value === '') {
      part.name = t.value;
      i += 1;
    } else if (t.kind === 'string' && part.value !== undefined) part.value += t.value;
    else part.value = undefined;
  }
  const [prefix, ...extensions] = parts.filter((p) => p.value !== '' || p.name !== undefined);
  if (prefix?.value === undefined) return [{ ...base }];
  const items: Item[] = [];
  extensions.forEach((ext, n) => {
    if (ext.value === undefined) return;
    const item: Item = { ...base, pattern: prefix.value + ext.value };
    delete item.name;
    const name =
      ext.name ?? (base.name !== undefined ? `${base.name}${n === 0 ? '' : n + 1}` : undefined);
    if (name !== undefined) item.name = name;
    items.push(item);
  });
  return items;
}
