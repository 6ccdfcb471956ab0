/**
 * A small evaluator of the Python expressions Snakefiles build paths with — no Python is run.
 * It knows constants and what paths are made of: string literals (adjacent ones joined),
 * f-strings, `+`, `str.format`, `os.path.join` (and `join`, `dirname`, `basename`, `abspath`,
 * `normpath`), `workflow.basedir` / `workflow.current_basedir`, `pathlib.Path(…)` with `/`,
 * `.parent` and `.name`, `str(…)`, lists, `config["key"]` / `config.get("key", default)` from the
 * workflow's `configfile:`, Snakemake's `expand(pattern, name=[…])`, and the names the Snakefile
 * assigned such values to. Anything else is unknown (undefined): a function call, a conditional,
 * a value computed from data. In f-strings and `format`, `{{x}}` stays the wildcard `{x}`.
 */
import { posix } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type PyValue =
  | string
  | number
  | boolean
  | null
  | PyValue[]
  | { kind: 'path'; path: string }
  | { kind: 'dict'; value: { [key: string]: Json } }
  | { kind: 'fn'; call: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue | undefined }
  | { kind: 'obj'; get: (name: string) => PyValue | undefined };

export interface EvalScope {
  /** Names the Snakefile assigned, by the value they hold (unknown ones are absent). */
  vars: Map<string, PyValue>;
  /** `workflow.basedir`: the folder of the main Snakefile (of the module, in a module). */
  basedir: string;
  /** `workflow.current_basedir`: the folder of the file being read. */
  currentBasedir: string;
  /** The merged `configfile:`s, when any was read. */
  config?: { [key: string]: Json };
  /** Names whose value is unknown here (a lambda's parameters nobody gave), hiding outer ones. */
  unknown?: ReadonlySet<string>;
}

/** The most strings `expand` makes (a product of lists grows fast). */
const MAX_EXPANDED = 10_000;

// ---- tokens ----

type Part = string | { expr: string };
interface Tok {
  kind: 'str' | 'name' | 'num' | 'op';
  value: string;
  /** Strings: literal text and, in f-strings, the expressions between braces. */
  parts?: Part[];
}

function tokenize(text: string): Tok[] | undefined {
  const tokens: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c) || c === '\\') {
      i += 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      const quote = text[i + word.length];
      if (/^[rRbBfFuU]{1,2}$/.test(word) && (quote === '"' || quote === "'")) {
        const s = readString(text, i + word.length, /f/i.test(word), /r/i.test(word));
        if (!s) return undefined;
        tokens.push({ kind: 'str', value: '', parts: s.parts });
        i = s.end;
      } else {
        tokens.push({ kind: 'name', value: word });
        i += word.length;
      }
    } else if (c === '"' || c === "'") {
      const s = readString(text, i, false, false);
      if (!s) return undefined;
      tokens.push({ kind: 'str', value: '', parts: s.parts });
      i = s.end;
    } else if (/[0-9]/.test(c)) {
      const num = /^[0-9][0-9_]*(\.[0-9]+)?/.exec(text.slice(i))![0];
      tokens.push({ kind: 'num', value: num });
      i += num.length;
    } else {
      const two = text.slice(i, i + 2);
      const op = ['==', '!=', '<=', '>=', '//', '**'].includes(two) ? two : c;
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  return tokens;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };

function readString(
  text: string,
  start: number,
  formatted: boolean,
  raw: boolean,
): { parts: Part[]; end: number } | undefined {
  const q = text[start]!;
  const delim = text.startsWith(q.repeat(3), start) ? q.repeat(3) : q;
  const parts: Part[] = [];
  let literal = '';
  let i = start + delim.length;
  while (i < text.length) {
    if (text.startsWith(delim, i)) {
      if (literal !== '') parts.push(literal);
      return { parts, end: i + delim.length };
    }
    const c = text[i]!;
    if (c === '\\' && !raw) {
      const next = text[i + 1] ?? '';
      literal += ESCAPES[next] ?? `\\${next}`;
      i += 2;
    } else if (formatted && (text.startsWith('{{', i) || text.startsWith('}}', i))) {
      literal += c;
      i += 2;
    } else if (formatted && c === '{') {
      let depth = 1;
      let k = i + 1;
      while (k < text.length && depth > 0) {
        if (text[k] === '{') depth += 1;
        if (text[k] === '}') depth -= 1;
        k += 1;
      }
      if (depth > 0) return undefined;
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ expr: text.slice(i + 1, k - 1) });
      i = k;
    } else {
      literal += c;
      i += 1;
    }
  }
  return undefined;
}

