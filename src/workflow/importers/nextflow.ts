/**
 * nf-core / Nextflow importer. Every `process` in the pipeline's `.nf` files (nf-core modules,
 * local modules, processes written inline) becomes a step: its conda environment file (or inline
 * conda spec) gives the software, its labels and directives give the resources (through
 * `conf/base.config`, else nf-core's standard label table), and the image it declares today is
 * kept for the comparison with the plan.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { Finding } from '../../common/findings.js';
import type { Location, NodePath, Resources, Step } from '../model.js';
import {
  dockerImage,
  importError,
  importLimit,
  IMPORTED_LIMITS,
  limitRules,
  newStep,
  newWorkflow,
  readCondaEnvironment,
  readTextFile,
  unreadable,
  relPath,
  safeName,
  walkFiles,
  type ImportResult,
} from './common.js';
import {
  GroovySyntaxError,
  matchingClose,
  statements,
  tokenizeGroovy,
  type Token,
} from './groovy.js';
import { DeclaredImages } from './images.js';
import { installedModules } from './upstream.js';
import { OffsetMapper, RecordedSource } from './locator.js';
import {
  evaluate,
  checkBrackets,
  nfCoreDefaultConfig,
  readProcessConfig,
  settingValue,
  type ConfigText,
  RESOURCE_KEYS,
  type ProcessConfig,
  type ResourceKey,
  type Setting,
} from './nextflow-config.js';
import { registryHostOf } from '../../common/image-name.js';
import {
  fileInfo,
  processKey,
  reachableProcesses,
  type NfFileInfo,
  type NfInvocation,
  type Reach,
} from './nextflow-includes.js';

const SECTIONS = new Set(['input', 'output', 'when', 'script', 'shell', 'exec', 'stub']);

export interface NextflowOptions {
  /** Repository root: finding and source paths are relative to it. */
  root?: string;
}

/** Imports the Nextflow pipeline in `dir`. Never throws for bad input: problems are findings. */
export function importNextflow(pipelineDir: string, options: NextflowOptions = {}): ImportResult {
  const dir = resolve(pipelineDir);
  const root = options.root ?? dir;
  const findings: Finding[] = [];
  const nfFiles = walkFiles(dir, (name) => name.endsWith('.nf'));
  const mainAbs = nfFiles.find((f) => f === join(dir, 'main.nf')) ?? nfFiles[0];
  const mainFile = relPath(root, mainAbs ?? join(dir, 'main.nf'));
  const source = new RecordedSource(mainFile);
  if (!mainAbs) {
    findings.push(
      importError(mainFile, `No Nextflow script (*.nf) found in ${relPath(root, dir) || '.'}.`),
    );
    return { findings, currentImages: {} };
  }

  const nextflowConfig = readTextFile(join(dir, 'nextflow.config'), dir);
  const workflow = newWorkflow(pipelineName(dir, nextflowConfig), mainFile, 'nextflow', source);
  const config = loadProcessConfig(dir, root, source, findings);
  const registry = nextflowConfig === undefined ? undefined : dockerRegistry(nextflowConfig);
  const currentImages: Record<string, string> = {};
  const engineNames: Record<string, string> = {};
  const taken = new Set<string>();
  const calls: OutCall[] = [];
  const images = new DeclaredImages(source);

  const parsed: { abs: string; proc: ParsedProcess }[] = [];
  /** The file of each imported process. */
  const processFiles: string[] = [];
  const infos = new Map<string, NfFileInfo>();
  const nfSet = new Set(nfFiles);
  for (const abs of nfFiles) {
    const file = relPath(root, abs);
    const text = readTextFile(abs, root);
    if (text === undefined) {
      findings.push(importError(file, `Cannot read ${file}${unreadable(abs, root)}.`));
      continue;
    }
    source.addFile(file, text);
    const mapper = new OffsetMapper(text);
    const read = readNextflowFile(text, file, mapper, findings);
    calls.push(...read.calls);
    for (const proc of read.processes) parsed.push({ abs, proc });
    infos.set(
      abs,
      read.tokens
        ? fileInfo(read.tokens, abs, dir, nfSet)
        : partialFileInfo(text, abs, dir, nfSet, read.processes),
    );
  }

  // Only what the entry workflow reaches through `include` runs: the rest is not planned.
  const reach = reachableProcesses(mainAbs, infos);
  const invocations: Record<string, NfInvocation[]> = {};
  const leftOut: string[] = [];
  for (const { abs, proc } of parsed) {
    const runs = reach?.processes.get(processKey(abs, proc.name));
    if (reach && !runs) {
      leftOut.push(proc.name);
      continue;
    }
    const id = safeName(proc.name, taken);
    engineNames[id] = proc.name;
    if (runs && runs.length > 0) invocations[id] = runs;
    // The image as written names its software (BioContainers); as pulled, it has the registry.
    // `withName` selectors match a run's alias or fully qualified name too.
    const names = [proc.name, ...(runs ?? []).flatMap((r) => [r.name, r.fqn])];
    const step = buildStep(id, proc, names, abs, dir, root, config, source, findings, images);
    processFiles.push(abs);
    workflow.steps.push(step);
    if (!proc.image) continue;
    const pulled = withRegistry(proc.image, registry);
    currentImages[id] = pulled;
    if (step.container === proc.image) step.container = pulled;
  }
  if (reach) findings.push(...reachFindings(reach, leftOut, parsed.length, mainFile, root));
  const upstream = installedModules(
    processFiles.map((abs) => relPath(dir, abs)),
    readTextFile(join(dir, 'modules.json'), dir),
    relPath(root, dir),
  );
  if (upstream.length > 0) workflow.upstream = upstream;
  findings.push(...images.findings());
  wireCalls(workflow.steps, engineNames, calls);
  // Document order is the order the workflow calls its processes; uncalled ones go last.
  const firstCall = (step: Step): number => {
    const k = calls.findIndex((c) => c.callee === (engineNames[step.id] ?? step.id));
    return k < 0 ? Infinity : k;
  };
  workflow.steps.sort((a, b) => firstCall(a) - firstCall(b) || 0); // Infinity - Infinity is NaN
  if (workflow.steps.length > 0) {
    findings.push(
      limitRules(
        workflow,
        'Nextflow',
        [
          ...IMPORTED_LIMITS,
          {
            rule: 'STW104',
            why: 'desired results (processes exchange channels, not file paths)',
          },
          {
            rule: 'STW105',
            why: 'desired results (processes exchange channels, not file paths)',
          },
          { rule: 'STW106', why: 'workflow inputs' },
        ],
        'Steps are wired only where a workflow passes `PROCESS.out.<emit>` to another process.',
      ),
    );
  } else {
    findings.push(
      importError(mainFile, `No Nextflow process found under ${relPath(root, dir) || '.'}.`),
    );
  }
  return {
    workflow,
    findings,
    currentImages,
    origin: {
      format: 'nextflow',
      engineNames,
      tools: {},
      ...(reach ? { invocations, invocationsComplete: reach.complete } : {}),
    },
  };
}

