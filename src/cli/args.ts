/**
 * Command-line parsing for `stowage`, kept apart from running so it is tested as a table. The
 * lists of choices (formats, builders, engines) come from the modules that own them.
 */
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../common/findings.js';
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
  type BuilderKind,
  type BuildNetwork,
} from '../images/builder.js';
import { RESOLVE_MODES, type ResolveMode } from '../resolve/types.js';
import { DEFAULT_WRAPPER_PREFIX } from '../workflow/importers/wrappers.js';
import { WORKFLOW_FORMATS, type WorkflowFormat } from '../workflow/model.js';

export const COMMANDS = ['lint', 'plan', 'lock', 'build', 'export', 'help'] as const;
export type Command = (typeof COMMANDS)[number];
export const FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface CliOptions {
  command: Exclude<Command, 'help'>;
  /** Spec file, or a pipeline folder for importers. */
  path: string;
  /**
   * The repository root (`--root`); `main` sets the one it settled on (else the git top-level of
   * `path`, else the current folder).
   */
  root?: string;
  format: Format;
  failOn: Severity | 'never';
  config?: string;
  color: boolean;
  outDir: string;
  /** `family=image` pairs. */
  baseImages: Record<string, string>;
  registry?: string;
  builder: BuilderKind;
  network: BuildNetwork;
  push: boolean;
  groups: string[];
  parallel: number;
  tags: string[];
  username?: string;
  passwordStdin: boolean;
  /** All registry work within this many ms (`--registry-timeout`, default 5 minutes). */
  registryTimeoutMs: number;
  /** Hosts besides the registry that may receive the credentials (`--registry-auth-host`). */
  authHosts: string[];
  /** Print every group's build output, not only the failed ones'. */
  verbose: boolean;
  /** `export <engine>`: one engine, or every one for `all`; `build --export`: those to write after the build. */
  engines: ExportEngine[];
  /** `export slurm --runtime`: what the jobs start images with. */
  runtime: SlurmRuntime;
  importFormat: WorkflowFormat | 'auto';
  /** How far to solve the plan's groups (`lock` always solves again: `update`). */
  resolve: ResolveMode;
  /** `NAME=URL` entries of `--channel-url`. */
  channelUrls: string[];
  pipIndexUrl?: string;
  npmRegistry?: string;
  /** `--platform`: what to lock (and build) for. */
  platforms: string[];
  /** Snakemake's `--wrapper-prefix`. */
  wrapperPrefix?: string;
  /** `--verify-lock <rev|all>`: solve again the lock answers changed since `rev` (or all). */
  verifyLock?: { since?: string };
}

export type ParseResult =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help'; command?: Exclude<Command, 'help'> }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

interface OptionHelp {
  flag: string;
  text: string;
  /** Commands that take it; all when absent. */
  commands?: readonly Exclude<Command, 'help'>[];
}

