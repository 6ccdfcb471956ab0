/**
 * Every option of Stowage in one table: its typed key, its command-line flag and the commands that
 * take it, its action input, its help text, and how a raw value is read and checked. The CLI's
 * flags, `stowage help` and the per-command checks, and the action's input reading all come from
 * here, so the two adapters cannot disagree (a test holds action.yml to it).
 *
 * A value is checked once, by `parse`, whichever adapter read it; a bad one is an InputError that
 * names it in the adapter's own words (`--parallel`, `input "parallel"`) and, for a choice, says
 * which value was meant.
 */
import { InputError } from '../common/errors.js';
import { SEVERITIES, type Severity } from '../common/findings.js';
import { closest } from '../common/suggest.js';
import { parseDuration } from '../common/units.js';
import {
  EXPORT_ENGINES,
  SLURM_RUNTIMES,
  type ExportEngine,
  type SlurmRuntime,
} from '../export/types.js';
import {
  BUILD_NETWORKS,
  BUILDER_KINDS,
  CACHE_MODES,
  type BuilderKind,
  type BuildNetwork,
  type CacheMode,
} from '../images/builder.js';
import { parseTagRules, PUSH_MODES, type PushMode, type TagRule } from '../images/tags.js';
import { DIAGRAM_DETAILS, type DiagramDetail } from '../report/mermaid.js';
import { checkedSourceUrl, parseChannelUrls } from '../resolve/sources.js';
import { RESOLVE_MODES, type ResolveMode } from '../resolve/types.js';
import { DEFAULT_WRAPPER_PREFIX } from '../workflow/importers/wrappers.js';
import { WORKFLOW_FORMATS, type WorkflowFormat } from '../workflow/model.js';

export { EXPORT_ENGINES, type ExportEngine, type ResolveMode };

/** What a run does: the CLI's commands; the action's modes map onto them. */
export type RunCommand = 'lint' | 'plan' | 'lock' | 'build' | 'export' | 'cluster';

/** The commands that read a workflow: what an option without `commands` applies to. */
export const WORKFLOW_COMMANDS: readonly RunCommand[] = ['lint', 'plan', 'lock', 'build', 'export'];

export const OUTPUT_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const LOCK_POLICIES = ['verify', 'trust'] as const;
export const MODES = ['lint', 'plan', 'build'] as const;
export type Mode = (typeof MODES)[number];

/** Every option's typed value. Each adapter reads the ones it has (see `OPTIONS`). */
export interface Settings {
  // Both adapters.
  failOn: Severity | 'never';
  config?: string;
  importFormat: WorkflowFormat | 'auto';
  wrapperPrefix?: string;
  /** A cluster profile file (the keys of the spec's `cluster:`). */
  cluster?: string;
  baseImages: Record<string, string>;
  resolve: ResolveMode;
  resolveTimeoutMs: number;
  channelUrls: Record<string, string>;
  pipIndexUrl?: string;
  npmRegistry?: string;
  platforms: string[];
  registry?: string;
  builder: BuilderKind;
  network: BuildNetwork;
  tags: TagRule[];
  username?: string;
  registryTimeoutMs: number;
  /** 0: never. */
  stallTimeoutMs: number;
  authHosts: string[];
  groups: string[];
  parallel: number;
  exportEngines: ExportEngine[];
  runtime: SlurmRuntime;
  // The command line only.
  format: OutputFormat;
  root?: string;
  outDir: string;
  noPush: boolean;
  passwordStdin: boolean;
  verbose: boolean;
  noColor: boolean;
  verifyLock?: { since?: string };
  fromSlurm: boolean;
  partition?: string;
  // The action only.
  spec: string;
  mode: Mode;
  password?: string;
  push: PushMode;
  cache: CacheMode | 'auto';
  provenance: boolean;
  lockPolicy: (typeof LOCK_POLICIES)[number];
  annotations: boolean;
  summary: boolean;
  comment: boolean;
  diagram: DiagramDetail;
  sarifFile?: string;
  githubToken?: string;
}

