/**
 * Conda match specs as conda reads them, for the requirements the project's own grammar
 * (`requirements.ts`) refuses: `bioconda::metabinner=1.4.4-0`, `ucsc-bedgraphtobigwig == 377`,
 * `numpy[version='>=1.20',build=py*]`. The spec is split the way conda splits it (comment,
 * brackets, parentheses, `channel[/subdir]::`, name, then version and build, with conda's `=1.2` →
 * `1.2*` translation); the version part goes to rattler's `VersionSpec` (the conda solver's own
 * parser, through `@conda-org/rattler`), whose verdict and message are final.
 *
 * rattler's WebAssembly costs a few hundred milliseconds to load, so it is loaded once, and only
 * when a requirement needs it (`loadRattler`); until then `readCondaSpec` answers `undefined`.
 *
 * Stricter than conda on purpose, each with its reason: package files and URLs (`url=`, `fn=`,
 * `x.conda`) install something no channel vouches for; a single `:` (`bioconda:samtools`), which
 * conda reads as a namespace and ignores, is almost always a mistyped `::`; brackets must hold
 * only `key=value` pairs.
 */

type Rattler = typeof import('@conda-org/rattler');

let rattler: Rattler | undefined;
let loading: Promise<Rattler> | undefined;

/** rattler's bindings, loaded on first use (the conda solver shares them). */
export function loadRattler(): Promise<Rattler> {
  loading ??= import('@conda-org/rattler').then((m) => (rattler = m));
  return loading;
}

/** True once `loadRattler` has finished: `readCondaSpec` can answer. */
export function rattlerLoaded(): boolean {
  return rattler !== undefined;
}

/** A conda match spec split into its parts (conda's own reading, not yet checked by rattler). */
export interface CondaSpecParts {
  name: string;
  /** A channel name (`bioconda`, `conda-forge/label/dev`) or URL, from `channel::` or `[channel=]`. */
  channel?: string;
  subdir?: string;
  /** After conda's translation: `=1.2` → `1.2*`, `==1.2` → `1.2`, spaces removed. */
  version?: string;
  build?: string;
  /** The version names one release (`==1.2`, `1.2`, or conda's `=1.2` that admits 1.2.x). */
  single?: true;
  /** The other bracket keys (`build_number`, `md5`, `license`, …), as written. */
  keys: Record<string, string>;
}

/** The subdirs conda knows: `conda-forge/linux-64::x` names a subdir, not a channel path. */
const KNOWN_SUBDIRS = new Set([
  'noarch',
  'linux-32',
  'linux-64',
  'linux-aarch64',
  'linux-armv6l',
  'linux-armv7l',
  'linux-ppc64',
  'linux-ppc64le',
  'linux-s390x',
  'linux-riscv64',
  'osx-64',
  'osx-arm64',
  'win-32',
  'win-64',
  'win-arm64',
  'zos-z',
]);

/** Bracket keys conda matches on (`MatchSpec.FIELD_NAMES`) that Stowage passes on. */
const BRACKET_KEYS: Readonly<Record<string, RegExp>> = {
  version: /^[^\s'"`\\;&$]+$/,
  build: /^[A-Za-z0-9_.*+!^$]+$/,
  build_number: /^(?:[<>]=?|==|!=)?\d+$/,
  channel: /^\S+$/,
  subdir: /^[a-z0-9]+-[a-z0-9_]+$|^noarch$/,
  md5: /^[0-9a-f]{32}$/,
  sha256: /^[0-9a-f]{64}$/,
  license: /^[A-Za-z0-9 ._+()-]+$/,
  license_family: /^[A-Za-z0-9 ._+()-]+$/,
  track_features: /^[A-Za-z0-9_ ,.-]*$/,
  features: /^[A-Za-z0-9_ ,.-]*$/,
};

const PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9._-]+)*$/;
const BUILD = /^[A-Za-z0-9_.*+!^$]+$/;

type Split = { ok: true; parts: CondaSpecParts } | { ok: false; reason: string };

function refuse(reason: string): Split {
  return { ok: false, reason };
}

/** `key=value` pairs of a bracket or parenthesis section (values optionally quoted). */
function keyValues(body: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const pair = /\s*([A-Za-z0-9_-]+)=(["']?)([^'"]*?)\2\s*(?:,|\s|$)/y;
  let at = 0;
  while (at < body.length) {
    pair.lastIndex = at;
    const m = pair.exec(body);
    if (!m || m[3] === '' || pair.lastIndex === at) return undefined;
    out[m[1]!] = m[3]!;
    at = pair.lastIndex;
  }
  return out;
}