const OPTIONS: readonly OptionHelp[] = [
  { flag: '--format <f>', text: `${FORMATS.join(' | ')} (default: text)` },
  {
    flag: '--fail-on <level>',
    text: `${[...SEVERITIES, 'never'].join(' | ')}: exit 1 at or above it (default: error)`,
  },
  { flag: '--config <file>', text: 'lint config (default: .stowage/config.yml when present)' },
  {
    flag: '--root <dir>',
    text: 'the repository: nothing outside it is read, findings name files from it (default: the git top-level of the path, else the current folder)',
  },
  { flag: '--import <format>', text: `auto | ${WORKFLOW_FORMATS.join(' | ')} (default: auto)` },
  {
    flag: '--wrapper-prefix <url>',
    text: `where Snakemake wrappers are: https://…/, file:///folder/ or git+file:///clone (default: ${DEFAULT_WRAPPER_PREFIX})`,
  },
  {
    flag: '--out-dir <dir>',
    text: 'where plan.json, the Dockerfiles and the exports go (default: .stowage)',
    commands: ['plan', 'lock', 'build', 'export'],
  },
  {
    flag: '--base-image <f=ref>',
    text: 'base image for a family, e.g. python=127.0.0.1:5000/python:3.12 (repeatable)',
    commands: ['plan', 'lock', 'build', 'export'],
  },
  {
    flag: '--resolve <mode>',
    text: `${RESOLVE_MODES.join(' | ')}: solve each group with conda's, pip's and npm's solvers, answers from stowage.lock first (auto); solve all again (update); the lock file only (offline); names only (off) (default: auto)`,
    commands: ['plan', 'build', 'export'],
  },
  {
    flag: '--channel-url <n=url>',
    text: 'a conda channel by another URL, e.g. conda-forge=https://mirror.example/conda-forge (repeatable)',
    commands: ['plan', 'lock', 'build', 'export'],
  },
  {
    flag: '--pip-index-url <url>',
    text: 'the index pip resolves against (default: containers.pip-index-url, else https://pypi.org/simple)',
    commands: ['plan', 'lock', 'build', 'export'],
  },
  {
    flag: '--npm-registry <url>',
    text: 'the registry npm resolves against (default: containers.npm-registry, else https://registry.npmjs.org)',
    commands: ['plan', 'lock', 'build', 'export'],
  },
  {
    flag: '--verify-lock <rev>',
    text: 'solve again every answer of stowage.lock changed since the git revision <rev> (or `all`), and fail when the solvers answer otherwise (before publishing a lock a pull request changed)',
    commands: ['plan', 'build', 'export'],
  },
  {
    flag: '--platform <p>',
    text: "linux/amd64 or linux/arm64: lock (and build) for it (repeatable; default: this machine's)",
    commands: ['plan', 'lock', 'build', 'export'],
  },
  {
    flag: '--registry <ref>',
    text: 'images are <ref>/<group> (default: containers.registry of the spec; build without one: local images)',
    commands: ['build', 'export'],
  },
  {
    flag: '--builder <b>',
    text: `${BUILDER_KINDS.join(' | ')} (default: auto)`,
    commands: ['build'],
  },
  {
    flag: '--network <n>',
    text: `${BUILD_NETWORKS.join(' | ')}: the network of RUN steps (host where the engine's bridge has no route out; default: default)`,
    commands: ['build'],
  },
  { flag: '--no-push', text: 'build without pushing', commands: ['build'] },
  {
    flag: '--tag <tag>',
    text: 'extra tag or tag rule for every image (repeatable)',
    commands: ['build'],
  },
  {
    flag: '--username <user>',
    text: 'registry user; the password comes from --password-stdin or STOWAGE_REGISTRY_PASSWORD, never from argv',
    commands: ['build'],
  },
  {
    flag: '--password-stdin',
    text: 'read the registry password from standard input',
    commands: ['build'],
  },
  {
    flag: '--registry-timeout <d>',
    text: 'time limit for all registry work together, e.g. 90s (default: 5m)',
    commands: ['build', 'export'],
  },
  {
    flag: '--registry-auth-host <h>',
    text: "a host besides the registry's that may receive the credentials as its token service (repeatable)",
    commands: ['build'],
  },
  { flag: '--group <name>', text: 'only this group (repeatable)', commands: ['build'] },
  { flag: '--parallel <n>', text: 'builds at once (default: 2)', commands: ['build'] },
  {
    flag: '--verbose',
    text: "print every group's build output, not only failed ones",
    commands: ['build'],
  },
  {
    flag: '--export <list>',
    text: `after the build, write the step → image files of the images just built for ${EXPORT_ENGINES.join(' | ')} | all (repeatable, or a comma list)`,
    commands: ['build'],
  },
  {
    flag: '--runtime <r>',
    text: `${SLURM_RUNTIMES.join(' | ')}: what Slurm jobs start images with (default: apptainer)`,
    commands: ['build', 'export'],
  },
  { flag: '--no-color', text: 'plain text output' },
];

