/**
 * Renders one group's Dockerfile and the files generated beside it, deterministically.
 *
 * Safety: every value that reaches a shell line is a requirement that passed its ecosystem's
 * grammar (`requirements.ts`) and is also single-quoted; file paths passed `checkContextPath` and
 * go into JSON-array `COPY`; label values and comments are escaped; a step's `run` text never
 * enters the Dockerfile — it goes into the generated `stowage-entrypoint.sh`, single-quoted. All
 * quoting goes through src/common/escape. No heredocs, so any builder (classic docker, BuildKit,
 * buildah) accepts the file.
 */
import { dockerComment, dockerJsonArray, dockerString } from '../common/escape/dockerfile.js';
import { shellComment, shellQuote, shellWord } from '../common/escape/shell.js';
import { xmlText } from '../common/escape/xml.js';
import { condaForms } from '../software/requirements.js';
import type { Step } from '../workflow/model.js';
import { outputFolders } from '../workflow/output-folders.js';
import { absoluteCommands } from './commands.js';
import { LOCK_DIR, lockFiles } from './locks.js';
import type { Arch, Family, GroupLock, PlannedGroup, PlannedPackage } from './types.js';

export const ENTRYPOINT_SCRIPT = 'stowage-entrypoint.sh';
/** Where `files:` are copied, the working directory of every step. */
export const APP_DIR = '/opt/stowage';
export const USER = '10001:10001';

export interface RenderInput {
  group: Pick<
    PlannedGroup,
    'name' | 'family' | 'gpu' | 'steps' | 'packages' | 'channels' | 'baseImage'
  >;
  /** The group's steps, in document order. */
  steps: readonly Step[];
  /** `inputs.reanalysis` → `data/era5/*.nc`, `regrid.grid` → `work/grid.zarr`. */
  placeholders: Readonly<Record<string, string>>;
  /** Validated, sorted paths relative to the context root. */
  files: readonly string[];
  /** Step → the commands it calls (src/plan/commands.ts): linked and checked in the image. */
  commands?: Readonly<Record<string, readonly string[]>>;
  /** Image for the Maven stage that resolves `maven:` artifacts. */
  mavenImage: string;
  workflowName: string;
  /** The resolve stage's locks: a solved group installs its conda, pip and npm packages from them. */
  lock?: GroupLock;
  /**
   * The steps' outputs are paths they write where they run (a Stowage spec; an imported pipeline's
   * outputs are the engine's): the entrypoint creates their folders before running a step.
   */
  outputFolders?: boolean;
}

export { dockerString };

/** Instruction arguments must stay on one line: a newline here would be a bug upstream. */
function line(text: string): string {
  if (/[\r\n]/.test(text))
    throw new Error(`refusing to render a Dockerfile line with a newline: ${text}`);
  return text;
}

function copy(from: string, to: string, stage?: string): string {
  return line(`COPY ${stage ? `--from=${stage} ` : ''}${dockerJsonArray([from, to])}`);
}

