/**
 * Conflicts a conda group holds, read from the channels' records before any solve.
 *
 * A requirement *needs* a package when every installable record it matches depends on that
 * package, directly or through other needs: `samtools=1.17` needs `htslib 1.17.*`, a tool built
 * for Python 3.11–3.13 needs `python >=3.11,<3.14`. Two requirements whose needs on one package
 * share no record cannot be installed together — no solve can change that — so the resolve stage
 * learns every such pair of a group at once, where the solver names one conflict per failed solve
 * (a group of 140 requirements was solved six times to find five conflicts).
 *
 * This is a necessary condition, not a solver: what it finds is a proof (each record set is an
 * over-approximation of what an installation could hold), and what it misses the solver still
 * finds. Over-approximations keep it sound: a dependency cycle or a chain deeper than
 * `MAX_DEPTH` stops at the package's own records (and what is computed inside a cycle is kept
 * with fewer needs than it could have); `constrains`, channel priority and virtual
 * packages are not read (they only remove records); a spec the matcher cannot read matches every
 * record of its name.
 */
import type { SpecPair } from './types.js';

/** What the analysis reads of a record. */
export interface NeedRecord {
  readonly version: string;
  readonly build: string;
  readonly depends: readonly string[];
}

/**
 * A requirement's needs: package name → the records of that name an installation could hold.
 * Only names it narrows (fewer records than the channel has) are kept: a name every record of
 * which would do cannot take part in a conflict.
 */
export type Needs<R> = ReadonlyMap<string, ReadonlySet<R>>;

/** Deeper dependency chains are cut at the package's own records (a bound on the stack). */
const MAX_DEPTH = 400;
/** Needs kept per spec and record, the narrowest first (a bound on memory; fewer is still sound). */
const MAX_NEEDS = 64;
/** Pairs reported per request (a bound on time; the solver finds any others). */
const MAX_PAIRS = 10_000;
/** Specs read a request, at most (cycles are read again from each place they are reached). */
const MAX_STEPS = 1_000_000;

export class NeedsAnalysis<R extends NeedRecord> {
  private readonly bySpec = new Map<string, Needs<R> | null>();
  private readonly byRecord = new Map<R, Needs<R> | null>();
  /** The specs being read, by their depth. */
  private readonly active = new Map<string, number>();
  private low = Number.POSITIVE_INFINITY;
  /** Specs read in the current request (a bound on cycles read again and again). */
  private steps = 0;
  private readonly ids = new Map<R, number>();

  constructor(
    /** Every record of a name, across the request's channels and subdirs. */
    private readonly records: (name: string) => readonly R[],
    private readonly matches: (spec: string, record: R) => boolean,
    private readonly nameOf: (spec: string) => string,
  ) {}

  /**
   * The conflicting pairs among `specs`, each with the first package (by name) that shows it;
   * sorted, at most `MAX_PAIRS`. Specs with the same need on a package are compared once.
   */
  conflicts(specs: readonly string[]): SpecPair[] {
    this.steps = 0;
    const sorted = [...new Set(specs)].sort();
    const needs = sorted.map((s) => this.needsOf(s, 0));
    // name → the distinct record sets needed of it → the specs needing each
    const kinds = new Map<string, Map<string, { set: ReadonlySet<R>; holders: number[] }>>();
    needs.forEach((n, i) => {
      for (const [name, set] of n ?? []) {
        const ofName =
          kinds.get(name) ?? new Map<string, { set: ReadonlySet<R>; holders: number[] }>();
        kinds.set(name, ofName);
        const key = this.fingerprint(set);
        const kind = ofName.get(key) ?? { set, holders: [] };
        ofName.set(key, kind);
        kind.holders.push(i);
      }
    });
    const found = new Map<string, SpecPair>();
    for (const name of [...kinds.keys()].sort()) {
      const list = [...kinds.get(name)!.values()];
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          if (!disjoint(list[x]!.set, list[y]!.set)) continue;
          for (const p of list[x]!.holders) {
            for (const q of list[y]!.holders) {
              const [i, j] = p < q ? [p, q] : [q, p];
              const key = `${i}\0${j}`;
              if (found.has(key)) continue;
              if (found.size >= MAX_PAIRS) return ordered(found);
              found.set(key, {
                specs: [sorted[i]!, sorted[j]!],
                explanation: explain(
                  sorted[i]!,
                  sorted[j]!,
                  name,
                  needs[i]!.get(name)!,
                  needs[j]!.get(name)!,
                ),
              });
            }
          }
        }
      }
    }
    return ordered(found);
  }

  /** The same records, the same text. */
  private fingerprint(set: ReadonlySet<R>): string {
    const ids: number[] = [];
    for (const r of set) {
      let id = this.ids.get(r);
      if (id === undefined) this.ids.set(r, (id = this.ids.size));
      ids.push(id);
    }
    return ids.sort((a, b) => a - b).join(',');
  }

  /**
   * A spec's needs; null when no record it matches can be installed.
   *
   * A result is kept only when no dependency cycle runs through it and nothing under it was cut
   * (`low`, as in Tarjan's algorithm, is the shallowest spec still being read that a cut referred
   * to): a cycle member's needs depend on where the cycle was entered, and a kept one would make
   * the answer depend on the order of earlier requests. Members of a cycle are read again from
   * each place they are reached, within `MAX_STEPS` a request.
   */
  private needsOf(spec: string, depth: number): Needs<R> | null {
    const memo = this.bySpec.get(spec);
    if (memo !== undefined) return memo;
    const name = this.nameOf(spec);
    if (name === '' || name.startsWith('__')) return EMPTY; // the target's virtual packages
    const all = this.records(name);
    const candidates = all.filter((r) => this.matches(spec, r));
    if (candidates.length === 0) return this.remember(spec, null);
    // In a cycle, too deep or out of steps: the package's own records only (fewer needs, never
    // wrong ones), and nothing read above it is kept.
    const cycle = this.active.get(spec);
    if (cycle !== undefined || depth > MAX_DEPTH || ++this.steps > MAX_STEPS) {
      this.low = Math.min(this.low, cycle ?? Number.NEGATIVE_INFINITY);
      return ownRecordsOnly(name, candidates, all.length);
    }
    const outer = this.low;
    this.low = Number.POSITIVE_INFINITY;
    this.active.set(spec, depth);
    let shared: Map<string, Set<R>> | undefined;
    const installable: R[] = [];
    for (const record of candidates) {
      const needs = this.recordNeeds(record, depth);
      if (needs === null) continue;
      installable.push(record);
      shared = shared === undefined ? copy(needs) : unionOfCandidates(shared, needs, this.records);
    }
    this.active.delete(spec);
    const complete = this.low > depth;
    this.low = Math.min(outer, this.low >= depth ? Number.POSITIVE_INFINITY : this.low);
    let result: Needs<R> | null = null;
    if (installable.length > 0) {
      const needs = shared ?? new Map<string, Set<R>>();
      if (installable.length < all.length) needs.set(name, new Set(installable));
      result = trim(needs);
    }
    return complete ? this.remember(spec, result) : result;
  }

  /** What one record needs: the needs of all its dependencies at once; null if it cannot be installed. */
  private recordNeeds(record: R, depth: number): Needs<R> | null {
    const memo = this.byRecord.get(record);
    if (memo !== undefined) return memo;
    const outer = this.low;
    this.low = Number.POSITIVE_INFINITY;
    let all: Map<string, Set<R>> | null = new Map();
    for (const dependency of record.depends) {
      const needs = this.needsOf(dependency, depth + 1);
      all = needs === null ? null : intersectionOfDependencies(all, needs);
      if (all === null) break;
    }
    const needs = all && trim(all);
    // Kept only when nothing it read was cut at its own spec or above (see `needsOf`).
    if (this.low > depth) this.byRecord.set(record, needs);
    this.low = Math.min(outer, this.low);
    return needs;
  }

  private remember(spec: string, needs: Needs<R> | null): Needs<R> | null {
    this.bySpec.set(spec, needs);
    return needs;
  }
}