/** The raw values of one option: the repeated flag's values, or the one action input. */
type Raw = readonly string[];

export interface OptionSpec<K extends keyof Settings = keyof Settings> {
  key: K;
  /** The command-line flag, without `--`; none: the action only. */
  flag?: string;
  /** What the flag takes, for the help (`<n>`); none: a switch. */
  arg?: string;
  /** The flag may be given more than once. */
  repeat?: boolean;
  /** The commands that take the flag; none: every command that reads a workflow. */
  commands?: readonly RunCommand[];
  /** The action input; none: the command line only. */
  input?: string;
  /** Old names of the input, still read with a warning. */
  deprecatedInputs?: readonly string[];
  help: string;
  /** The raw values (empty when not given) as the typed value; `where` names the option. */
  parse(raw: Raw, where: string): Settings[K];
}

// ---- readers of raw values --------------------------------------------------------------------

const last = (raw: Raw): string | undefined => {
  const v = raw.at(-1)?.trim();
  return v === '' ? undefined : v;
};

/** One of `allowed` (default `fallback`); a near miss is named in the error. */
function choice<T extends string>(allowed: readonly T[], fallback: T) {
  return (raw: Raw, where: string): T => {
    const value = last(raw) ?? fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const meant = closest(value, allowed);
    throw new InputError(
      `${where} is "${value}"; expected one of: ${allowed.join(', ')}${meant ? ` (did you mean "${meant}"?)` : ''}`,
    );
  };
}

function text(raw: Raw): string | undefined {
  return last(raw);
}

