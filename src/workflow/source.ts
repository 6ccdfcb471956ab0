/**
 * Source positions for YAML documents: maps a node path (`['steps', 'train', 'inputs', 0]`) to the
 * exact span of that node, or of its mapping key, in the file it was read from.
 */
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { Span } from '../common/findings.js';
import type { Location, NodePath, SourceLocator } from './model.js';

/** Span of the character range [start, end) in a file whose line starts `lineCounter` knows. */
export function spanOf(lineCounter: LineCounter, start: number, end: number): Span {
  const from = lineCounter.linePos(start);
  const to = lineCounter.linePos(Math.max(start, end));
  return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
}

/** The lines of a text, without their line breaks. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A range that ends at the last non-blank character (YAML block ranges include trailing newlines). */
function trimmedEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e -= 1;
  return e;
}

export class YamlSource implements SourceLocator {
  private readonly lines: string[];
  private readonly pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
  ) {
    this.lines = splitLines(text);
  }

  locate(path: NodePath, part: 'key' | 'value' = 'value'): Location {
    let node: unknown = this.document.contents;
    let key: Node | undefined;
    for (const segment of path) {
      const next = this.child(node, segment);
      if (!next) break;
      node = next.value;
      key = next.key;
    }
    const target = part === 'key' && key ? key : (node as Node | null);
    const range = target?.range ?? key?.range;
    if (!range) return { file: this.file, span: this.documentStart() };
    let end = trimmedEnd(this.text, range[0], range[1]);
    if (part === 'key' && !key) {
      // No key to point at (the document root, a list item): point at the node's first line.
      const lineEnd = this.text.indexOf('\n', range[0]);
      if (lineEnd !== -1) end = Math.min(end, trimmedEnd(this.text, range[0], lineEnd));
    }
    return { file: this.file, span: spanOf(this.lineCounter, range[0], end) };
  }

  lineText(file: string, line: number): string | undefined {
    return file === this.file ? this.lines[line - 1] : undefined;
  }

  files(): ReadonlyMap<string, string> {
    return new Map([[this.file, this.text]]);
  }

  /** The child of a map (by key) or a sequence (by index), with the key node when there is one. */
  private child(
    node: unknown,
    segment: string | number,
  ): { key?: Node; value: unknown } | undefined {
    const resolved = isAlias(node) ? node.resolve(this.document) : node;
    if (isMap(resolved)) {
      const pair = this.pairsOf(resolved).get(String(segment));
      if (!pair) return undefined;
      const k = pair.key as Node;
      const value = pair.value ?? k;
      return { key: k, value: isAlias(value) ? value.resolve(this.document) : value };
    }
    if (isSeq(resolved) && typeof segment === 'number') {
      const item = resolved.items[segment];
      if (item === undefined) return undefined;
      return { value: isAlias(item) ? item.resolve(this.document) : item };
    }
    return undefined;
  }

  /**
   * A mapping's pairs by key, built once per mapping: rules locate thousands of nodes, and a
   * linear scan of a 10,000-step `steps:` map per lookup would make reporting quadratic.
   */
  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let index = this.pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        if (!isPair(pair)) continue;
        const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (!index.has(name)) index.set(name, pair);
      }
      this.pairIndex.set(map, index);
    }
    return index;
  }

  private documentStart(): Span {
    return { line: 1, column: 1, endLine: 1, endColumn: 1 + (this.lines[0]?.length ?? 0) };
  }
}