const EMPTY: Needs<never> = new Map();

/** At most `MAX_NEEDS` needs: the narrowest (fewest records), then by name. */
function trim<R>(needs: Map<string, Set<R>>): Map<string, Set<R>> {
  if (needs.size <= MAX_NEEDS) return needs;
  const kept = [...needs]
    .sort(([a, x], [b, y]) => x.size - y.size || (a < b ? -1 : 1))
    .slice(0, MAX_NEEDS);
  return new Map(kept);
}

function ordered(found: ReadonlyMap<string, SpecPair>): SpecPair[] {
  return [...found.values()].sort((p, q) =>
    `${p.specs[0]}\0${p.specs[1]}` < `${q.specs[0]}\0${q.specs[1]}` ? -1 : 1,
  );
}

function ownRecordsOnly<R>(name: string, records: readonly R[], total: number): Needs<R> {
  return records.length < total ? new Map([[name, new Set(records)]]) : EMPTY;
}

function copy<R>(needs: Needs<R>): Map<string, Set<R>> {
  return new Map([...needs].map(([name, set]) => [name, new Set(set)]));
}

/** Needs of one record or another: the names both need, with the records of either. */
function unionOfCandidates<R>(
  into: Map<string, Set<R>>,
  other: Needs<R>,
  records: (name: string) => readonly R[],
): Map<string, Set<R>> {
  for (const [name, set] of into) {
    const more = other.get(name);
    if (!more) {
      into.delete(name);
      continue;
    }
    for (const r of more) set.add(r);
    if (set.size >= records(name).length) into.delete(name);
  }
  return into;
}

/** Needs of one dependency and another: every name, with the records both allow; null if none. */
function intersectionOfDependencies<R>(
  into: Map<string, Set<R>>,
  other: Needs<R>,
): Map<string, Set<R>> | null {
  for (const [name, set] of other) {
    const held = into.get(name);
    if (!held) {
      into.set(name, new Set(set));
      continue;
    }
    for (const r of held) if (!set.has(r)) held.delete(r);
    if (held.size === 0) return null;
  }
  return into;
}

function disjoint<R>(a: ReadonlySet<R>, b: ReadonlySet<R>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const r of small) if (large.has(r)) return false;
  return true;
}

function explain<R extends NeedRecord>(
  a: string,
  b: string,
  name: string,
  as: ReadonlySet<R>,
  bs: ReadonlySet<R>,
): string {
  return `${a} needs ${describe(name, as)}, ${b} needs ${describe(name, bs)}: no ${name} satisfies both`;
}

/** `htslib 1.17`, `python 3.11.0 … 3.13.7 (24 versions)`. */
function describe<R extends NeedRecord>(name: string, records: ReadonlySet<R>): string {
  const versions = [...new Set([...records].map((r) => r.version))].sort((x, y) =>
    x.localeCompare(y, 'en', { numeric: true }),
  );
  if (versions.length <= 3) return `${name} ${versions.join(' or ')}`;
  return `${name} ${versions[0]} … ${versions[versions.length - 1]} (${versions.length} versions)`;
}
