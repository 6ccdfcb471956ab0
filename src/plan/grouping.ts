/**
 * Grouping: the fewest images such that each holds one class (family + GPU flag), no conflicting
 * requirements and fits the size budget.
 *
 * This is graph colouring with bins. We colour with DSatur (most-constrained step first: the one
 * whose conflicts already span the most groups), place each step in the group it fits that grows
 * least (first fit by size, ties to the older group), then run a local-improvement pass that tries
 * to empty the smallest groups into the others. Conflict edges come from an index by package name,
 * so only steps that share a package are ever compared.
 */
import type { AnalyzedStep } from './analyze.js';
import { RUNTIME_KINDS } from './analyze.js';
import { conflicts, type Requirement, type RuntimeKind } from '../software/requirements.js';
import { BUILD_STEP_BYTES, packageBytes } from './sizes.js';
import type { SolverConflict } from './types.js';
import { moreSpecificRuntime, runtimesCompatible } from '../software/version-order.js';

/** CRAN and Bioconductor share one R library; everything else is per ecosystem. */
export function conflictKey(req: Requirement): string {
  const eco = req.ecosystem === 'bioconductor' ? 'cran' : req.ecosystem;
  return `${eco}:${req.name}`;
}

export function sizeKey(req: Requirement): string {
  return `${req.ecosystem}:${req.name}`;
}

/** A requirement as a solver conflict names it: ecosystem and text as written. */
export function requirementKey(req: Pick<Requirement, 'ecosystem' | 'text'>): string {
  return `${req.ecosystem}\0${req.text}`;
}

/**
 * The solvers' conflicts, indexed by requirement: a group that would hold every requirement of
 * one conflict does not fit. Empty for a name-level plan.
 */
export class SolverConflicts {
  private readonly byRequirement = new Map<string, number[]>();
  readonly sets: { keys: string[]; conflict: SolverConflict }[];

  constructor(conflicts: readonly SolverConflict[] = []) {
    this.sets = conflicts.map((conflict) => ({
      conflict,
      keys: [...new Set(conflict.requirements)].map((text) =>
        requirementKey({ ecosystem: conflict.ecosystem, text }),
      ),
    }));
    this.sets.forEach(({ keys }, i) => {
      for (const k of keys) {
        const list = this.byRequirement.get(k) ?? [];
        list.push(i);
        this.byRequirement.set(k, list);
      }
    });
  }

  get size(): number {
    return this.sets.length;
  }

  /** The first conflict that `held` plus `step` would complete, if any. */
  completedBy(step: AnalyzedStep, held: ReadonlyMap<string, number>): SolverConflict | undefined {
    for (const req of step.requirements) {
      for (const i of this.byRequirement.get(requirementKey(req)) ?? []) {
        const { keys, conflict } = this.sets[i]!;
        if (
          keys.every((k) => held.has(k) || step.requirements.some((r) => requirementKey(r) === k))
        )
          return conflict;
      }
    }
    return undefined;
  }

  /** Conflicts between exactly two requirements: pairwise edges for DSatur and the lower bound. */
  pairs(): [string, string][] {
    return this.sets.filter((s) => s.keys.length === 2).map((s) => [s.keys[0]!, s.keys[1]!]);
  }
}

/** Shared, memoised facts for one planning run. */
export class PlanContext {
  private readonly memo = new Map<string, boolean>();
  private readonly sizes = new Map<Requirement, number>();
  constructor(
    readonly budget: number,
    readonly overrides: Readonly<Record<string, number>>,
    /** Conflicts the solvers found (resolve stage); none for a name-level plan. */
    readonly solverConflicts: SolverConflicts = new SolverConflicts(),
    /** Steps whose own software does not solve: each gets an image of its own. */
    readonly isolated: ReadonlySet<string> = new Set(),
  ) {}

  conflict(a: Requirement, b: Requirement): boolean {
    if (a.text === b.text && a.ecosystem === b.ecosystem) return false;
    const key = `${a.ecosystem}\0${a.text}\0${b.ecosystem}\0${b.text}`;
    let hit = this.memo.get(key);
    if (hit === undefined) {
      hit = conflicts(a, b);
      this.memo.set(key, hit);
    }
    return hit;
  }

