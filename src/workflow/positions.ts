/**
 * Where each node of a YAML document sits in its text, as a small tree of character ranges.
 *
 * A spec is read by js-yaml, whose parse events give every node's range as it is built: on a
 * 100,000-step spec that is ~15× faster and a tenth of the memory of the `yaml` package's full
 * Document (37 s and 2.5 GB here). `yaml` stays the reader of record for everything js-yaml's fast
 * path does not take (syntax errors, duplicate keys, aliases): `positionsOfDocument` gives the same
 * tree from its Document, so locating findings is one code path.
 */
import { CORE_SCHEMA, load, type Schema, type State, type Type } from 'js-yaml';
import * as jsYaml from 'js-yaml';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';

/** A node's range [start, end) and, for collections, its children. */
export interface PositionNode {
  start: number;
  end: number;
  /** The key's range, when the node is the value of a mapping entry. */
  key?: [number, number];
  /** A mapping's values by key (the first of a repeated key). */
  entries?: Map<string, PositionNode>;
  /** A sequence's items. */
  items?: PositionNode[];
  /** Children not kept: `unfold` reads them again from the text. */
  folded?: boolean;
}

/** YAML 1.2's core schema with merge keys (`<<`), as the `yaml` package reads a spec. */
const SCHEMA: Schema = CORE_SCHEMA.extend({
  implicit: [(jsYaml as unknown as { types: { merge: Type } }).types.merge],
});

/** A node while it is read: its children, and for a scalar its value (a key names its entry). */
interface Event {
  start: number;
  end: number;
  /** Where its last child ended: a block collection ends there, not after the comments below. */
  lastEnd: number;
  kind: string | null;
  value?: unknown;
  children: Event[];
  node?: PositionNode;
}

/**
 * Nodes deeper than this keep only their own range: a spec's third level (a step's fields) is
 * read again from the step's text when a finding points into it. On a 100,000-step spec a full
 * tree costs four times the data itself; a step's text is read again in microseconds.
 */
const FOLD_DEPTH = 2;

/**
 * Texts js-yaml reads otherwise than `yaml` does, left to `yaml` whole: a lone CR (js-yaml ends a
 * comment there), a directive (`%YAML 1.1` changes the schema), an explicit `? key`.
 */
const LEFT_TO_YAML = /\r(?!\n)|^%|^[ \t-]*\?(?:[ \t]|$)/m;

/** A plain scalar YAML 1.2's core schema reads as a number (`yaml`'s patterns). */
const CORE_NUMBER =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** The longest implicit key YAML allows (`yaml` refuses longer ones). */
const MAX_KEY_LENGTH = 1024;

/**
 * The data of a YAML document and its positions, or undefined when the document is one js-yaml
 * cannot read or might read differently from `yaml` — aliases (left to `yaml`, which bounds their
 * expansion), tags, null or collection keys, number forms outside the core schema, and the texts
 * of LEFT_TO_YAML — so that the two readers never disagree on a document this one accepts.
 */