// ---- values ----

const isPath = (v: PyValue | undefined): v is { kind: 'path'; path: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'path';

/** A value as text (`str(x)`), or undefined when it is not text-like. */
export function asText(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isPath(v)) return v.path;
  return undefined;
}

/** `os.path.join`: a later absolute part starts over, as Python's does. */
function joinPaths(parts: string[]): string {
  let result = '';
  for (const p of parts) {
    if (p.startsWith('/') || result === '') result = p;
    else result = result.endsWith('/') ? `${result}${p}` : `${result}/${p}`;
  }
  return result;
}

type Fn = Extract<PyValue, { kind: 'fn' }>;
type Obj = Extract<PyValue, { kind: 'obj' }>;
const fn = (call: Fn['call']): Fn => ({ kind: 'fn', call });
const obj = (get: Obj['get']): Obj => ({ kind: 'obj', get });

function textArgs(args: PyValue[]): string[] | undefined {
  const texts = args.map(asText);
  return texts.every((t): t is string => t !== undefined) ? texts : undefined;
}

const osPath = obj((name) => {
  switch (name) {
    case 'join':
      return fn((args) => {
        const t = textArgs(args);
        return t && t.length > 0 ? joinPaths(t) : undefined;
      });
    case 'dirname':
      return fn((args) => {
        const t = textArgs(args);
        return t?.length === 1 ? posix.dirname(t[0]!) : undefined;
      });
    case 'basename':
      return fn((args) => {
        const t = textArgs(args);
        return t?.length === 1 ? posix.basename(t[0]!) : undefined;
      });
    case 'abspath':
    case 'normpath':
    case 'realpath':
      return fn((args) => {
        const t = textArgs(args);
        return t?.length === 1 ? posix.normalize(t[0]!) : undefined;
      });
    default:
      return undefined;
  }
});

const pathOf = (path: string): PyValue => ({ kind: 'path', path });

const PathClass = fn((args) => {
  const t = textArgs(args);
  return t ? pathOf(t.length === 0 ? '.' : joinPaths(t)) : undefined;
});

/** `str.format`: `{}`, `{0}`, `{name}`; `{{`/`}}` are braces (a Snakemake wildcard stays). */
function format(
  template: string,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
): string | undefined {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i += 1) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      out += c;
      i += 1;
    } else if (c === '{') {
      const close = template.indexOf('}', i);
      if (close < 0) return undefined;
      const field = template.slice(i + 1, close);
      const value =
        field === '' ? args[next++] : /^\d+$/.test(field) ? args[Number(field)] : kwargs.get(field);
      const text = asText(value);
      if (text === undefined) return undefined;
      out += text;
      i = close;
    } else out += c;
  }
  return out;
}

/** Snakemake's `expand(pattern, name=[…], …)`: every combination (the product). */
const expand = fn((args, kwargs) => {
  const patterns = (Array.isArray(args[0]) ? args[0] : [args[0]]).map(asText);
  if (args.length !== 1 || patterns.some((p) => p === undefined)) return undefined;
  let combos: Map<string, string>[] = [new Map()];
  for (const [name, value] of kwargs) {
    const values = (Array.isArray(value) ? value : [value]).map(asText);
    if (values.some((v) => v === undefined)) return undefined;
    combos = combos.flatMap((c) => values.map((v) => new Map(c).set(name, v!)));
    if (combos.length > MAX_EXPANDED) return undefined;
  }
  const out: string[] = [];
  for (const pattern of patterns as string[])
    for (const combo of combos) {
      // Names not given stay wildcards, as with allow_missing.
      out.push(pattern.replace(/\{([A-Za-z_]\w*)\}/g, (m, n: string) => combo.get(n) ?? m));
    }
  return out;
});

function fromJson(v: Json | undefined): PyValue | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => fromJson(x) ?? null);
  if (typeof v === 'object' && v !== null) return { kind: 'dict', value: v };
  return v;
}

