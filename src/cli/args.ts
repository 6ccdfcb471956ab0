/**
 * Command-line parsing for `stowage`, kept apart from running so it is tested as a table. The flags,
 * their help and which commands take them come from the options table (src/app/options.ts), the
 * same table the action reads its inputs from. Usage errors are one line, as git's: what is wrong,
 * what was probably meant, and where the help is.
 */
import { parseArgs } from 'node:util';
import {
  EXPORT_ENGINES,
  FLAGS,
  OPTIONS,
  readSettings,
  takes,
  WORKFLOW_COMMANDS,
  type ExportEngine,
  type OptionSpec,
  type ResolveMode,
  type RunCommand,
  type Settings,
} from '../app/options.js';
import { InputError } from '../common/errors.js';
import { closest } from '../common/suggest.js';

/** What a run of the command line was asked to do, with every option's value. */
export interface CliOptions extends Omit<Settings, 'push' | 'resolve'> {
  command: RunCommand;
  /** Spec file, or a pipeline folder for importers. */
  path: string;
  /** `--no-push`: build without pushing. */
  push: boolean;
  /** `lock` always solves again (`update`). */
  resolve: ResolveMode;
  /** `export <engine>`, or `build --export <engine>`. */
  engines: ExportEngine[];
  color: boolean;
}

export type ParseResult =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help'; command?: RunCommand }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

const SUMMARIES: Record<RunCommand, string> = {
  lint: 'lint [path]             check a workflow spec or pipeline for planning smells (default path: stowage.yml)',
  plan: 'plan [path]             lint, then write the container plan and a Dockerfile per group',
  lock: 'lock [path]             solve every group again and rewrite stowage.lock (then plan)',
  build: 'build [path]            plan, then build (and push) the image of every group',
  export: `export <engine> [path]  write the step → image map for ${EXPORT_ENGINES.join(' | ')} | all`,
  cluster:
    'cluster --from-slurm    print a cluster profile (for --cluster) drafted from this Slurm cluster',
};

const RUN_COMMANDS = Object.keys(SUMMARIES) as RunCommand[];

const EXIT_CODES =
  'Exit codes: 0 clean, 1 findings at or above --fail-on (or a failed build), 2 usage or unreadable input.\n';

function optionLines(command?: RunCommand): string[] {
  const lines: string[] = [];
  for (const [flag, spec] of FLAGS) {
    if (command && !takes(spec, command)) continue;
    lines.push(`  ${`--${flag}${spec.arg ? ` ${spec.arg}` : ''}`.padEnd(22)}  ${spec.help}`);
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
export function commandUsage(command: RunCommand): string {
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

function isCommand(value: string): value is RunCommand {
  return (RUN_COMMANDS as string[]).includes(value);
}

/** ` (did you mean "x"?)` when one of `names` is close to `value`. */
function meant(value: string, names: readonly string[], prefix = ''): string {
  const near = closest(value, names);
  return near ? ` (did you mean ${prefix}${near}?)` : '';
}

const error = (message: string): ParseResult => ({ kind: 'error', message });

export function parseCli(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ParseResult {
  const declared = Object.fromEntries(
    [...FLAGS].map(([flag, spec]) => [
      flag,
      { type: spec.arg ? ('string' as const) : ('boolean' as const), multiple: true },
    ]),
  );
  // Not strict: an unknown or misplaced flag gets our own message (with what was meant).
  const { tokens, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: {
      ...declared,
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  const given = new Map<string, string[]>();
  let help = false;
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'help' || token.name === 'h') help = true;
    else if (token.name === 'version' || token.name === 'v') return { kind: 'version' };
    const spec = FLAGS.get(token.name);
    if (token.name === 'help' || token.name === 'h') continue;
    if (!spec)
      return error(
        `unknown option ${token.rawName}${meant(token.name, [...FLAGS.keys()], '--')}; see 'stowage help'`,
      );
    if (spec.arg && token.value === undefined)
      return error(`${token.rawName} needs a value (${spec.arg}): ${spec.help}`);
    if (!spec.arg && token.value !== undefined)
      return error(`${token.rawName} takes no value (it is a switch)`);
    given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? 'true']);
  }

  const [command, ...rest] = positionals;
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help' };
    return isCommand(topic)
      ? { kind: 'help', command: topic }
      : error(
          `no help for "${topic}"${meant(topic, RUN_COMMANDS)}; commands: ${RUN_COMMANDS.join(', ')}`,
        );
  }
  if (help) return command && isCommand(command) ? { kind: 'help', command } : { kind: 'help' };
  if (!command) return { kind: 'help' };
  if (!isCommand(command))
    return error(
      `"${command}" is not a command${meant(command, RUN_COMMANDS)}; see 'stowage help'`,
    );
  for (const flag of given.keys()) {
    const spec = FLAGS.get(flag)!;
    if (!takes(spec, command))
      return error(
        `--${flag} is not an option of ${command} (${describeCommands(spec)}); see 'stowage help ${command}'`,
      );
  }

  let engines: ExportEngine[] = [];
  if (command === 'export') {
    const name = rest.shift();
    if (name === undefined)
      return error(`export needs an engine: ${EXPORT_ENGINES.join(', ')} or all`);
    const engine = exportEngines([name], 'export');
    if (typeof engine === 'string') return error(engine);
    engines = engine;
  }
  if (command === 'cluster') {
    if (rest.length > 0) return error(`cluster takes no path, got: ${rest.join(' ')}`);
    if (!given.has('from-slurm'))
      return error(`cluster needs a source: --from-slurm; see 'stowage help cluster'`);
  }
  if (rest.length > 1) return error(`expected one path, got: ${rest.join(' ')}`);

  let settings: Settings;
  try {
    settings = readSettings(
      (spec: OptionSpec) => (spec.flag ? (given.get(spec.flag) ?? []) : []),
      (spec: OptionSpec) => `--${spec.flag ?? spec.input}`,
    );
  } catch (e) {
    if (e instanceof InputError) return error(e.message);
    throw e;
  }
  if (command === 'build') engines = settings.exportEngines;
  const { push: _actionPush, resolve, ...shared } = settings;
  void _actionPush;
  return {
    kind: 'run',
    options: {
      ...shared,
      command,
      path: rest[0] ?? 'stowage.yml',
      push: !settings.noPush,
      resolve: command === 'lock' ? 'update' : resolve,
      engines,
      color: !settings.noColor && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0',
    },
  };
}

/** "an option of build", "an option of plan, build and export". */
function describeCommands(spec: OptionSpec): string {
  const commands = spec.commands ?? WORKFLOW_COMMANDS;
  const list =
    commands.length === 1
      ? commands[0]
      : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)}`;
  return `it is an option of ${list}`;
}

/** `export <engine>`: the engines, or the one-line error. */
function exportEngines(values: readonly string[], where: string): ExportEngine[] | string {
  const spec = OPTIONS.find((o) => o.key === 'exportEngines')!;
  try {
    return (spec as OptionSpec<'exportEngines'>).parse(values, where);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}
