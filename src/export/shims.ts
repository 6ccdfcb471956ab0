/**
 * Shims export: the images as applications. A folder `bin/` holds one small POSIX-sh wrapper per
 * command an image provides (and one per step, `stowage-<step>`), each running that command in
 * its group's image, pinned by digest, with the runtime the user picked (Apptainer, Docker,
 * Podman or Charliecloud):
 *
 *   PATH=$PWD/.stowage/export/shims/bin:$PATH
 *   samtools view -c x.bam          # runs samtools in the image, as the host tool would
 *
 * The wrappers share one runner, `libexec/stowage-run`, which binds the current folder and the
 * folders of the paths given as arguments at the same paths, runs as the calling user, passes
 * standard input, output, error and the exit code through, forwards signals (an init process in
 * Docker and Podman), opens a TTY only when there is one, and passes the environment only by an
 * allow-list. Every name from the workflow reaches a script only through `shellQuote`/`shellComment`,
 * and only names of plain characters become file names.
 */
import { posix } from 'node:path';
import { shellComment, shellQuote } from '../common/escape/shell.js';
import type { Step } from '../workflow/model.js';
import { pinningOf, pinningSentence, stepsInGroupImages } from './common.js';
import { outputFolders } from '../workflow/output-folders.js';
import type { ExportInput, ExportResult, GroupImage, SlurmRuntime, StepImage } from './types.js';

/** Where the images' entrypoint lives (see src/plan/dockerfile.ts). */
const ENTRYPOINT = '/usr/local/bin/stowage-entrypoint.sh';
/** A command or shim name that can be a file name and a word on its own. */
const PLAIN_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
export const RUNNER = 'libexec/stowage-run';
/** The variables a shim passes into the container unless told more (`STOWAGE_SHIM_ENV`). */
export const SHIM_ENV = [
  'LANG',
  'LC_ALL',
  'LC_COLLATE',
  'LC_CTYPE',
  'LC_MESSAGES',
  'LC_MONETARY',
  'LC_NUMERIC',
  'LC_TIME',
  'TZ',
  'TERM',
  'OMP_NUM_THREADS',
] as const;

/**
 * Folders never bound over the image's own, with what is below them: the system's, and where
 * images keep their software. `EXACT_FOLDERS` are refused themselves only (`/opt/data` is bound,
 * `/opt` would hide /opt/conda).
 */
const SYSTEM_FOLDERS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/opt/conda',
  '/opt/stowage',
  '/opt/stowage-node',
];
const EXACT_FOLDERS = ['/', '/opt', '/var'];

/** One shim: its file name under `bin/`, what it runs, and in which image. */
export interface Shim {
  file: string;
  kind: 'command' | 'step';
  /** The command's name in the image, or the step's id. */
  name: string;
  group: GroupImage;
  image: StepImage;
  /** A step's output folders, made before it runs (relative to the current folder). */
  folders?: string[];
}

/** The groups of the exported steps' images, once each, in workflow order. */
export function exportedGroups(
  steps: readonly { image: StepImage }[],
): { group: GroupImage; image: StepImage }[] {
  const seen = new Map<string, { group: GroupImage; image: StepImage }>();
  for (const { image } of steps)
    if (image.group && !seen.has(image.group.name))
      seen.set(image.group.name, { group: image.group, image });
  return [...seen.values()];
}

/**
 * The shims of some groups: each command once (the first group that provides it, in workflow
 * order; the others are named in `shadowed`), then `stowage-<step>` for each step. Names that
 * cannot be file names are left out, with the reason.
 */