  bytes(req: Requirement): number {
    let b = this.sizes.get(req);
    if (b === undefined) this.sizes.set(req, (b = packageBytes(req, this.overrides)));
    return b;
  }
}

/** A group being filled: what it already holds, so a step's fit is checked without pairs. */
export class GroupState {
  readonly members: AnalyzedStep[] = [];
  readonly runtimes: Partial<Record<RuntimeKind, string>> = {};
  /** conflictKey → distinct versioned requirements. */
  readonly requirements = new Map<string, Requirement[]>();
  /** sizeKey → bytes. */
  readonly packages = new Map<string, number>();
  /** requirementKey → how many members ask for it (for the solvers' conflicts). */
  readonly held = new Map<string, number>();
  builds = 0;
  size: number;

  constructor(
    readonly classKey: string,
    readonly baseBytes: number,
  ) {
    this.size = baseBytes;
  }

  add(step: AnalyzedStep, ctx: PlanContext): void {
    this.members.push(step);
    for (const kind of RUNTIME_KINDS) {
      const v = step.runtimes[kind];
      if (v === undefined) continue;
      const mine = this.runtimes[kind];
      this.runtimes[kind] = mine === undefined ? v : moreSpecificRuntime(mine, v);
    }
    for (const req of step.requirements) {
      const rk = requirementKey(req);
      this.held.set(rk, (this.held.get(rk) ?? 0) + 1);
      if (req.versioned) {
        const key = conflictKey(req);
        const list = this.requirements.get(key) ?? [];
        if (!list.some((r) => r.text === req.text && r.ecosystem === req.ecosystem)) list.push(req);
        this.requirements.set(key, list);
      }
      const k = sizeKey(req);
      const b = ctx.bytes(req);
      const had = this.packages.get(k);
      if (had === undefined || b > had) {
        this.size += b - (had ?? 0);
        this.packages.set(k, b);
      }
    }
    if (hasBuild(step)) {
      this.builds++;
      this.size += BUILD_STEP_BYTES;
    }
  }

  clone(ctx: PlanContext): GroupState {
    const copy = new GroupState(this.classKey, this.baseBytes);
    for (const m of this.members) copy.add(m, ctx);
    return copy;
  }

  /** The first requirement pair or runtime that keeps `step` out, or undefined when compatible. */
  conflictWith(step: AnalyzedStep, ctx: PlanContext): string | undefined {
    if (ctx.isolated.size > 0 && this.members.length > 0) {
      const alone = [step, ...this.members].find((m) => ctx.isolated.has(m.step.id));
      if (alone) return `the software of step "${alone.step.id}" does not solve on its own`;
    }
    for (const kind of RUNTIME_KINDS) {
      const v = step.runtimes[kind];
      const mine = this.runtimes[kind];
      if (v !== undefined && mine !== undefined && !runtimesCompatible(v, mine)) {
        return `${kind} ${mine} vs ${kind} ${v}`;
      }
    }
    for (const req of step.requirements) {
      if (!req.versioned) continue;
      for (const other of this.requirements.get(conflictKey(req)) ?? []) {
        if (ctx.conflict(req, other)) return `${other.text} vs ${req.text}`;
      }
    }
    if (ctx.solverConflicts.size > 0) {
      const hit = ctx.solverConflicts.completedBy(step, this.held);
      if (hit) return `${hit.requirements.join(' vs ')} (the ${hit.ecosystem} solver)`;
    }
    return undefined;
  }

  /** Bytes the group would grow by with `step`. */
  addedBytes(step: AnalyzedStep, ctx: PlanContext): number {
    let added = 0;
    const seen = new Map<string, number>();
    for (const req of step.requirements) {
      const k = sizeKey(req);
      const b = Math.max(ctx.bytes(req), seen.get(k) ?? 0);
      const had = Math.max(this.packages.get(k) ?? 0, seen.get(k) ?? 0);
      if (b > had) added += b - had;
      seen.set(k, b);
    }
    if (hasBuild(step)) added += BUILD_STEP_BYTES;
    return added;
  }

  fits(step: AnalyzedStep, ctx: PlanContext): boolean {
    return this.fitCost(step, ctx) >= 0;
  }

