/**
 * The parts of Nextflow configuration that decide a process's resources, read as Nextflow reads
 * its configuration: `nextflow.config` and the files it `includeConfig`s (outside `profiles`, which
 * apply only when chosen) — the `process` scope (defaults, `withLabel:` and `withName:` selectors,
 * `resourceLimits`), and the `params` nf-core's `check_max(…)` caps requests at (`max_cpus`,
 * `max_memory`, `max_time`) — and a small evaluator for the values nf-core writes there
 * (`{ 6.GB * task.attempt }`, `check_max(…)`, `'8 GB'`, `2.h`), evaluated for the first attempt.
 */
import type { Span } from '../../common/findings.js';
import { GroovySyntaxError, matchingClose, statements, type Token } from './groovy.js';
import { durationUnit, parseDuration } from '../../common/units.js';
import { memoryUnit, parseMemory } from './units.js';
import type { OffsetMapper } from './locator.js';

export type ResourceKey = 'cpus' | 'memory' | 'time' | 'accelerator';
export const RESOURCE_KEYS: readonly ResourceKey[] = ['cpus', 'memory', 'time', 'accelerator'];

export interface Setting {
  /** Undefined when the value cannot be known before the run (a parameter, a ternary on one). */
  value: number | undefined;
  file: string;
  span: Span;
}

export type Settings = Partial<Record<ResourceKey, Setting>>;

export interface Selector {
  kind: 'label' | 'name';
  pattern: RegExp;
  negate: boolean;
  settings: Settings;
}

export interface ProcessConfig {
  defaults: Settings;
  selectors: Selector[];
  /**
   * `process.resourceLimits` (Nextflow 24.04 and later): every request is lowered to these, so the
   * figure a job gets is the limit's, set on the limit's line.
   */
  limits: Settings;
}

/**
 * What `check_max(value, 'memory')` caps at: `params.max_memory` (and `max_cpus`, `max_time`),
 * with the line that sets it. The closure runs at task time, so the params' final values count,
 * wherever the config sets them.
 */
export type Caps = Partial<Record<'cpus' | 'memory' | 'time', Setting>>;

type Value = { kind: 'number' | 'memory' | 'duration'; n: number };

/**
 * Evaluates a resource expression (a closure body or a plain value) for `task.attempt == 1`. A
 * ternary is evaluated only when its condition is (`task.attempt > 1 ? 12.GB : 6.GB`); one that
 * depends on parameters or the profile (`params.gpu ? 1 : null`) is unknown, not its first branch.
 */
export function evaluate(tokens: readonly Token[], caps: Caps = {}): Value | undefined {
  return evaluateCapped(tokens, caps).value;
}