export function planShims(
  groups: readonly { group: GroupImage; image: StepImage }[],
  steps: readonly { step: Step; image: StepImage }[],
  /** Make each step's output folders first (a Stowage spec's steps; an engine's make their own). */
  makeFolders = true,
): { shims: Shim[]; shadowed: { name: string; group: string; by: string }[]; refused: string[] } {
  const shims: Shim[] = [];
  const taken = new Map<string, string>();
  const shadowed: { name: string; group: string; by: string }[] = [];
  const refused: string[] = [];
  for (const { group, image } of groups) {
    for (const name of group.commands) {
      if (!PLAIN_NAME.test(name)) {
        refused.push(`command ${JSON.stringify(name)} of group ${group.name}: not a plain name`);
        continue;
      }
      const owner = taken.get(name);
      if (owner !== undefined) {
        if (owner !== group.name) shadowed.push({ name, group: group.name, by: owner });
        continue;
      }
      taken.set(name, group.name);
      shims.push({ file: name, kind: 'command', name, group, image });
    }
  }
  for (const { step, image } of steps) {
    if (!image.group) continue;
    const base = `stowage-${step.id.replace(/[^A-Za-z0-9_.+-]/g, '_')}`;
    let file = base;
    for (let n = 2; taken.has(file); n++) file = `${base}-${n}`;
    taken.set(file, image.group.name);
    shims.push({
      file,
      kind: 'step',
      name: step.id,
      group: image.group,
      image,
      folders: makeFolders ? outputFolders(step) : [],
    });
  }
  return { shims, shadowed, refused };
}

/**
 * A shim: finds the runner beside its folder (links followed) and hands it the call. A step's
 * shim first makes the folders of the step's outputs, as the Slurm jobs do.
 */
export function shimScript(shim: Shim, runtime: SlurmRuntime, workflow: string): string {
  const what =
    shim.kind === 'command'
      ? `command ${shim.name} of group ${shim.group.name}`
      : `step ${shim.name} (group ${shim.group.name})`;
  return [
    '#!/bin/sh',
    shellComment(
      `Generated by Stowage: the ${what} of workflow ${workflow}, run in its image with ${runtime}.`,
    ),
    `# ${shim.image.pinned === 'digest' ? 'Pinned by digest.' : 'Pinned by tag only (no digest was available).'} See ../${RUNNER} for what is bound and passed.`,
    ...(shim.folders && shim.folders.length > 0
      ? [`mkdir -p ${shim.folders.map(shellQuote).join(' ')} || exit`]
      : []),
    'self=$(readlink -f -- "$0" 2>/dev/null) || self=$0',
    `exec /bin/sh "\${self%/*}/../${RUNNER}" ${shellQuote(shim.image.ref)} ${shim.group.gpu ? 'gpu' : 'cpu'} ${shim.kind} ${shellQuote(shim.name)} "$@"`,
    '',
  ].join('\n');
}

/** The runner all shims of a folder share, for one runtime (POSIX sh; see the file's header). */
export function runnerScript(runtime: SlurmRuntime): string {
  return [
    '#!/bin/sh',
    `# Generated by Stowage: runs a command of a workflow's image with ${runtime}, as the host tool would:`,
    '# the current folder and the folders of the paths given as arguments are bound at the same paths',
    '# (never a system folder), it runs as you, standard input, output, error and the exit code pass',
    '# through, signals are forwarded, a TTY is opened only when there is one, and only the environment',
    `# variables ${SHIM_ENV.join(' ')} and those named in STOWAGE_SHIM_ENV reach it.`,
    '# Extra runtime options (split into words): STOWAGE_RUNTIME_OPTS.',
    '# Called by the shims in ../bin: stowage-run IMAGE cpu|gpu command|step NAME [ARG...]',
    'set -uf',
    'image=$1 gpu=$2 kind=$3 name=$4',
    'shift 4',
    'n=$#',
    'cwd=$(pwd)',
    "nl='",
    "'",
    'binds=',
    '# bind FOLDER: bind an absolute folder at its own path, once, unless inside one bound already.',
    'bind() {',
    '  case $1 in',
    `    ${[...EXACT_FOLDERS, ...SYSTEM_FOLDERS.flatMap((f) => [f, `${f}/*`])].join('|')}) return ;;`,
    '    *"$nl"*|*:*|*,*)',
    '      echo "stowage: not binding $1 (a colon, comma or line break in its path)" >&2',
    '      return ;;',
    '  esac',
    '  IFS=$nl',
    '  for b in $binds; do',
    '    case $1/ in "$b"/*) unset IFS; return ;; esac',
    '  done',
    '  unset IFS',
    '  binds=$binds$1$nl',
    '}',
    '# folder_of PATH: the existing folder a path names or is in, absolute, or nothing.',
    'folder_of() {',
    '  p=$1',
    '  case $p in /*) ;; *) p=$cwd/$p ;; esac',
    '  [ -d "$p" ] || p=${p%/*}',
    '  while [ -n "$p" ] && [ ! -d "$p" ]; do p=${p%/*}; done',
    '  (cd "${p:-/}" 2>/dev/null && pwd)',
    '}',
    'bind "$cwd"',
    'for a; do',
    '  case $a in',
    '    -*=*) v=${a#*=} ;;',
    '    -?/*) v=${a#-?} ;;',
    '    -*) continue ;;',
    '    *) v=$a ;;',
    '  esac',
    '  case $v in */*) ;; *) continue ;; esac',
    '  d=$(folder_of "$v") && [ -n "$d" ] && bind "$d"',
    'done',
    `allow='${SHIM_ENV.join(' ')}'`,
    'envs=',
    'for v in $allow ${STOWAGE_SHIM_ENV:-}; do',
    '  case $v in',
    '    [!A-Za-z_]*|*[!A-Za-z0-9_]*)',
    '      echo "stowage: STOWAGE_SHIM_ENV: $v is not a variable name" >&2',
    '      continue ;;',
    '  esac',
    '  eval "[ -n \\"\\${$v+x}\\" ]" && envs="$envs $v"',
    'done',
    'tty=',
    'if [ -t 0 ] && [ -t 1 ]; then tty=-t; fi',
    ': "${STOWAGE_RUNTIME_OPTS:=}"',
    ...runtimeLines(runtime),
    '',
  ].join('\n');
}