/** `{inputs.x}` and `{step.output}` become the declared paths; unknown placeholders stay. */
export function substitutePlaceholders(
  text: string,
  placeholders: Readonly<Record<string, string>>,
): string {
  return text.replace(/\{([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\}/g, (whole, key: string) =>
    Object.hasOwn(placeholders, key) ? placeholders[key]! : whole,
  );
}

export function buildScriptName(stepId: string): string {
  return `build-${stepId}.sh`;
}

/** Packages by ecosystem: those several steps share first (own layer), then the rest; sorted. */
function layersOf(packages: readonly PlannedPackage[], ecosystem: PlannedPackage['ecosystem']) {
  const mine = packages.filter((p) => p.ecosystem === ecosystem);
  const specs = (list: PlannedPackage[]) => [...new Set(list.map((p) => p.spec))].sort(byText);
  const shared = specs(mine.filter((p) => p.steps.length > 1));
  const own = specs(mine.filter((p) => p.steps.length <= 1)).filter((s) => !shared.includes(s));
  return [shared, own].filter((l) => l.length > 0);
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function aptLayer(specs: readonly string[]): string {
  return line(
    `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${specs
      .map(shellQuote)
      .join(' ')} && rm -rf /var/lib/apt/lists/*`,
  );
}

/** Extra apt packages a family's base lacks for an ecosystem it must host. */
function helperApt(family: Family, packages: readonly PlannedPackage[]): string[] {
  const has = (e: PlannedPackage['ecosystem']) => packages.some((p) => p.ecosystem === e);
  const extra: string[] = [];
  if (has('pip') && family !== 'python' && family !== 'conda') extra.push('python3', 'python3-pip');
  if (has('npm') && family !== 'node') extra.push('nodejs', 'npm');
  if ((has('cran') || has('bioconductor')) && family !== 'r' && family !== 'conda') {
    extra.push('r-base-core');
  }
  if (has('maven') && family !== 'jvm') extra.push('default-jre-headless');
  return extra;
}

function rString(value: string): string {
  // Names and versions passed the R grammar ([A-Za-z0-9.], digits, `.`/`-`): no quotes inside.
  return JSON.stringify(value);
}

function rInstallLayers(family: Family, packages: readonly PlannedPackage[]): string[] {
  const out: string[] = [];
  const repos = family === 'r' ? '' : ', repos = "https://cloud.r-project.org"';
  const cran = packages.filter((p) => p.ecosystem === 'cran');
  const bioc = packages.filter((p) => p.ecosystem === 'bioconductor');
  const exprs: string[] = [];
  const plain = [...new Set(cran.filter((p) => !/[=<>]/.test(p.spec)).map((p) => p.name))].sort(
    byText,
  );
  const versioned = cran.filter((p) => /[=<>]/.test(p.spec)).sort((a, b) => byText(a.spec, b.spec));
  if (plain.length > 0) exprs.push(`install.packages(c(${plain.map(rString).join(', ')})${repos})`);
  if (versioned.length > 0) {
    exprs.push(
      `if (!requireNamespace("remotes", quietly = TRUE)) install.packages("remotes"${repos})`,
    );
    for (const p of versioned) {
      const m = /(==|>=)\s*(.+)$/.exec(p.spec);
      const version = m?.[1] === '>=' ? `>= ${m[2]}` : (m?.[2] ?? '');
      exprs.push(
        `remotes::install_version(${rString(p.name)}, version = ${rString(version)}, upgrade = "never"${repos})`,
      );
    }
  }
  if (bioc.length > 0) {
    const names = [...new Set(bioc.map((p) => p.name))].sort(byText);
    exprs.push(
      `if (!requireNamespace("BiocManager", quietly = TRUE)) install.packages("BiocManager"${repos})`,
    );
    exprs.push(
      `BiocManager::install(c(${names.map(rString).join(', ')}), update = FALSE, ask = FALSE)`,
    );
  }
  if (exprs.length > 0) {
    // R only warns when a package fails to install, and the image would build without it:
    // turn warnings into errors, and check that every package loads.
    const all = [...new Set([...cran, ...bioc].map((p) => p.name))].sort(byText);
    exprs.unshift('options(warn = 2)');
    exprs.push(
      `for (p in c(${all.map(rString).join(', ')})) if (!requireNamespace(p, quietly = TRUE)) stop("package ", p, " did not install")`,
    );
    out.push(
      line(
        `RUN Rscript ${exprs.map((e) => `-e ${shellQuote(e)}`).join(' ')} && rm -rf /tmp/downloaded_packages /tmp/Rtmp*`,
      ),
    );
  }
  return out;
}

/** The Maven stage's pom: artifacts were validated to [A-Za-z0-9_.-] (plus range brackets). */
export function renderPom(groupName: string, packages: readonly PlannedPackage[]): string {
  const deps = packages
    .filter((p) => p.ecosystem === 'maven')
    .map((p) => p.spec.split(':'))
    .filter((parts) => parts.length === 3)
    .map(([g, a, v]) => `${g}:${a}:${v}`)
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort(byText)
    .map((coordinates) => {
      const [g, a, v] = coordinates.split(':');
      return `    <dependency><groupId>${xmlText(g!)}</groupId><artifactId>${xmlText(a!)}</artifactId><version>${xmlText(v!)}</version></dependency>`;
    });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Generated by Stowage: the Maven artifacts of this group, resolved into /opt/stowage/lib. -->',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>io.stowage.generated</groupId>',
    `  <artifactId>${xmlText(groupName)}</artifactId>`,
    '  <version>0</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    ...deps,
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/**
 * The entrypoint dispatcher. Its rule (docs/build.md, "The entrypoint"):
 *
 * 1. `IMAGE` with no arguments: a one-step group runs its step; otherwise the steps are listed.
 * 2. `IMAGE <step> [args…]`: the step's command runs with the arguments appended, as arguments —
 *    never as a command. When they already start with the step's own arguments, an engine (cwltool
 *    never overrides ENTRYPOINT) passed the step's whole command line, named like the step: it
 *    runs as given, once, so no argument is repeated (`prefetch -O . SRR1`, not `… -O . -O . SRR1`).
 * 3. `IMAGE <command> [args…]`, where the command is no step but is on PATH: an engine's own
 *    command (Nextflow, Snakemake, cwltool), run whole, once.
 * 4. Anything else: a one-step group runs its step with all the arguments; otherwise
 *    "unknown step or command" and exit 64.
 */
export function renderEntrypoint(input: RenderInput): string {
  const out = [
    '#!/bin/sh',
    shellComment(
      `Generated by Stowage for group ${input.group.name}: runs a step of the workflow, or an`,
    ),
    "# engine's own command. `IMAGE <step> [args...]` runs the step with the arguments appended;",
    '# `IMAGE <command> [args...]` runs a command that is not a step as given (docs/build.md).',
    'set -eu',
    '',
    'list_steps() {',
    `  echo ${shellQuote(`Steps in this image (group ${input.group.name}):`)}`,
    ...input.steps.flatMap((s) => [
      `  echo ${shellQuote(`  ${s.id}${s.description ? `  ${s.description.replace(/[\r\n]+/g, ' ')}` : ''}`)}`,
      ...stepInputs(s, input).map(
        (v) => `  echo ${shellQuote(`      reads ${v.path} (set ${v.variable} to read another)`)}`,
      ),
    ]),
    `  echo ${shellQuote('Usage: docker run IMAGE <step> [args...]  |  IMAGE <command> [args...]')}`,
    '}',
    '',
  ];
  out.push(...smokeTest(input), '');
  const only = input.steps.length === 1 ? input.steps[0] : undefined;
  out.push('if [ "$#" -eq 0 ]; then');
  if (only) out.push(...stepCommand(only, input).map((c) => `  ${c}`));
  else out.push('  list_steps', '  exit 0');
  out.push('fi', 'case "$1" in');
  for (const s of input.steps) {
    out.push(
      `  ${shellQuote(s.id)})`,
      `    if [ "\${${DISPATCH_CHECK}:-}" = 1 ]; then exit 0; fi`,
      ...wholeCommandLine(s, input).map((c) => `    ${c}`),
      '    shift',
      ...stepCommand(s, input).map((c) => `    ${c}`),
      '    ;;',
    );
  }
  out.push(
    '  -h|--help|help)',
    '    list_steps',
    '    exit 0',
    '    ;;',
    'esac',
    "# Not a step: an engine's own command, run whole.",
    'if command -v "$1" >/dev/null 2>&1; then',
    '  exec "$@"',
    'fi',
  );
  if (only) out.push(...stepCommand(only, input));
  else out.push(`echo "unknown step or command: $1" >&2`, 'list_steps >&2', 'exit 64');
  out.push('');
  return out.join('\n');
}

/** The entrypoint's argument that runs the smoke test instead of a step. */
export const SMOKE_TEST_ARG = '--stowage-smoke-test';
/** What the smoke test prints for a step: `stowage-smoke-test: step <id>: ok` or `: missing a b`. */
export const SMOKE_TEST_PREFIX = 'stowage-smoke-test: step ';
/** Set by the smoke test when it asks the dispatcher for a step: the step's branch exits 0. */
const DISPATCH_CHECK = 'STOWAGE_SMOKE_TEST_DISPATCH';

/**
 * `IMAGE --stowage-smoke-test` (run as the last step of every build, inside the image): every
 * command each step calls resolves (on PATH, or executable at its absolute path), and the
 * dispatcher reaches each step. Prints a line per step; exits 1 when any is missing.
 */
function smokeTest(input: RenderInput): string[] {
  const lines = [
    `if [ "\${1:-}" = ${SMOKE_TEST_ARG} ]; then`,
    '  failed=0',
    '  check() {',
    '    step=$1',
    '    shift',
    "    lack=''",
    '    for c in "$@"; do',
    '      case $c in',
    '        /*) [ -x "$c" ] || lack="$lack $c" ;;',
    '        *) command -v "$c" >/dev/null 2>&1 || lack="$lack $c" ;;',
    '      esac',
    '    done',
    `    if ! ${DISPATCH_CHECK}=1 /bin/sh "$0" "$step" >/dev/null 2>&1; then`,
    '      lack="$lack (the entrypoint does not dispatch it)"',
    '    fi',
    '    if [ -n "$lack" ]; then',
    `      echo "${SMOKE_TEST_PREFIX}$step: missing$lack" >&2`,
    '      failed=1',
    '    else',
    `      echo "${SMOKE_TEST_PREFIX}$step: ok"`,
    '    fi',
    '  }',
  ];
  for (const s of input.steps)
    lines.push(`  check ${[s.id, ...(input.commands?.[s.id] ?? [])].map(shellQuote).join(' ')}`);
  lines.push('  exit "$failed"', 'fi');
  return lines;
}

/**
 * The step's command with the script's arguments appended. A one-line command gets them after a
 * trailing comment is dropped (`run: x # note` must not swallow them); a multi-line script, or one
 * ending in an operator, sees them as "$@" only: appended there they would be run as a command.
 */
function stepCommand(s: Step, input: RenderInput): string[] {
  const vars = stepInputs(s, input);
  const prelude = [...folderLines(s, input), ...vars.flatMap(defaultLines)];
  if (s.entrypoint && s.entrypoint.length > 0) {
    return [
      ...prelude,
      `exec ${s.entrypoint.map((a) => entrypointWord(a, input, vars)).join(' ')} "$@"`,
    ];
  }
  const run = runText(s, input, vars);
  if (run !== undefined) {
    const appendable = !/[\r\n]/.test(run) && !/[;&|\\]$/.test(run);
    return [
      ...prelude,
      `exec /bin/sh -c ${shellQuote(appendable ? `${run} "$@"` : run)} ${shellQuote(s.id)} "$@"`,
    ];
  }
  return [
    `echo ${shellQuote(`Step ${s.id} declares no run command or entrypoint.`)} >&2`,
    'exit 64',
  ];
}

/**
 * The step's `run` with placeholders filled and a one-line command's trailing comment dropped.
 * With `vars`, each input placeholder outside single quotes reads its variable instead
 * (`${STOWAGE_INPUT_RAW}`, set to the declared path unless the caller set it), expanded as the
 * path written there would be: unquoted it is split and globbed like the path, which has no
 * space (the schema's grammar); in double quotes it is one word.
 */
function runText(
  s: Step,
  input: RenderInput,
  vars: readonly InputVariable[] = [],
): string | undefined {
  if (!s.run || s.run.trim() === '') return undefined;
  const raw = s.run.trim();
  const text = /[\r\n]/.test(raw) ? raw : withoutComment(raw).trimEnd();
  return substitutePlaceholders(withVariables(text, vars), input.placeholders);
}

/** A declared input of a step that its command reads through a variable the caller may set. */
export interface InputVariable {
  /** `STOWAGE_INPUT_RAW` for input `raw`, `STOWAGE_INPUT_CLEAN_CLEANED` for `clean.cleaned`. */
  variable: string;
  /** The placeholder it stands for, `inputs.raw` or `clean.cleaned`, and the declared path. */
  key: string;
  path: string;
}

/**
 * The step's declared inputs its command names by placeholder, each with its variable: only for a
 * one-line `run` without command substitution (`$(…)`, backquotes: their own quoting) or an
 * `entrypoint`, a path of the schema's grammar that does not start with `~` (a variable gets no
 * tilde expansion), and a variable name no other input of the step maps to.
 */
export function stepInputs(s: Step, input: RenderInput): InputVariable[] {
  const text = s.entrypoint && s.entrypoint.length > 0 ? s.entrypoint.join(' ') : (s.run ?? '');
  if (!s.entrypoint?.length && (/[\r\n]/.test(text.trim()) || /\$\(|`/.test(text))) return [];
  const found: InputVariable[] = [];
  for (const ref of s.inputs) {
    const key = ref.includes('.') ? ref : `inputs.${ref}`;
    const path = input.placeholders[key];
    if (path === undefined || path.startsWith('~') || !text.includes(`{${key}}`)) continue;
    found.push({
      variable: `STOWAGE_INPUT_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
      key,
      path,
    });
  }
  const names = found.map((v) => v.variable);
  return found.filter((v) => names.indexOf(v.variable) === names.lastIndexOf(v.variable));
}

/** `{inputs.raw}` → `${STOWAGE_INPUT_RAW}` outside single quotes (a quoted one keeps the path). */
function withVariables(text: string, vars: readonly InputVariable[]): string {
  if (vars.length === 0) return text;
  const byKey = new Map(vars.map((v) => [`{${v.key}}`, v.variable]));
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote !== "'" && c === '{') {
      const end = text.indexOf('}', i);
      const variable = end > i ? byKey.get(text.slice(i, end + 1)) : undefined;
      if (variable !== undefined) {
        out += `\${${variable}}`;
        i = end;
        continue;
      }
    }
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === '\\') {
      out += c + (text[i + 1] ?? '');
      i += 1;
      continue;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    out += c;
  }
  return out;
}

/** An `entrypoint` word with its input placeholders as variables, each part quoted. */
function entrypointWord(word: string, input: RenderInput, vars: readonly InputVariable[]): string {
  const parts: string[] = [];
  let rest = word;
  for (;;) {
    const at = vars
      .map((v) => ({ v, i: rest.indexOf(`{${v.key}}`) }))
      .filter((x) => x.i >= 0)
      .sort((a, b) => a.i - b.i)[0];
    if (!at) break;
    if (at.i > 0)
      parts.push(shellQuote(substitutePlaceholders(rest.slice(0, at.i), input.placeholders)));
    parts.push(`"\${${at.v.variable}}"`);
    rest = rest.slice(at.i + at.v.key.length + 2);
  }
  if (rest !== '' || parts.length === 0)
    parts.push(shellQuote(substitutePlaceholders(rest, input.placeholders)));
  return parts.join('');
}

/** The variable set to the declared path unless the caller gave one, for the step's command. */
function defaultLines(v: InputVariable): string[] {
  return [
    `[ -n "\${${v.variable}:-}" ] || ${v.variable}=${shellQuote(v.path)}`,
    `export ${v.variable}`,
  ];
}

/** The folders the step's outputs go into, created where it runs (a Stowage spec only). */
function folderLines(s: Step, input: RenderInput): string[] {
  if (!input.outputFolders) return [];
  const folders = outputFolders(s);
  return folders.length > 0 ? [`mkdir -p -- ${folders.map(shellQuote).join(' ')}`] : [];
}

/**
 * Rule 2's exception: when the step's command is a plain line whose first word is the step's name
 * (`prefetch -O .` for step `prefetch`), arguments that start with its other words are that command
 * line passed whole by an engine: run them as given. Empty when the command is not such a line.
 */
function wholeCommandLine(s: Step, input: RenderInput): string[] {
  if (s.entrypoint && s.entrypoint.length > 0) return [];
  const run = runText(s, input);
  if (run === undefined || /[\r\n]/.test(run)) return [];
  const words = plainWords(run);
  if (!words || words[0] !== s.id || words.length === 1) return [];
  const rest = words.slice(1);
  const tests = [
    `[ "$#" -gt ${rest.length} ]`,
    ...rest.map((w, i) => `[ "$${i + 2}" = ${shellQuote(w)} ]`),
  ];
  return [`if ${tests.join(' && ')}; then exec "$@"; fi`];
}

/** The words of a command made only of plain words (no quotes, variables or operators), else undefined. */
function plainWords(command: string): string[] | undefined {
  const words = command.split(/[ \t]+/).filter(Boolean);
  return words.every((w) => /^[A-Za-z0-9_./=:,+@%-]+$/.test(w)) ? words : undefined;
}

/**
 * A one-line shell command without its comment: the first `#` that starts a word outside quotes
 * (`echo '#'`, `echo a#b` and `${#x}` keep theirs). A comment runs to the end of the line, so this
 * is what the shell itself would ignore.
 */
export function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === '\\') {
      i += 1;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /[\s;&|()<>]/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/**
 * The group's Dockerfile and the files it copies in (entrypoint, build scripts, pom.xml): the
 * Maven stage, the builder stage, then the image itself — system packages, language packages,
 * the steps' files, the entrypoint, labels and a non-root user.
 */
export function renderGroup(input: RenderInput): Record<string, string> {
  const generated: Record<string, string> = {};
  const aptLayers = systemLayers(input.group);
  const df: string[] = [
    dockerComment(
      `Generated by Stowage for workflow ${input.workflowName}, group ${input.group.name}.`,
    ),
    '# Do not edit: change the spec and run `stowage plan` again.',
    '',
    ...mavenStage(input, generated),
    ...builderStage(input, aptLayers, generated),
    ...runtimeBase(input, aptLayers),
    ...packageLayers(input.group, locked(input, generated)),
    ...finalLayers(input, generated),
  ];
  generated['Dockerfile'] = df.join('\n');
  return Object.fromEntries(Object.entries(generated).sort(([a], [b]) => byText(a, b)));
}

/** apt packages in layers (shared first), plus what the family's base lacks for its ecosystems. */
function systemLayers(group: RenderInput['group']): string[][] {
  const aptSpecs = group.packages.filter((p) => p.ecosystem === 'apt');
  const helper = helperApt(group.family, group.packages).filter(
    (h) => !aptSpecs.some((p) => p.name === h),
  );
  const layers = layersOf(group.packages, 'apt');
  if (helper.length > 0) layers.push(helper.sort(byText));
  return layers;
}

/** A stage that resolves the `maven:` artifacts into a folder the image copies. */
function mavenStage(input: RenderInput, generated: Record<string, string>): string[] {
  if (!input.group.packages.some((p) => p.ecosystem === 'maven')) return [];
  generated['pom.xml'] = renderPom(input.group.name, input.group.packages);
  return [
    line(`FROM ${input.mavenImage} AS maven`),
    copy('pom.xml', '/stowage/pom.xml'),
    `RUN mvn -q -B -f /stowage/pom.xml dependency:copy-dependencies -DoutputDirectory=${APP_DIR}/lib && rm -rf /root/.m2`,
    '',
  ];
}

/** A stage that runs each step's `build:` script; the image copies its /usr/local. */
function builderStage(
  input: RenderInput,
  aptLayers: readonly string[][],
  generated: Record<string, string>,
): string[] {
  const builds = input.steps.filter((s) => (s.software.build ?? '').trim() !== '');
  if (builds.length === 0) return [];
  const df = [line(`FROM ${input.group.baseImage} AS builder`), 'USER root'];
  for (const layer of aptLayers) df.push(aptLayer(layer));
  for (const s of builds) {
    const name = buildScriptName(s.id);
    generated[name] = [
      '#!/bin/sh',
      shellComment(
        `Generated by Stowage: the build commands of step ${s.id}, run in the builder stage.`,
      ),
      'set -eu',
      substitutePlaceholders(s.software.build!.trim(), input.placeholders),
      '',
    ].join('\n');
    // The step's own files (sources) are there for its build, at the same paths as at run time.
    for (const f of s.software.files) {
      const path = input.files.find((x) => x === f.replace(/^\.\//, '').replace(/\/$/, ''));
      if (path !== undefined) df.push(copy(path, `${APP_DIR}/${path}`));
    }
    df.push(copy(name, `/stowage/${name}`), line(`RUN sh ${shellWord(`/stowage/${name}`)}`));
  }
  df.push('');
  return df;
}

/** The image's base, its environment and system packages, and what the builder stage made. */
function runtimeBase(input: RenderInput, aptLayers: readonly string[][]): string[] {
  const { family, packages } = input.group;
  const df = [line(`FROM ${input.group.baseImage}`), 'USER root'];
  if (family === 'conda') df.push('ENV MAMBA_ROOT_PREFIX=/opt/conda PATH=/opt/conda/bin:$PATH');
  if (packages.some((p) => p.ecosystem === 'pip') && family !== 'conda') {
    // Debian's python3 is "externally managed" (also under a python group whose base is plain
    // Debian); the image is ours, so pip may install system-wide. python:* images ignore it.
    df.push('ENV PIP_BREAK_SYSTEM_PACKAGES=1');
  }
  // What the base provides, so the image's own commands can be told apart at the end.
  df.push(line(`RUN mkdir -p ${COMMANDS_DIR} && ${listCommands()} > ${BASE_COMMANDS_FILE}`));
  for (const layer of aptLayers) df.push(aptLayer(layer));
  if (input.steps.some((s) => (s.software.build ?? '').trim() !== ''))
    df.push(copy('/usr/local', '/usr/local', 'builder'));
  return df;
}

/** Where an image lists the commands it provides (docs/build.md, "The commands of an image"). */
export const COMMANDS_DIR = '/usr/local/share/stowage';
/** The executables on PATH the image adds to its base, one name a line, sorted. */
export const COMMANDS_FILE = `${COMMANDS_DIR}/commands.txt`;
/** The executables on PATH of the base image, listed before anything is installed. */
export const BASE_COMMANDS_FILE = `${COMMANDS_DIR}/base-commands.txt`;

/**
 * A shell pipeline printing the names of the executables on PATH, sorted, once each: only names
 * of plain characters (a name that could not be a shim's file name is left out), never the
 * entrypoint itself. POSIX sh and busybox alike.
 */
function listCommands(): string {
  return [
    'IFS=:; for d in $PATH; do for f in "$d"/*; do n=${f##*/};',
    `case $n in .*|-*|*[!A-Za-z0-9._+-]*|${ENTRYPOINT_SCRIPT}) continue ;; esac;`,
    '[ -f "$f" ] && [ -x "$f" ] && echo "$n"; done; done | sort -u',
  ].join(' ');
}

/** The group's lock files, added to `generated`; what the install layers need to know of them. */
interface Locked {
  files: ReadonlySet<string>;
  arches: readonly Arch[];
}

function locked(input: RenderInput, generated: Record<string, string>): Locked {
  const files = lockFiles(input.group.name, input.lock);
  Object.assign(generated, files);
  return { files: new Set(Object.keys(files)), arches: input.lock?.resolution.arches ?? [] };
}

/**
 * The lock of an ecosystem, copied into the image and named for the install command: the file
 * itself for one architecture, `<eco>-$TARGETARCH.lock` (all of them copied) for several.
 */
function lockSteps(ecosystem: 'conda' | 'pip', lock: Locked): { copy: string[]; path: string } {
  const names = lock.arches.map((a) => `${ecosystem}-${a}.lock`).filter((n) => lock.files.has(n));
  const copyLine = line(`COPY ${dockerJsonArray([...names, `${LOCK_DIR}/`])}`);
  if (names.length === 1) return { copy: [copyLine], path: `${LOCK_DIR}/${names[0]}` };
  return { copy: ['ARG TARGETARCH', copyLine], path: `${LOCK_DIR}/${ecosystem}-$TARGETARCH.lock` };
}

/**
 * conda, pip, R, npm and Maven packages. A solved ecosystem installs from its lock in one step,
 * without solving again; the others install by name, each ecosystem's shared packages first.
 */
function packageLayers(group: RenderInput['group'], lock: Locked): string[] {
  const { family, packages } = group;
  const df: string[] = [];
  const has = (prefix: string) => [...lock.files].some((f) => f.startsWith(prefix));
  if (has('conda-')) {
    const { copy: copyLines, path } = lockSteps('conda', lock);
    df.push(
      ...copyLines,
      line(`RUN micromamba install -y -n base --file ${path} && micromamba clean --all --yes`),
    );
  } else df.push(...condaLayers(packages, group.channels));
  const python = family === 'conda' ? '/opt/conda/bin/python' : 'python3';
  if (has('pip-')) {
    const { copy: copyLines, path } = lockSteps('pip', lock);
    df.push(
      ...copyLines,
      line(`RUN ${python} -m pip install --no-cache-dir --no-deps --require-hashes -r ${path}`),
    );
  } else {
    for (const layer of layersOf(packages, 'pip')) {
      df.push(
        line(`RUN ${python} -m pip install --no-cache-dir ${layer.map(shellQuote).join(' ')}`),
      );
    }
  }
  df.push(...rInstallLayers(family, packages));
  if (lock.files.has('package-lock.json')) {
    df.push(
      copy('package.json', `${NPM_DIR}/package.json`),
      copy('package-lock.json', `${NPM_DIR}/package-lock.json`),
      line(
        `RUN cd ${NPM_DIR} && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force`,
      ),
      `ENV PATH=${NPM_DIR}/node_modules/.bin:$PATH NODE_PATH=${NPM_DIR}/node_modules`,
    );
  } else {
    for (const layer of layersOf(packages, 'npm')) {
      df.push(
        line(`RUN npm install -g ${layer.map(shellQuote).join(' ')} && npm cache clean --force`),
      );
    }
  }
  if (packages.some((p) => p.ecosystem === 'maven'))
    df.push(copy(`${APP_DIR}/lib`, `${APP_DIR}/lib`, 'maven'), `ENV CLASSPATH=${APP_DIR}/lib/*`);
  return df;
}

/** Where a locked group's npm packages are installed (`npm ci` needs a project folder). */
const NPM_DIR = '/opt/stowage-node';

/**
 * conda by name (an unresolved group): shared packages first, pip added when pip packages follow;
 * from the group's channels in their order (its environment files'), else conda-forge and bioconda.
 */
function condaLayers(packages: readonly PlannedPackage[], channels?: readonly string[]): string[] {
  const layers = layersOf(packages, 'conda');
  if (layers.length > 0 && packages.some((p) => p.ecosystem === 'pip')) {
    if (!packages.some((p) => p.ecosystem === 'conda' && p.name === 'pip')) layers.push(['pip']);
  }
  // A spec only conda's grammar reads is installed in conda's canonical form (condaForms).
  const install = (spec: string) => shellQuote(condaForms(spec).install);
  const from = channels
    ? channels.map((c) => `-c ${shellWord(c)}`).join(' ')
    : '-c conda-forge -c bioconda';
  return layers.map((layer) =>
    line(
      `RUN micromamba install -y -n base ${from} ${layer.map(install).join(' ')} && micromamba clean --all --yes`,
    ),
  );
}

/** The steps' files, the entrypoint, the labels, the working folder and the non-root user. */
function finalLayers(input: RenderInput, generated: Record<string, string>): string[] {
  const { group } = input;
  generated[ENTRYPOINT_SCRIPT] = renderEntrypoint(input);
  return [
    ...input.files.map((file) => copy(file, `${APP_DIR}/${file}`)),
    copy(ENTRYPOINT_SCRIPT, `/usr/local/bin/${ENTRYPOINT_SCRIPT}`),
    `RUN mkdir -p ${APP_DIR} && chown -R ${USER} ${APP_DIR} && chmod 0755 /usr/local/bin/${ENTRYPOINT_SCRIPT}`,
    ...absoluteLinks(input),
    // The commands the image adds to its base, read back after the build (src/images/commands.ts).
    line(
      `RUN ${listCommands()} | { grep -vxF -f ${BASE_COMMANDS_FILE} || true; } > ${COMMANDS_FILE}`,
    ),
    // Label values went through dockerString (no newline, no `$`), so the continuations are ours.
    `LABEL org.opencontainers.image.title=${dockerString(group.name)} \\\n` +
      `      org.opencontainers.image.description=${dockerString(
        `Stowage group ${group.name} of workflow ${input.workflowName}: steps ${group.steps.join(', ')}`,
      )} \\\n` +
      `      io.stowage.group=${dockerString(group.name)} \\\n` +
      `      io.stowage.steps=${dockerString(group.steps.join(','))} \\\n` +
      `      io.stowage.commands=${dockerString(knownCommands(input.commands ?? {}).join(','))}`,
    `WORKDIR ${APP_DIR}`,
    `USER ${USER}`,
    // Last: the image is checked from the inside, as its steps will run; a miss fails the build.
    `RUN ["/bin/sh", "/usr/local/bin/${ENTRYPOINT_SCRIPT}", "${SMOKE_TEST_ARG}"]`,
    `ENTRYPOINT ["/bin/sh", "/usr/local/bin/${ENTRYPOINT_SCRIPT}"]`,
    '',
  ];
}

/**
 * A step that calls a tool by an absolute path the base does not have (`/usr/local/bin/samtools`,
 * the BioContainers layout) finds it there: a link to the program of that name on PATH. A path
 * that exists is left alone; a program that is not there is left to the smoke test to report.
 */
function absoluteLinks(input: RenderInput): string[] {
  const paths = absoluteCommands(input.commands ?? {});
  if (paths.length === 0) return [];
  // Searched on PATH by hand: `command -v` names a shell's built-in applets without a path.
  return [
    line(
      `RUN for p in ${paths.map(shellQuote).join(' ')}; do [ -e "$p" ] && continue; n=\${p##*/}; IFS=:; for d in $PATH; do if [ -x "$d/$n" ]; then mkdir -p "\${p%/*}" && ln -s "$d/$n" "$p"; break; fi; done; unset IFS; done`,
    ),
  ];
}

/**
 * The commands the steps are known to call (by name: `/usr/local/bin/gawk` is `gawk`), sorted: the
 * `io.stowage.commands` label. Known before the build, which the smoke test proves the image has;
 * the full list of what the image adds is the file at COMMANDS_FILE, known only after it.
 */
export function knownCommands(commands: Readonly<Record<string, readonly string[]>>): string[] {
  const names = Object.values(commands)
    .flat()
    .map((c) => c.slice(c.lastIndexOf('/') + 1));
  return [...new Set(names)].filter(Boolean).sort(byText);
}
