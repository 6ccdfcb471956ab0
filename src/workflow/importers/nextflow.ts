/**
 * nf-core / Nextflow importer. Every `process` in the pipeline's `.nf` files (nf-core modules,
 * local modules, processes written inline) becomes a step: its conda environment file (or inline
 * conda spec) gives the software, its labels and directives give the resources (through
 * `conf/base.config`, else nf-core's standard label table), and the image it declares today is
 * kept for the comparison with the plan.
 */
import { basename, dirname, join } from 'node:path';
import type { Finding } from '../../common/findings.js';
import type { Location, NodePath, Resources, Step } from '../model.js';
import {
  dockerImage,
  importError,
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
import { OffsetMapper, RecordedSource } from './locator.js';
import {
  evaluate,
  nfCoreDefaultConfig,
  parseProcessConfig,
  settingValue,
  RESOURCE_KEYS,
  type ProcessConfig,
  type ResourceKey,
  type Setting,
} from './nextflow-config.js';

const SECTIONS = new Set(['input', 'output', 'when', 'script', 'shell', 'exec', 'stub']);

export interface NextflowOptions {
  /** Repository root: finding and source paths are relative to it. */
  root?: string;
}

/** Imports the Nextflow pipeline in `dir`. Never throws for bad input: problems are findings. */
export function importNextflow(dir: string, options: NextflowOptions = {}): ImportResult {
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

  const workflow = newWorkflow(pipelineName(dir), mainFile, 'nextflow', source);
  const config = loadProcessConfig(dir, root, source, findings);
  const currentImages: Record<string, string> = {};
  const engineNames: Record<string, string> = {};
  const taken = new Set<string>();
  const calls: OutCall[] = [];

  for (const abs of nfFiles) {
    const file = relPath(root, abs);
    const text = readTextFile(abs, root);
    if (text === undefined) {
      findings.push(importError(file, `Cannot read ${file}${unreadable(abs, root)}.`));
      continue;
    }
    source.addFile(file, text);
    const mapper = new OffsetMapper(text);
    let processes: ParsedProcess[];
    try {
      const tokens = tokenizeGroovy(text);
      processes = findProcesses(tokens, mapper, file);
      calls.push(...findOutCalls(tokens));
    } catch (e) {
      if (!(e instanceof GroovySyntaxError)) throw e;
      const span = mapper.span(e.offset, e.offset + 1);
      findings.push(
        importError(
          file,
          `Cannot parse ${file}: ${e.message}; its processes were not imported.`,
          span,
        ),
      );
      continue;
    }
    for (const proc of processes) {
      const id = safeName(proc.name, taken);
      engineNames[id] = proc.name;
      const step = buildStep(id, proc, abs, dir, root, config, source, findings);
      workflow.steps.push(step);
      if (proc.image) currentImages[id] = proc.image;
    }
  }

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
    origin: { format: 'nextflow', engineNames, tools: {} },
  };
}

