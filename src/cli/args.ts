/** Command-line parsing for `stowage`, kept apart from running so it is tested as a table. */
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../common/findings.js';

export const COMMANDS = ['lint', 'plan', 'build', 'export'] as const;
export type Command = (typeof COMMANDS)[number];
export type Format = 'text' | 'json' | 'github' | 'sarif';

export interface CliOptions {
  command: Command;
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
  builder: 'auto' | 'docker' | 'buildah';
  push: boolean;
  groups: string[];
  parallel: number;
  tags: string[];
  username?: string;
  passwordStdin: boolean;
  /** `export <engine>`: nextflow, snakemake, cwl, slurm. */
  engine?: string;
  importFormat: 'auto' | 'stowage' | 'nextflow' | 'snakemake' | 'cwl';
}

export type ParseResult =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

export const USAGE = `Usage: stowage <command> [path] [options]

Commands:
  lint [path]             check a workflow spec for planning smells (default path: stowage.yml)
  plan [path]             lint, then write the container plan and a Dockerfile per group
  build [path]            plan, then build and push the images of every group
  export <engine> [path]  write the step → image map for nextflow | snakemake | cwl | slurm

Options:
  --format <f>            text | json | github | sarif (default: text)
  --fail-on <level>       error | warning | notice | never: exit 1 at or above it (default: error)
  --config <file>         lint config (default: .stowage/config.yml when present)
  --import <format>       auto | stowage | nextflow | snakemake | cwl (default: auto)
  --out-dir <dir>         where plan.json and the Dockerfiles go (default: .stowage)
  --base-image <f=ref>    base image for a family, e.g. python=127.0.0.1:5000/python:3.12 (repeatable)
  --registry <ref>        push images to <ref>/<group> (default: containers.registry of the spec)
  --builder <b>           auto | docker | buildah (default: auto)
  --no-push               build without pushing
  --tag <tag>             extra tag or tag rule for every image (repeatable)
  --username <user>       registry user; the password comes from --password-stdin or
                          the STOWAGE_REGISTRY_PASSWORD environment variable, never from argv
  --password-stdin        read the registry password from standard input
  --group <name>          only this group (repeatable)
  --parallel <n>          builds at once (default: 2)
  --no-color              plain text output
  -h, --help              show this help
  -v, --version           show the version

Exit codes: 0 clean, 1 findings at or above --fail-on (or a failed build), 2 usage or unreadable input.
`;

const FORMATS: readonly Format[] = ['text', 'json', 'github', 'sarif'];
const IMPORTS = ['auto', 'stowage', 'nextflow', 'snakemake', 'cwl'] as const;
const ENGINES = ['nextflow', 'snakemake', 'cwl', 'slurm'];

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
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (!command) return { kind: 'help' };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return {
      kind: 'error',
      message: `unknown command "${command}"; expected one of: ${COMMANDS.join(', ')}`,
    };
  }
  let engine: string | undefined;
  if (command === 'export') {
    engine = rest.shift();
    if (!engine || !ENGINES.includes(engine))
      return { kind: 'error', message: `export needs an engine: ${ENGINES.join(', ')}` };
  }
  if (rest.length > 1)
    return { kind: 'error', message: `expected one path, got: ${rest.join(' ')}` };

  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format))
    return { kind: 'error', message: `--format must be one of: ${FORMATS.join(', ')}` };
  const failOn = (values['fail-on'] ?? 'error') as Severity | 'never';
  if (failOn !== 'never' && !SEVERITIES.includes(failOn))
    return { kind: 'error', message: '--fail-on must be error, warning, notice or never' };
  const importFormat = (values.import ?? 'auto') as CliOptions['importFormat'];
  if (!IMPORTS.includes(importFormat))
    return { kind: 'error', message: `--import must be one of: ${IMPORTS.join(', ')}` };
  const builder = (values.builder ?? 'auto') as CliOptions['builder'];
  if (!['auto', 'docker', 'buildah'].includes(builder))
    return { kind: 'error', message: '--builder must be auto, docker or buildah' };
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
      command: command as Command,
      path: rest[0] ?? 'stowage.yml',
      format,
      failOn,
      config: values.config,
      color: !values['no-color'] && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0',
      outDir: values['out-dir'] ?? '.stowage',
      baseImages,
      registry: values.registry,
      builder,
      push: !values['no-push'],
      groups: values.group ?? [],
      parallel,
      tags: values.tag ?? [],
      username: values.username,
      passwordStdin: values['password-stdin'] === true,
      engine,
      importFormat,
    },
  };
}
