/**
 * Requirement parsing and conflict detection per ecosystem.
 *
 * Every requirement from a spec passes through `parseRequirement` before it can reach a Dockerfile:
 * names and versions are checked against the ecosystem's grammar, so `numpy; rm -rf /` is refused
 * with a reason instead of being interpolated into a shell line.
 *
 * Accepted forms (see docs/plan.md):
 * - pip: PEP 508 name, optional `[extras]`, optional PEP 440 specifier (`numpy==2.0.1`,
 *   `zarr>=2.18,<3`, `pandas~=2.2`, `scipy==1.*`). No environment markers, no URLs.
 * - conda: match specs `[channel::]name`, `name=1.2` (fuzzy: 1.2.*), `name=1.2=build`,
 *   `name==1.2`, `name>=1.2,<2`, `name>=1|<0.5`, `name 1.2.* build*`; what this grammar refuses
 *   is read as conda reads it (`conda-spec.ts`: conda's split, rattler's version parser), so
 *   every spec conda accepts is accepted (`ucsc-bedgraphtobigwig == 377`, brackets), once
 *   `prepareRequirements` has loaded rattler.
 * - npm: `name`, `@scope/name`, `name@<semver range>` (no dist-tags, no URLs).
 * - apt: `pkg` or `pkg=<debian version>`.
 * - maven: `group:artifact` or `group:artifact:version` (a version or a range like `[1.0,2.0)`).
 * - cran / bioconductor: `name`, `name==1.2.3` or `name>=1.2`.
 */
import pep440 from '@renovatebot/pep440';
// The specifier parser (operators and versions) is not re-exported by the package index.
import pep440Specifier from '@renovatebot/pep440/lib/specifier.js';
import semver from 'semver';
import {
  ANY,
  type Compare,
  type VersionSet,
  atLeast,
  below,
  between,
  except,
  exceptBetween,
  exactly,
  contains,
  intersect,
  isEmpty,
} from './ranges.js';
import { compareConda, compareDebian, compareMaven, compareR } from './version-order.js';
import { condaVersionMatches, loadRattler, rattlerLoaded, readCondaSpec } from './conda-spec.js';

/** The package ecosystems a step's `software` lists. */
export type Ecosystem = 'pip' | 'conda' | 'cran' | 'bioconductor' | 'maven' | 'apt' | 'npm';

export const ECOSYSTEMS: readonly Ecosystem[] = [
  'pip',
  'conda',
  'cran',
  'bioconductor',
  'maven',
  'apt',
  'npm',
];

export type Constraint =
  | { kind: 'pep440'; specifier: string; extras: string[]; set: VersionSet }
  | { kind: 'semver'; range: string }
  | {
      kind: 'conda';
      channel?: string;
      versionSpec: string;
      build?: string;
      set: VersionSet;
      /**
       * Read by conda's grammar and rattler (a spec the fast grammar refuses): the form the
       * solver takes (no channel) and the one micromamba installs. Versions are compared by
       * rattler (`allows`); `set` is an approximation for grouping (ANY when it cannot be made).
       */
      conda?: { solverSpec: string; installSpec: string };
    }
  | { kind: 'debian'; version?: string; set: VersionSet }
  | { kind: 'maven'; group: string; artifact: string; version?: string; set: VersionSet }
  | { kind: 'r'; specifier: string; set: VersionSet };

export interface Requirement {
  ok: true;
  ecosystem: Ecosystem;
  /** Normalised name: the key two requirements must share to be compared. */
  name: string;
  /** The requirement as written, trimmed. */
  text: string;
  constraint: Constraint;
  /** An exact version is given. */
  pinned: boolean;
  /** False when no version constraint at all is given (never conflicts, but STW402 cares). */
  versioned: boolean;
}

export interface InvalidRequirement {
  ok: false;
  reason: string;
}

export type ParsedRequirement = Requirement | InvalidRequirement;

function invalid(reason: string): InvalidRequirement {
  return { ok: false, reason };
}