const SUMMARIES: Record<Exclude<Command, 'help'>, string> = {
  lint: 'lint [path]             check a workflow spec or pipeline for planning smells (default path: stowage.yml)',
  plan: 'plan [path]             lint, then write the container plan and a Dockerfile per group',
  lock: 'lock [path]             solve every group again and rewrite stowage.lock (then plan)',
  build: 'build [path]            plan, then build (and push) the image of every group',
  export: `export <engine> [path]  write the step → image map for ${EXPORT_ENGINES.join(' | ')} | all`,
};

const EXIT_CODES =
  'Exit codes: 0 clean, 1 findings at or above --fail-on (or a failed build), 2 usage or unreadable input.\n';

function optionLines(command?: Exclude<Command, 'help'>): string[] {
  const lines: string[] = [];
  for (const o of OPTIONS) {
    if (command && o.commands && !o.commands.includes(command)) continue;
    lines.push(`  ${o.flag.padEnd(22)}  ${o.text}`);
  }
  return lines;
}

/** `stowage help` and `stowage --help`: every command and option. */
export const USAGE = [
  'Usage: stowage <command> [path] [options]',
  '',
  'Commands:',
  ...Object.values(SUMMARIES).map((s) => `  ${s}`),
  `  ${'help [command]'.padEnd(22)}  show this help, or one command's`,
  '',
  'Options:',
  ...optionLines(),
  `  ${'-h, --help'.padEnd(22)}  show this help`,
  `  ${'-v, --version'.padEnd(22)}  show the version`,
  '',
  EXIT_CODES,
].join('\n');

/** `stowage help plan`, `stowage plan --help`: one command and the options it takes. */
export function commandUsage(command: Exclude<Command, 'help'>): string {
  return [
    `Usage: stowage ${SUMMARIES[command].split(/\s{2,}/)[0]} [options]`,
    '',
    `  ${SUMMARIES[command].split(/\s{2,}/)[1]}`,
    '',
    'Options:',
    ...optionLines(command),
    '',
    EXIT_CODES,
  ].join('\n');
}

function isCommand(value: string): value is Exclude<Command, 'help'> {
  return value !== 'help' && (COMMANDS as readonly string[]).includes(value);
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  flag: string,
): T | { error: string } {
  const v = value ?? fallback;
  return (allowed as readonly string[]).includes(v)
    ? (v as T)
    : { error: `${flag} must be one of: ${allowed.join(', ')}` };
}