  /** The bytes `step` would add, or -1 when it does not fit (class, conflict or budget). */
  fitCost(step: AnalyzedStep, ctx: PlanContext): number {
    if (step.classKey !== this.classKey || this.conflictWith(step, ctx) !== undefined) return -1;
    const added = this.addedBytes(step, ctx);
    return this.size + added <= ctx.budget ? added : -1;
  }
}

export function hasBuild(step: AnalyzedStep): boolean {
  return (step.step.software.build ?? '').trim() !== '';
}

/** Estimated size of an image holding just this step. */
export function soloBytes(step: AnalyzedStep, baseBytes: number, ctx: PlanContext): number {
  const g = new GroupState(step.classKey, baseBytes);
  g.add(step, ctx);
  return g.size;
}

/** Above this many conflict edges, DSatur's saturation is replaced by a static degree order. */
const MAX_EDGES = 2_000_000;

/**
 * Conflict adjacency among `steps` (indexes into the array), built from a package index. Returns
 * undefined when the graph would be too dense to store; `degree` is always filled.
 */
export function conflictGraph(
  steps: readonly AnalyzedStep[],
  ctx: PlanContext,
): { adjacency?: Set<number>[]; degree: number[] } {
  // dimension key → distinct value → steps; a dimension is a package or a runtime.
  const dims = new Map<string, Map<string, { probe: Requirement | string; steps: number[] }>>();
  steps.forEach((s, i) => {
    const entry = (dim: string, value: string, probe: Requirement | string) => {
      let values = dims.get(dim);
      if (!values) dims.set(dim, (values = new Map()));
      let v = values.get(value);
      if (!v) values.set(value, (v = { probe, steps: [] }));
      if (v.steps[v.steps.length - 1] !== i) v.steps.push(i);
    };
    for (const kind of RUNTIME_KINDS) {
      const v = s.runtimes[kind];
      if (v !== undefined) entry(`runtime:${kind}`, v, v);
    }
    for (const req of s.requirements) {
      if (req.versioned) entry(conflictKey(req), `${req.ecosystem}\0${req.text}`, req);
    }
  });
  const pairs: [number[], number[]][] = [];
  let edges = 0;
  const degree = new Array<number>(steps.length).fill(0);
  for (const [dim, values] of dims) {
    const list = [...values.values()];
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const x = list[a]!;
        const y = list[b]!;
        const clash = dim.startsWith('runtime:')
          ? !runtimesCompatible(x.probe as string, y.probe as string)
          : ctx.conflict(x.probe as Requirement, y.probe as Requirement);
        if (!clash) continue;
        pairs.push([x.steps, y.steps]);
        edges += x.steps.length * y.steps.length;
        for (const i of x.steps) degree[i]! += y.steps.length;
        for (const j of y.steps) degree[j]! += x.steps.length;
      }
    }
  }
  edges += solverPairs(steps, ctx, pairs, degree);
  if (edges > MAX_EDGES) return { degree };
  const adjacency = steps.map(() => new Set<number>());
  for (const [xs, ys] of pairs) {
    for (const i of xs) {
      for (const j of ys) {
        if (i === j) continue;
        adjacency[i]!.add(j);
        adjacency[j]!.add(i);
      }
    }
  }
  return { adjacency, degree: adjacency.map((s) => s.size) };
}

/**
 * Adds the solvers' two-requirement conflicts to `pairs` (steps holding one side against steps
 * holding the other; a step holding both does not solve alone and is isolated elsewhere).
 * Returns the number of edges added.
 */
function solverPairs(
  steps: readonly AnalyzedStep[],
  ctx: PlanContext,
  pairs: [number[], number[]][],
  degree: number[],
): number {
  if (ctx.solverConflicts.size === 0) return 0;
  const holders = new Map<string, number[]>();
  steps.forEach((s, i) => {
    for (const req of s.requirements) {
      const list = holders.get(requirementKey(req)) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      holders.set(requirementKey(req), list);
    }
  });
  let edges = 0;
  for (const [a, b] of ctx.solverConflicts.pairs()) {
    const xs = holders.get(a) ?? [];
    const ys = holders.get(b) ?? [];
    const only = (list: number[], other: number[]) => list.filter((i) => !other.includes(i));
    const [x, y] = [only(xs, ys), only(ys, xs)];
    if (x.length === 0 || y.length === 0) continue;
    pairs.push([x, y]);
    edges += x.length * y.length;
    for (const i of x) degree[i]! += y.length;
    for (const j of y) degree[j]! += x.length;
  }
  return edges;
}