/** Items of the repeated values, each split on newlines and commas, trimmed, empties dropped. */
export function list(raw: Raw): string[] {
  return raw
    .flatMap((v) => v.split(/[\n,]/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Items split on newlines only (tag rules hold commas). */
function lines(raw: Raw): string[] {
  return raw
    .flatMap((v) => v.split('\n'))
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(fallback: boolean) {
  return (raw: Raw, where: string): boolean => {
    const value = last(raw)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', 'yes', '1', 'on'].includes(value)) return true;
    if (['false', 'no', '0', 'off'].includes(value)) return false;
    throw new InputError(`${where} is "${value}"; expected true or false`);
  };
}

/** A command-line switch: given or not. */
const flag = (raw: Raw): boolean => raw.length > 0;

function wholeNumber(min: number, max: number, fallback: number) {
  return (raw: Raw, where: string): number => {
    const value = last(raw) ?? String(fallback);
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InputError(`${where} is "${value}"; expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function duration(fallback: string, maxSeconds: number) {
  return (raw: Raw, where: string): number => {
    const value = last(raw) ?? fallback;
    const seconds = parseDuration(value);
    if (seconds === undefined || seconds < 1 || seconds > maxSeconds)
      throw new InputError(
        `${where} is "${value}"; expected a duration from 1s to 1d, e.g. 5m or 90s`,
      );
    return Math.round(seconds * 1000);
  };
}

/** `base-images`: JSON `{"python": "ref"}`, or `family=ref` pairs (lines, or repeated flags). */
export function parseBaseImages(raw: Raw, where = 'input "base-images"'): Record<string, string> {
  const images: Record<string, string> = {};
  for (const value of raw) {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch (error) {
        throw new InputError(`${where} is not valid JSON: ${(error as Error).message}`);
      }
      const entries = Object.entries(parsed as Record<string, unknown>);
      if (entries.some(([, v]) => typeof v !== 'string'))
        throw new InputError(`${where}: every value must be an image reference string`);
      Object.assign(images, Object.fromEntries(entries));
      continue;
    }
    for (const line of list([trimmed])) {
      const eq = line.indexOf('=');
      if (eq <= 0 || eq === line.length - 1)
        throw new InputError(`${where}: expected family=image, got "${line}"`);
      images[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return images;
}

/** Export engines by name (or `all`); a near miss is named. */
function engines(raw: Raw, where: string): ExportEngine[] {
  const out: ExportEngine[] = [];
  for (const value of list(raw)) {
    const engine = value.toLowerCase();
    if (engine === 'all') out.push(...EXPORT_ENGINES);
    else if ((EXPORT_ENGINES as readonly string[]).includes(engine))
      out.push(engine as ExportEngine);
    else {
      const meant = closest(engine, [...EXPORT_ENGINES, 'all']);
      throw new InputError(
        `${where}: unknown export engine "${value}"; expected one of: ${EXPORT_ENGINES.join(', ')}, all${meant ? ` (did you mean "${meant}"?)` : ''}`,
      );
    }
  }
  return [...new Set(out)];
}

const sourceUrl = (raw: Raw, where: string): string | undefined => {
  const value = last(raw);
  return value === undefined ? undefined : checkedSourceUrl(value, where);
};

// ---- the table ----------------------------------------------------------------------------------

const PLANNING: readonly RunCommand[] = ['plan', 'lock', 'build', 'export'];
const SOLVING: readonly RunCommand[] = ['plan', 'build', 'export'];

function option<K extends keyof Settings>(spec: OptionSpec<K>): OptionSpec<K> {
  return spec;
}

export const OPTIONS = [
  option({
    key: 'format',
    flag: 'format',
    arg: '<f>',
    help: `${OUTPUT_FORMATS.join(' | ')}: how findings are printed (default: text)`,
    parse: choice(OUTPUT_FORMATS, 'text'),
  }),
  option({
    key: 'failOn',
    flag: 'fail-on',
    arg: '<level>',
    input: 'fail-on',
    help: `${[...SEVERITIES, 'never'].join(' | ')}: fail at or above this level (default: error)`,
    parse: choice([...SEVERITIES, 'never'] as const, 'error'),
  }),
  option({
    key: 'config',
    flag: 'config',
    arg: '<file>',
    input: 'config',
    help: 'lint config file (default: .stowage/config.yml when present)',
    parse: text,
  }),
  option({
    key: 'root',
    flag: 'root',
    arg: '<dir>',
    help: 'the repository root: nothing outside it is read (default: the git top-level of the path)',
    parse: text,
  }),
  option({
    key: 'importFormat',
    flag: 'import',
    arg: '<format>',
    input: 'import',
    deprecatedInputs: ['format'],
    help: `auto | ${WORKFLOW_FORMATS.join(' | ')}: what the path holds (default: auto)`,
    parse: choice(['auto', ...WORKFLOW_FORMATS] as const, 'auto'),
  }),
  option({
    key: 'wrapperPrefix',
    flag: 'wrapper-prefix',
    arg: '<url>',
    input: 'wrapper-prefix',
    help: `where Snakemake wrappers are: https://…/, file:///folder/ or git+file:///clone (default: ${DEFAULT_WRAPPER_PREFIX})`,
    parse: text,
  }),
  option({
    key: 'cluster',
    flag: 'cluster',
    arg: '<file>',
    input: 'cluster',
    help: "a cluster profile: YAML with the keys of the spec's `cluster:` (max-cpus, max-memory, max-time, gpus) to check every step's resources against, imported pipelines too (over the spec's `cluster:`)",
    parse: text,
  }),
  option({
    key: 'fromSlurm',
    flag: 'from-slurm',
    commands: ['cluster'],
    help: 'draft the profile from the Slurm cluster this runs on (scontrol show partition, sinfo)',
    parse: flag,
  }),
  option({
    key: 'partition',
    flag: 'partition',
    arg: '<name>',
    commands: ['cluster'],
    help: 'the Slurm partition to describe (default: the default partition)',
    parse: text,
  }),
  option({
    key: 'outDir',
    flag: 'out-dir',
    arg: '<dir>',
    commands: PLANNING,
    help: 'where plan.json, the Dockerfiles and the exports go (default: .stowage)',
    parse: (raw) => last(raw) ?? '.stowage',
  }),
  option({
    key: 'baseImages',
    flag: 'base-image',
    arg: '<f=ref>',
    repeat: true,
    commands: PLANNING,
    input: 'base-images',
    help: 'base image for a family, e.g. python=127.0.0.1:5000/python:3.12 (repeatable; the input: JSON or family=image lines)',
    parse: parseBaseImages,
  }),
  option({
    key: 'resolve',
    flag: 'resolve',
    arg: '<mode>',
    commands: SOLVING,
    input: 'resolve',
    help: `${RESOLVE_MODES.join(' | ')}: solve each group with conda's, pip's and npm's solvers, answers from stowage.lock first (auto); solve all again (update); the lock file only (offline); names only (off) (default: auto)`,
    parse: choice(RESOLVE_MODES, 'auto'),
  }),
  option({
    key: 'verifyLock',
    flag: 'verify-lock',
    arg: '<rev>',
    commands: SOLVING,
    help: 'solve again every answer of stowage.lock changed since the git revision <rev> (or `all`), and fail when the solvers answer otherwise',
    parse: (raw) => {
      const value = last(raw);
      if (value === undefined) return undefined;
      return value === 'all' ? {} : { since: value };
    },
  }),
  option({
    key: 'resolveTimeoutMs',
    flag: 'resolve-timeout',
    arg: '<d>',
    commands: SOLVING,
    input: 'resolve-timeout',
    help: 'time limit of the resolve stage, e.g. 5m; the groups not solved by then keep the name-level plan, unverified (default: 10m)',
    parse: duration('10m', 86_400),
  }),
  option({
    key: 'lockPolicy',
    input: 'lock-policy',
    help: '`verify`: runs that publish solve again the lock answers changed since the last push; `trust`',
    parse: choice(LOCK_POLICIES, 'verify'),
  }),
  option({
    key: 'channelUrls',
    flag: 'channel-url',
    arg: '<n=url>',
    repeat: true,
    commands: PLANNING,
    input: 'channel-urls',
    help: 'a conda channel by another URL, e.g. conda-forge=https://mirror.example/conda-forge (repeatable; the input: one a line)',
    parse: (raw, where) =>
      parseChannelUrls(
        raw.flatMap((v) => v.split('\n')),
        where,
      ),
  }),
  option({
    key: 'pipIndexUrl',
    flag: 'pip-index-url',
    arg: '<url>',
    commands: PLANNING,
    input: 'pip-index-url',
    help: 'the index pip resolves against (default: containers.pip-index-url, else https://pypi.org/simple)',
    parse: sourceUrl,
  }),
  option({
    key: 'npmRegistry',
    flag: 'npm-registry',
    arg: '<url>',
    commands: PLANNING,
    input: 'npm-registry',
    help: 'the registry npm resolves against (default: containers.npm-registry, else https://registry.npmjs.org)',
    parse: sourceUrl,
  }),
  option({
    key: 'platforms',
    flag: 'platform',
    arg: '<p>',
    repeat: true,
    commands: PLANNING,
    input: 'platforms',
    help: "linux/amd64 or linux/arm64: lock and build for it (repeatable; default: this machine's)",
    parse: list,
  }),
  option({
    key: 'registry',
    flag: 'registry',
    arg: '<ref>',
    commands: ['build', 'export'],
    input: 'registry',
    help: 'images are <ref>/<group> (default: containers.registry of the spec; build without one: local images)',
    parse: text,
  }),
  option({
    key: 'builder',
    flag: 'builder',
    arg: '<b>',
    commands: ['build'],
    input: 'builder',
    help: `${BUILDER_KINDS.join(' | ')} (default: auto)`,
    parse: choice(BUILDER_KINDS, 'auto'),
  }),
  option({
    key: 'network',
    flag: 'network',
    arg: '<n>',
    commands: ['build'],
    input: 'network',
    help: `${BUILD_NETWORKS.join(' | ')}: the network of RUN steps (host where the engine's bridge has no route out; default: default)`,
    parse: choice(BUILD_NETWORKS, 'default'),
  }),
  option({
    key: 'noPush',
    flag: 'no-push',
    commands: ['build'],
    help: 'build without pushing',
    parse: flag,
  }),
  option({
    key: 'push',
    input: 'push',
    help: '`auto` (push on push/tag events, never on pull requests or forks), `true`, `false`',
    parse: choice(PUSH_MODES, 'auto'),
  }),
  option({
    key: 'tags',
    flag: 'tag',
    arg: '<tag>',
    repeat: true,
    commands: ['build'],
    input: 'tags',
    help: 'extra tag or tag rule for every image (repeatable; the input: one a line)',
    parse: (raw) => parseTagRules(lines(raw).join('\n')),
  }),
  option({
    key: 'username',
    flag: 'username',
    arg: '<user>',
    commands: ['build'],
    input: 'username',
    help: 'registry user; the password comes from --password-stdin or STOWAGE_REGISTRY_PASSWORD, never from argv',
    parse: text,
  }),
  option({
    key: 'passwordStdin',
    flag: 'password-stdin',
    commands: ['build'],
    help: 'read the registry password from standard input',
    parse: flag,
  }),
  option({
    key: 'password',
    input: 'password',
    help: 'registry password (through stdin to the login, masked)',
    parse: (raw) => (raw.at(-1) ? raw.at(-1) : undefined),
  }),
  option({
    key: 'registryTimeoutMs',
    flag: 'registry-timeout',
    arg: '<d>',
    commands: ['build', 'export'],
    input: 'registry-timeout',
    help: 'time limit for all registry work together, e.g. 90s (default: 5m)',
    parse: duration('5m', 86_400),
  }),
  option({
    key: 'stallTimeoutMs',
    flag: 'stall-timeout',
    arg: '<d>',
    commands: ['build'],
    input: 'stall-timeout',
    help: 'stop a build that writes nothing for this long, e.g. 10m; 0: never (default: 5m)',
    parse: (raw, where) => (last(raw) === '0' ? 0 : duration('5m', 86_400)(raw, where)),
  }),
  option({
    key: 'authHosts',
    flag: 'registry-auth-host',
    arg: '<h>',
    repeat: true,
    commands: ['build'],
    input: 'registry-auth-hosts',
    help: "a host besides the registry's that may receive the credentials as its token service (repeatable)",
    parse: list,
  }),
  option({
    key: 'groups',
    flag: 'group',
    arg: '<name>',
    repeat: true,
    commands: ['build'],
    input: 'groups',
    help: 'only this group (repeatable; for a matrix job per group)',
    parse: list,
  }),
  option({
    key: 'parallel',
    flag: 'parallel',
    arg: '<n>',
    commands: ['build'],
    input: 'parallel',
    help: 'groups built at once, 1 to 32 (default: 2)',
    parse: wholeNumber(1, 32, 2),
  }),
  option({
    key: 'verbose',
    flag: 'verbose',
    commands: ['plan', 'lock', 'build'],
    help: "plan: every step and package of each group, not the first few; build: every group's build output, not only failed ones",
    parse: flag,
  }),
  option({
    key: 'exportEngines',
    flag: 'export',
    arg: '<engine>',
    repeat: true,
    commands: ['build'],
    input: 'export',
    help: `write the step → image map of the images just built for ${EXPORT_ENGINES.join(' | ')} | all (repeatable)`,
    parse: engines,
  }),
  option({
    key: 'runtime',
    flag: 'runtime',
    arg: '<r>',
    commands: ['build', 'export'],
    input: 'slurm-runtime',
    help: `${SLURM_RUNTIMES.join(' | ')}: what the exported jobs start images with (default: apptainer)`,
    parse: choice(SLURM_RUNTIMES, 'apptainer'),
  }),
  option({
    key: 'noColor',
    flag: 'no-color',
    help: 'plain text output',
    parse: flag,
  }),
  // The action only.
  option({
    key: 'spec',
    input: 'spec',
    help: 'the spec, or a pipeline folder to import',
    parse: (raw) => last(raw) ?? 'stowage.yml',
  }),
  option({
    key: 'mode',
    input: 'mode',
    help: '`lint`, `plan` (lint + plan + Dockerfiles) or `build` (plan + build + push)',
    parse: choice(MODES, 'plan'),
  }),
  option({
    key: 'cache',
    input: 'cache',
    help: '`auto`, `gha`, `registry`, `inline`, `none`',
    parse: choice(['auto', ...CACHE_MODES] as const, 'auto'),
  }),
  option({
    key: 'provenance',
    input: 'provenance',
    help: 'provenance attestations (buildx)',
    parse: bool(false),
  }),
  option({
    key: 'annotations',
    input: 'annotations',
    help: 'annotate the spec',
    parse: bool(true),
  }),
  option({ key: 'summary', input: 'summary', help: 'write the job summary', parse: bool(true) }),
  option({
    key: 'comment',
    input: 'comment',
    help: 'one sticky pull-request comment',
    parse: bool(false),
  }),
  option({
    key: 'diagram',
    input: 'diagram',
    help: '`auto` (a node per container group above 25 steps, else a box per step), `groups` or `steps`: how the job summary draws the workflow',
    parse: choice(DIAGRAM_DETAILS, 'auto'),
  }),
  option({ key: 'sarifFile', input: 'sarif-file', help: 'write SARIF 2.1.0 here', parse: text }),
  option({
    key: 'githubToken',
    input: 'github-token',
    help: 'for the comment',
    parse: (raw) => (raw.at(-1) ? raw.at(-1) : undefined),
  }),
] as const satisfies readonly OptionSpec[];

/** The flags of the command line, by name. */
export const FLAGS: ReadonlyMap<string, OptionSpec> = new Map(
  OPTIONS.filter((o) => o.flag !== undefined).map((o) => [o.flag!, o as OptionSpec]),
);

/** The action's inputs, by name (deprecated names included). */
export const INPUTS: ReadonlyMap<string, OptionSpec> = new Map(
  OPTIONS.flatMap((o) =>
    'input' in o && o.input !== undefined
      ? [o.input, ...(('deprecatedInputs' in o && o.deprecatedInputs) || [])].map(
          (name) => [name, o as OptionSpec] as const,
        )
      : [],
  ),
);

/** Whether `command` takes the flag of `spec`. */
export function takes(spec: OptionSpec, command: RunCommand): boolean {
  return (spec.commands ?? WORKFLOW_COMMANDS).includes(command);
}

/**
 * Every option's value: `raw(spec)` gives the values an adapter has for it (none: the default),
 * `where(spec)` how that adapter names it in an error.
 */
export function readSettings(
  raw: (spec: OptionSpec) => Raw,
  where: (spec: OptionSpec) => string,
): Settings {
  const settings: Record<string, unknown> = {};
  for (const spec of OPTIONS as readonly OptionSpec[])
    settings[spec.key] = spec.parse(raw(spec), where(spec));
  return settings as unknown as Settings;
}

/**
 * How an adapter's user names the option `key` (a key of `Settings`), with the value to give when
 * there is one: `--channel-url <n=url>`, `--network host` on the command line; `the channel-urls
 * input`, `network: host` in the action — for messages that say what to set.
 */
export function optionName(key: string, adapter: 'cli' | 'action', value?: string): string {
  const specs = (OPTIONS as readonly OptionSpec[]).filter((o) => o.key === key);
  for (const spec of specs) {
    if (adapter === 'cli' && spec.flag)
      return `--${spec.flag}${value !== undefined ? ` ${value}` : spec.arg ? ` ${spec.arg}` : ''}`;
    if (adapter === 'action' && spec.input)
      return value !== undefined ? `${spec.input}: ${value}` : `the ${spec.input} input`;
  }
  return value === undefined ? key : `${key} ${value}`;
}
