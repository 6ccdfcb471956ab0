/**
 * Source positions for YAML documents: maps a node path (`['steps', 'train', 'inputs', 0]`) to the
 * exact span of that node, or of its mapping key, in the file it was read from.
 */
import type { LineCounter } from 'yaml';
import type { Span } from '../common/findings.js';
import type { Location, NodePath, SourceLocator } from './model.js';
import { LineIndex, unfold, type PositionNode } from './positions.js';

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
  private readonly lineIndex: LineIndex;
  private readonly unfoldedNodes = new Map<PositionNode, PositionNode>();

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly root: PositionNode | undefined,
  ) {
    this.lineIndex = new LineIndex(text);
  }

  locate(path: NodePath, part: 'key' | 'value' = 'value'): Location {
    let node = this.root;
    let key: [number, number] | undefined;
    for (const segment of path) {
      if (node?.folded) node = this.unfolded(node);
      const next =
        typeof segment === 'number' && node?.items
          ? node.items[segment]
          : node?.entries?.get(String(segment));
      if (!next) break;
      node = next;
      key = next.key;
    }
    const range: [number, number] | undefined =
      part === 'key' && key ? key : node ? [node.start, node.end] : key;
    if (!range) return { file: this.file, span: this.documentStart() };
    let end = trimmedEnd(this.text, range[0], range[1]);
    if (part === 'key' && !key) {
      // No key to point at (the document root, a list item): point at the node's first line.
      const lineEnd = this.text.indexOf('\n', range[0]);
      if (lineEnd !== -1) end = Math.min(end, trimmedEnd(this.text, range[0], lineEnd));
    }
    return { file: this.file, span: this.span(range[0], end) };
  }

  /** A folded node read again; the last few are kept, as findings come a step at a time. */
  private unfolded(node: PositionNode): PositionNode {
    let found = this.unfoldedNodes.get(node);
    if (!found) {
      if (this.unfoldedNodes.size >= 64) this.unfoldedNodes.clear();
      found = unfold(this.text, node) ?? { ...node, folded: false };
      this.unfoldedNodes.set(node, found);
    }
    return found;
  }

  lineText(file: string, line: number): string | undefined {
    return file === this.file ? this.lineIndex.line(line) : undefined;
  }

  files(): ReadonlyMap<string, string> {
    return new Map([[this.file, this.text]]);
  }

  private span(start: number, end: number): Span {
    const from = this.lineIndex.position(start);
    const to = this.lineIndex.position(Math.max(start, end));
    return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  }

  private documentStart(): Span {
    const first = this.lineIndex.line(1) ?? '';
    return { line: 1, column: 1, endLine: 1, endColumn: 1 + first.length };
  }
}
