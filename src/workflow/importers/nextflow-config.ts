/**
 * The parts of Nextflow configuration that decide a process's resources: the `process` scope of
 * `conf/base.config` (defaults, `withLabel:` and `withName:` selectors) and a small evaluator for
 * the values nf-core writes there (`{ 6.GB * task.attempt }`, `check_max(…)`, `'8 GB'`, `2.h`),
 * evaluated for the first attempt.
 */
import type { Span } from '../../common/findings.js';
import {
  GroovySyntaxError,
  matchingClose,
  statements,
  tokenizeGroovy,
  type Token,
} from './groovy.js';
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
}

type Value = { kind: 'number' | 'memory' | 'duration'; n: number };

/**
 * Evaluates a resource expression (a closure body or a plain value) for `task.attempt == 1`. A
 * ternary is evaluated only when its condition is (`task.attempt > 1 ? 12.GB : 6.GB`); one that
 * depends on parameters or the profile (`params.gpu ? 1 : null`) is unknown, not its first branch.
 */
export function evaluate(tokens: readonly Token[]): Value | undefined {
  let body = tokens.filter((t) => t.kind !== 'newline');
  if (body[0]?.value === '{' && body[body.length - 1]?.value === '}') body = body.slice(1, -1);
  const branch = ternaryBranch(body);
  if (branch === undefined) return undefined;
  const parser = new ExpressionParser(branch);
  const value = parser.expression();
  return parser.done() ? value : undefined;
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
  constructor(private readonly tokens: Token[]) {}

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
    let left = this.factor();
    for (;;) {
      if (this.accept('*')) left = combine(left, this.factor(), (a, b) => a * b, 'scale');
      else if (this.accept('/')) left = combine(left, this.factor(), (a, b) => a / b, 'scale');
      else return left;
    }
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
    if (fn === 'check_max') return a;
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

function settingsOf(
  tokens: readonly Token[],
  from: number,
  to: number,
  file: string,
  mapper: OffsetMapper,
  selectors: Selector[] | undefined,
): Settings {
  const settings: Settings = {};
  for (const st of statements(tokens, from, to)) {
    const head = st[0];
    if (!head || head.kind !== 'ident') continue;
    // withLabel:process_low { … } / withName:'FOO|BAR' { … }
    if (
      (head.value === 'withLabel' || head.value === 'withName') &&
      st[1]?.value === ':' &&
      selectors
    ) {
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
      selectors.push({
        kind: head.value === 'withLabel' ? 'label' : 'name',
        ...parsed,
        settings: settingsOf(tokens, openIndex + 1, closeIndex, file, mapper, undefined),
      });
      continue;
    }
    const key = head.value as ResourceKey;
    if (!RESOURCE_KEYS.includes(key) || st[1]?.value !== '=') continue;
    const value = settingValue(key, evaluate(st.slice(2)));
    const last = st[st.length - 1] as Token;
    // An unknown value still overrides: the setting is then unknown, not the one it replaces.
    settings[key] = { value, file, span: mapper.span(head.start, last.end) };
  }
  return settings;
}

/**
 * Reads the `process { … }` scopes of a Nextflow config file. Throws GroovySyntaxError when the
 * text does not tokenize or its brackets do not balance.
 */
export function parseProcessConfig(
  text: string,
  file: string,
  mapper: OffsetMapper,
): ProcessConfig {
  const tokens = tokenizeGroovy(text);
  const config: ProcessConfig = { defaults: {}, selectors: [] };
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (t?.kind === 'ident' && t.value === 'process' && tokens[i + 1]?.value === '{') {
      const close = matchingClose(tokens, i + 1);
      Object.assign(
        config.defaults,
        settingsOf(tokens, i + 2, close, file, mapper, config.selectors),
      );
      i = close;
    }
  }
  return config;
}

export function isGroovySyntaxError(e: unknown): e is GroovySyntaxError {
  return e instanceof GroovySyntaxError;
}