/** `bioconda`, `conda-forge/linux-64`, `https://host/channel`: the channel and its subdir. */
function splitChannel(raw: string): { channel?: string; subdir?: string } | { error: string } {
  const value = raw.trim().replace(/\/+$/, '');
  if (value === '*' || value === '') return {};
  const slash = value.lastIndexOf('/');
  const last = value.slice(slash + 1);
  const [channel, subdir] =
    slash > 0 && KNOWN_SUBDIRS.has(last) ? [value.slice(0, slash), last] : [value, undefined];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(channel)) {
    let url: URL;
    try {
      url = new URL(channel);
    } catch {
      return { error: `"${channel}" is not a channel URL` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return { error: `channel "${channel}" must be an http:// or https:// URL` };
    if (url.username || url.password || url.search || url.hash)
      return { error: `channel "${url.host}" carries credentials, a query or a fragment` };
  } else if (!CHANNEL_NAME.test(channel)) {
    return { error: `"${channel}" is not a channel name` };
  }
  return subdir === undefined ? { channel } : { channel, subdir };
}

/**
 * conda's split of what follows the name into version and build (`>=1.0 , < 2.0 py34_0` →
 * `>=1.0,<2.0` and `py34_0`): the build is the last word after a space or `=` that no operator
 * precedes, and holds no `-`, `=`, `,`, `|`, `<`, `>` or `~`.
 */
function versionPlusBuild(text: string): { version: string; build?: string } {
  const m = /((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])[ =]([^-=,|<>~]+?))?$/.exec(text);
  const version = (m?.[1] ?? text).replace(/ /g, '');
  const build = m?.[2]?.trim();
  return build ? { version, build } : { version };
}

/** A conda match spec split as conda splits it, or why conda (or Stowage) refuses it. */
export function splitCondaSpec(text: string): Split {
  let spec = text;
  if (spec.trim().endsWith('@'))
    return refuse('a feature spec (`name@`) names no package to install');
  const hash = spec.indexOf('#');
  if (hash >= 0) spec = spec.slice(0, hash);
  spec = spec.split(' if ', 1)[0]!.trim();
  if (spec === '') return refuse('it names no package');
  if (/\.(?:conda|tar\.bz2)$/.test(spec))
    return refuse(
      'it names a package file, which no channel vouches for: name the package (e.g. samtools=1.20) and its channel',
    );

  let keys: Record<string, string> = {};
  const bracket = /^(.*)(\[.*\])/.exec(spec);
  if (bracket) {
    const parsed = keyValues(bracket[2]!.slice(1, -1));
    if (!parsed) return refuse('its brackets must hold key=value pairs (e.g. [build_number=3])');
    keys = parsed;
    spec = spec.replace(bracket[2]!, '');
  }
  // Parentheses (`(optional)`, `(target=…)`) carry install hints that conda leaves out of matching.
  const parens = /^(.*)(\(.*\))/.exec(spec);
  if (parens) {
    const body = parens[2]!.slice(1, -1).trim();
    if (body !== 'optional' && !keyValues(body))
      return refuse("parentheses hold only conda's install options (`(optional)`, `(target=…)`)");
    spec = spec.replace(parens[2]!, '');
  }

  const colons = spec.split(':');
  let channelText: string | undefined;
  if (colons.length >= 3) {
    const rest = colons.slice(-2);
    if (rest[0] !== '')
      return refuse('a namespace (`channel:namespace:name`) is not a conda feature Stowage takes');
    channelText = colons.slice(0, -2).join(':');
    spec = rest[1]!;
  } else if (colons.length === 2) {
    return refuse(
      `one \`:\` reads as a namespace, which conda ignores: did you mean ${colons[0]}::${colons[1]}?`,
    );
  }
  const parts: CondaSpecParts = { name: '', keys: {} };
  for (const raw of [channelText, keys.channel]) {
    if (raw === undefined) continue;
    const channel = splitChannel(raw);
    if ('error' in channel) return refuse(channel.error);
    if (channel.channel !== undefined) parts.channel = channel.channel;
    if (channel.subdir !== undefined) parts.subdir = channel.subdir;
  }
  if (keys.subdir !== undefined) parts.subdir = keys.subdir;

  const named = /^([^ =<>!~]+)?([><!=~ ].*)?$/s.exec(spec);
  const name = named?.[1];
  if (name === undefined) return refuse('it names no package');
  if (name === '*') return refuse('`*` matches any package: name the one to install');
  if (!PACKAGE_NAME.test(name)) return refuse(`"${name}" is not a conda package name`);
  parts.name = name;
  const rest = (named?.[2] ?? '').trim();
  if (rest !== '') {
    if (rest.includes('[')) return refuse('only one bracket section is allowed');
    const { build, version: written } = versionPlusBuild(rest);
    let version = written;
    // `==1.2`, `=1.2` (conda's usual pin, admitting 1.2.x) or `1.2` name one release.
    const single = /^(?:==?)?[^=*,|<>!~]/;
    if (version.startsWith('=')) {
      const after = version.slice(1);
      if (version.startsWith('==') && build === undefined) version = version.slice(2);
      else if (!/[=,|]/.test(after))
        version = build === undefined && !after.endsWith('*') ? `${after}*` : after;
    }
    if (version !== '') parts.version = version;
    if (build !== undefined) parts.build = build;
    if (single.test(rest.replace(/ /g, '')) && !/[*,|<>!~]/.test(version.replace(/\*$/, '')))
      parts.single = true;
  }
  // Anything in brackets overrides what is written outside them, as in conda.
  for (const [key, value] of Object.entries(keys)) {
    if (key === 'url' || key === 'fn')
      return refuse(
        `\`${key}=\` installs a file no channel vouches for: name the package and its channel`,
      );
    const grammar = BRACKET_KEYS[key];
    if (!grammar) return refuse(`conda cannot match on the field "${key}"`);
    if (!grammar.test(value)) return refuse(`"${value}" is not a valid ${key}`);
    if (key === 'version') {
      parts.version = value;
      delete parts.single;
      if (/^(?:==)?[^=*,|<>!~]+$/.test(value)) parts.single = true;
    } else if (key === 'build') parts.build = value;
    else if (key !== 'channel' && key !== 'subdir') parts.keys[key] = value;
  }
  if (parts.build !== undefined && !BUILD.test(parts.build))
    return refuse(`"${parts.build}" is not a valid conda build string`);
  return { ok: true, parts };
}