/** `evaluate`, and the cap `check_max` lowered the value to, when it did. */
export function evaluateCapped(
  tokens: readonly Token[],
  caps: Caps,
): { value?: Value; capped?: Setting } {
  let body = tokens.filter((t) => t.kind !== 'newline');
  if (body[0]?.value === '{' && body[body.length - 1]?.value === '}') body = body.slice(1, -1);
  const branch = ternaryBranch(body);
  if (branch === undefined) return {};
  const parser = new ExpressionParser(branch, caps);
  const value = parser.expression();
  return parser.done() ? { value, capped: parser.capped } : {};
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * For `cond ? a : b` at top level, the tokens of the branch the condition picks when it compares
 * two evaluable figures; undefined when it cannot be decided. Other tokens are returned as they are.
 */
function ternaryBranch(tokens: Token[]): Token[] | undefined {
  let depth = 0;
  let question = -1;
  for (let i = 0; i < tokens.length; i += 1) {
    const v = tokens[i]?.kind === 'punct' ? tokens[i]?.value : undefined;
    if (v === '(' || v === '[' || v === '{') depth += 1;
    if (v === ')' || v === ']' || v === '}') depth -= 1;
    if (depth === 0 && v === '?' && question === -1) question = i;
    if (depth === 0 && v === ':' && question !== -1) {
      const holds = condition(tokens.slice(0, question));
      if (holds === undefined) return undefined;
      return holds ? tokens.slice(question + 1, i) : tokens.slice(i + 1);
    }
  }
  return tokens;
}

/** `a > b` (figures the parser evaluates, `task.attempt` = 1); undefined when not decidable. */
function condition(tokens: Token[]): boolean | undefined {
  const at = tokens.findIndex((t) => t.kind === 'punct' && t.value in COMPARISONS);
  if (at <= 0) return undefined;
  const side = (part: Token[]): Value | undefined => {
    const parser = new ExpressionParser(part);
    const value = parser.expression();
    return parser.done() ? value : undefined;
  };
  const a = side(tokens.slice(0, at));
  const b = side(tokens.slice(at + 1));
  if (!a || !b || a.kind !== b.kind) return undefined;
  return COMPARISONS[(tokens[at] as Token).value]?.(a.n, b.n);
}

class ExpressionParser {
  private i = 0;
  /** The `params.max_*` a `check_max` lowered the value to. */
  capped: Setting | undefined;
  constructor(
    private readonly tokens: Token[],
    private readonly caps: Caps = {},
  ) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private accept(value: string): boolean {
    const t = this.peek();
    if (t && t.kind === 'punct' && t.value === value) {
      this.i += 1;
      return true;
    }
    return false;
  }

  expression(): Value | undefined {
    let left = this.term();
    for (;;) {
      if (this.accept('+')) left = combine(left, this.term(), (a, b) => a + b, 'add');
      else if (this.accept('-')) left = combine(left, this.term(), (a, b) => a - b, 'add');
      else return left;
    }
  }

  private term(): Value | undefined {
    let left = this.power();
    for (;;) {
      if (this.accept('*')) left = combine(left, this.power(), (a, b) => a * b, 'scale');
      else if (this.accept('/')) left = combine(left, this.power(), (a, b) => a / b, 'scale');
      else return left;
    }
  }

  /** `2 ** (task.attempt - 1)`: numbers only (right-associative, as Groovy's). */
  private power(): Value | undefined {
    const base = this.factor();
    if (!this.accept('**')) return base;
    const exponent = this.power();
    if (base?.kind !== 'number' || exponent?.kind !== 'number') return undefined;
    return { kind: 'number', n: base.n ** exponent.n };
  }

  private factor(): Value | undefined {
    const t = this.peek();
    if (!t) return undefined;
    this.i += 1;
    if (t.kind === 'number') {
      const n = Number(t.value.replace(/[_lLgGdDfF]$/g, '').replace(/_/g, ''));
      const dot = this.peek();
      const unit = this.peek(1);
      if (dot?.value === '.' && unit?.kind === 'ident') {
        const mem = memoryUnit(unit.value);
        const dur = durationUnit(unit.value);
        if (mem !== undefined || dur !== undefined) {
          this.i += 2;
          return mem !== undefined
            ? { kind: 'memory', n: n * mem }
            : { kind: 'duration', n: n * (dur ?? 0) };
        }
      }
      return { kind: 'number', n };
    }
    if (t.kind === 'string') {
      if (t.interpolated) return undefined;
      const mem = parseMemory(t.value);
      if (mem !== undefined) return { kind: 'memory', n: mem };
      const dur = parseDuration(t.value);
      if (dur !== undefined) return { kind: 'duration', n: dur };
      const n = Number(t.value);
      return Number.isFinite(n) && t.value.trim() !== '' ? { kind: 'number', n } : undefined;
    }
    if (t.kind === 'punct' && (t.value === '(' || t.value === '{')) {
      const close = t.value === '(' ? ')' : '}';
      const inner = this.expression();
      return this.accept(close) ? inner : undefined;
    }
    if (t.kind === 'ident') return this.identifier(t.value);
    return undefined;
  }

  /**
   * nf-core's `check_max(value, type)` (pipelines before the 3.0 template): the value, lowered to
   * `params.max_<type>` when the config sets a smaller one.
   */
  private checkMax(value: Value | undefined): Value | undefined {
    if (!value) return value;
    const key = value.kind === 'number' ? 'cpus' : value.kind;
    const cap = key === 'cpus' || key === 'memory' ? this.caps[key] : this.caps.time;
    const limit = cap?.value;
    if (limit === undefined) return value;
    // Caps are in the model's units: seconds for time, whole bytes for memory.
    if (value.n <= limit) return value;
    this.capped = cap;
    return { kind: value.kind, n: limit };
  }

  /** `task.attempt`, `check_max(x, 'memory')`, `Math.min(a, b)`, `Math.max(a, b)`. */
  private identifier(name: string): Value | undefined {
    if (name === 'task' && this.accept('.')) {
      const field = this.peek();
      this.i += 1;
      return field?.value === 'attempt' ? { kind: 'number', n: 1 } : undefined;
    }
    let fn = name;
    if (name === 'Math' && this.accept('.')) {
      fn = `Math.${this.peek()?.value ?? ''}`;
      this.i += 1;
    }
    if (!this.accept('(')) return undefined;
    const args: (Value | undefined)[] = [this.expression()];
    while (this.accept(',')) {
      // Non-numeric arguments (check_max's 'memory') are read and kept as undefined.
      const start = this.i;
      args.push(this.expression());
      if (this.i === start) this.i += 1;
    }
    if (!this.accept(')')) return undefined;
    const [a, b] = args;
    if (fn === 'check_max') return this.checkMax(a);
    if ((fn === 'Math.min' || fn === 'Math.max') && a && b && a.kind === b.kind) {
      return { kind: a.kind, n: fn === 'Math.min' ? Math.min(a.n, b.n) : Math.max(a.n, b.n) };
    }
    return undefined;
  }
}

function combine(
  a: Value | undefined,
  b: Value | undefined,
  op: (x: number, y: number) => number,
  mode: 'add' | 'scale',
): Value | undefined {
  if (!a || !b) return undefined;
  if (mode === 'add') return a.kind === b.kind ? { kind: a.kind, n: op(a.n, b.n) } : undefined;
  if (b.kind === 'number') return { kind: a.kind, n: op(a.n, b.n) };
  if (a.kind === 'number') return { kind: b.kind, n: op(a.n, b.n) };
  return undefined;
}

/** Converts an evaluated value to the model's unit for one directive. */
export function settingValue(key: ResourceKey, value: Value | undefined): number | undefined {
  if (!value || !Number.isFinite(value.n) || value.n < 0) return undefined;
  switch (key) {
    case 'cpus':
    case 'accelerator':
      return value.kind === 'number' ? Math.round(value.n) : undefined;
    case 'memory':
      return value.kind === 'memory' ? Math.round(value.n) : undefined;
    case 'time':
      // A bare number is milliseconds in Nextflow.
      if (value.kind === 'duration') return Math.round(value.n);
      return value.kind === 'number' ? Math.round(value.n / 1000) : undefined;
  }
}

/** nf-core's standard label table (the pipeline template's conf/base.config). */
export function nfCoreDefaultConfig(): ProcessConfig {
  const GB = 1024 ** 3;
  const H = 3600;
  const s = (value: number): Setting => ({
    value,
    file: '',
    span: { line: 1, column: 1, endLine: 1, endColumn: 1 },
  });
  const label = (name: string, settings: Settings): Selector => ({
    kind: 'label',
    pattern: new RegExp(`^${name}$`),
    negate: false,
    settings,
  });
  return {
    defaults: {},
    limits: {},
    selectors: [
      label('process_single', { cpus: s(1), memory: s(6 * GB), time: s(4 * H) }),
      label('process_low', { cpus: s(2), memory: s(12 * GB), time: s(4 * H) }),
      label('process_medium', { cpus: s(6), memory: s(36 * GB), time: s(8 * H) }),
      label('process_high', { cpus: s(12), memory: s(72 * GB), time: s(16 * H) }),
      label('process_long', { time: s(20 * H) }),
      label('process_high_memory', { memory: s(200 * GB) }),
      label('process_gpu', { accelerator: s(1) }),
    ],
  };
}

/** A selector pattern as Nextflow reads it: a full-match regular expression, `!` negates. */
function selectorPattern(raw: string): { pattern: RegExp; negate: boolean } | undefined {
  const negate = raw.startsWith('!');
  const body = negate ? raw.slice(1) : raw;
  try {
    return { pattern: new RegExp(`^(?:${body})$`), negate };
  } catch {
    return undefined;
  }
}

/** Where the settings of one scope go: its selectors, and `resourceLimits`. */
interface ScopeSink {
  selectors: Selector[];
  limits: Settings;
}

function settingsOf(
  tokens: readonly Token[],
  from: number,
  to: number,
  text: ConfigText,
  caps: Caps,
  sink: ScopeSink | undefined,
): Settings {
  const settings: Settings = {};
  for (const st of statements(tokens, from, to)) {
    const head = st[0];
    if (!head || head.kind !== 'ident') continue;
    // withLabel:process_low { … } / withName:'FOO|BAR' { … }
    if ((head.value === 'withLabel' || head.value === 'withName') && st[1]?.value === ':' && sink) {
      const open = st.findIndex((t) => t.kind === 'punct' && t.value === '{');
      if (open < 0) continue;
      const raw = st
        .slice(2, open)
        .map((t) => t.value)
        .join('');
      const parsed = selectorPattern(raw);
      const openIndex = tokens.indexOf(st[open] as Token);
      const closeIndex = tokens.indexOf(st[st.length - 1] as Token);
      if (!parsed || openIndex < 0 || closeIndex < 0) continue;
      sink.selectors.push({
        kind: head.value === 'withLabel' ? 'label' : 'name',
        ...parsed,
        settings: settingsOf(tokens, openIndex + 1, closeIndex, text, caps, undefined),
      });
      continue;
    }
    if (head.value === 'resourceLimits' && st[1]?.value === '=' && sink) {
      Object.assign(sink.limits, resourceLimits(st, text));
      continue;
    }
    const key = head.value as ResourceKey;
    if (!RESOURCE_KEYS.includes(key) || st[1]?.value !== '=') continue;
    Object.assign(settings, { [key]: setting(key, st.slice(2), head, st, text, caps) });
  }
  return settings;
}

/**
 * One directive's setting. An unknown value still overrides: the setting is then unknown, not the
 * one it replaces. A value `check_max` lowered is set where the cap is (`params.max_memory`).
 */
function setting(
  key: ResourceKey,
  value: readonly Token[],
  head: Token,
  st: readonly Token[],
  text: ConfigText,
  caps: Caps,
): Setting {
  const { value: evaluated, capped } = evaluateCapped(value, caps);
  if (capped) return capped;
  const last = st[st.length - 1] as Token;
  return {
    value: settingValue(key, evaluated),
    file: text.file,
    span: text.mapper.span(head.start, last.end),
  };
}

/** `resourceLimits = [cpus: 24, memory: 768.GB, time: 72.h]`, each located at the statement. */
function resourceLimits(st: readonly Token[], text: ConfigText): Settings {
  const limits: Settings = {};
  const open = st.findIndex((t) => t.kind === 'punct' && t.value === '[');
  if (open < 0) return limits;
  const close = matchingClose(st, open);
  const span = text.mapper.span((st[0] as Token).start, (st[close] as Token).end);
  const entries = statements(
    st.map((t) => (t.kind === 'punct' && t.value === ',' ? { ...t, value: ';' } : t)),
    open + 1,
    close,
  );
  for (const entry of entries) {
    const key = entry[0]?.value;
    if (key !== 'cpus' && key !== 'memory' && key !== 'time') continue;
    if (entry[1]?.value !== ':') continue;
    const value = settingValue(key, evaluate(entry.slice(2)));
    if (value !== undefined) limits[key] = { value, file: text.file, span };
  }
  return limits;
}

/**
 * Throws GroovySyntaxError at the first bracket that does not close (or closes the wrong one), so
 * a config file is refused as a whole before any of it is read.
 */
export function checkBrackets(tokens: readonly Token[]): void {
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (t.value === '{' || t.value === '(' || t.value === '[') i = matchingClose(tokens, i);
    else if (t.value === '}' || t.value === ')' || t.value === ']')
      throw new GroovySyntaxError(`found ${t.value} with nothing open`, t.start);
  }
}