/**
 * The processes and workflow calls of one `.nf` file. When the file does not tokenize (or its
 * brackets do not balance), each process is read on its own, so one process that cannot be read
 * costs only itself: it is reported at the problem, the others are imported.
 */
function readNextflowFile(
  text: string,
  file: string,
  mapper: OffsetMapper,
  findings: Finding[],
): { processes: ParsedProcess[]; calls: OutCall[]; tokens?: Token[] } {
  let whole: GroovySyntaxError;
  try {
    const tokens = tokenizeGroovy(text);
    return {
      processes: findProcesses(tokens, mapper, file, text),
      calls: findOutCalls(tokens),
      tokens,
    };
  } catch (e) {
    if (!(e instanceof GroovySyntaxError)) throw e;
    whole = e;
  }
  const processes: ParsedProcess[] = [];
  const read = (from: number, to: number): ParsedProcess[] => {
    const tokens = tokenizeGroovy(text.slice(from, to)).map((t) => ({
      ...t,
      start: t.start + from,
      end: t.end + from,
    }));
    return findProcesses(tokens, mapper, file, text);
  };
  const headers = [...text.matchAll(/^[ \t]*process\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/gm)];
  const cuts = [...headers.map((h) => h.index ?? 0), text.length];
  let processLost = false;
  headers.forEach((header, k) => {
    const from = cuts[k] ?? 0;
    try {
      processes.push(...read(from, cuts[k + 1] ?? text.length));
    } catch (e) {
      if (!(e instanceof GroovySyntaxError)) throw e;
      const at = e.offset + from;
      // The problem may lie after the process, in the code that follows it.
      try {
        const before = read(from, at);
        if (before.length > 0) {
          processes.push(...before);
          return;
        }
      } catch (inner) {
        if (!(inner instanceof GroovySyntaxError)) throw inner;
      }
      processLost = true;
      findings.push(
        importError(
          file,
          `Cannot read process ${header[1]} in ${file}: ${e.message}; it was not imported.`,
          mapper.span(at, at + 1),
        ),
      );
    }
  });
  if (!processLost) {
    findings.push(
      importError(
        file,
        `Cannot parse ${file}: ${whole.message}; ${headers.length > 0 ? 'its processes were read one by one, ' : ''}its workflow calls were not read.`,
        mapper.span(whole.offset, whole.offset + 1),
      ),
    );
  }
  return { processes, calls: [] };
}