function builtin(name: string, scope: EvalScope): PyValue | undefined {
  switch (name) {
    case 'True':
      return true;
    case 'False':
      return false;
    case 'None':
      return null;
    case 'workflow':
      return obj((attr) =>
        attr === 'basedir'
          ? scope.basedir
          : attr === 'current_basedir'
            ? pathOf(scope.currentBasedir)
            : undefined,
      );
    case 'config':
      return scope.config ? { kind: 'dict', value: scope.config } : undefined;
    case 'os':
      return obj((attr) => (attr === 'path' ? osPath : undefined));
    case 'path':
      return osPath;
    case 'join':
    case 'dirname':
    case 'basename':
      return osPath.get(name);
    case 'pathlib':
      return obj((attr) => (attr === 'Path' ? PathClass : undefined));
    case 'Path':
      return PathClass;
    case 'str':
      return fn((args) => (args.length === 1 ? asText(args[0]) : undefined));
    case 'expand':
      return expand;
    case 'min':
    case 'max':
      return fn((args) => {
        const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
        if (list.length === 0 || !list.every((v) => typeof v === 'number')) return undefined;
        return name === 'min' ? Math.min(...(list as number[])) : Math.max(...(list as number[]));
      });
    case 'int':
    case 'round':
      return fn((args) => {
        const v = args[0];
        const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
        if (args.length !== 1 || !Number.isFinite(n)) return undefined;
        return name === 'int' ? Math.trunc(n) : Math.round(n);
      });
    default:
      return undefined;
  }
}

function attribute(value: PyValue | undefined, name: string): PyValue | undefined {
  if (value === undefined || value === null || typeof value !== 'object') {
    if (typeof value === 'string' && name === 'format')
      return fn((args, kwargs) => format(value, args, kwargs));
    return undefined;
  }
  if (Array.isArray(value)) return undefined;
  switch (value.kind) {
    case 'obj':
      return value.get(name);
    case 'path':
      if (name === 'parent') return pathOf(posix.dirname(value.path));
      if (name === 'name') return posix.basename(value.path);
      if (name === 'resolve' || name === 'absolute')
        return fn(() => pathOf(posix.normalize(value.path)));
      return undefined;
    case 'dict':
      if (name === 'get')
        return fn((args) => {
          const key = asText(args[0]);
          if (key === undefined) return undefined;
          return key in value.value ? fromJson(value.value[key]) : (args[1] ?? null);
        });
      return undefined;
    default:
      return undefined;
  }
}

// ---- the parser, evaluating as it goes ----

class Evaluator {
  private i = 0;
  constructor(
    private readonly tokens: Tok[],
    private readonly scope: EvalScope,
  ) {}

  /** The value of the whole expression, or undefined when any part of it is unknown. */
  run(): PyValue | undefined {
    const value = this.additive();
    return this.i === this.tokens.length ? value : undefined;
  }

  private peek(value: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'op' && t.value === value;
  }

  private additive(): PyValue | undefined {
    let left = this.multiplicative();
    while (this.peek('+') || this.peek('-')) {
      const minus = this.peek('-');
      this.i += 1;
      const right = this.multiplicative();
      if (typeof left === 'number' && typeof right === 'number')
        left = minus ? left - right : left + right;
      else if (minus) left = undefined;
      else if (typeof left === 'string' && typeof right === 'string') left = left + right;
      else if (Array.isArray(left) && Array.isArray(right)) left = [...left, ...right];
      else left = undefined;
    }
    return left;
  }

  private multiplicative(): PyValue | undefined {
    let left = this.unary();
    while (this.peek('/') || this.peek('%') || this.peek('*') || this.peek('//')) {
      const op = this.tokens[this.i]!.value;
      this.i += 1;
      const right = this.unary();
      if (typeof left === 'number' && typeof right === 'number') {
        left = arithmetic(op, left, right);
        continue;
      }
      const r = asText(right);
      left =
        op === '/' && isPath(left) && r !== undefined
          ? pathOf(joinPaths([left.path, r]))
          : undefined;
    }
    return left;
  }

  private unary(): PyValue | undefined {
    if (!this.peek('-')) return this.postfix();
    this.i += 1;
    const value = this.unary();
    return typeof value === 'number' ? -value : undefined;
  }

  private postfix(): PyValue | undefined {
    let value = this.atom();
    for (;;) {
      if (this.peek('.') && this.tokens[this.i + 1]?.kind === 'name') {
        value = attribute(value, this.tokens[this.i + 1]!.value);
        this.i += 2;
      } else if (this.peek('(')) {
        this.i += 1;
        const { args, kwargs } = this.arguments(')');
        const callable =
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          value.kind === 'fn'
            ? value
            : undefined;
        value = callable && args && kwargs ? callable.call(args, kwargs) : undefined;
      } else if (this.peek('[')) {
        this.i += 1;
        const key = this.additive();
        if (!this.peek(']')) return undefined;
        this.i += 1;
        value = this.index(value, key);
      } else return value;
    }
  }

  private index(value: PyValue | undefined, key: PyValue | undefined): PyValue | undefined {
    if (Array.isArray(value) && typeof key === 'number') return value[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const k = asText(key);
      if (value.kind === 'dict' && k !== undefined) return fromJson(value.value[k]);
    }
    return undefined;
  }