export function parseCli(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ParseResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        root: { type: 'string' },
        import: { type: 'string' },
        'wrapper-prefix': { type: 'string' },
        'out-dir': { type: 'string' },
        'base-image': { type: 'string', multiple: true },
        registry: { type: 'string' },
        builder: { type: 'string' },
        network: { type: 'string' },
        runtime: { type: 'string' },
        export: { type: 'string', multiple: true },
        'no-push': { type: 'boolean' },
        tag: { type: 'string', multiple: true },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'registry-timeout': { type: 'string' },
        'registry-auth-host': { type: 'string', multiple: true },
        group: { type: 'string', multiple: true },
        parallel: { type: 'string' },
        verbose: { type: 'boolean' },
        resolve: { type: 'string' },
        'channel-url': { type: 'string', multiple: true },
        'pip-index-url': { type: 'string' },
        'npm-registry': { type: 'string' },
        platform: { type: 'string', multiple: true },
        'verify-lock': { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) return { kind: 'version' };
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help' };
    return isCommand(topic)
      ? { kind: 'help', command: topic }
      : { kind: 'error', message: `no help for "${topic}"; commands: ${COMMANDS.join(', ')}` };
  }
  if (values.help)
    return command && isCommand(command) ? { kind: 'help', command } : { kind: 'help' };
  if (!command) return { kind: 'help' };
  if (!isCommand(command)) {
    return {
      kind: 'error',
      message: `unknown command "${command}"; expected one of: ${COMMANDS.join(', ')}`,
    };
  }
  let engines: ExportEngine[] = [];
  if (command === 'export') {
    const name = rest.shift();
    if (name === 'all') engines = [...EXPORT_ENGINES];
    else if (name && (EXPORT_ENGINES as readonly string[]).includes(name))
      engines = [name as ExportEngine];
    else
      return {
        kind: 'error',
        message: `export needs an engine: ${EXPORT_ENGINES.join(', ')} or all`,
      };
  }
  if (values.export !== undefined) {
    if (command !== 'build')
      return {
        kind: 'error',
        message: `--export is an option of build (${command === 'export' ? 'export takes the engine as its argument' : `not of ${command}`})`,
      };
    for (const name of values.export.flatMap((v) => v.split(',')).map((v) => v.trim())) {
      if (name === 'all') engines.push(...EXPORT_ENGINES);
      else if ((EXPORT_ENGINES as readonly string[]).includes(name))
        engines.push(name as ExportEngine);
      else
        return {
          kind: 'error',
          message: `--export takes ${EXPORT_ENGINES.join(', ')} or all, got "${name}"`,
        };
    }
    engines = [...new Set(engines)];
  }
  if (rest.length > 1)
    return { kind: 'error', message: `expected one path, got: ${rest.join(' ')}` };

  const format = oneOf(values.format, FORMATS, 'text', '--format');
  const failOn = oneOf(values['fail-on'], [...SEVERITIES, 'never'] as const, 'error', '--fail-on');
  const importFormat = oneOf(
    values.import,
    ['auto', ...WORKFLOW_FORMATS] as const,
    'auto',
    '--import',
  );
  const builder = oneOf(values.builder, BUILDER_KINDS, 'auto', '--builder');
  const network = oneOf(values.network, BUILD_NETWORKS, 'default', '--network');
  const runtime = oneOf(values.runtime, SLURM_RUNTIMES, 'apptainer', '--runtime');
  const resolve = oneOf(values.resolve, RESOLVE_MODES, 'auto', '--resolve');
  for (const v of [format, failOn, importFormat, builder, network, runtime, resolve])
    if (typeof v === 'object') return { kind: 'error', message: v.error };
  const parallel = Number(values.parallel ?? '2');
  if (!Number.isInteger(parallel) || parallel < 1)
    return { kind: 'error', message: '--parallel must be a whole number of at least 1' };
  const timeout = parseDuration(values['registry-timeout'] ?? '5m');
  if (timeout === undefined || timeout < 1 || timeout > 86_400)
    return {
      kind: 'error',
      message: '--registry-timeout takes a duration from 1s to 1d, e.g. 90s or 5m',
    };
  const baseImages: Record<string, string> = {};
  for (const pair of values['base-image'] ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1)
      return { kind: 'error', message: `--base-image takes family=image, got "${pair}"` };
    baseImages[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    kind: 'run',
    options: {
      command,
      path: rest[0] ?? 'stowage.yml',
      ...(values.root !== undefined ? { root: values.root } : {}),
      format: format as Format,
      failOn: failOn as Severity | 'never',
      config: values.config,
      color: !values['no-color'] && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0',
      outDir: values['out-dir'] ?? '.stowage',
      baseImages,
      registry: values.registry,
      builder: builder as BuilderKind,
      network: network as BuildNetwork,
      push: !values['no-push'],
      groups: values.group ?? [],
      parallel,
      tags: values.tag ?? [],
      username: values.username,
      passwordStdin: values['password-stdin'] === true,
      registryTimeoutMs: Math.round(timeout * 1000),
      authHosts: values['registry-auth-host'] ?? [],
      verbose: values.verbose === true,
      engines,
      runtime: runtime as SlurmRuntime,
      importFormat: importFormat as WorkflowFormat | 'auto',
      resolve: command === 'lock' ? 'update' : (resolve as ResolveMode),
      channelUrls: values['channel-url'] ?? [],
      pipIndexUrl: values['pip-index-url'],
      npmRegistry: values['npm-registry'],
      platforms: values.platform ?? [],
      wrapperPrefix: values['wrapper-prefix'],
      ...(values['verify-lock'] !== undefined
        ? {
            verifyLock: values['verify-lock'] === 'all' ? {} : { since: values['verify-lock'] },
          }
        : {}),
    },
  };
}