/**
 * The runtime's part of the runner: its options, then the image and the command, then the
 * caller's arguments, moved to the end of the positional list (POSIX sh has no arrays).
 */
function runtimeLines(runtime: SlurmRuntime): string[] {
  const rotate = [
    '# The caller\'s arguments, still first in "$@", go last.',
    'while [ "$n" -gt 0 ]; do set -- "$@" "$1"; shift; n=$((n - 1)); done',
  ];
  const binds = (option: (d: string) => string): string[] => [
    'IFS=$nl',
    `for d in $binds; do set -- "$@" ${option('$d')}; done`,
    'unset IFS',
  ];
  switch (runtime) {
    case 'docker':
    case 'podman': {
      const who =
        runtime === 'docker'
          ? ['who="--user=$(id -u):$(id -g)"']
          : [
              '# Rootless Podman maps you in with keep-id; as root, root is named outright.',
              'if [ "$(id -u)" -eq 0 ]; then who=--user=0:0; else who=--userns=keep-id; fi',
            ];
      const gpu = runtime === 'docker' ? '--gpus=all' : '--device=nvidia.com/gpu=all';
      return [
        ...binds((d) => `"--volume=${d}:${d}"`),
        'for v in $envs; do set -- "$@" "--env=$v"; done',
        `if [ "$gpu" = gpu ]; then set -- "$@" ${gpu}; fi`,
        'if [ "$kind" = command ]; then',
        '  set -- "$@" "--entrypoint=$name" "$image"',
        'else',
        '  set -- "$@" "$image" "$name"',
        'fi',
        ...rotate,
        ...who,
        '# An init process forwards the signals the client passes on; -i keeps standard input open.',
        '# shellcheck disable=SC2086 # the options are split into words on purpose',
        // A first pull prints its progress on standard error (docker 20.10 has no `run --quiet`).
        `exec ${runtime} run --rm -i $tty --init${runtime === 'podman' ? ' --quiet' : ''} "$who" --env=HOME=/tmp "--workdir=$cwd" $STOWAGE_RUNTIME_OPTS "$@"`,
      ];
    }
    case 'apptainer':
      return [
        ...binds((d) => `"--bind=${d}"`),
        '# --cleanenv passes nothing but what APPTAINERENV_ names.',
        'for v in $envs; do eval "APPTAINERENV_$v=\\$$v; export APPTAINERENV_$v"; done',
        'if [ "$gpu" = gpu ]; then set -- "$@" --nv; fi',
        'if [ "$kind" = command ]; then verb=exec; else verb=run; fi',
        'set -- "$@" "docker://$image" "$name"',
        ...rotate,
        '# shellcheck disable=SC2086 # the options are split into words on purpose',
        'exec apptainer "$verb" --cleanenv "--pwd=$cwd" $STOWAGE_RUNTIME_OPTS "$@"',
      ];
    case 'charliecloud':
      return [
        '# ch-run starts no entrypoint and pulls nothing: the image is pulled into the storage once.',
        ': "${USER:=$(id -un)}"',
        'export USER',
        '# ch-run mounts $TMPDIR at /tmp, which would hide the paths under the host /tmp bound below.',
        'unset TMPDIR',
        'if ! ch-run "$image" -- /bin/sh -c : >/dev/null 2>&1; then',
        '  ch-image pull "$image" >&2 || exit 125',
        'fi',
        "# The image's environment, then only the allowed variables of yours.",
        'set -- "$@" "--unset-env=*" --set-env --env-no-expand',
        'for v in $envs; do eval "set -- \\"\\$@\\" \\"--set-env=$v=\\$$v\\""; done',
        ...binds((d) => `"--bind=${d}:${d}"`),
        'if [ "$kind" = command ]; then',
        '  set -- "$@" "$image" -- "$name"',
        'else',
        `  set -- "$@" "$image" -- /bin/sh ${ENTRYPOINT} "$name"`,
        'fi',
        ...rotate,
        '# shellcheck disable=SC2086 # the options are split into words on purpose',
        'exec ch-run "--cd=$cwd" $STOWAGE_RUNTIME_OPTS "$@"',
      ];
  }
}