export function readWithPositions(
  text: string,
  options: { fold?: boolean } = {},
): { data: unknown; root: PositionNode | undefined } | undefined {
  if (LEFT_TO_YAML.test(text)) return undefined;
  const foldDepth = options.fold === false ? Infinity : FOLD_DEPTH;
  const open: Event[] = [{ start: 0, end: 0, lastEnd: 0, kind: null, children: [] }];
  let leftToYaml = false;
  // js-yaml drops a byte-order mark and appends a final line break: offsets are into its copy.
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const offset = (position: number): number => Math.min(position + shift, text.length);
  const listener = (type: 'open' | 'close', state: State): void => {
    if (type === 'open') {
      const at = offset(state.position);
      open.push({ start: at, end: at, lastEnd: at, kind: null, children: [] });
      return;
    }
    const event = open.pop()!;
    const depth = open.length - 1;
    const end = offset(state.position);
    const start = skipProperties(text, skipBlank(text, event.start, end), end);
    // An empty value stays where it was opened (after its key's colon), as `yaml` places it.
    if (start < end) event.start = start;
    event.end = Math.max(event.start, end);
    event.kind = (state.kind as string | null) ?? null;
    const first = text.charCodeAt(event.start);
    if (first === 0x2a /* * alias */ || first === 0x21 /* ! tag */) leftToYaml = true;
    if (event.kind === 'scalar') {
      event.value = state.result;
      if (readsOtherwise(text, event)) leftToYaml = true;
    } else if (event.kind === 'mapping' || event.kind === 'sequence') {
      if (followedByColon(text, event.end)) leftToYaml = true; // a collection as a key
      // A flow collection over several lines: `yaml` checks its indentation, js-yaml does not.
      if ((first === 0x5b || first === 0x7b) && text.lastIndexOf('\n', event.end - 1) > event.start)
        leftToYaml = true;
      event.node = collect(text, event, depth >= foldDepth, state.result);
      if (!event.node) leftToYaml = true;
    }
    event.children = [];
    const parent = open[open.length - 1]!;
    parent.lastEnd = event.node?.end ?? event.end;
    if (depth <= foldDepth) parent.children.push(event);
  };
  let data: unknown;
  try {
    data = load(text, { schema: SCHEMA, listener });
  } catch {
    return undefined;
  }
  if (leftToYaml) return undefined;
  const top = open[0]!.children.at(-1);
  if (!top || data === null || data === undefined) return { data, root: undefined };
  return { data, root: top.node ?? { start: top.start, end: top.end } };
}

/** Whether `yaml` would read this scalar otherwise: as another number or string, or as a key it
 * names differently (null) or refuses (over 1024 characters). */
function readsOtherwise(text: string, event: Event): boolean {
  const { value, start, end } = event;
  if (end > start && followedByColon(text, end)) {
    if (value === null || end - start > MAX_KEY_LENGTH) return true;
  }
  const c = text.charCodeAt(start);
  const maybeNumber = c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39); // + - . 0-9
  if (typeof value === 'number') return !CORE_NUMBER.test(text.slice(start, end).trimEnd());
  if (typeof value === 'string' && maybeNumber)
    return CORE_NUMBER.test(text.slice(start, end).trimEnd());
  return false;
}

/** Past an anchor (`&name`) before a node: a node's range starts at its content, as in `yaml`. */
function skipProperties(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) === 0x26 /* & */) {
    while (i < to && !/\s/.test(text[i]!)) i += 1;
    i = skipBlank(text, i, to);
  }
  return i;
}

/** A collection's tree from the events of its children (none when folded). */
function collect(
  text: string,
  event: Event,
  folded: boolean,
  result: unknown,
): PositionNode | undefined {
  // A flow collection where a block key could start is read as a would-be key and kept.
  const only = event.children.length === 1 ? event.children[0] : undefined;
  if (only?.node && only.kind === event.kind && only.start === event.start) return only.node;
  const node: PositionNode = { start: event.start, end: event.end };
  const flow = text.charCodeAt(event.start) === 0x5b || text.charCodeAt(event.start) === 0x7b; // [ {
  if (!flow && event.lastEnd > event.start) node.end = event.lastEnd;
  if (folded) {
    node.folded = true;
    return node;
  }
  const leaf = (e: Event): PositionNode => e.node ?? { start: e.start, end: e.end };
  if (event.kind === 'sequence') {
    // An empty item (`-` alone) has no event of its own: its place cannot be told.
    if (event.children.length !== (result as unknown[]).length) return undefined;
    node.items = event.children.map(leaf);
    return node;
  }
  // A mapping's children are its keys, each followed by its value unless the value is empty:
  // a key is the scalar that a colon follows.
  const entries = new Map<string, PositionNode>();
  const children = event.children;
  for (let i = 0; i < children.length; i += 1) {
    const key = children[i]!;
    if (key.kind !== 'scalar' || !followedByColon(text, key.end)) continue;
    const next = children[i + 1];
    const isValue = next && !(next.kind === 'scalar' && followedByColon(text, next.end));
    const name = String(key.value);
    const value: PositionNode = isValue ? leaf(next) : { start: key.start, end: key.end };
    value.key = [key.start, key.end];
    if (!entries.has(name)) entries.set(name, value);
    if (isValue) i += 1;
  }
  // Every key found, unless merge keys add some (a key-only flow entry `{a}` is not found).
  if (!entries.has('<<') && entries.size !== Object.keys(result as object).length) return undefined;
  node.entries = entries;
  return node;
}