  /** Call arguments up to `close`; undefined lists when one is unknown. */
  private arguments(close: string): {
    args?: PyValue[];
    kwargs?: Map<string, PyValue>;
  } {
    const args: PyValue[] = [];
    const kwargs = new Map<string, PyValue>();
    let known = true;
    while (!this.peek(close)) {
      if (this.i >= this.tokens.length) return {};
      const t = this.tokens[this.i]!;
      if (
        t.kind === 'name' &&
        this.tokens[this.i + 1]?.value === '=' &&
        this.tokens[this.i + 1]?.kind === 'op'
      ) {
        this.i += 2;
        const v = this.additive();
        if (v === undefined) known = false;
        else kwargs.set(t.value, v);
      } else {
        const v = this.additive();
        if (v === undefined) known = false;
        else args.push(v);
      }
      if (this.peek(',')) this.i += 1;
      else if (!this.peek(close)) return {};
    }
    this.i += 1;
    return known ? { args, kwargs } : {};
  }

  private atom(): PyValue | undefined {
    const t = this.tokens[this.i];
    if (!t) return undefined;
    this.i += 1;
    if (t.kind === 'str') {
      let text: string | undefined = this.stringText(t);
      while (this.tokens[this.i]?.kind === 'str') {
        const more = this.stringText(this.tokens[this.i]!);
        text = text !== undefined && more !== undefined ? text + more : undefined;
        this.i += 1;
      }
      return text;
    }
    if (t.kind === 'num') return Number(t.value.replace(/_/g, ''));
    if (t.kind === 'name') {
      if (this.scope.unknown?.has(t.value)) return undefined;
      return this.scope.vars.has(t.value)
        ? this.scope.vars.get(t.value)
        : builtin(t.value, this.scope);
    }
    if (t.value === '(') {
      const value = this.additive();
      if (!this.peek(')')) return undefined;
      this.i += 1;
      return value;
    }
    if (t.value === '[') {
      const { args } = this.arguments(']');
      return args;
    }
    return undefined;
  }

  private stringText(t: Tok): string | undefined {
    let text = '';
    for (const part of t.parts ?? []) {
      if (typeof part === 'string') text += part;
      else {
        const value = asText(evaluatePython(part.expr, this.scope));
        if (value === undefined) return undefined;
        text += value;
      }
    }
    return text;
  }
}

/** `a * b`, `a / b`, `a // b`, `a % b` on numbers, as Python computes them; undefined on ÷ 0. */
function arithmetic(op: string, a: number, b: number): number | undefined {
  if (op === '*') return a * b;
  if (b === 0) return undefined;
  if (op === '/') return a / b;
  if (op === '//') return Math.floor(a / b);
  return ((a % b) + b) % b;
}

/**
 * `lambda a, b: body` as a whole expression: a function whose call evaluates `body` with the
 * parameters it is given by name or position (Snakemake passes `wildcards`, `input`, `threads`,
 * `attempt` by name); a parameter it is not given is unknown, and so is a body that uses it.
 */
function lambda(tokens: readonly Tok[], scope: EvalScope): PyValue | undefined {
  const colon = tokens.findIndex((t) => t.kind === 'op' && t.value === ':');
  if (colon < 0) return undefined;
  const params: string[] = [];
  for (const t of tokens.slice(1, colon)) {
    if (t.kind === 'name') params.push(t.value);
    else if (!(t.kind === 'op' && t.value === ',')) return undefined;
  }
  const body = tokens.slice(colon + 1);
  return fn((args, kwargs) => {
    const vars = new Map(scope.vars);
    const unknown = new Set<string>();
    params.forEach((name, k) => {
      const value = kwargs.get(name) ?? args[k];
      if (value === undefined) unknown.add(name);
      else vars.set(name, value);
    });
    try {
      return new Evaluator([...body], { ...scope, vars, unknown }).run();
    } catch {
      return undefined;
    }
  });
}

/** The value of Python expression `text`, or undefined when Stowage cannot tell it. */
export function evaluatePython(text: string, scope: EvalScope): PyValue | undefined {
  if (text.length > 10_000) return undefined;
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  try {
    if (tokens[0]?.kind === 'name' && tokens[0].value === 'lambda') return lambda(tokens, scope);
    return new Evaluator(tokens, scope).run();
  } catch {
    return undefined;
  }
}

/** A path-like value as text (a string, or a `Path`), else undefined. */
export function evaluatePath(text: string, scope: EvalScope): string | undefined {
  return asText(evaluatePython(text, scope));
}