/** `name<TAB>kind<TAB>group<TAB>image` a line: what each shim runs, for people and scripts. */
export function shimIndex(
  shims: readonly Shim[],
  shadowed: readonly { name: string; group: string; by: string }[],
): string {
  const clean = (s: string) => s.replace(/[\t\r\n]/g, ' ');
  return [
    '# shim\tkind\tgroup\timage',
    ...shims.map((s) => [s.file, s.kind, clean(s.group.name), clean(s.image.ref)].join('\t')),
    ...shadowed.map(
      (s) =>
        `# ${clean(s.name)} of group ${clean(s.group)} is not shimmed: group ${clean(s.by)} provides it first`,
    ),
    '',
  ].join('\n');
}

/** The files of a shims folder (`<prefix>bin/…`, `<prefix>libexec/stowage-run`) and which are executable. */
export function shimFolder(
  shims: readonly Shim[],
  runtime: SlurmRuntime,
  workflow: string,
  prefix = '',
): { files: Record<string, string>; executable: string[] } {
  const files: Record<string, string> = {};
  for (const shim of shims)
    files[`${prefix}bin/${shim.file}`] = shimScript(shim, runtime, workflow);
  files[`${prefix}${RUNNER}`] = runnerScript(runtime);
  return { files, executable: Object.keys(files) };
}

export function exportShims(input: ExportInput): ExportResult {
  const { steps, skipped } = stepsInGroupImages(input, ', so its commands are not known');
  const runtime = input.slurmRuntime ?? 'apptainer';
  const outDir = input.outDir ?? '.stowage/export/shims';
  const groups = exportedGroups(steps);
  const { shims, shadowed, refused } = planShims(
    groups,
    steps,
    input.workflow.format === 'stowage',
  );
  const { files, executable } =
    shims.length > 0
      ? shimFolder(shims, runtime, input.workflow.name)
      : { files: {}, executable: [] };
  if (shims.length > 0) files['shims.tsv'] = shimIndex(shims, shadowed);
  const fromPlan = groups.filter((g) => g.group.commandsFrom === 'plan').map((g) => g.group.name);
  const pinning = pinningOf(steps.map((s) => s.image));
  const notes = [
    ...(fromPlan.length > 0
      ? [
          `the images of ${fromPlan.join(', ')} could not be read for the commands they provide (not pushed, or built before Stowage listed them): their shims are the commands the steps call`,
        ]
      : []),
    ...refused.map((r) => `left out ${r}`),
  ];
  return {
    engine: 'shims',
    files,
    executable,
    pinning,
    steps: steps.map((s) => s.step.id),
    skipped,
    usage: [
      `PATH="$PWD/${posix.join(outDir, 'bin')}:$PATH" (${shims.filter((s) => s.kind === 'command').length} command(s), ${runtime}) — ${pinningSentence(pinning)}`,
      ...notes,
    ].join('\n'),
  };
}
