/**
 * A SourceLocator for imported workflows. Importers read several files (main.nf, environment.yml,
 * a Snakefile, CWL tools) and record, while parsing, where each node of the stowage-shaped model
 * came from; rules then point into the original files exactly as they do for a stowage spec.
 */
import type { Span } from '../../common/findings.js';
import type { Location, NodePath, SourceLocator } from '../model.js';

interface Recorded {
  value: Location;
  key?: Location;
}

function pathKey(path: NodePath): string {
  return JSON.stringify(path);
}

export class RecordedSource implements SourceLocator {
  private readonly texts = new Map<string, string>();
  private readonly lineCache = new Map<string, string[]>();
  private readonly nodes = new Map<string, Recorded>();

  /** `mainFile` answers for any path nothing more specific was recorded for. */
  constructor(private readonly mainFile: string) {}

  addFile(file: string, text: string): void {
    this.texts.set(file, text);
    this.lineCache.delete(file);
  }

  /** Records where a node is; `key` is the span of its name (a step's name, a directive). */
  record(path: NodePath, value: Location, key?: Location): void {
    this.nodes.set(pathKey(path), key ? { value, key } : { value });
  }

  /** True when `path` itself (not an ancestor) was recorded. */
  has(path: NodePath): boolean {
    return this.nodes.has(pathKey(path));
  }

  locate(path: NodePath, part: 'key' | 'value' = 'value'): Location {
    for (let n = path.length; n >= 0; n -= 1) {
      const hit = this.nodes.get(pathKey(path.slice(0, n)));
      if (hit) return part === 'key' ? (hit.key ?? hit.value) : hit.value;
    }
    return { file: this.mainFile, span: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
  }

  lineText(file: string, line: number): string | undefined {
    let lines = this.lineCache.get(file);
    if (!lines) {
      const text = this.texts.get(file);
      if (text === undefined) return undefined;
      lines = text.split(/\r?\n/);
      this.lineCache.set(file, lines);
    }
    return lines[line - 1];
  }

  files(): ReadonlyMap<string, string> {
    return this.texts;
  }
}

/** Converts 0-based offsets in `text` to 1-based line/column spans (endColumn exclusive). */
export class OffsetMapper {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  span(start: number, end: number): Span {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}