/** One file of a pipeline's configuration, read. */
export interface ConfigText {
  /** Repository-relative, as findings name it. */
  file: string;
  tokens: Token[];
  mapper: OffsetMapper;
}

/**
 * The file `includeConfig 'path'` names, relative to the file `from` that includes it, read —
 * or undefined when it cannot be (missing, outside the repository, already read, unparsable: the
 * loader reports what it must).
 */
export type ConfigLoader = (path: string, from: ConfigText) => ConfigText | undefined;

/** A block of `process` or `params` settings, or one dotted setting, in reading order. */
interface ConfigPart {
  scope: 'process' | 'params';
  text: ConfigText;
  /** Token range of the block's body, or of one `process.x = …` statement without its prefix. */
  from: number;
  to: number;
}

/**
 * The `process` configuration of a pipeline from its main config file (`nextflow.config`) and the
 * files it includes, in Nextflow's reading order. `profiles { … }` are skipped: a profile applies
 * only when the run chooses it.
 */
export function readProcessConfig(main: ConfigText, load: ConfigLoader): ProcessConfig {
  const parts: ConfigPart[] = [];
  collectParts(main, load, parts, 0);
  const caps = paramCaps(parts);
  const config: ProcessConfig = { defaults: {}, selectors: [], limits: {} };
  for (const part of parts) {
    if (part.scope !== 'process') continue;
    const sink = { selectors: config.selectors, limits: config.limits };
    const { tokens } = part.text;
    Object.assign(config.defaults, settingsOf(tokens, part.from, part.to, part.text, caps, sink));
  }
  return config;
}

