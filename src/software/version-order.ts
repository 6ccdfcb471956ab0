/**
 * Version orderings per ecosystem. PEP 440 and semver come from their libraries; conda, Debian,
 * Maven and R orderings are small re-implementations of the documented algorithms.
 */

type Token = number | string;

function tokens(part: string): Token[] {
  return (part.match(/\d+|[a-z]+/g) ?? []).map((t) => (/^\d/.test(t) ? Number(t) : t));
}

/**
 * Conda's VersionOrder: optional `N!` epoch, an optional `+local` part, components split on `.`,
 * `_` and `-`; each component split into numbers and words. A component that starts with a word
 * gets a leading 0; `dev` sorts before any word, words before numbers, `post` after everything;
 * missing items count as 0. So 1.1dev1 < 1.1a1 < 1.1rc1 < 1.1 < 1.1post1.
 */
export function compareConda(a: string, b: string): number {
  const parse = (v: string) => {
    const lower = v.toLowerCase();
    const bang = lower.indexOf('!');
    const epoch = bang >= 0 ? Number(lower.slice(0, bang)) || 0 : 0;
    const rest = bang >= 0 ? lower.slice(bang + 1) : lower;
    const [main = '', local = ''] = rest.split('+', 2);
    const split = (s: string) =>
      s
        .split(/[._-]/)
        .filter((c) => c !== '')
        .map((c) => {
          const t = tokens(c);
          return typeof t[0] === 'string' ? [0, ...t] : t;
        });
    return { epoch, main: split(main), local: split(local) };
  };
  const key = (t: Token | undefined): [number, number | string] => {
    if (t === undefined) return [2, 0];
    if (typeof t === 'number') return [2, t];
    if (t === 'dev') return [0, 0];
    if (t === 'post') return [3, 0];
    return [1, t];
  };
  const compareParts = (x: Token[][], y: Token[][]) => {
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const p = x[i] ?? [0];
      const q = y[i] ?? [0];
      for (let j = 0; j < Math.max(p.length, q.length); j++) {
        const [kr, kv] = key(p[j]);
        const [lr, lv] = key(q[j]);
        if (kr !== lr) return kr - lr;
        if (kv !== lv) return kv < lv ? -1 : 1;
      }
    }
    return 0;
  };
  const x = parse(a);
  const y = parse(b);
  return x.epoch - y.epoch || compareParts(x.main, y.main) || compareParts(x.local, y.local);
}

/** dpkg's version comparison (`dpkg --compare-versions`): epoch, upstream, revision; `~` sorts first. */
export function compareDebian(a: string, b: string): number {
  const split = (v: string) => {
    const colon = v.indexOf(':');
    const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
    const rest = colon >= 0 ? v.slice(colon + 1) : v;
    const dash = rest.lastIndexOf('-');
    return dash >= 0
      ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
      : { epoch, upstream: rest, revision: '0' };
  };
  const order = (c: string | undefined): number => {
    if (c === undefined) return 0;
    if (c === '~') return -1;
    if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
    return c.charCodeAt(0) + 256;
  };
  const verrevcmp = (x: string, y: string): number => {
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      let firstDiff = 0;
      while ((i < x.length && !/\d/.test(x[i]!)) || (j < y.length && !/\d/.test(y[j]!))) {
        const ac = i < x.length && !/\d/.test(x[i]!) ? order(x[i]) : 0;
        const bc = j < y.length && !/\d/.test(y[j]!) ? order(y[j]) : 0;
        if (ac !== bc) return ac - bc;
        i++;
        j++;
      }
      while (x[i] === '0') i++;
      while (y[j] === '0') j++;
      while (i < x.length && /\d/.test(x[i]!) && j < y.length && /\d/.test(y[j]!)) {
        if (!firstDiff) firstDiff = x.charCodeAt(i) - y.charCodeAt(j);
        i++;
        j++;
      }
      if (i < x.length && /\d/.test(x[i]!)) return 1;
      if (j < y.length && /\d/.test(y[j]!)) return -1;
      if (firstDiff) return firstDiff;
    }
    return 0;
  };
  const x = split(a);
  const y = split(b);
  return (
    x.epoch - y.epoch || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision)
  );
}

const MAVEN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const MAVEN_ALIASES: Record<string, string> = {
  a: 'alpha',
  b: 'beta',
  m: 'milestone',
  cr: 'rc',
  ga: '',
  final: '',
  release: '',
};

/**
 * Maven's ComparableVersion, simplified: items split on `.`, `-` and digit/letter changes;
 * numbers compare numerically and above qualifiers; qualifiers order
 * alpha < beta < milestone < rc < snapshot < (release) < sp < unknown words (alphabetical).
 */
export function compareMaven(a: string, b: string): number {
  const items = (v: string) =>
    (v.toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((t) =>
      /^\d/.test(t) ? Number(t) : (MAVEN_ALIASES[t] ?? t),
    );
  const qualifierRank = (q: string) => {
    const i = MAVEN_QUALIFIERS.indexOf(q);
    return i >= 0 ? i : MAVEN_QUALIFIERS.length;
  };
  const x = items(a);
  const y = items(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    // A missing item is 0 against a number and "release" against a qualifier.
    const pp = p ?? (typeof q === 'number' ? 0 : '');
    const qq = q ?? (typeof p === 'number' ? 0 : '');
    if (typeof pp === 'number' && typeof qq === 'number') {
      if (pp !== qq) return pp - qq;
    } else if (typeof pp === 'number') {
      return 1;
    } else if (typeof qq === 'number') {
      return -1;
    } else {
      const r = qualifierRank(pp) - qualifierRank(qq);
      if (r !== 0) return r;
      if (pp !== qq) return pp < qq ? -1 : 1;
    }
  }
  return 0;
}

/** R package versions: integers separated by `.` or `-`, compared numerically (`package_version`). */
export function compareR(a: string, b: string): number {
  const x = a.split(/[.-]/).map(Number);
  const y = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Two runtime requests are compatible when one is a component prefix of the other (3.12 ~ 3.12.4). */
export function runtimesCompatible(a: string, b: string): boolean {
  const x = a.trim().split('.');
  const y = b.trim().split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (Number(x[i]) !== Number(y[i]) || x[i] === '') return false;
  return true;
}

/** The more specific of two compatible runtime versions (3.12 and 3.12.4 → 3.12.4). */
export function moreSpecificRuntime(a: string, b: string): string {
  return b.split('.').length > a.split('.').length ? b : a;
}
