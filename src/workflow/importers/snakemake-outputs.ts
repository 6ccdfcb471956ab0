/**
 * Snakemake file patterns and the index that wires a workflow by them. Wildcards are matched
 * against each other, never evaluated: `results/{sample}.bam` may be the file
 * `results/A.bam`, and the input `results/{s}.bam` the output `results/{sample}.bam`.
 *
 * Snakemake makes a file with the first rule (in order) whose output pattern matches it. Comparing
 * each input with every rule's outputs is quadratic (10,000 chained rules took 224 s), so outputs
 * are indexed: exact paths in a map; patterns filed in a tree of folders under the folder of
 * their literal prefix (the text before the first wildcard). An input is then compared only with
 * the patterns on its own folder path, and, when it has wildcards itself, with the outputs below
 * its folder — each search in rule order, stopping at the first match.
 */

const WILDCARD = /\{[^{}]*\}/;
/** Stands for a wildcard in a pattern compared with another pattern: no file name has it. */
const SENTINEL = '\u0001';

/** A pattern taken apart once: what every comparison needs. */
interface Shape {
  /** Without wildcards: a file path, compared by equality. */
  literal: boolean;
  /** The text before the first wildcard, and after the last. */
  prefix: string;
  suffix: string;
  /** The pattern with each wildcard replaced by SENTINEL. */
  sentinel: string;
  /** Matches the files the pattern stands for (each wildcard: one character or more). */
  regex: RegExp;
}

function shapeOf(pattern: string): Shape {
  const parts = pattern.split(new RegExp(WILDCARD, 'g'));
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return {
    literal: parts.length === 1,
    prefix: parts[0]!,
    suffix: parts[parts.length - 1]!,
    sentinel: parts.join(SENTINEL),
    regex: new RegExp(`^${escaped.join('.+')}$`, 's'),
  };
}

/** True when a file matching `a` could be a file matching `b`: wildcards on either side. */
export function patternsMatch(a: string, b: string): boolean {
  return shapesMatch(shapeOf(a), shapeOf(b));
}

function shapesMatch(a: Shape, b: Shape): boolean {
  if (a.literal && b.literal) return a.sentinel === b.sentinel;
  return b.regex.test(a.sentinel) || a.regex.test(b.sentinel);
}

/**
 * A cheap test that two patterns cannot match: their literal ends disagree. (One end must extend
 * the other: a wildcard matches no literal character of the other side's SENTINEL form.)
 */
function endsAgree(a: Shape, b: Shape): boolean {
  const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
  return prefixes && (a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix));
}

/** The folders of a pattern's literal prefix: `results/sorted/{s}.bam` → results, sorted. */
function folderNames(shape: Shape): string[] {
  const literal = shape.literal ? shape.sentinel : shape.prefix;
  return literal.split('/').slice(0, -1);
}

interface Entry<T> {
  shape: Shape;
  producer: T;
  /** Rule order, then output order: of two matching outputs, the lower wins. */
  order: number;
}

interface Folder<T> {
  children: Map<string, Folder<T>>;
  /** Outputs with wildcards whose literal prefix ends in this folder, in order. */
  patterns: Entry<T>[];
  /** Exact outputs in this folder, in order. */
  paths: Entry<T>[];
  /** The lowest order of any output in this folder or below. */
  first: number;
}

const newFolder = <T>(first: number): Folder<T> => ({
  children: new Map(),
  patterns: [],
  paths: [],
  first,
});

/**
 * Output patterns compared with one input before the search gives up on finding the first rule
 * that makes it: only crafted workflows (thousands of patterns on one folder path, none
 * matching) reach it.
 */
export const MAX_COMPARED = 5_000;

/** The outputs of a workflow's rules, to find the rule that makes an input. */
export class OutputIndex<T> {
  private readonly exact = new Map<string, Entry<T>>();
  private readonly root = newFolder<T>(Infinity);
  private count = 0;
  /** Inputs whose search reached MAX_COMPARED: the maker found may not be the first. */
  gaveUp = 0;

  /** Adds an output; outputs are added in rule order. */
  add(pattern: string, producer: T): void {
    const entry: Entry<T> = { shape: shapeOf(pattern), producer, order: this.count };
    this.count += 1;
    let folder = this.root;
    folder.first = Math.min(folder.first, entry.order);
    for (const name of folderNames(entry.shape)) {
      let child = folder.children.get(name);
      if (!child) folder.children.set(name, (child = newFolder(entry.order)));
      folder = child;
      folder.first = Math.min(folder.first, entry.order);
    }
    if (entry.shape.literal) {
      folder.paths.push(entry);
      if (!this.exact.has(pattern)) this.exact.set(pattern, entry);
    } else {
      folder.patterns.push(entry);
    }
  }

  /** The producer of the first output (in rule order) that `pattern` may be a file of. */
  find(pattern: string): T | undefined {
    const search = new Search<T>(shapeOf(pattern), this.exact.get(pattern));
    // Patterns on the input's folder path: their literal prefix may begin the input's.
    let folder: Folder<T> | undefined = this.root;
    search.among(folder.patterns);
    for (const name of folderNames(search.shape)) {
      folder = folder.children.get(name);
      if (!folder) break;
      search.among(folder.patterns);
    }
    // An input with wildcards may also be any output below its folder: exact paths included.
    if (folder && !search.shape.literal) {
      search.among(folder.paths);
      for (const child of folder.children.values()) search.below(child);
    }
    if (search.gaveUp) this.gaveUp += 1;
    return search.best?.producer;
  }
}

/** One input's search: the best (lowest-order) match so far, and the comparisons made. */
class Search<T> {
  compared = 0;
  gaveUp = false;

  constructor(
    readonly shape: Shape,
    public best: Entry<T> | undefined,
  ) {}

  /** Compares the entries of one list (in order) until one matches or cannot win. */
  among(entries: Entry<T>[]): void {
    for (const entry of entries) {
      if (this.best && entry.order >= this.best.order) return;
      if (this.compared >= MAX_COMPARED) {
        this.gaveUp = true;
        return;
      }
      this.compared += 1;
      if (endsAgree(this.shape, entry.shape) && shapesMatch(this.shape, entry.shape)) {
        this.best = entry;
        return;
      }
    }
  }

  /** Every output in `folder` and below, skipping folders whose outputs all come too late. */
  below(folder: Folder<T>): void {
    const pending = [folder];
    for (let next = pending.pop(); next; next = pending.pop()) {
      if (this.gaveUp || (this.best && next.first >= this.best.order)) continue;
      this.among(next.patterns);
      this.among(next.paths);
      for (const child of next.children.values()) pending.push(child);
    }
  }
}