/** Includes nest at most this deep (a file including itself is read once anyway). */
const MAX_INCLUDE_DEPTH = 16;

function collectParts(
  text: ConfigText,
  load: ConfigLoader,
  parts: ConfigPart[],
  depth: number,
): void {
  const { tokens } = text;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    if (t.kind === 'punct' && (t.value === '{' || t.value === '(' || t.value === '[')) {
      // Any other block (manifest, docker, a function body): nothing of ours inside.
      i = matchingClose(tokens, i);
      continue;
    }
    if (t.kind !== 'ident') continue;
    if ((t.value === 'process' || t.value === 'params') && next?.value === '{') {
      const close = matchingClose(tokens, i + 1);
      parts.push({ scope: t.value, text, from: i + 2, to: close });
      i = close;
    } else if (t.value === 'profiles' && next?.value === '{') {
      i = matchingClose(tokens, i + 1);
    } else if (
      (t.value === 'process' || t.value === 'params') &&
      next?.value === '.' &&
      tokens[i + 2]?.kind === 'ident'
    ) {
      const end = statementEnd(tokens, i);
      parts.push({ scope: t.value, text, from: i + 2, to: end });
      i = end - 1;
    } else if (t.value === 'includeConfig' && next?.kind === 'string') {
      // A path built at run time (`"${params.custom_config_base}/…"`) is not followed.
      const path = includePath(next);
      const included =
        path !== undefined && depth < MAX_INCLUDE_DEPTH ? load(path, text) : undefined;
      if (included) collectParts(included, load, parts, depth + 1);
      i += 1;
    }
  }
}