/**
 * A folded node's children: its own text read again, at the same columns (what precedes it on
 * its first line — indentation, a key, `- ` — becomes spaces), with offsets into the whole text.
 */
export function unfold(text: string, node: PositionNode): PositionNode | undefined {
  const anchor = node.key?.[0] ?? node.start;
  const lineStart = text.lastIndexOf('\n', anchor - 1) + 1;
  const slice = ' '.repeat(anchor - lineStart) + text.slice(anchor, node.end);
  let root = readWithPositions(slice, { fold: false })?.root;
  if (!root) {
    const document = parseDocument(slice, { uniqueKeys: false, merge: true });
    if (document.errors.length === 0) root = positionsOfDocument(document);
  }
  if (root && node.key) root = root.entries?.values().next().value;
  if (!root) return undefined;
  const moved = shifted(root, lineStart);
  moved.key = node.key;
  return moved;
}

function shifted(node: PositionNode, by: number): PositionNode {
  const out: PositionNode = { start: node.start + by, end: node.end + by };
  if (node.key) out.key = [node.key[0] + by, node.key[1] + by];
  if (node.items) out.items = node.items.map((n) => shifted(n, by));
  if (node.entries) out.entries = new Map([...node.entries].map(([k, n]) => [k, shifted(n, by)]));
  return out;
}

function skipBlank(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i += 1;
    else if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? to : Math.min(eol + 1, to);
    } else break;
  }
  return i;
}

function followedByColon(text: string, from: number): boolean {
  let i = from;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i += 1;
  return text.charCodeAt(i) === 0x3a; /* : */
}

/** The same tree from a `yaml` Document (aliases point at what they name). */
export function positionsOfDocument(document: Document): PositionNode | undefined {
  const done = new Map<Node, PositionNode>();
  const convert = (value: unknown): PositionNode | undefined => {
    const node = (isAlias(value) ? value.resolve(document) : value) as Node | undefined | null;
    if (!node?.range) return undefined;
    const known = done.get(node);
    if (known) return known;
    const out: PositionNode = { start: node.range[0], end: node.range[1] };
    done.set(node, out);
    if (isSeq(node)) {
      out.items = node.items.map((item) => convert(item) ?? { start: out.start, end: out.start });
    } else if (isMap(node)) {
      out.entries = new Map();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const name = String(isScalar(keyNode) ? keyNode.value : keyNode);
        if (out.entries.has(name)) continue;
        const keyRange = keyNode?.range;
        const converted = convert(pair.value);
        const entry: PositionNode = converted
          ? { ...converted }
          : { start: keyRange?.[0] ?? out.start, end: keyRange?.[1] ?? out.start };
        if (keyRange) entry.key = [keyRange[0], keyRange[1]];
        out.entries.set(name, entry);
      }
    }
    return out;
  };
  return convert(document.contents);
}

/** Line starts of a text, for turning offsets into lines and columns without splitting it. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1))
      this.starts.push(i + 1);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }

  /** A line's text (1-based) without its line break. */
  line(n: number): string | undefined {
    const start = this.starts[n - 1];
    if (start === undefined) return undefined;
    const next = this.starts[n];
    const raw = this.text.slice(start, next === undefined ? undefined : next - 1);
    return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }
}