const MAX_LENGTH = 300;

/**
 * Requirements repeat across steps (the same `numpy==2.0.1` in thousands of them): each distinct
 * text is parsed once. Results are shared, so they are frozen; the cache is bounded.
 */
const parsedTexts = new Map<string, ParsedRequirement>();
const PARSED_CACHE_SIZE = 20_000;

export function parseRequirement(ecosystem: Ecosystem, text: string): ParsedRequirement {
  if (typeof text !== 'string') return invalid('a requirement must be a string');
  const key = `${ecosystem}\u0000${text}`;
  let parsed = parsedTexts.get(key);
  if (!parsed) {
    parsed = Object.freeze(parseUncached(ecosystem, text));
    // A conda refusal before rattler is loaded is not conda's verdict yet: not kept.
    if (parsed.ok || ecosystem !== 'conda' || rattlerLoaded()) {
      if (parsedTexts.size >= PARSED_CACHE_SIZE) parsedTexts.clear();
      parsedTexts.set(key, parsed);
    }
  }
  return parsed;
}

/**
 * Loads rattler (once) when one of these conda requirements is refused by the fast grammar, so
 * that `parseRequirement` gives conda's own verdict on it. Call before linting or planning a
 * workflow (the check use case does); a workflow whose conda specs all pass the fast grammar
 * never loads it.
 */
export async function prepareRequirements(condaTexts: Iterable<string>): Promise<void> {
  if (rattlerLoaded()) return;
  for (const text of condaTexts) {
    if (typeof text === 'string' && !parseRequirement('conda', text).ok) {
      await loadRattler();
      return;
    }
  }
}

