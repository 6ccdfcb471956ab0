/**
 * Command-line parsing for `stowage`, kept apart from running so it is tested as a table. The
 * lists of choices (formats, builders, engines) come from the modules that own them.
 */
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../common/findings.js';
import { EXPORT_ENGINES, type ExportEngine } from '../export/types.js';
import { BUILDER_KINDS, type BuilderKind } from '../images/builder.js';
import { DEFAULT_WRAPPER_PREFIX } from '../workflow/importers/wrappers.js';
import { WORKFLOW_FORMATS, type WorkflowFormat } from '../workflow/model.js';

export const COMMANDS = ['lint', 'plan', 'build', 'export', 'help'] as const;
export type Command = (typeof COMMANDS)[number];
export const FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface CliOptions {
  command: Exclude<Command, 'help'>;
  /** Spec file, or a pipeline folder for importers. */
  path: string;
  format: Format;
  failOn: Severity | 'never';
  config?: string;
  color: boolean;
  outDir: string;
  /** `family=image` pairs. */
  baseImages: Record<string, string>;
  registry?: string;
  builder: BuilderKind;
  push: boolean;
  groups: string[];
  parallel: number;
  tags: string[];
  username?: string;
  passwordStdin: boolean;
  /** Print every group's build output, not only the failed ones'. */
  verbose: boolean;
  /** `export <engine>`. */
  engine?: ExportEngine;
  importFormat: WorkflowFormat | 'auto';
  /** Snakemake's `--wrapper-prefix`. */
  wrapperPrefix?: string;
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
  { flag: '--import <format>', text: `auto | ${WORKFLOW_FORMATS.join(' | ')} (default: auto)` },
  {
    flag: '--wrapper-prefix <url>',
    text: `where Snakemake wrappers are: https://…/, file:///folder/ or git+file:///clone (default: ${DEFAULT_WRAPPER_PREFIX})`,
  },
  {
    flag: '--out-dir <dir>',
    text: 'where plan.json, the Dockerfiles and the exports go (default: .stowage)',
    commands: ['plan', 'build', 'export'],
  },
  {
    flag: '--base-image <f=ref>',
    text: 'base image for a family, e.g. python=127.0.0.1:5000/python:3.12 (repeatable)',
    commands: ['plan', 'build', 'export'],
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
  { flag: '--group <name>', text: 'only this group (repeatable)', commands: ['build'] },
  { flag: '--parallel <n>', text: 'builds at once (default: 2)', commands: ['build'] },
  {
    flag: '--verbose',
    text: "print every group's build output, not only failed ones",
    commands: ['build'],
  },
  { flag: '--no-color', text: 'plain text output' },
];

const SUMMARIES: Record<Exclude<Command, 'help'>, string> = {
  lint: 'lint [path]             check a workflow spec or pipeline for planning smells (default path: stowage.yml)',
  plan: 'plan [path]             lint, then write the container plan and a Dockerfile per group',
  build: 'build [path]            plan, then build (and push) the image of every group',
  export: `export <engine> [path]  write the step → image map for ${EXPORT_ENGINES.join(' | ')}`,
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
  "  help [command]          show this help, or one command's",
  '',
  'Options:',
  ...optionLines(),
  '  -h, --help                show this help',
  '  -v, --version             show the version',
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
        import: { type: 'string' },
        'wrapper-prefix': { type: 'string' },
        'out-dir': { type: 'string' },
        'base-image': { type: 'string', multiple: true },
        registry: { type: 'string' },
        builder: { type: 'string' },
        'no-push': { type: 'boolean' },
        tag: { type: 'string', multiple: true },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        group: { type: 'string', multiple: true },
        parallel: { type: 'string' },
        verbose: { type: 'boolean' },
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
  let engine: ExportEngine | undefined;
  if (command === 'export') {
    const name = rest.shift();
    if (!name || !(EXPORT_ENGINES as readonly string[]).includes(name))
      return { kind: 'error', message: `export needs an engine: ${EXPORT_ENGINES.join(', ')}` };
    engine = name as ExportEngine;
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
  for (const v of [format, failOn, importFormat, builder])
    if (typeof v === 'object') return { kind: 'error', message: v.error };
  const parallel = Number(values.parallel ?? '2');
  if (!Number.isInteger(parallel) || parallel < 1)
    return { kind: 'error', message: '--parallel must be a whole number of at least 1' };
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
      format: format as Format,
      failOn: failOn as Severity | 'never',
      config: values.config,
      color: !values['no-color'] && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0',
      outDir: values['out-dir'] ?? '.stowage',
      baseImages,
      registry: values.registry,
      builder: builder as BuilderKind,
      push: !values['no-push'],
      groups: values.group ?? [],
      parallel,
      tags: values.tag ?? [],
      username: values.username,
      passwordStdin: values['password-stdin'] === true,
      verbose: values.verbose === true,
      engine,
      importFormat: importFormat as WorkflowFormat | 'auto',
      wrapperPrefix: values['wrapper-prefix'],
    },
  };
}