function pipelineName(dir: string): string {
  const config = readTextFile(join(dir, 'nextflow.config'), dir);
  const m = config && /manifest\s*\{[^}]*?\bname\s*=\s*['"]([^'"]+)['"]/s.exec(config);
  return (m?.[1] ?? basename(dir)).replace(/^nf-core\//, 'nf-core-');
}

function loadProcessConfig(
  dir: string,
  root: string,
  source: RecordedSource,
  findings: Finding[],
): ProcessConfig {
  const abs = join(dir, 'conf', 'base.config');
  const text = readTextFile(abs, root);
  if (text === undefined) return nfCoreDefaultConfig();
  const file = relPath(root, abs);
  source.addFile(file, text);
  const mapper = new OffsetMapper(text);
  try {
    return parseProcessConfig(text, file, mapper);
  } catch (e) {
    if (!(e instanceof GroovySyntaxError)) throw e;
    findings.push(
      importError(
        file,
        `Cannot parse ${file}: ${e.message}; nf-core's standard label table is used instead.`,
        mapper.span(e.offset, e.offset + 1),
      ),
    );
    return nfCoreDefaultConfig();
  }
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
  script?: { text: string; location: Location };
  image?: string;
}

function findProcesses(tokens: Token[], mapper: OffsetMapper, file: string): ParsedProcess[] {
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
        },
        mapper,
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
): ParsedProcess {
  let section = 'directives';
  let outputIndex = 0;
  for (let st of statements(tokens, from, to)) {
    const head = st[0];
    if (head?.kind === 'ident' && SECTIONS.has(head.value) && st[1]?.value === ':') {
      section = head.value;
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
    } else if (
      (section === 'script' || section === 'shell') &&
      first.kind === 'string' &&
      first.triple
    ) {
      proc.script = { text: withoutVersionsHeredoc(dedent(first.value)), location };
    }
  }
  return proc;
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

function dedent(text: string): string {
  const lines = text.replace(/^\n+|\s+$/g, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = Math.min(...indents, 1000);
  return lines.map((l) => l.slice(cut)).join('\n');
}

function buildStep(
  id: string,
  proc: ParsedProcess,
  absFile: string,
  pipelineDir: string,
  root: string,
  config: ProcessConfig,
  source: RecordedSource,
  findings: Finding[],
): Step {
  const step = newStep(id);
  const base: NodePath = ['steps', id];
  source.record(base, proc.bodyLocation, proc.nameLocation);
  const moduleDir = dirname(absFile);

  const conda = proc.directives.find((d) => d.name === 'conda');
  const condaArg = conda?.args.find((t) => t.kind === 'string');
  const envAbs = condaArg ? condaEnvFile(condaArg.value, moduleDir, pipelineDir) : undefined;
  const fallbackEnv = join(moduleDir, 'environment.yml');
  if (conda && condaArg && !envAbs) {
    // Old-style inline spec: conda 'bioconda::samtools=1.17 bioconda::htslib=1.17'
    for (const spec of condaArg.value.split(/\s+/).filter(Boolean)) {
      source.record([...base, 'software', 'conda', step.software.conda.length], conda.location);
      step.software.conda.push(spec);
    }
  } else {
    const envPath =
      envAbs ?? (readTextFile(fallbackEnv, root) !== undefined ? fallbackEnv : undefined);
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
  if (proc.image && step.software.conda.length === 0 && step.software.pip.length === 0) {
    // Nothing to plan from: keep the declared image, used as is.
    step.container = proc.image;
  }

  if (proc.script) {
    step.run = proc.script.text;
    source.record([...base, 'run'], proc.script.location);
  }
  for (const out of proc.outputs) {
    // Work directories are per task: prefix the process name so equal patterns do not collide.
    step.outputs[out.name] = `${proc.name}/${out.pattern}`;
    source.record([...base, 'outputs', out.name], out.location);
  }

  const resources = resolveResources(proc, config);
  const labelDirective = proc.directives.find((d) => d.name === 'label');
  if (labelDirective) source.record([...base, 'resources'], labelDirective.location);
  const model: Resources = {};
  for (const key of RESOURCE_KEYS) {
    const setting = resources[key];
    if (!setting) continue;
    const field = key === 'accelerator' ? 'gpus' : key;
    model[field] = setting.value;
    const location =
      setting.file === '' ? (labelDirective?.location ?? proc.nameLocation) : setting;
    source.record([...base, 'resources', field], { file: location.file, span: location.span });
  }
  if (Object.keys(model).length > 0) step.resources = model;
  return step;
}

/** `"${moduleDir}/environment.yml"` → the absolute file; an inline package spec → undefined. */
function condaEnvFile(value: string, moduleDir: string, pipelineDir: string): string | undefined {
  if (!/\.ya?ml$/.test(value.trim())) return undefined;
  const path = value
    .trim()
    .replace(/\$\{?moduleDir\}?/g, moduleDir)
    .replace(/\$\{?(projectDir|baseDir)\}?/g, pipelineDir);
  return path.startsWith('/') ? path : join(moduleDir, path);
}

/**
 * Nextflow's precedence: config defaults < the process's own directives < `withLabel`
 * selectors < `withName` selectors (each in config order).
 */
function resolveResources(
  proc: ParsedProcess,
  config: ProcessConfig,
): Partial<Record<ResourceKey, Setting>> {
  const result: Partial<Record<ResourceKey, Setting>> = { ...config.defaults };
  for (const d of proc.directives) {
    const key = d.name as ResourceKey;
    if (!RESOURCE_KEYS.includes(key)) continue;
    // `accelerator 2, type: 'nvidia-tesla-v100'`: the count is before the first comma.
    const comma = d.args.findIndex((t) => t.value === ',');
    const value = settingValue(key, evaluate(comma >= 0 ? d.args.slice(0, comma) : d.args));
    if (value !== undefined) result[key] = { value, ...d.location };
  }
  for (const kind of ['label', 'name'] as const) {
    for (const selector of config.selectors) {
      if (selector.kind !== kind) continue;
      const candidates = kind === 'label' ? proc.labels : [proc.name];
      const matches = candidates.some((c) => selector.pattern.test(c)) !== selector.negate;
      if (matches) Object.assign(result, selector.settings);
    }
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