/** What rattler says of a version spec: undefined when it reads it, else its message (one line). */
function rattlerVersionProblem(r: Rattler, version: string): string | undefined {
  try {
    new r.VersionSpec(version, 'lenient').free();
    return undefined;
  } catch (error) {
    return rattlerMessage(String((error as Error)?.message ?? error), version);
  }
}

/**
 * rattler's parse errors are either one line (`malformed version string '1..2': …`) or a parser
 * trace with a caret under the place; the latter becomes "cannot read … at character N".
 */
function rattlerMessage(message: string, version: string): string {
  const lines = message.split('\n');
  const caret = lines.findIndex((l) => /^\s*\^\s*$/.test(l));
  if (/^\d+: at line/.test(lines[0] ?? '') && caret > 0) {
    const column = lines[caret]!.indexOf('^');
    const rest = version.slice(column);
    return rest === ''
      ? `rattler (conda's solver) reads "${version}" as incomplete: it ends where a version was expected`
      : `rattler (conda's solver) cannot read "${version}" from character ${column + 1} ("${rest}")`;
  }
  return `rattler (conda's solver): ${lines[0]!.trim()}`;
}

export type CondaSpecVerdict =
  | {
      ok: true;
      parts: CondaSpecParts;
      /** What the solver takes: no channel (it is in the request's channel list). */
      solverSpec: string;
      /** What micromamba installs by name (an unsolved group), channel included. */
      installSpec: string;
    }
  | { ok: false; reason: string };

/**
 * conda's verdict on a match spec: split as conda splits it, the version read by rattler.
 * `undefined` until `loadRattler` has finished.
 */
export function readCondaSpec(text: string): CondaSpecVerdict | undefined {
  const r = rattler;
  if (!r) return undefined;
  const split = splitCondaSpec(text);
  if (!split.ok) return split;
  const { parts } = split;
  if (parts.version !== undefined) {
    const problem = rattlerVersionProblem(r, parts.version);
    if (problem) return { ok: false, reason: problem };
  }
  const extras = Object.keys(parts.keys)
    .sort()
    .map((k) => `${k}='${parts.keys[k]}'`);
  if (parts.subdir !== undefined) extras.push(`subdir='${parts.subdir}'`);
  // A bare version is exact to conda; rattler's strict reading wants the `==` said.
  const version =
    parts.version !== undefined && /^[^=*,|<>!~]+$/.test(parts.version)
      ? `==${parts.version}`
      : parts.version;
  const versionBuild =
    version !== undefined || parts.build !== undefined
      ? ` ${version ?? '*'}${parts.build !== undefined ? ` ${parts.build}` : ''}`
      : '';
  const solverSpec = `${parts.name}${versionBuild}${extras.length > 0 ? `[${extras.join(',')}]` : ''}`;
  const installSpec = parts.channel !== undefined ? `${parts.channel}::${solverSpec}` : solverSpec;
  return { ok: true, parts, solverSpec, installSpec };
}

/** Whether `version` satisfies a conda version spec, by rattler; undefined before it is loaded. */
export function condaVersionMatches(spec: string, version: string): boolean | undefined {
  const r = rattler;
  if (!r) return undefined;
  try {
    const s = new r.VersionSpec(spec, 'lenient');
    const v = new r.Version(version);
    try {
      return s.matches(v);
    } finally {
      s.free();
      v.free();
    }
  } catch {
    return false;
  }
}