/**
 * What can still be told of a file that did not tokenize whole: its processes (read one by one)
 * and the includes a plain reading finds. Reached by any name, all of it is taken to run.
 */
function partialFileInfo(
  text: string,
  abs: string,
  pipelineDir: string,
  nfFiles: ReadonlySet<string>,
  processes: readonly ParsedProcess[],
): NfFileInfo {
  const includes: NfFileInfo['includes'] = new Map();
  for (const m of text.matchAll(/^[ \t]*include\s*\{([^}]*)\}\s*from\s*(['"])([^'"\n]+)\2/gm)) {
    let tokens: Token[];
    try {
      tokens = tokenizeGroovy(`include {${m[1] ?? ''}} from ${m[2]}${m[3]}${m[2]}`);
    } catch {
      continue;
    }
    for (const [local, inc] of fileInfo(tokens, abs, pipelineDir, nfFiles).includes)
      includes.set(local, inc);
  }
  return {
    processes: new Set(processes.map((p) => p.name)),
    workflows: new Map(),
    includes,
    partial: true,
  };
}

/** One notice for the processes no workflow reaches, one for includes that name no file. */
function reachFindings(
  reach: Reach,
  leftOut: readonly string[],
  defined: number,
  mainFile: string,
  root: string,
): Finding[] {
  const findings: Finding[] = [];
  if (leftOut.length > 0) {
    const shown = leftOut.slice(0, 10).join(', ') + (leftOut.length > 10 ? ', …' : '');
    findings.push(
      importLimit(
        mainFile,
        `${leftOut.length} of the ${defined} processes defined in the pipeline's .nf files are not reached from the entry workflow of ${mainFile} through \`include\`, so Nextflow never runs them and they are not planned: ${shown}.`,
      ),
    );
  }
  for (const { file, path } of reach.unresolved.slice(0, 10)) {
    findings.push(
      importLimit(
        relPath(root, file),
        `\`include … from '${path}'\` in ${relPath(root, file)} names no .nf file of the pipeline; the processes it would include are not planned.`,
      ),
    );
  }
  if (!reach.complete)
    findings.push(
      importLimit(
        mainFile,
        'Workflows call each other too many times to record every run of every process by its fully qualified name; each process is planned, and the Nextflow export tells same-named processes apart by their aliases only.',
      ),
    );
  return findings;
}

function pipelineName(dir: string, config: string | undefined): string {
  const m = config && /manifest\s*\{[^}]*?\bname\s*=\s*['"]([^'"]+)['"]/s.exec(config);
  return (m?.[1] ?? basename(dir)).replace(/^nf-core\//, 'nf-core-');
}

/**
 * `docker.registry = 'quay.io'`, or `registry = …` in a `docker { … }` scope, at the top level of
 * nextflow.config (a profile's setting applies only when the profile is chosen: not read).
 */
function dockerRegistry(config: string): string | undefined {
  let tokens;
  try {
    tokens = tokenizeGroovy(config);
  } catch {
    return undefined;
  }
  const value = (i: number): string | undefined =>
    tokens[i]?.value === '=' && tokens[i + 1]?.kind === 'string' && !tokens[i + 1]?.interpolated
      ? tokens[i + 1]!.value
      : undefined;
  let found: string | undefined;
  let depth = 0;
  let dockerScope = -1; // the depth inside a top-level `docker {`
  tokens.forEach((t, i) => {
    if (t.value === '{') {
      if (depth === 0 && tokens[i - 1]?.value === 'docker') dockerScope = 1;
      depth += 1;
    } else if (t.value === '}') {
      depth -= 1;
      if (depth === 0) dockerScope = -1;
    } else if (t.kind === 'ident' && t.value === 'docker' && depth === 0) {
      if (tokens[i + 1]?.value === '.' && tokens[i + 2]?.value === 'registry')
        found = value(i + 3) ?? found;
    } else if (t.kind === 'ident' && t.value === 'registry' && depth === dockerScope) {
      if (tokens[i - 1]?.value !== '.') found = value(i + 1) ?? found;
    }
  });
  return found && /^[A-Za-z0-9.:/-]+$/.test(found) ? found.replace(/\/+$/, '') : undefined;
}

/**
 * An image as Nextflow pulls it with Docker: a name without a registry host (`org/tool:1.0`) is
 * pulled from `docker.registry` when the config sets one, as Nextflow itself does.
 */
export function withRegistry(image: string, registry: string | undefined): string {
  if (!registry || image === '' || /^[a-z]+:\/\//.test(image) || /^[/.]/.test(image)) return image;
  return registryHostOf(image) !== undefined ? image : `${registry}/${image}`;
}

/**
 * The pipeline's process configuration, as Nextflow reads it: `nextflow.config` and every file it
 * includes (outside `profiles`), else `conf/base.config` alone; nf-core's standard label table
 * when neither sets any resource. A file that does not parse is one STW420 and is left out.
 */
function loadProcessConfig(
  dir: string,
  root: string,
  source: RecordedSource,
  findings: Finding[],
): ProcessConfig {
  const seen = new Set<string>();
  const read = (abs: string): ConfigText | undefined => {
    if (seen.has(abs)) return undefined;
    seen.add(abs);
    const text = readTextFile(abs, root);
    if (text === undefined) return undefined;
    const file = relPath(root, abs);
    const mapper = new OffsetMapper(text);
    try {
      const tokens = tokenizeGroovy(text);
      checkBrackets(tokens);
      source.addFile(file, text);
      return { file, tokens, mapper };
    } catch (e) {
      if (!(e instanceof GroovySyntaxError)) throw e;
      findings.push(
        importError(
          file,
          `Cannot parse ${file}: ${e.message}; the resources it sets are not read.`,
          mapper.span(e.offset, e.offset + 1),
        ),
      );
      return undefined;
    }
  };
  const main = read(join(dir, 'nextflow.config')) ?? read(join(dir, 'conf', 'base.config'));
  if (!main) return nfCoreDefaultConfig();
  // Relative to the including file; `${projectDir}` is the pipeline's folder.
  const load = (path: string, from: ConfigText): ConfigText | undefined =>
    read(
      resolve(dirname(join(root, from.file)), path.replace(/\$\{?(projectDir|baseDir)\}?/g, dir)),
    );
  let config: ProcessConfig;
  try {
    config = readProcessConfig(main, load);
  } catch (e) {
    if (!(e instanceof GroovySyntaxError)) throw e;
    findings.push(
      importError(
        main.file,
        `Cannot parse ${main.file}: ${e.message}; nf-core's standard label table is used instead.`,
        main.mapper.span(e.offset, e.offset + 1),
      ),
    );
    return nfCoreDefaultConfig();
  }
  const setsResources =
    Object.keys(config.defaults).length > 0 ||
    config.selectors.some((s) => Object.keys(s.settings).length > 0);
  return setsResources ? config : { ...nfCoreDefaultConfig(), limits: config.limits };
}

interface Directive {
  name: string;
  args: Token[];
  location: Location;
}

interface ParsedProcess {
  name: string;
  file: string;
  nameLocation: Location;
  bodyLocation: Location;
  directives: Directive[];
  labels: string[];
  outputs: { name: string; pattern: string; location: Location }[];
  /** The script the process runs: one, or one per `if`/`else` branch of its `script:` block. */
  scripts: ScriptChoice[];
  scriptLocation?: Location;
  /** An `exec:` block: Groovy the engine runs itself. */
  exec: boolean;
  image?: string;
}

/** A script the `script:` block may return, and the Groovy conditions that choose it. */
interface ScriptChoice {
  conditions: string[];
  /** The string that is the script, or the template it names. */
  body: { string: Token; shell: boolean } | { template: string };
}

function findProcesses(
  tokens: Token[],
  mapper: OffsetMapper,
  file: string,
  text: string,
): ParsedProcess[] {
  const found: ParsedProcess[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    const name = tokens[i + 1];
    const open = tokens[i + 2];
    const atStatementStart =
      i === 0 ||
      tokens[i - 1]?.kind === 'newline' ||
      tokens[i - 1]?.value === ';' ||
      tokens[i - 1]?.value === '}';
    if (t?.kind !== 'ident' || t.value !== 'process' || !atStatementStart) continue;
    if (name?.kind !== 'ident' || open?.value !== '{') continue;
    const close = matchingClose(tokens, i + 2);
    const closeToken = tokens[close] as Token;
    found.push(
      parseProcess(
        tokens,
        i + 3,
        close,
        {
          name: name.value,
          file,
          nameLocation: { file, span: mapper.span(t.start, name.end) },
          bodyLocation: { file, span: mapper.span(t.start, closeToken.end) },
          directives: [],
          labels: [],
          outputs: [],
          scripts: [],
          exec: false,
        },
        mapper,
        text,
      ),
    );
    i = close;
  }
  return found;
}

function parseProcess(
  tokens: Token[],
  from: number,
  to: number,
  proc: ParsedProcess,
  mapper: OffsetMapper,
  text: string,
): ParsedProcess {
  let section = 'directives';
  let outputIndex = 0;
  const script: Token[][] = [];
  let shell = false;
  for (let st of statements(tokens, from, to)) {
    const head = st[0];
    if (head?.kind === 'ident' && SECTIONS.has(head.value) && st[1]?.value === ':') {
      section = head.value;
      if (section === 'exec') proc.exec = true;
      if (section === 'shell') shell = true;
      st = st.slice(2);
      if (st.length === 0) continue;
    }
    const first = st[0] as Token;
    const last = st[st.length - 1] as Token;
    const location = { file: proc.file, span: mapper.span(first.start, last.end) };
    if (section === 'directives' && first.kind === 'ident') {
      const args = st.slice(1);
      proc.directives.push({ name: first.value, args, location });
      if (first.value === 'label')
        for (const a of args) if (a.kind === 'string') proc.labels.push(a.value);
      if (first.value === 'container') proc.image = containerImage(args);
    } else if (section === 'output') {
      const emitAt = st.findIndex((t, k) => t.value === 'emit' && st[k + 1]?.value === ':');
      const emit = emitAt >= 0 ? st[emitAt + 2]?.value : undefined;
      const pathAt = st.findIndex(
        (t) => t.kind === 'ident' && (t.value === 'path' || t.value === 'file'),
      );
      const pattern =
        pathAt >= 0 ? st.slice(pathAt + 1).find((t) => t.kind === 'string')?.value : undefined;
      outputIndex += 1;
      if (pattern === undefined || emit === 'versions') continue;
      proc.outputs.push({ name: emit ?? `out${outputIndex}`, pattern, location });
    } else if (section === 'script' || section === 'shell') {
      script.push(st);
    }
  }
  if (script.length > 0) {
    proc.scripts = scriptChoices(script, [], shell, text);
    const first = script[0]?.[0] as Token;
    const last = script[script.length - 1]?.slice(-1)[0] as Token;
    proc.scriptLocation = { file: proc.file, span: mapper.span(first.start, last.end) };
  }
  return proc;
}

/**
 * The scripts a `script:` block may return. Its value is its last expression: a string (or
 * `template 'file'`) standing alone as a statement, or an `if`/`else` whose branches end in one —
 * every branch counts, and a branch without a script keeps what came before it.
 */
function scriptChoices(
  sts: readonly Token[][],
  before: ScriptChoice[],
  shell: boolean,
  text: string,
): ScriptChoice[] {
  let current = before;
  for (const st of sts) {
    const [head] = st;
    if (st.length === 1 && head?.kind === 'string') {
      current = [{ conditions: [], body: { string: head, shell } }];
    } else if (head?.value === 'template' && templateName(st) !== undefined) {
      current = [{ conditions: [], body: { template: templateName(st) as string } }];
    } else if (head?.kind === 'ident' && head.value === 'if') {
      current = ifChoices(st, current, shell, text);
    }
  }
  return current;
}

/** `template 'x.py'` or `template('x.py')`: the file name. */
function templateName(st: readonly Token[]): string | undefined {
  const args = st.slice(1).filter((t) => t.value !== '(' && t.value !== ')');
  return args.length === 1 && args[0]?.kind === 'string' ? args[0].value : undefined;
}

/** `if (a) { … } else if (b) { … } else { … }`: the scripts of every branch, with conditions. */
function ifChoices(
  st: readonly Token[],
  before: ScriptChoice[],
  shell: boolean,
  text: string,
): ScriptChoice[] {
  const choices: ScriptChoice[] = [];
  let i = 0;
  let sawElse = false;
  let changed = false;
  while (i < st.length) {
    let condition = 'else';
    if (st[i]?.value === 'if' && st[i + 1]?.value === '(') {
      const close = matchingClose(st, i + 1);
      condition = oneLine(text.slice((st[i + 1] as Token).end, (st[close] as Token).start));
      i = close + 1;
    } else {
      sawElse = true;
    }
    if (st[i]?.value !== '{') return before; // a one-statement branch without braces: not read
    const close = matchingClose(st, i);
    const inner = scriptChoices(statements(st, i + 1, close), before, shell, text);
    if (inner !== before) changed = true;
    choices.push(...inner.map((c) => ({ ...c, conditions: [condition, ...c.conditions] })));
    i = close + 1;
    if (st[i]?.value !== 'else') break;
    i += 1;
  }
  if (!changed) return before;
  if (!sawElse)
    choices.push(...before.map((c) => ({ ...c, conditions: ['else', ...c.conditions] })));
  return choices;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The docker image of a `container` directive, including nf-core's singularity/docker ternary. */
function containerImage(args: Token[]): string | undefined {
  const str = args.find((t) => t.kind === 'string');
  if (!str) return undefined;
  if (!str.interpolated) return dockerImage(str.value);
  // "${ cond ? 'https://…/singularity/x' : 'biocontainers/x' }": read the literals inside.
  const inner = /\$\{([\s\S]*)\}/.exec(str.value)?.[1];
  if (inner === undefined) return undefined;
  let literals: Token[];
  try {
    literals = tokenizeGroovy(inner).filter((t) => t.kind === 'string' && !t.interpolated);
  } catch {
    return undefined;
  }
  const images = literals
    .map((t) => dockerImage(t.value))
    .filter((v): v is string => v !== undefined && /[:/@]/.test(v));
  return images[images.length - 1];
}

/**
 * The step's `run`: the script as its shell will read it. Groovy interpolations stay as written
 * where the shell reads them alike (`$prefix`, `${prefix}`, `$task.cpus`); any other `${…}` becomes
 * a variable named after its code (`${meta.id}` → `${meta_id}`), so the text parses as shell.
 * Branches become one shell `if` with a `then` per Groovy branch (its condition in a comment), so
 * the commands of one run are counted once and every branch's tools are seen. A template runs
 * with the interpreter its `#!` line (or its extension) names.
 */
function scriptRun(
  choices: readonly ScriptChoice[],
  moduleDir: string,
  pipelineDir: string,
): string | undefined {
  const texts = choices.map((c) => ({
    conditions: c.conditions,
    text:
      'template' in c.body
        ? templateRun(c.body.template, moduleDir, pipelineDir)
        : withoutVersionsHeredoc(dedent(shellText(c.body.string, c.body.shell))),
  }));
  if (texts.length <= 1) return texts[0]?.text;
  const lines: string[] = [];
  texts.forEach((t, k) => {
    const label = t.conditions.map((c) => (c === 'else' ? 'else' : `if (${c})`)).join(', ');
    const keyword = k === 0 ? 'if :; then' : t.conditions[0] === 'else' ? 'else' : 'elif :; then';
    lines.push(`${keyword} # Groovy: ${label}`, interpreted(t.text));
  });
  lines.push('fi');
  return lines.join('\n');
}

/**
 * A branch's script as shell: one whose `#!` line names another language (an R or Python script,
 * as Nextflow runs it with that interpreter) is that interpreter reading the script, so its code
 * is never read as shell commands: `Rscript - <<'STOWAGE_SCRIPT'` … `STOWAGE_SCRIPT`.
 */
function interpreted(script: string): string {
  const shebang = /^#![ \t]*(\S+)([^\n]*)/.exec(script);
  if (!shebang) return script;
  const args = (shebang[2] ?? '').trim().split(/\s+/);
  const named = shebang[1]?.endsWith('/env')
    ? args.find((a) => !a.startsWith('-') && !a.includes('='))
    : shebang[1];
  const program = (named ?? '').replace(/^.*\//, '');
  if (program === '' || /^(ba|da|z|k)?sh$/.test(program)) return script;
  return `${program} - <<'STOWAGE_SCRIPT'\n${script}\nSTOWAGE_SCRIPT`;
}

function shellText(token: Token, shell: boolean): string {
  if (shell) return token.value.replace(/!\{([^}]*)\}/g, (_m, code: string) => shellVariable(code));
  if (!token.segments) return token.value;
  return token.segments.map((s) => ('text' in s ? s.text : shellVariable(s.code, s.raw))).join('');
}

/** A Groovy interpolation as a shell variable the shell parses: `${meta.id}` → `${meta_id}`. */
function shellVariable(code: string, raw?: string): string {
  const trimmed = code.trim();
  if (raw !== undefined && !raw.startsWith('${')) return raw; // `$name.field` reads alike
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(trimmed)) return `\${${trimmed}}`;
  const name = trimmed
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[_0-9]+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return `\${${name === '' ? 'groovy' : name}}`;
}

const INTERPRETERS: Record<string, string> = {
  r: 'Rscript',
  py: 'python3',
  pl: 'perl',
  sh: 'bash',
  jl: 'julia',
  rb: 'ruby',
};

/** `template 'x.r'`: Nextflow looks in the module's `templates/`, then the pipeline's. */
function templateRun(name: string, moduleDir: string, pipelineDir: string): string {
  // Templates are read inside the pipeline only (a name like ../../x stays unread).
  const text =
    readTextFile(join(moduleDir, 'templates', name), pipelineDir) ??
    readTextFile(join(pipelineDir, 'templates', name), pipelineDir);
  const shebang = text?.startsWith('#!') ? text.slice(2, text.indexOf('\n')).trim() : undefined;
  const words = shebang?.split(/\s+/) ?? [];
  const program = (words[0]?.endsWith('/env') ? words[1] : words[0])?.replace(/^.*\//, '');
  const interpreter = program ?? INTERPRETERS[name.replace(/^.*\./, '').toLowerCase()] ?? 'bash';
  if ((interpreter === 'bash' || interpreter === 'sh') && text !== undefined)
    return text.replace(/\\\$/g, '$').trim();
  return `${interpreter} ${name}`;
}

function dedent(text: string): string {
  const lines = text.replace(/^\n+|\s+$/g, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = Math.min(...indents, 1000);
  return lines.map((l) => l.slice(cut)).join('\n');
}

function buildStep(
  id: string,
  proc: ParsedProcess,
  names: readonly string[],
  absFile: string,
  pipelineDir: string,
  root: string,
  config: ProcessConfig,
  source: RecordedSource,
  findings: Finding[],
  images: DeclaredImages,
): Step {
  const step = newStep(id);
  const base: NodePath = ['steps', id];
  source.record(base, proc.bodyLocation, proc.nameLocation);
  const moduleDir = dirname(absFile);

  const conda = proc.directives.find((d) => d.name === 'conda');
  const condaArg = conda?.args.find((t) => t.kind === 'string');
  const envAbs = condaArg ? condaEnvFile(condaArg, moduleDir, pipelineDir) : undefined;
  const fallbackEnv = join(moduleDir, 'environment.yml');
  if (conda && condaArg && !envAbs && !hasCode(condaArg)) {
    // Old-style inline spec: conda 'bioconda::samtools=1.17 bioconda::htslib=1.17'
    for (const spec of condaArg.value.split(/\s+/).filter(Boolean)) {
      source.record([...base, 'software', 'conda', step.software.conda.length], conda.location);
      step.software.conda.push(spec);
    }
  } else {
    // The module's environment.yml only when a `conda` directive is there and its file could
    // not be told: a module without one (nf-core's "conda is not supported" modules) runs in its
    // container, whatever file lies beside it.
    const envPath =
      envAbs ?? (conda && readTextFile(fallbackEnv, root) !== undefined ? fallbackEnv : undefined);
    if (envPath) {
      const envFile = relPath(root, envPath);
      const text = readTextFile(envPath, root);
      if (text === undefined) {
        findings.push(
          importError(
            proc.file,
            `Process ${proc.name} names conda environment ${envFile}, which cannot be read${unreadable(envPath, root)}.`,
            conda?.location.span,
          ),
        );
      } else {
        findings.push(...readCondaEnvironment(text, envFile, step, source).findings);
      }
    }
  }

  const container = proc.directives.find((d) => d.name === 'container');
  if (container) source.record([...base, 'container'], container.location);
  if (proc.exec) step.runsIn = 'engine';
  // Without an environment: the package a BioContainers image names, else the image as is.
  if (proc.image) images.use(step, proc.image, container?.location);

  const run = scriptRun(proc.scripts, moduleDir, pipelineDir);
  if (run !== undefined) {
    step.run = run;
    if (proc.scriptLocation) source.record([...base, 'run'], proc.scriptLocation);
  }
  for (const out of proc.outputs) {
    // Work directories are per task: prefix the process name so equal patterns do not collide.
    step.outputs[out.name] = `${id}/${out.pattern}`;
    source.record([...base, 'outputs', out.name], out.location);
  }

  const resources = resolveResources(proc, names, config);
  const labelDirective = proc.directives.find((d) => d.name === 'label');
  if (labelDirective) source.record([...base, 'resources'], labelDirective.location);
  const model: Resources = {};
  const unknown: (keyof Resources)[] = [];
  for (const key of RESOURCE_KEYS) {
    const setting = resources[key];
    const field = key === 'accelerator' ? 'gpus' : key;
    if (setting && setting.value === undefined) unknown.push(field);
    if (setting?.value === undefined) continue;
    model[field] = setting.value;
    const location =
      setting.file === '' ? (labelDirective?.location ?? proc.nameLocation) : setting;
    source.record([...base, 'resources', field], { file: location.file, span: location.span });
  }
  if (Object.keys(model).length > 0) step.resources = model;
  if (unknown.length > 0) step.resourcesUnknown = unknown;
  return step;
}

/**
 * The environment file a `conda` directive names: `"${moduleDir}/environment.yml"`, or one of the
 * files of a ternary (`"${ task.accelerator ? "…/environment.gpu.yml" : "…/environment.yml" }"`),
 * the plain `environment.yml` first: a GPU is unknown until the run. Undefined for an inline
 * package spec.
 */
function condaEnvFile(arg: Token, moduleDir: string, pipelineDir: string): string | undefined {
  const resolve = (value: string): string | undefined => {
    if (!/\.ya?ml$/.test(value.trim())) return undefined;
    const path = value
      .trim()
      .replace(/\$\{?moduleDir\}?/g, moduleDir)
      .replace(/\$\{?(projectDir|baseDir)\}?/g, pipelineDir);
    return path.startsWith('/') ? path : join(moduleDir, path);
  };
  if (!hasCode(arg)) return resolve(arg.value);
  const candidates = (arg.segments ?? []).flatMap((s) => {
    if (!('code' in s)) return [];
    try {
      return tokenizeGroovy(s.code).flatMap((t) => (t.kind === 'string' ? [t.value] : []));
    } catch {
      return [];
    }
  });
  const files = candidates.map(resolve).filter((f): f is string => f !== undefined);
  return files.find((f) => basename(f) === 'environment.yml') ?? files[0] ?? resolve(arg.value);
}

/** A GString whose `${…}` is more than a folder variable such as `${moduleDir}`. */
function hasCode(arg: Token): boolean {
  return (arg.segments ?? []).some(
    (s) => 'code' in s && !/^\s*(moduleDir|projectDir|baseDir)\s*$/.test(s.code),
  );
}

/**
 * Nextflow's precedence: config defaults < the process's own directives < `withLabel`
 * selectors < `withName` selectors (each in config order); then `process.resourceLimits` lowers
 * what exceeds it. A `withName` selector applies when it matches the process's name, or the alias
 * or fully qualified name of one of its runs (`names`).
 */
function resolveResources(
  proc: ParsedProcess,
  names: readonly string[],
  config: ProcessConfig,
): Partial<Record<ResourceKey, Setting>> {
  const result: Partial<Record<ResourceKey, Setting>> = { ...config.defaults };
  for (const d of proc.directives) {
    const key = d.name as ResourceKey;
    if (!RESOURCE_KEYS.includes(key)) continue;
    // `accelerator 2, type: 'nvidia-tesla-v100'`: the count is before the first comma.
    const comma = d.args.findIndex((t) => t.value === ',');
    const value = settingValue(key, evaluate(comma >= 0 ? d.args.slice(0, comma) : d.args));
    result[key] = { value, ...d.location };
  }
  for (const kind of ['label', 'name'] as const) {
    for (const selector of config.selectors) {
      if (selector.kind !== kind) continue;
      const candidates = kind === 'label' ? proc.labels : names;
      const matches = candidates.some((c) => selector.pattern.test(c)) !== selector.negate;
      if (matches) Object.assign(result, selector.settings);
    }
  }
  for (const key of ['cpus', 'memory', 'time'] as const) {
    const limit = config.limits[key];
    const asked = result[key]?.value;
    if (limit?.value !== undefined && asked !== undefined && asked > limit.value)
      result[key] = limit;
  }
  return result;
}

/** A call `CALLEE(… PRODUCER.out.emit …)` in a workflow block. */
interface OutCall {
  callee: string;
  uses: { process: string; emit: string }[];
}

function findOutCalls(tokens: Token[]): OutCall[] {
  const calls: OutCall[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 1) {
    const t = tokens[i];
    if (t?.kind !== 'ident' || tokens[i + 1]?.value !== '(' || tokens[i - 1]?.value === '.')
      continue;
    if (!/^[A-Z][A-Z0-9_]*$/.test(t.value)) continue;
    let close: number;
    try {
      close = matchingClose(tokens, i + 1);
    } catch {
      continue;
    }
    const uses: OutCall['uses'] = [];
    for (let k = i + 2; k + 4 <= close; k += 1) {
      const [a, dot1, out, dot2, emit] = tokens.slice(k, k + 5);
      if (
        a?.kind === 'ident' &&
        dot1?.value === '.' &&
        out?.value === 'out' &&
        dot2?.value === '.' &&
        emit?.kind === 'ident'
      ) {
        uses.push({ process: a.value, emit: emit.value });
      }
    }
    calls.push({ callee: t.value, uses });
  }
  return calls;
}

/** Adds `producer.emit` inputs to the steps of called processes (emits it knows only). */
function wireCalls(steps: Step[], engineNames: Record<string, string>, calls: OutCall[]): void {
  const byName = new Map<string, Step>();
  for (const step of steps) byName.set(engineNames[step.id] ?? step.id, step);
  for (const call of calls) {
    const consumer = byName.get(call.callee);
    if (!consumer) continue;
    for (const use of call.uses) {
      const producer = byName.get(use.process);
      if (!producer || producer === consumer || !(use.emit in producer.outputs)) continue;
      const ref = `${producer.id}.${use.emit}`;
      if (!consumer.inputs.includes(ref)) consumer.inputs.push(ref);
    }
  }
}

/** nf-core scripts end by writing versions.yml through a heredoc: bookkeeping, not the step's work. */
function withoutVersionsHeredoc(script: string): string {
  return script
    .replace(
      /^[ \t]*cat\s+<<-?\s*(['"]?)(\w+)\1[^\n]*versions\.yml[^\n]*\n[\s\S]*?^[ \t]*\2[ \t]*$/gm,
      '',
    )
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