/** A binary max-heap on a total order, for DSatur's "most saturated next". */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Splits a class by runtime versions when they partition it: steps that name every runtime the
 * class uses, with versions that are equal or incompatible (never a prefix of another), fall into
 * buckets no image can mix; the rest float. Undefined when the versions do not partition
 * (`3` beside `3.12`). Runtime edges are the densest part of the conflict graph, so colouring
 * bucket by bucket keeps the graph small, and the buckets' cliques add up for the lower bound.
 */
export function runtimeBuckets(
  steps: readonly AnalyzedStep[],
): { fixed: AnalyzedStep[][]; floating: AnalyzedStep[] } | undefined {
  const kinds = RUNTIME_KINDS.filter((k) => steps.some((s) => s.runtimes[k] !== undefined));
  if (kinds.length === 0) return undefined;
  for (const kind of kinds) {
    const versions = [
      ...new Set(steps.map((s) => s.runtimes[kind]).filter((v) => v !== undefined)),
    ];
    for (let i = 0; i < versions.length; i++) {
      for (let j = i + 1; j < versions.length; j++) {
        if (runtimesCompatible(versions[i]!, versions[j]!)) return undefined;
      }
    }
  }
  const buckets = new Map<string, AnalyzedStep[]>();
  const floating: AnalyzedStep[] = [];
  for (const s of steps) {
    if (kinds.some((k) => s.runtimes[k] === undefined)) {
      floating.push(s);
      continue;
    }
    const key = kinds.map((k) => s.runtimes[k]).join('\0');
    const list = buckets.get(key) ?? [];
    list.push(s);
    buckets.set(key, list);
  }
  if (buckets.size < 2) return undefined;
  return { fixed: [...buckets.values()], floating };
}

/**
 * Colours one class of steps (all unpinned, same family and GPU flag) into groups.
 * Deterministic: every tie is broken by document order.
 */
export function colourClass(
  steps: readonly AnalyzedStep[],
  baseBytes: number,
  ctx: PlanContext,
): GroupState[] {
  const buckets = runtimeBuckets(steps);
  if (!buckets) return improve(dsatur(steps, baseBytes, ctx, []), ctx);
  let groups: GroupState[] = [];
  for (const bucket of buckets.fixed) groups = dsatur(bucket, baseBytes, ctx, groups);
  if (buckets.floating.length > 0) groups = dsatur(buckets.floating, baseBytes, ctx, groups);
  return improve(groups, ctx);
}

/**
 * DSatur over `steps`, placing them among `initial` groups (kept, in order) and new ones: the
 * most saturated step first, into the fitting group it grows least, else a new group.
 */
function dsatur(
  steps: readonly AnalyzedStep[],
  baseBytes: number,
  ctx: PlanContext,
  initial: readonly GroupState[],
): GroupState[] {
  const { adjacency, degree } = conflictGraph(steps, ctx);
  const solo = steps.map((s) => soloBytes(s, baseBytes, ctx));
  const saturation = new Array<number>(steps.length).fill(0);
  const seenGroups = steps.map(() => new Set<number>());
  const colour = new Array<number>(steps.length).fill(-1);
  type Entry = [sat: number, index: number];
  const before = (a: Entry, b: Entry) => {
    const [sa, i] = a;
    const [sb, j] = b;
    if (sa !== sb) return sa > sb;
    if (degree[i] !== degree[j]) return degree[i]! > degree[j]!;
    if (solo[i] !== solo[j]) return solo[i]! > solo[j]!;
    return steps[i]!.index < steps[j]!.index;
  };
  const heap = new Heap<Entry>(before);
  steps.forEach((_, i) => heap.push([0, i]));
  const groups: GroupState[] = [...initial];
  while (heap.size > 0) {
    const [sat, v] = heap.pop()!;
    if (colour[v] !== -1 || sat !== saturation[v]) continue;
    const step = steps[v]!;
    let best = -1;
    let bestAdded = Infinity;
    groups.forEach((g, gi) => {
      if (seenGroups[v]!.has(gi)) return;
      const added = g.fitCost(step, ctx);
      if (added >= 0 && added < bestAdded) {
        best = gi;
        bestAdded = added;
      }
    });
    if (best === -1) {
      best = groups.length;
      groups.push(new GroupState(step.classKey, baseBytes));
    }
    groups[best]!.add(step, ctx);
    colour[v] = best;
    if (adjacency) {
      for (const u of adjacency[v]!) {
        if (colour[u] !== -1 || seenGroups[u]!.has(best)) continue;
        seenGroups[u]!.add(best);
        saturation[u]!++;
        heap.push([saturation[u]!, u]);
      }
    }
  }
  return groups;
}

