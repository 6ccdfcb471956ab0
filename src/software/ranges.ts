/**
 * Version sets as unions of intervals over an ordered version space. Each ecosystem brings its own
 * comparison; "no version satisfies both" then reduces to "the two unions do not intersect".
 */

export type Compare = (a: string, b: string) => number;

export interface Bound {
  version: string;
  inclusive: boolean;
}

/** An interval; a missing bound is unbounded on that side. */
export interface Interval {
  lo?: Bound;
  hi?: Bound;
}

/** A union of intervals. `[{}]` is "any version"; `[]` is "no version". */
export type VersionSet = Interval[];

export const ANY: VersionSet = [{}];

export function exactly(version: string): VersionSet {
  return [{ lo: { version, inclusive: true }, hi: { version, inclusive: true } }];
}

export function atLeast(version: string, inclusive: boolean): VersionSet {
  return [{ lo: { version, inclusive } }];
}

export function below(version: string, inclusive: boolean): VersionSet {
  return [{ hi: { version, inclusive } }];
}

export function between(lo: string, hi: string): VersionSet {
  return [{ lo: { version: lo, inclusive: true }, hi: { version: hi, inclusive: false } }];
}

/** Everything except one version. */
export function except(version: string): VersionSet {
  return [{ hi: { version, inclusive: false } }, { lo: { version, inclusive: false } }];
}

/** Everything except a half-open range [lo, hi). */
export function exceptBetween(lo: string, hi: string): VersionSet {
  return [{ hi: { version: lo, inclusive: false } }, { lo: { version: hi, inclusive: true } }];
}

function maxLo(a: Bound | undefined, b: Bound | undefined, cmp: Compare): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = cmp(a.version, b.version);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

function minHi(a: Bound | undefined, b: Bound | undefined, cmp: Compare): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = cmp(a.version, b.version);
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? b : a;
}

function nonEmpty(interval: Interval, cmp: Compare): boolean {
  if (!interval.lo || !interval.hi) return true;
  const c = cmp(interval.lo.version, interval.hi.version);
  return c < 0 || (c === 0 && interval.lo.inclusive && interval.hi.inclusive);
}

export function intersect(a: VersionSet, b: VersionSet, cmp: Compare): VersionSet {
  const out: VersionSet = [];
  for (const x of a) {
    for (const y of b) {
      const i: Interval = {};
      const lo = maxLo(x.lo, y.lo, cmp);
      const hi = minHi(x.hi, y.hi, cmp);
      if (lo) i.lo = lo;
      if (hi) i.hi = hi;
      if (nonEmpty(i, cmp)) out.push(i);
    }
  }
  return out;
}

export function isEmpty(set: VersionSet): boolean {
  return set.length === 0;
}

export function contains(set: VersionSet, version: string, cmp: Compare): boolean {
  return set.some((i) => {
    if (i.lo) {
      const c = cmp(version, i.lo.version);
      if (c < 0 || (c === 0 && !i.lo.inclusive)) return false;
    }
    if (i.hi) {
      const c = cmp(version, i.hi.version);
      if (c > 0 || (c === 0 && !i.hi.inclusive)) return false;
    }
    return true;
  });
}