function parseUncached(ecosystem: Ecosystem, text: string): ParsedRequirement {
  const trimmed = text.trim();
  if (trimmed === '') return invalid('the requirement is empty');
  if (trimmed.length > MAX_LENGTH)
    return invalid(`the requirement is over ${MAX_LENGTH} characters`);
  // Control characters would break a Dockerfile line whatever the quoting: refused everywhere.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    return invalid('it contains a line break or control character');
  if (/['"`$\\;&]/.test(trimmed) && ecosystem !== 'pip' && ecosystem !== 'conda') {
    return invalid(`it contains a character that is not allowed in a ${ecosystem} requirement`);
  }
  switch (ecosystem) {
    case 'pip':
      return parsePip(trimmed);
    case 'conda':
      return parseConda(trimmed);
    case 'npm':
      return parseNpm(trimmed);
    case 'apt':
      return parseApt(trimmed);
    case 'maven':
      return parseMaven(trimmed);
    case 'cran':
    case 'bioconductor':
      return parseR(ecosystem, trimmed);
    default:
      return invalid(`unknown ecosystem ${String(ecosystem)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// pip (PEP 508 names, PEP 440 specifiers)

const PIP_NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/;

/** PEP 503 normalisation: `Foo_Bar.baz` and `foo-bar-baz` are the same project. */
export function normalizePipName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * What pip reads as a file to build rather than a project to look up: an archive or wheel name
 * (`evil-1.0.tar.gz`). pip would build such a file and run its `setup.py` on the runner.
 */
const PIP_FILE = /\.(?:tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.lz|tlz|tar|zip|whl|egg)$/i;

function parsePip(text: string): ParsedRequirement {
  if (text.includes(';')) return invalid('environment markers (`;`) are not supported');
  if (text.includes('@')) return invalid('direct URL references (`@`) are not supported');
  if (/[/\\]/.test(text)) return invalid('paths are not supported: name a project of the index');
  const m = PIP_NAME.exec(text);
  if (!m) return invalid('it does not start with a valid Python project name');
  const [, name = '', extrasText, rest = ''] = m;
  if (PIP_FILE.test(name))
    return invalid(
      `"${name}" names an archive file, which pip would build on the runner: name a project of the index (e.g. evil==1.0)`,
    );
  const extras = extrasText === undefined ? [] : extrasText.split(',').map((e) => e.trim());
  if (extras.some((e) => !/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(e))) {
    return invalid('an extra is not a valid name');
  }
  const specifier = rest.trim();
  if (specifier === '') {
    return requirement('pip', normalizePipName(name), text, {
      kind: 'pep440',
      specifier: '',
      extras,
      set: ANY,
    });
  }
  if (!/^[<>=!~]/.test(specifier)) return invalid(`"${specifier}" is not a version specifier`);
  if (!/^[<>=!~0-9A-Za-z.*+,\s]+$/.test(specifier) || !pep440.validRange(specifier)) {
    return invalid(`"${specifier}" is not a valid PEP 440 version specifier`);
  }
  const clauses = pep440Clauses(specifier);
  if (!clauses) return invalid(`"${specifier}" is not a valid PEP 440 version specifier`);
  let set: VersionSet = ANY;
  for (const clause of clauses) set = intersect(set, clause.set, pep440.compare);
  const pinned = clauses.length === 1 && clauses[0]!.exact;
  return requirement(
    'pip',
    normalizePipName(name),
    text,
    {
      kind: 'pep440',
      specifier,
      extras,
      set,
    },
    pinned,
  );
}

interface Pep440Clause {
  set: VersionSet;
  exact: boolean;
}

/** The next release prefix: [1, 4] → "1.5" (with the epoch kept). */
function nextRelease(epoch: number, release: readonly number[]): string {
  const next = [...release];
  next[next.length - 1] = (next[next.length - 1] ?? 0) + 1;
  return `${epoch ? `${epoch}!` : ''}${next.join('.')}`;
}

function prefixOf(epoch: number, release: readonly number[]): string {
  return `${epoch ? `${epoch}!` : ''}${release.join('.')}`;
}

/**
 * PEP 440 clauses as version sets. Pre-releases count as available (an explicit pin may name one),
 * but `<V` excludes V's own pre-releases, as the standard says: its bound is `V.dev0`.
 */
function pep440Clauses(specifier: string): Pep440Clause[] | undefined {
  const parsed = pep440Specifier.parse(specifier) as unknown as
    | {
        operator: string;
        version: string;
        prefix?: string;
        epoch: number;
        release: number[];
        is_prerelease: boolean;
        is_postrelease: boolean;
      }[]
    | null;
  if (!parsed || parsed.length === 0) return undefined;
  const out: Pep440Clause[] = [];
  for (const c of parsed) {
    const wildcard = c.prefix === '.*';
    const v = c.version;
    switch (c.operator) {
      case '==':
      case '===':
        out.push(
          wildcard
            ? {
                set: between(
                  `${prefixOf(c.epoch, c.release)}.dev0`,
                  `${nextRelease(c.epoch, c.release)}.dev0`,
                ),
                exact: false,
              }
            : { set: exactly(v), exact: true },
        );
        break;
      case '!=':
        out.push({
          set: wildcard
            ? exceptBetween(
                `${prefixOf(c.epoch, c.release)}.dev0`,
                `${nextRelease(c.epoch, c.release)}.dev0`,
              )
            : except(v),
          exact: false,
        });
        break;
      case '>=':
        out.push({ set: atLeast(v, true), exact: false });
        break;
      case '>':
        out.push({ set: atLeast(v, false), exact: false });
        break;
      case '<=':
        out.push({ set: below(v, true), exact: false });
        break;
      case '<':
        out.push({
          set: c.is_prerelease || c.is_postrelease ? below(v, false) : below(`${v}.dev0`, false),
          exact: false,
        });
        break;
      case '~=': {
        if (c.release.length < 2) return undefined;
        out.push({
          set: between(v, `${nextRelease(c.epoch, c.release.slice(0, -1))}.dev0`),
          exact: false,
        });
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// conda match specs

const CONDA_SPEC = /^(?:([A-Za-z0-9][A-Za-z0-9._/-]*)::)?([A-Za-z0-9_][A-Za-z0-9._-]*)(.*)$/;
// No empty segments (`1..2`, `1._2`): conda's VersionOrder refuses them.
const CONDA_VERSION = /^[0-9A-Za-z](?:[._+!]?[0-9A-Za-z])*(?:\.?\*)?$|^\*$/;
const CONDA_BUILD = /^[A-Za-z0-9_.*+-]+$/;

function parseConda(text: string): ParsedRequirement {
  const fast = parseCondaFast(text);
  if (fast.ok) return fast;
  const verdict = readCondaSpec(text);
  if (verdict === undefined) return fast;
  if (!verdict.ok) return invalid(verdict.reason);
  const { parts } = verdict;
  const version = parts.version ?? '';
  // Grouping compares version sets; conda reads `1.4.4-0` as `1.4.4_0` (the same VersionOrder).
  const approximate =
    version === ''
      ? { set: ANY }
      : (condaVersionSet(version.includes('_') ? version : version.replace(/-/g, '_'), false) ?? {
          set: ANY,
        });
  const constraint: Constraint = {
    kind: 'conda',
    versionSpec: version,
    set: approximate.set,
    conda: { solverSpec: verdict.solverSpec, installSpec: verdict.installSpec },
  };
  if (parts.channel !== undefined) constraint.channel = parts.channel;
  if (parts.build !== undefined) constraint.build = parts.build;
  return requirement(
    'conda',
    parts.name.toLowerCase(),
    text,
    constraint,
    parts.single === true,
    version !== '' || parts.build !== undefined,
  );
}

/**
 * How the solver and micromamba take a conda requirement: the text without its `channel::`
 * prefix (`solver`) and as written (`install`), or conda's canonical forms for a spec only
 * conda's grammar reads.
 */
export function condaForms(text: string): { solver: string; install: string } {
  const parsed = parseRequirement('conda', text);
  if (parsed.ok && parsed.constraint.kind === 'conda' && parsed.constraint.conda)
    return {
      solver: parsed.constraint.conda.solverSpec,
      install: parsed.constraint.conda.installSpec,
    };
  const i = text.indexOf('::');
  return { solver: i >= 0 ? text.slice(i + 2) : text, install: text };
}

function parseCondaFast(text: string): ParsedRequirement {
  const m = CONDA_SPEC.exec(text);
  if (!m) return invalid('it is not a conda match spec (`[channel::]name[=version[=build]]`)');
  const [, channel, rawName = '', rest = ''] = m;
  if (/\.(?:conda|tar\.bz2)$/.test(rawName)) return invalid(`"${rawName}" names a package file`);
  const name = rawName.toLowerCase();
  let versionSpec = '';
  let build: string | undefined;
  let fuzzy = false;
  let space: RegExpExecArray | null;
  let eq: RegExpExecArray | null;
  if (rest === '') {
    // unversioned
  } else if ((space = /^\s+(\S+)(?:\s+(\S+))?$/.exec(rest))) {
    versionSpec = space[1] ?? '';
    build = space[2];
  } else if ((eq = /^=([^=<>!~,|\s][^=\s]*)(?:=(\S+))?$/.exec(rest))) {
    versionSpec = eq[1] ?? '';
    build = eq[2];
    // `name=1.2` is conda's fuzzy form (1.2.*); with a build string the version is exact.
    fuzzy = build === undefined;
  } else if (/^(==|>=|<=|>|<|!=|~=)/.test(rest)) {
    versionSpec = rest;
  } else {
    return invalid(`"${rest}" is not a conda version specification`);
  }
  if (build !== undefined && !CONDA_BUILD.test(build)) {
    return invalid(`"${build}" is not a valid conda build string`);
  }
  let set: VersionSet = ANY;
  let pinned = false;
  if (versionSpec !== '') {
    const parsed = condaVersionSet(versionSpec, fuzzy);
    if (!parsed) return invalid(`"${versionSpec}" is not a valid conda version specification`);
    set = parsed.set;
    pinned = parsed.pinned;
  }
  const constraint: Constraint = { kind: 'conda', versionSpec, set };
  if (channel !== undefined) constraint.channel = channel;
  if (build !== undefined) constraint.build = build;
  return requirement('conda', name, text, constraint, pinned, versionSpec !== '' || !!build);
}

/** Conda's prefix bounds: `1.2.*` covers [1.2, 1.3dev0) (dev builds of 1.2 itself are left out). */
function condaPrefix(prefix: string): VersionSet {
  const m = /^(.*?)(\d+)$/.exec(prefix);
  if (!m) return atLeast(prefix, true);
  const next = `${m[1]}${Number(m[2]) + 1}`;
  return between(prefix, `${next}dev0`);
}

function condaVersionSet(
  spec: string,
  fuzzy: boolean,
): { set: VersionSet; pinned: boolean } | undefined {
  const alternatives = spec.split('|');
  let union: VersionSet = [];
  let terms = 0;
  let exactTerms = 0;
  for (const alternative of alternatives) {
    let set: VersionSet = ANY;
    for (const rawTerm of alternative.split(',')) {
      const term = rawTerm.trim();
      const m = /^(==|>=|<=|>|<|!=|~=|=)?(.+)$/.exec(term);
      if (!m) return undefined;
      const op = m[1] ?? '';
      const version = m[2] ?? '';
      if (!CONDA_VERSION.test(version)) return undefined;
      terms++;
      const star = version.endsWith('*');
      const base = version.replace(/\.?\*$/, '');
      let clause: VersionSet;
      if (version === '*') clause = ANY;
      else if (op === '' || op === '==' || op === '=') {
        if (star || (op === '=' && fuzzy) || (op === '' && fuzzy)) clause = condaPrefix(base);
        else clause = exactly(version);
        // `=1.2.3` is conda's usual way to pin: counted as pinned though it also admits 1.2.3.x.
        if (!star) exactTerms++;
      } else if (op === '!=') {
        if (star) {
          const p = condaPrefix(base)[0];
          clause = p?.lo && p.hi ? exceptBetween(p.lo.version, p.hi.version) : except(base);
        } else clause = except(version);
      } else if (star) return undefined;
      else if (op === '>=') clause = atLeast(version, true);
      else if (op === '>') clause = atLeast(version, false);
      else if (op === '<=') clause = below(version, true);
      else if (op === '<') clause = below(version, false);
      else {
        // ~=1.4.5 → >=1.4.5, 1.4.*
        const parts = version.split('.');
        if (parts.length < 2) return undefined;
        clause = intersect(
          atLeast(version, true),
          condaPrefix(parts.slice(0, -1).join('.')),
          compareConda,
        );
      }
      set = intersect(set, clause, compareConda);
    }
    union = union.concat(set);
  }
  return { set: union, pinned: alternatives.length === 1 && terms === 1 && exactTerms === 1 };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((s) => s.replace(/[.+]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Can one build string satisfy both patterns? Exact for literals; prefix check for two globs. */
function buildsCompatible(a: string, b: string): boolean {
  const aGlob = a.includes('*');
  const bGlob = b.includes('*');
  if (!aGlob && !bGlob) return a === b;
  if (!aGlob) return globToRegExp(b).test(a);
  if (!bGlob) return globToRegExp(a).test(b);
  const pa = a.slice(0, a.indexOf('*'));
  const pb = b.slice(0, b.indexOf('*'));
  return pa.startsWith(pb) || pb.startsWith(pa);
}

// ---------------------------------------------------------------------------------------------
// npm (semver)

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

function parseNpm(text: string): ParsedRequirement {
  const at = text.indexOf('@', 1);
  const name = at > 0 ? text.slice(0, at) : text;
  const range = at > 0 ? text.slice(at + 1).trim() : '';
  if (!NPM_NAME.test(name) || name.length > 214)
    return invalid(`"${name}" is not a valid npm package name`);
  if (at > 0) {
    if (!/^[0-9A-Za-z.*^~<>=|+\s-]+$/.test(range) || semver.validRange(range) === null) {
      return invalid(`"${range}" is not a semver range (dist-tags and URLs are not supported)`);
    }
  }
  const pinned = at > 0 && semver.valid(range.replace(/^=/, '')) !== null;
  return requirement(
    'npm',
    name,
    text,
    { kind: 'semver', range: at > 0 ? range : '*' },
    pinned,
    at > 0,
  );
}

// ---------------------------------------------------------------------------------------------
// apt (Debian)

const APT = /^([a-z0-9][a-z0-9+.-]+)(?:=(.+))?$/;
const DEBIAN_VERSION = /^(?:\d+:)?[0-9][A-Za-z0-9.+~-]*$/;

function parseApt(text: string): ParsedRequirement {
  const m = APT.exec(text);
  if (!m) return invalid('it is not a Debian package name (`pkg` or `pkg=version`)');
  const [, name = '', version] = m;
  if (version !== undefined && !DEBIAN_VERSION.test(version)) {
    return invalid(`"${version}" is not a valid Debian version`);
  }
  const constraint: Constraint =
    version === undefined
      ? { kind: 'debian', set: ANY }
      : { kind: 'debian', version, set: exactly(version) };
  return requirement('apt', name, text, constraint, version !== undefined);
}

// ---------------------------------------------------------------------------------------------
// maven

const MAVEN_PART = /^[A-Za-z0-9_.-]+$/;
const MAVEN_RANGE = /([[(])([^[\]()]*)([\])])/g;

function parseMaven(text: string): ParsedRequirement {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) {
    return invalid('it is not `group:artifact` or `group:artifact:version`');
  }
  const [group = '', artifact = '', version] = parts;
  if (!MAVEN_PART.test(group) || !MAVEN_PART.test(artifact)) {
    return invalid(`"${group}:${artifact}" is not a valid Maven group and artifact`);
  }
  const base = { kind: 'maven' as const, group, artifact };
  const name = `${group}:${artifact}`;
  if (version === undefined)
    return requirement('maven', name, text, { ...base, set: ANY }, false, false);
  if (MAVEN_PART.test(version)) {
    return requirement('maven', name, text, { ...base, version, set: exactly(version) }, true);
  }
  // Version ranges: [1.0,2.0), [1.0,), (,1.0], [1.0], and unions of them separated by commas.
  let union: VersionSet = [];
  let consumed = '';
  for (const r of version.matchAll(MAVEN_RANGE)) {
    const [whole, open, body = '', close] = r;
    consumed += `${whole},`;
    const bounds = body.split(',').map((s) => s.trim());
    if (bounds.some((b) => b !== '' && !MAVEN_PART.test(b)) || bounds.length > 2) {
      return invalid(`"${version}" is not a valid Maven version range`);
    }
    const [lo = '', hi] = bounds;
    if (hi === undefined) {
      if (open !== '[' || close !== ']' || lo === '')
        return invalid(`"${version}" is not a valid Maven version range`);
      union = union.concat(exactly(lo));
      continue;
    }
    const interval: VersionSet[number] = {};
    if (lo !== '') interval.lo = { version: lo, inclusive: open === '[' };
    if (hi !== '') interval.hi = { version: hi, inclusive: close === ']' };
    union.push(interval);
  }
  if (consumed.replace(/,$/, '') !== version.replace(/\s/g, '')) {
    return invalid(`"${version}" is not a valid Maven version or range`);
  }
  return requirement('maven', name, text, { ...base, version, set: union }, false);
}

// ---------------------------------------------------------------------------------------------
// CRAN / Bioconductor

const R_REQUIREMENT =
  /^([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])\s*(?:(==|>=)\s*([0-9]+(?:[.-][0-9]+)+))?$/;

function parseR(ecosystem: 'cran' | 'bioconductor', text: string): ParsedRequirement {
  const m = R_REQUIREMENT.exec(text);
  if (!m) return invalid(`it is not an R package (\`name\`, \`name==1.2.3\` or \`name>=1.2\`)`);
  const [, name = '', op, version] = m;
  if (!op || !version) {
    return requirement(ecosystem, name, text, { kind: 'r', specifier: '', set: ANY }, false, false);
  }
  const set = op === '==' ? exactly(version) : atLeast(version, true);
  return requirement(
    ecosystem,
    name,
    text,
    { kind: 'r', specifier: `${op}${version}`, set },
    op === '==',
  );
}

// ---------------------------------------------------------------------------------------------

function requirement(
  ecosystem: Ecosystem,
  name: string,
  text: string,
  constraint: Constraint,
  pinned = false,
  versioned?: boolean,
): Requirement {
  const hasVersion =
    versioned ??
    (constraint.kind === 'pep440'
      ? constraint.specifier !== ''
      : constraint.kind === 'semver'
        ? constraint.range !== '*'
        : true);
  return { ok: true, ecosystem, name, text, constraint, pinned, versioned: hasVersion };
}

const COMPARE: Record<string, Compare> = {
  pep440: pep440.compare,
  conda: compareConda,
  debian: compareDebian,
  maven: compareMaven,
  r: compareR,
};

/**
 * True when no version satisfies both requirements. Requirements on different packages never
 * conflict; neither do unversioned ones. Conda specs also conflict on different explicit channels
 * or incompatible build strings.
 */
export function conflicts(a: Requirement, b: Requirement): boolean {
  if (a.name !== b.name || sameFamilyOfNames(a, b) === false) return false;
  const x = a.constraint;
  const y = b.constraint;
  if (x.kind === 'semver' && y.kind === 'semver') {
    if (x.range === '*' || y.range === '*') return false;
    return !semver.intersects(x.range, y.range);
  }
  if (x.kind === 'conda' && y.kind === 'conda') {
    if (x.channel && y.channel && x.channel !== y.channel) return true;
    if (x.build && y.build && !buildsCompatible(x.build, y.build)) return true;
  }
  if (x.kind === 'semver' || y.kind === 'semver' || x.kind !== y.kind) return false;
  const compare = COMPARE[x.kind];
  if (!compare) return false;
  return isEmpty(intersect(x.set, (y as typeof x).set, compare));
}

/** True when `version` (of the requirement's package) satisfies the requirement's constraint. */
export function allows(requirement: Requirement, version: string): boolean {
  const c = requirement.constraint;
  if (c.kind === 'semver') return semver.satisfies(version, c.range);
  if (c.kind === 'conda' && c.conda && c.versionSpec !== '') {
    const matches = condaVersionMatches(c.versionSpec, version);
    if (matches !== undefined) return matches;
  }
  const compare = COMPARE[c.kind];
  return compare === undefined || contains(c.set, version, compare);
}

/** CRAN and Bioconductor share one R library, so a name clash across them counts too. */
function sameFamilyOfNames(a: Requirement, b: Requirement): boolean {
  if (a.ecosystem === b.ecosystem) return true;
  const r = (e: Ecosystem) => e === 'cran' || e === 'bioconductor';
  return r(a.ecosystem) && r(b.ecosystem);
}

// ---------------------------------------------------------------------------------------------
// runtimes

export type RuntimeKind = 'python' | 'r' | 'java';

/** Runtime versions are 1–3 numeric components (`3.12`, `21`, `4.4.1`). */
export function parseRuntime(
  kind: RuntimeKind,
  text: string,
): { ok: true; version: string } | InvalidRequirement {
  const v = String(text).trim();
  if (!/^\d{1,4}(?:\.\d{1,4}){0,2}$/.test(v)) {
    return invalid(`"${v}" is not a ${kind} version (use numbers like 3.12 or 21)`);
  }
  return { ok: true, version: v };
}