/** An include's path: a plain string, or one that names only `${projectDir}` (or `baseDir`). */
function includePath(token: Token): string | undefined {
  if (!token.interpolated) return token.value;
  let path = '';
  for (const segment of token.segments ?? []) {
    if ('text' in segment) path += segment.text;
    else if (/^\s*(projectDir|baseDir)\s*$/.test(segment.code))
      path += `\${${segment.code.trim()}}`;
    else return undefined;
  }
  return path;
}

/** The index just past the statement starting at `from`: its line's end, brackets included. */
function statementEnd(tokens: readonly Token[], from: number): number {
  for (let i = from; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && (t.value === '{' || t.value === '(' || t.value === '['))
      i = matchingClose(tokens, i);
    else if (t.kind === 'newline' || (t.kind === 'punct' && t.value === ';')) {
      const last = tokens[i - 1];
      const continues =
        last?.kind === 'punct' && ['=', '+', '-', '*', '?', ':', ','].includes(last.value);
      if (!continues) return i;
    }
  }
  return tokens.length;
}

const CAP_PARAMS = { max_cpus: 'cpus', max_memory: 'memory', max_time: 'time' } as const;

/** `params.max_cpus`, `max_memory`, `max_time`: what `check_max` caps at (the last setting wins). */
function paramCaps(parts: readonly ConfigPart[]): Caps {
  const caps: Caps = {};
  for (const part of parts) {
    if (part.scope !== 'params') continue;
    for (const st of statements(part.text.tokens, part.from, part.to)) {
      const name = st[0]?.value;
      if (!name || !(name in CAP_PARAMS) || st[1]?.value !== '=') continue;
      const key = CAP_PARAMS[name as keyof typeof CAP_PARAMS];
      const last = st[st.length - 1] as Token;
      caps[key] = {
        value: settingValue(key, evaluate(st.slice(2))),
        file: part.text.file,
        span: part.text.mapper.span((st[0] as Token).start, last.end),
      };
    }
  }
  return caps;
}