/**
 * Local improvement: try to empty each group (smallest first) into the other groups of its
 * class; keep the move when every step found a place. Repeats until no group can be emptied.
 */
export function improve(groups: GroupState[], ctx: PlanContext): GroupState[] {
  let current = groups;
  for (let changed = true; changed && current.length > 1;) {
    changed = false;
    const order = current
      .map((g, i) => i)
      .sort(
        (a, b) =>
          current[a]!.members.length - current[b]!.members.length ||
          current[a]!.size - current[b]!.size ||
          a - b,
      );
    for (const victim of order) {
      const trial = new Map<number, GroupState>();
      let ok = true;
      for (const step of current[victim]!.members) {
        let best = -1;
        let bestAdded = Infinity;
        current.forEach((g, gi) => {
          if (gi === victim) return;
          const target = trial.get(gi) ?? g;
          const added = target.fitCost(step, ctx);
          if (added >= 0 && added < bestAdded) {
            best = gi;
            bestAdded = added;
          }
        });
        if (best === -1) {
          ok = false;
          break;
        }
        if (!trial.has(best)) trial.set(best, current[best]!.clone(ctx));
        trial.get(best)!.add(step, ctx);
      }
      if (ok) {
        current = current.flatMap((g, gi) => (gi === victim ? [] : [trial.get(gi) ?? g]));
        changed = true;
        break;
      }
    }
  }
  return current;
}

/**
 * The largest set of pairwise-conflicting steps found (greedy cliques from the highest-degree
 * steps). Without an adjacency (too dense), the best single-package set is used.
 */
export function cliqueLowerBound(steps: readonly AnalyzedStep[], ctx: PlanContext): number {
  if (steps.length === 0) return 0;
  // Steps of different runtime buckets all conflict, so the buckets' cliques join into one.
  const buckets = runtimeBuckets(steps);
  if (buckets) {
    const joined = buckets.fixed.reduce((n, b) => n + cliqueLowerBound(b, ctx), 0);
    return Math.max(joined, greedyClique(steps, ctx));
  }
  return greedyClique(steps, ctx);
}

function greedyClique(steps: readonly AnalyzedStep[], ctx: PlanContext): number {
  const { adjacency, degree } = conflictGraph(steps, ctx);
  if (!adjacency) return densePackageClique(steps, ctx);
  const order = steps.map((_, i) => i).sort((a, b) => degree[b]! - degree[a]! || a - b);
  let best = 1;
  for (const start of order.slice(0, 64)) {
    if (degree[start]! + 1 <= best) break;
    const clique = [start];
    const candidates = [...adjacency[start]!].sort((a, b) => degree[b]! - degree[a]! || a - b);
    for (const c of candidates) {
      if (clique.every((m) => adjacency[m]!.has(c))) clique.push(c);
    }
    best = Math.max(best, clique.length);
  }
  return best;
}

function densePackageClique(steps: readonly AnalyzedStep[], ctx: PlanContext): number {
  const byKey = new Map<string, Requirement[]>();
  for (const s of steps) {
    for (const r of s.requirements) {
      if (!r.versioned) continue;
      const list = byKey.get(conflictKey(r)) ?? [];
      if (!list.some((x) => x.text === r.text)) list.push(r);
      byKey.set(conflictKey(r), list);
    }
  }
  let best = 1;
  for (const list of byKey.values()) {
    const clique: Requirement[] = [];
    for (const r of list) if (clique.every((m) => ctx.conflict(m, r))) clique.push(r);
    best = Math.max(best, clique.length);
  }
  return best;
}
