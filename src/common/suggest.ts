/**
 * "Did you mean" suggestions for misspelled names, shared by the loader and the lint rules.
 *
 * A misspelling is compared only with names of a length it could be a typo of (names are
 * bucketed by length), and the work is capped: per lookup and per budget (one budget may serve
 * every lookup of a lint rule). A spec with tens of thousands of misspelled references then costs
 * a bounded amount of work instead of every reference against every name; past the caps a
 * lookup suggests the closest name it met, or none.
 */

/** Table cells of edit distance one lookup may compute: about 1,000 comparisons of short names. */
export const WORK_PER_LOOKUP = 100_000;
/** Table cells one budget may compute over all its lookups: a fraction of a second. */
export const WORK_PER_BUDGET = 10_000_000;

/** The edit-distance work a group of lookups may still spend; past it, they suggest nothing. */
export class SuggestionBudget {
  constructor(private remaining = WORK_PER_BUDGET) {}

  /** Takes `cells` of work if that much is left. */
  take(cells: number): boolean {
    if (cells > this.remaining) return false;
    this.remaining -= cells;
    return true;
  }
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), so the commonest typos (`rnu` → `run`) are one edit away. Only distances up to
 * `max` are computed exactly (a band of the table around its diagonal); anything farther is
 * `max + 1`.
 */
export function editDistance(a: string, b: string, max = Math.max(a.length, b.length)): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const far = max + 1;
  // Three rows of the table: i - 2 (for swaps), i - 1 and i.
  let twoBack = rows.take(0, b.length + 1, far);
  let previous = rows.take(1, b.length + 1, far);
  let current = rows.take(2, b.length + 1, far);
  for (let j = 0; j <= Math.min(b.length, max); j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current.fill(far, 0, b.length + 1);
    current[0] = Math.min(i, far);
    let rowBest = current[0]!;
    for (let j = Math.max(1, i - max); j <= Math.min(b.length, i + max); j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, twoBack[j - 2]! + 1);
      }
      current[j] = Math.min(best, far);
      rowBest = Math.min(rowBest, current[j]!);
    }
    if (rowBest > max) return far; // every path through this row is already too far
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length]!;
}

/** The rows `editDistance` fills, kept between calls: most names are compared by the thousand. */
class ScratchRows {
  private readonly rows: Int32Array[] = [
    new Int32Array(64),
    new Int32Array(64),
    new Int32Array(64),
  ];

  /** Row `k`, at least `length` long, filled with `value`. */
  take(k: number, length: number, value: number): Int32Array {
    if (this.rows[k]!.length < length) this.rows[k] = new Int32Array(length * 2);
    return this.rows[k]!.fill(value, 0, length);
  }
}

const rows = new ScratchRows();

interface Entry {
  name: string;
  lower: string;
  /** Position among the candidates: of two equally close names, the first wins. */
  order: number;
}

/**
 * Candidate names indexed for "did you mean": built once, asked many times. Names are bucketed by
 * length (a typo changes the length by at most its distance) and kept sorted for the prefix
 * lookup (`manual-minutes` for `manual-minutes-per-run`).
 */
export class NameIndex {
  private readonly byLength = new Map<number, Entry[]>();
  /** The first name of each spelling, letter case aside: a name of another case costs nothing. */
  private readonly exact = new Map<string, Entry>();
  private readonly entries: Entry[] = [];
  /** The entries in alphabetical order, sorted when a prefix is first looked up. */
  private sorted: Entry[] | undefined;

  constructor(
    candidates: Iterable<string>,
    private readonly budget = new SuggestionBudget(),
  ) {
    for (const name of candidates) {
      const entry = { name, lower: name.toLowerCase(), order: this.entries.length };
      this.entries.push(entry);
      if (!this.exact.has(entry.lower)) this.exact.set(entry.lower, entry);
      const bucket = this.byLength.get(entry.lower.length);
      if (bucket) bucket.push(entry);
      else this.byLength.set(entry.lower.length, [entry]);
    }
  }

  /** The closest name within a distance that still reads as a typo, if any. */
  closest(word: string): string | undefined {
    const lower = word.toLowerCase();
    const same = this.exact.get(lower);
    if (same) return same.name;
    return this.nearest(lower) ?? (lower.length >= 4 ? this.extending(lower) : undefined);
  }

  /** The name nearest to `lower` by edit distance, within a third of its length. */
  private nearest(lower: string): string | undefined {
    const allowed = Math.max(1, Math.floor(lower.length / 3));
    let best: { entry: Entry; distance: number } | undefined;
    let work = 0;
    // Nearest lengths first: the likeliest typos are met before the work runs out.
    for (let delta = 0; delta <= allowed; delta += 1) {
      if (best && best.distance < delta) break; // farther lengths cannot come closer
      const lengths = delta === 0 ? [lower.length] : [lower.length - delta, lower.length + delta];
      for (const length of lengths) {
        for (const entry of this.byLength.get(length) ?? []) {
          const max = best ? best.distance : allowed;
          const cells = lower.length * (entry.lower.length + 1);
          if (work + cells > WORK_PER_LOOKUP || !this.budget.take(cells)) return best?.entry.name;
          work += cells;
          const distance = editDistance(lower, entry.lower, max);
          const closer = !best || distance < best.distance;
          const asCloseButEarlier =
            best && distance === best.distance && entry.order < best.entry.order;
          if (distance <= max && (closer || asCloseButEarlier)) best = { entry, distance };
        }
      }
    }
    return best?.entry.name;
  }

  /** The first name (in candidate order) that starts with `lower`: a truncated name. */
  private extending(lower: string): string | undefined {
    const sorted = (this.sorted ??= [...this.entries].sort((x, y) =>
      x.lower < y.lower ? -1 : x.lower > y.lower ? 1 : 0,
    ));
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]!.lower < lower) low = middle + 1;
      else high = middle;
    }
    let first: Entry | undefined;
    let work = 0;
    for (let k = low; k < sorted.length && sorted[k]!.lower.startsWith(lower); k += 1) {
      work += lower.length;
      if (work > WORK_PER_LOOKUP || !this.budget.take(lower.length)) break;
      const entry = sorted[k]!;
      if (!first || entry.order < first.order) first = entry;
    }
    return first?.name;
  }
}

/**
 * The closest candidate within a distance that still reads as a typo, if any. Callers that ask
 * many times share a `budget`, so that all their lookups together stay bounded.
 */
export function closest(
  word: string,
  candidates: Iterable<string>,
  budget = new SuggestionBudget(),
): string | undefined {
  return new NameIndex(candidates, budget).closest(word);
}

/** ` Did you mean "x"?` or the empty string. */
export function didYouMean(
  word: string,
  candidates: Iterable<string>,
  budget = new SuggestionBudget(),
): string {
  const match = closest(word, candidates, budget);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}
