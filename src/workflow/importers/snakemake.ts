/**
 * Snakemake importer. Rules of the `Snakefile`, the files it `include:`s, and the modules it uses
 * (`module … snakefile:` or `meta_wrapper:`, `use rule * from M as M_*`, `use rule A as B with:`)
 * become steps — also rules inside `if`/`else`/`for` blocks, marked with their condition. Software
 * comes from `conda:` environment files, from a `wrapper:`'s environment.yaml (fetched through the
 * wrapper prefix, see wrappers.ts and remote.ts), else from a BioContainers image; `threads` and
 * `resources` give the resources, and `input`/`output` file patterns wire the steps — wildcards are
 * matched against each other, never evaluated. The default target (`rule all`) gives the
 * workflow's desired outputs.
 */
import { basename, dirname, join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Finding } from '../../common/findings.js';
import type { Location, Step } from '../model.js';
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
  type ImportResult,
  type RuleLimit,
} from './common.js';
import { DeclaredImages } from './images.js';
import { wrapperCode } from './upstream.js';
import { OffsetMapper, RecordedSource } from './locator.js';
import { MAX_COMPARED, OutputIndex } from './snakemake-outputs.js';
import { evaluatePath, evaluatePython, type EvalScope } from './snakemake-eval.js';
import type { RemoteTexts } from './remote.js';
import {
  localText,
  readStatements,
  remoteText,
  type Item,
  type ModuleDecl,
  type ParsedRule,
  type SnakeText,
  type UseRule,
} from './snakemake-parse.js';
import {
  DEFAULT_WRAPPER_PREFIX,
  isWrapperName,
  isWrapperUrl,
  mayFetch,
  wrapperFileUrl,
} from './wrappers.js';
import {
  readWorkflowProfile,
  ruleResources,
  type SnakemakeProfile,
} from './snakemake-resources.js';

export interface SnakemakeOptions {
  root?: string;
  /** Snakemake's `--wrapper-prefix` (default: the public wrappers repository). */
  wrapperPrefix?: string;
  /** Files fetched from outside the repository, by URL (see remote.ts). */
  remote?: RemoteTexts;
}

const SNAKEFILES = ['Snakefile', 'snakefile', 'workflow/Snakefile', 'workflow/snakefile'];

export function findSnakefile(dir: string): string | undefined {
  for (const name of SNAKEFILES)
    if (readTextFile(join(dir, name), dir) !== undefined) return join(dir, name);
  return undefined;
}

/** Imports the Snakemake workflow in `dir` (or the Snakefile `path`). Problems are findings. */
export function importSnakemake(path: string, options: SnakemakeOptions = {}): ImportResult {
  const snakefile =
    readTextFile(path, options.root ?? dirname(path)) !== undefined && !path.endsWith('/')
      ? path
      : findSnakefile(path);
  const root = options.root ?? (snakefile ? dirname(snakefile) : path);
  const mainFile = relPath(root, snakefile ?? join(path, 'Snakefile'));
  const source = new RecordedSource(mainFile);
  const findings: Finding[] = [];
  if (!snakefile) {
    findings.push(importError(mainFile, `No Snakefile found in ${relPath(root, path) || '.'}.`));
    return { findings, currentImages: {} };
  }
  const dir = dirname(snakefile);
  const name = basename(dir) === 'workflow' ? basename(dirname(dir)) : basename(dir);
  const workflow = newWorkflow(name, mainFile, 'snakemake', source);
  const ctx: Context = {
    root,
    contextDir: dir,
    source,
    findings,
    seen: new Set(),
    unwired: 0,
    pythonRuns: 0,
    prefix: options.wrapperPrefix ?? DEFAULT_WRAPPER_PREFIX,
    remote: options.remote ?? new Map(),
    wanted: new Set(),
    images: new DeclaredImages(source),
  };
  const main = newNamespace(dir);
  // configfile: paths are relative to the folder Snakemake runs in: the repository's (the
  // parent of workflow/) in the standard layout, else the Snakefile's.
  ctx.workdirs = basename(dir) === 'workflow' ? [dirname(dir), dir] : [dir];
  readFile({ kind: 'local', abs: snakefile }, ctx, main, undefined, undefined);
  const profile = readWorkflowProfile(ctx.workdirs, root, source);
  ctx.profile = profile.profile;
  findings.push(...profile.findings);

  const taken = new Set<string>();
  const engineNames: Record<string, string> = {};
  const currentImages: Record<string, string> = {};
  // The default target: a rule marked `default_target: True`, else the first rule of the main
  // Snakefile (included files do not override it).
  const first =
    main.rules.find((r) => r.defaultTarget) ??
    main.rules.find((r) => r.file === mainFile && !r.remote);
  const target = first && first.outputs.length === 0 && !first.hasAction ? first : undefined;
  const steps = new Map<ParsedRule, Step>();
  const targets: string[] = [];
  for (const rule of main.rules) {
    // Rules that only collect inputs (`rule all`, other targets) run nothing: not steps.
    if (rule === target || (rule.outputs.length === 0 && !rule.hasAction)) {
      targets.push(rule.name);
      continue;
    }
    const id = safeName(rule.name, taken);
    engineNames[id] = rule.name;
    const { step, image } = buildStep(id, rule, ctx, main);
    steps.set(rule, step);
    workflow.steps.push(step);
    if (image) currentImages[id] = image;
  }
  findings.push(...ctx.images.findings());
  const upstream = wrapperCode(workflow.steps, source);
  if (upstream.length > 0) workflow.upstream = upstream;
  wire(workflow, steps, ctx, target);
  markAlternatives(steps);

  const limits: RuleLimit[] = [...IMPORTED_LIMITS];
  if (target && workflow.outputs.length === 0) {
    // `rule all` exists, but its inputs are computed by Python: the results are there, unread.
    const why = `which files its target rule \`${target.name}\` asks for (they are computed in Python)`;
    limits.push({ rule: 'STW104', why }, { rule: 'STW105', why });
  } else if (ctx.unwired > 0) {
    // An input computed by Python may read any rule's output: none can be called dead.
    limits.push({ rule: 'STW104', why: 'which rule reads a file that an input function computes' });
  }
  findings.push(
    limitRules(
      workflow,
      'Snakemake',
      limits,
      ctx.unwired > 0
        ? `${ctx.unwired} input(s) computed by Python code (functions, config lookups) could not be wired to the step that makes them.`
        : '',
    ),
  );
  if (ctx.pythonRuns > 0) {
    findings.push(
      importLimit(
        mainFile,
        `${ctx.pythonRuns} rule(s) use \`run:\` Python blocks: their software is what the Snakemake environment provides, which Stowage cannot see.`,
      ),
    );
  }
  const result: ImportResult = {
    workflow,
    findings,
    currentImages,
    origin: { format: 'snakemake', engineNames, tools: {}, targets },
  };
  if (ctx.wanted.size > 0) result.remote = [...ctx.wanted];
  return result;
}

interface Context {
  root: string;
  /** The Snakefile's folder: the build context, so `files:` are relative to it. */
  contextDir: string;
  source: RecordedSource;
  findings: Finding[];
  seen: Set<string>;
  unwired: number;
  pythonRuns: number;
  prefix: string;
  remote: RemoteTexts;
  /** URLs needed and not in `remote`. */
  wanted: Set<string>;
  images: DeclaredImages;
  /** Where `configfile:` paths are looked for, in order. */
  workdirs?: string[];
  /** The workflow profile Snakemake reads by itself (profiles/default), when there is one. */
  profile?: SnakemakeProfile;
}

/** The rules, modules and top-level container of one workflow (the main one, or a module's). */
interface Namespace {
  rules: ParsedRule[];
  /** Rule name → its index in `rules` (a rule defined again replaces the first). */
  ruleIndex: Map<string, number>;
  modules: Map<string, { decl: ModuleDecl; from: SnakeText; rules?: ParsedRule[] }>;
  container?: { image?: string; item?: Item };
  /** The Python values paths are built from: assignments, `workflow.basedir`, the config. */
  scope: EvalScope;
  /** The files its rules ask for by name, found once (see requestedFiles). */
  requested?: string[];
}

function newNamespace(basedir: string, config?: EvalScope['config']): Namespace {
  const scope: EvalScope = { vars: new Map(), basedir, currentBasedir: basedir };
  if (config) scope.config = config;
  return { rules: [], ruleIndex: new Map(), modules: new Map(), scope };
}

/** The scope for a value written in a file of folder `baseDir` (`workflow.current_basedir`). */
const scopeIn = (ns: Namespace, baseDir: string): EvalScope => ({
  ...ns.scope,
  currentBasedir: baseDir,
});

/**
 * A path a directive names: its string, or the value of the Python expression that builds it
 * (os.path.join, workflow.basedir, Path / "x", f-strings, + of constants; see snakemake-eval.ts).
 */
function pathOf(item: Item, ns: Namespace, baseDir: string): string | undefined {
  // An f-string's `{value}` is kept as `<value>` in the pattern (a file pattern that matches
  // nothing); as a path, its value is needed.
  const formatted = /^\s*(?:[rRbBuU]?[fF]|[fF][rR])["']/.test(item.text);
  if (item.pattern !== undefined && !formatted) return item.pattern;
  return evaluatePath(item.text, scopeIn(ns, baseDir));
}

type FileRef = { kind: 'local'; abs: string } | { kind: 'remote'; url: string; at: Location };

/**
 * A file from outside the repository: its text, why it could not be had, or undefined when it is
 * still to be fetched (then it is wanted). Only what `mayFetch` allows is ever fetched.
 */
function remote(ctx: Context, url: string): { text: string } | { error: string } | undefined {
  if (!mayFetch(url, ctx.prefix)) {
    return {
      error:
        'Stowage fetches only from the wrapper prefix (--wrapper-prefix) and GitHub modules, not from URLs a workflow names',
    };
  }
  const got = ctx.remote.get(url);
  if (got === undefined) ctx.wanted.add(url);
  return got;
}

/** The text of a local file or of a fetched one; undefined (and reported or wanted) when absent. */
function openFile(ref: FileRef, ctx: Context, from: Location | undefined): SnakeText | undefined {
  if (ref.kind === 'remote') {
    const got = remote(ctx, ref.url);
    if (got === undefined) return undefined;
    if ('error' in got) {
      ctx.findings.push(
        importLimit(
          ref.at.file,
          `Cannot fetch ${ref.url} (${got.error}); the rules it holds were not imported.`,
          ref.at.span,
        ),
      );
      return undefined;
    }
    return remoteText(ref.url, got.text, ref.at);
  }
  const file = relPath(ctx.root, ref.abs);
  const text = readTextFile(ref.abs, ctx.root);
  if (text === undefined) {
    const at = from ?? { file, span: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
    ctx.findings.push(
      importError(
        at.file,
        `Cannot read Snakemake file ${file}${unreadable(ref.abs, ctx.root)}.`,
        at.span,
      ),
    );
    return undefined;
  }
  ctx.source.addFile(file, text);
  return localText(file, dirname(ref.abs), text, new OffsetMapper(text));
}

/** A path or URL relative to `base` (a folder or a URL's folder). */
function resolveIn(base: string, path: string): string {
  if (/^[a-z+]+:/.test(path) || path.startsWith('/')) return path;
  return /^[a-z+]+:/.test(base) ? `${base}/${posix.normalize(path)}` : join(base, path);
}

function refFor(base: string, path: string, at: Location): FileRef {
  const target = resolveIn(base, path);
  return /^[a-z+]+:/.test(target)
    ? { kind: 'remote', url: target, at }
    : { kind: 'local', abs: target };
}

/**
 * `configfile: "config/config.yaml"`: the file is read (relative to the folder Snakemake runs
 * in) and merged into the config that `config["…"]` reads, as Snakemake's update_config does.
 */
function readConfigfile(item: Item, ns: Namespace, src: SnakeText, ctx: Context): void {
  const path = pathOf(item, ns, src.baseDir);
  const candidates =
    path === undefined
      ? []
      : path.startsWith('/')
        ? [path]
        : (ctx.workdirs ?? [src.baseDir]).map((d) => join(d, path));
  for (const abs of candidates) {
    const text = src.remote ? undefined : readTextFile(abs, ctx.root);
    if (text === undefined) continue;
    let data: unknown;
    try {
      data = parseYaml(text, { maxAliasCount: 100 });
    } catch {
      data = undefined;
    }
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      ns.scope.config = mergeConfig(ns.scope.config ?? {}, data as Record<string, never>);
      return;
    }
  }
  // Not found: Snakemake is often given `--configfile` instead. Nothing to say here; a path or
  // image that needs a config value says so where it is used.
}

/** Snakemake's update_config: nested mappings merge, anything else is replaced. */
function mergeConfig(
  into: NonNullable<EvalScope['config']>,
  from: NonNullable<EvalScope['config']>,
): NonNullable<EvalScope['config']> {
  const out = { ...into };
  for (const [key, value] of Object.entries(from)) {
    const old = out[key];
    out[key] =
      typeof old === 'object' &&
      old !== null &&
      !Array.isArray(old) &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
        ? mergeConfig(old, value)
        : value;
  }
  return out;
}

function readFile(
  ref: FileRef,
  ctx: Context,
  ns: Namespace,
  from: Location | undefined,
  condition: string | undefined,
): void {
  const key = ref.kind === 'local' ? ref.abs : ref.url;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  const src = openFile(ref, ctx, from);
  if (!src) return;
  const both = (inner: string | undefined): string | undefined =>
    [condition, inner].filter((c) => c !== undefined).join(' and ') || undefined;
  for (const st of readStatements(src)) {
    switch (st.kind) {
      case 'rule': {
        const cond = both(st.rule.condition);
        if (cond !== undefined) st.rule.condition = cond;
        addRule(ns, st.rule);
        break;
      }
      case 'assign': {
        const value = evaluatePython(st.text, scopeIn(ns, src.baseDir));
        if (value !== undefined) ns.scope.vars.set(st.name, value);
        else ns.scope.vars.delete(st.name);
        break;
      }
      case 'configfile':
        if (st.item) readConfigfile(st.item, ns, src, ctx);
        break;
      case 'include':
        for (const item of st.items) {
          const path = pathOf(item, ns, src.baseDir);
          if (path === undefined) {
            ctx.findings.push(
              importError(
                item.location.file,
                `include: ${item.text.trim()} is computed in a way Stowage cannot evaluate (it reads constants, os.path.join, workflow.basedir, Path(…) / "x", f-strings, + and config values); the rules of that file are not imported. Name the file as a string (include: "rules/x.smk").`,
                item.location.span,
              ),
            );
            continue;
          }
          readFile(
            refFor(src.baseDir, path, item.location),
            ctx,
            ns,
            item.location,
            both(st.condition),
          );
        }
        break;
      case 'container': {
        const pattern = st.item ? pathOf(st.item, ns, src.baseDir) : undefined;
        ns.container = {
          image: pattern !== undefined ? dockerImage(pattern) : undefined,
          item: st.item,
        };
        break;
      }
      case 'module':
        ns.modules.set(st.module.name, { decl: st.module, from: src });
        break;
      case 'use':
        useRules(st.use, ctx, ns, both(st.use.condition));
        break;
    }
  }
}

/** A rule defined again (`use rule * from M`, then `use rule A from M with:`) replaces the first. */
function addRule(ns: Namespace, rule: ParsedRule): void {
  const k = ns.ruleIndex.get(rule.name);
  if (k !== undefined) {
    ns.rules[k] = rule;
  } else {
    ns.ruleIndex.set(rule.name, ns.rules.length);
    ns.rules.push(rule);
  }
}

/** `use rule …`: copies of rules of this workflow or of a module, renamed and overridden. */
function useRules(use: UseRule, ctx: Context, ns: Namespace, condition: string | undefined): void {
  let pool: ParsedRule[];
  if (use.from !== undefined) {
    const module = ns.modules.get(use.from);
    if (!module) {
      ctx.findings.push(
        importLimit(
          use.location.file,
          `No module ${use.from} is declared before this \`use rule\`; its rules were not imported.`,
          use.location.span,
        ),
      );
      return;
    }
    module.rules ??= moduleRules(module.decl, module.from, ctx, ns.scope.config);
    pool = module.rules;
  } else {
    pool = ns.rules;
  }
  const chosen = use.names.includes('*')
    ? pool.filter((r) => !use.exclude.includes(r.name))
    : use.names.flatMap((name) => {
        const found = pool.find((r) => r.name === name);
        // An empty pool is a module not read (yet): reported where it is read.
        if (!found && pool.length > 0)
          ctx.findings.push(
            importLimit(
              use.location.file,
              `\`use rule ${name}\`: no rule ${name} ${use.from !== undefined ? `in module ${use.from}` : 'is defined before it'}; it was not imported.`,
              use.location.span,
            ),
          );
        return found ? [found] : [];
      });
  for (const rule of chosen) {
    const name = use.as === undefined ? rule.name : use.as.replace('*', rule.name);
    const copy: ParsedRule = {
      ...rule,
      name,
      nameLocation: use.location,
      blockLocation: rule.remote ? use.location : rule.blockLocation,
      inputs: [...rule.inputs],
      outputs: [...rule.outputs],
      resources: [...rule.resources],
    };
    const cond = [condition, rule.condition].filter((c) => c !== undefined).join(' and ');
    if (cond !== '') copy.condition = cond;
    else delete copy.condition;
    if (use.with) overrideWith(copy, use.with);
    addRule(ns, copy);
  }
}

/** The directives a `with:` block sets replace the rule's own. */
function overrideWith(rule: ParsedRule, overrides: ParsedRule): void {
  if (overrides.inputs.length > 0) rule.inputs = overrides.inputs;
  if (overrides.outputs.length > 0) rule.outputs = overrides.outputs;
  if (overrides.resources.length > 0) rule.resources = overrides.resources;
  for (const key of ['conda', 'container', 'wrapper', 'threads', 'shell', 'script'] as const)
    if (overrides[key] !== undefined) Object.assign(rule, { [key]: overrides[key] });
  if (overrides.hasAction) rule.pythonRun = overrides.pythonRun;
  // Paths in the overrides are the using file's, not the module's.
  if (overrides.conda !== undefined || overrides.script !== undefined)
    rule.baseDir = overrides.baseDir;
}

/**
 * The rules of a module: its `snakefile:` (relative to the file that declares it, a URL, or
 * `github("owner/repo", path=…, tag=…)`) or its `meta_wrapper:` (through the wrapper prefix). A
 * module's `prefix:` and `pathvars:` are applied to its file patterns.
 */
function moduleRules(
  decl: ModuleDecl,
  from: SnakeText,
  ctx: Context,
  config: EvalScope['config'],
): ParsedRule[] {
  let ref: FileRef | undefined;
  let version: string | undefined;
  if (decl.metaWrapper?.pattern !== undefined) {
    const value = decl.metaWrapper.pattern;
    version = isWrapperUrl(value) ? undefined : value.split('/')[0];
    ref = {
      kind: 'remote',
      url: wrapperFileUrl(value, 'meta_wrapper.smk', ctx.prefix),
      at: decl.location,
    };
  } else if (decl.snakefile?.pattern !== undefined) {
    ref = refFor(from.baseDir, decl.snakefile.pattern, decl.snakefile.location);
  } else if (decl.snakefile) {
    const url = githubUrl(decl.snakefile.text);
    if (url) ref = { kind: 'remote', url, at: decl.location };
  }
  if (!ref) {
    ctx.findings.push(
      importLimit(
        decl.location.file,
        `Module ${decl.name} names its Snakefile in a form Stowage cannot read (${decl.snakefile?.text ?? 'none'}); its rules were not imported.`,
        decl.location.span,
      ),
    );
    return [];
  }
  const basedir = ref.kind === 'local' ? dirname(ref.abs) : ref.url.replace(/\/[^/]*$/, '');
  const ns = newNamespace(basedir, config);
  readFile(ref, ctx, ns, decl.location, undefined);
  const vars: Record<string, string> = {
    results: 'results',
    resources: 'resources',
    logs: 'logs',
    benchmarks: 'benchmarks',
    ...decl.pathvars,
  };
  const rewrite = (item: Item): Item => {
    if (item.pattern === undefined) return item;
    let pattern = item.pattern.replace(/<([A-Za-z_]\w*)>/g, (m, v: string) => vars[v] ?? m);
    if (decl.prefix !== undefined && !pattern.startsWith('/') && !/^[a-z+]+:/.test(pattern))
      pattern = posix.join(decl.prefix, pattern);
    return { ...item, pattern };
  };
  return ns.rules.map((rule) => {
    const copy = { ...rule, inputs: rule.inputs.map(rewrite), outputs: rule.outputs.map(rewrite) };
    // A meta-wrapper's rules name `master/…` wrappers: Snakemake runs them at its own version.
    if (version !== undefined && copy.wrapper?.pattern?.startsWith('master/'))
      copy.wrapper = {
        ...copy.wrapper,
        pattern: copy.wrapper.pattern.replace(/^master\//, `${version}/`),
      };
    return copy;
  });
}

/** `github("owner/repo", path="workflow/Snakefile", tag="v1.0")` → its raw file URL. */
function githubUrl(call: string): string | undefined {
  const repo = /^github\(\s*["']([\w.-]+\/[\w.-]+)["']/.exec(call.trim())?.[1];
  const arg = (name: string) => new RegExp(`${name}\\s*=\\s*["']([^"']+)["']`).exec(call)?.[1];
  const ref = arg('tag') ?? arg('commit') ?? arg('branch');
  const path = arg('path');
  if (!repo || !ref || !path) return undefined;
  return `https://raw.githubusercontent.com/${repo}/${ref}/${path.replace(/^\/+/, '')}`;
}

// ---- Model ----

function buildStep(
  id: string,
  rule: ParsedRule,
  ctx: Context,
  ns: Namespace,
): { step: Step; image?: string } {
  const step = newStep(id);
  const base = ['steps', id] as const;
  ctx.source.record(base, rule.blockLocation, rule.nameLocation);
  if (rule.condition !== undefined) step.condition = rule.condition;
  const names = outputNames(rule);
  rule.outputs.forEach((out, k) => {
    const outName = names[k] ?? `out${k + 1}`;
    if (out.pattern === undefined) return;
    step.outputs[outName] = out.pattern;
    ctx.source.record([...base, 'outputs', outName], out.location);
  });
  if (rule.shell !== undefined) step.run = rule.shell.trim();
  else if (rule.script !== undefined) {
    const interpreter = /\.py$/.test(rule.script)
      ? 'python '
      : /\.[rR]$/.test(rule.script)
        ? 'Rscript '
        : '';
    step.run = `${interpreter}${rule.script}`;
    if (!rule.remote)
      step.software.files.push(relPath(ctx.contextDir, join(rule.baseDir, rule.script)));
  }
  if (rule.pythonRun) ctx.pythonRuns += 1;
  // A `run:` block is Python that Snakemake runs in its own process: Snakemake applies no
  // conda: or container: to it (it refuses them), so there is no image to plan. A template
  // rule (`template_engine:`) is rendered in that process too.
  const runOnly =
    (rule.pythonRun || rule.template === true) &&
    rule.shell === undefined &&
    rule.script === undefined &&
    rule.wrapper === undefined;
  if (runOnly) step.runsIn = 'engine';
  const image = runOnly ? undefined : ruleSoftware(step, rule, ctx, ns);

  const { resources, locations, unknown } = ruleResources(
    rule,
    scopeIn(ns, rule.baseDir),
    ctx.profile,
  );
  if (Object.keys(resources).length > 0) step.resources = resources;
  if (unknown.length > 0) step.resourcesUnknown = unknown;
  for (const [field, location] of Object.entries(locations))
    ctx.source.record([...base, 'resources', field], location);
  return image ? { step, image } : { step };
}

/**
 * The rule's software: its conda environment file(s) or wrapper, and the image its `container:`
 * (or the workflow's) names — each a string or a Python value built from constants. Returns the
 * image, for the comparison.
 */
function ruleSoftware(
  step: Step,
  rule: ParsedRule,
  ctx: Context,
  ns: Namespace,
): string | undefined {
  const base = ['steps', step.id] as const;
  if (rule.conda) {
    const path = pathOf(rule.conda, ns, rule.baseDir);
    if (path === undefined) condaExpression(step, rule.conda, ctx);
    else condaEnvironments(step, rule, path, rule.conda, ctx, ns);
  } else if (rule.wrapper?.pattern !== undefined) wrapperEnvironment(step, rule.wrapper, ctx);

  const declared = rule.container ?? ns.container?.item;
  const written = rule.container ? pathOf(rule.container, ns, rule.baseDir) : undefined;
  const image = rule.container
    ? written !== undefined
      ? dockerImage(written)
      : undefined
    : ns.container?.image;
  if (declared) ctx.source.record([...base, 'container'], declared.location);
  const software = step.software.conda.length + step.software.pip.length > 0;
  if (declared && image === undefined && !software && step.softwareUnknown === undefined) {
    const value = declared.pattern === undefined ? pathOf(declared, ns, rule.baseDir) : undefined;
    if (declared.pattern === undefined && value === undefined) {
      // `container: config["image"]` and the config is not known: an image, but which one?
      step.softwareUnknown = `container: ${declared.text.trim()} is a Python value`;
      ctx.findings.push(
        importLimit(
          declared.location.file,
          `Rule ${step.id} runs in the container ${declared.text.trim()}, a Python value Stowage cannot evaluate, so its software is unknown and it is left out of the plan.`,
          declared.location.span,
        ),
      );
    }
  }
  if (image && step.softwareUnknown === undefined) ctx.images.use(step, image, declared?.location);
  return image;
}

/**
 * `conda: "envs/{env}.yaml"`: Snakemake fills the rule's wildcards in per job. Each value the
 * workflow gives the wildcards (a constraint `{env,a|b}`, `wildcard_constraints:`, or the files
 * other rules ask for, `expand(…)` included) names one environment file; the rule's image holds
 * them all. When the values cannot be told, a notice says so and the step is left out of the plan.
 */
function condaEnvironments(
  step: Step,
  rule: ParsedRule,
  path: string,
  conda: Item,
  ctx: Context,
  ns: Namespace,
): void {
  const names = [...new Set([...path.matchAll(/\{([A-Za-z_]\w*)\}/g)].map((m) => m[1]!))];
  if (names.length === 0) {
    condaEnvironment(step, rule, path, conda.location, ctx);
    return;
  }
  let combos: Map<string, string>[] = [new Map()];
  const unknown: string[] = [];
  for (const name of names) {
    const values = wildcardValues(rule, name, ns);
    if (values.length === 0) unknown.push(name);
    combos = combos.flatMap((c) => values.map((v) => new Map(c).set(name, v)));
    if (combos.length > 100) unknown.push(name);
  }
  if (unknown.length > 0) {
    step.softwareUnknown = `conda: ${path} depends on wildcards whose values are unknown`;
    ctx.findings.push(
      importLimit(
        conda.location.file,
        `Rule ${rule.name} takes its conda environment from ${path}, which depends on the wildcard(s) ${unknown.map((n) => `{${n}}`).join(', ')}; Stowage cannot tell their values (no constraint such as {${unknown[0]}, a|b} and no file another rule asks for), so its software is unknown and it is left out of the plan.`,
        conda.location.span,
      ),
    );
    return;
  }
  const files = new Set(
    combos.map((c) => path.replace(/\{([A-Za-z_]\w*)\}/g, (m, n: string) => c.get(n) ?? m)),
  );
  for (const file of files) condaEnvironment(step, rule, file, conda.location, ctx);
}

/** The values wildcard `name` of `rule` takes in this workflow (sorted), or none when unknown. */
function wildcardValues(rule: ParsedRule, name: string, ns: Namespace): string[] {
  const values = new Set<string>();
  const alternatives = (regex: string): string[] | undefined => {
    const inner = /^\(?([\w.+-]+(?:\|[\w.+-]+)*)\)?$/.exec(regex.trim())?.[1];
    return inner?.split('|');
  };
  for (const out of rule.outputs)
    for (const m of (out.pattern ?? '').matchAll(/\{\s*([A-Za-z_]\w*)\s*,([^{}]*)\}/g))
      if (m[1] === name) for (const v of alternatives(m[2] ?? '') ?? []) values.add(v);
  for (const c of rule.wildcardConstraints)
    if (c.name === name && c.pattern !== undefined)
      for (const v of alternatives(c.pattern) ?? []) values.add(v);
  if (values.size > 0) return [...values].sort();
  for (const out of rule.outputs) {
    const matcher = out.pattern === undefined ? undefined : wildcardMatcher(out.pattern);
    if (!matcher || !matcher.names.includes(name)) continue;
    for (const file of requestedFiles(ns)) {
      const got = matcher.match(file);
      const value = got?.get(name);
      if (value !== undefined) values.add(value);
    }
  }
  return [...values].sort();
}

/** A file pattern as a matcher: `{name}` is `.+` (Snakemake's default), `{name,re}` is `re`. */
function wildcardMatcher(
  pattern: string,
): { names: string[]; match: (file: string) => Map<string, string> | undefined } | undefined {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(/\{\s*([A-Za-z_]\w*)\s*(?:,([^{}]*))?\}/g)) {
    source += pattern.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    source += `(${m[2] ?? '.+'})`;
    names.push(m[1]!);
    last = (m.index ?? 0) + m[0].length;
  }
  source += pattern.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
  return {
    names,
    match: (file) => {
      const m = re.exec(file);
      if (!m) return undefined;
      const got = new Map<string, string>();
      for (const [k, n] of names.entries()) {
        const v = m[k + 1] ?? '';
        if (got.has(n) && got.get(n) !== v) return undefined;
        got.set(n, v);
      }
      return got;
    },
  };
}

/** Files the rules of `ns` ask for by name: plain inputs and the lists `expand(…)` makes. */
function requestedFiles(ns: Namespace): string[] {
  if (ns.requested) return ns.requested;
  const files: string[] = [];
  for (const r of ns.rules)
    for (const item of r.inputs) {
      if (item.pattern !== undefined && !item.pattern.includes('{')) files.push(item.pattern);
      else if (/^\s*expand\s*\(/.test(item.text)) {
        const value = evaluatePython(item.text, scopeIn(ns, r.baseDir));
        if (Array.isArray(value))
          for (const v of value) if (typeof v === 'string' && !v.includes('{')) files.push(v);
      }
    }
  ns.requested = files;
  return files;
}

function condaEnvironment(
  step: Step,
  rule: ParsedRule,
  pattern: string,
  at: Location,
  ctx: Context,
): void {
  const conda = { location: at };
  // `conda: ""` names nothing: Snakemake runs the rule without an environment.
  if (pattern.trim() === '') {
    ctx.findings.push(
      importLimit(
        conda.location.file,
        `Rule ${rule.name} has an empty \`conda:\` directive, which names no environment: nothing is installed from it.`,
        conda.location.span,
      ),
    );
    return;
  }
  if (!/\.ya?ml$/.test(pattern)) {
    ctx.findings.push(
      importLimit(
        conda.location.file,
        `Rule ${rule.name} uses the named conda environment "${pattern}"; Stowage can only read environment files.`,
        conda.location.span,
      ),
    );
    return;
  }
  const target = resolveIn(rule.baseDir, pattern);
  if (/^[a-z+]+:/.test(target)) {
    const got = remote(ctx, target);
    if (got && 'text' in got)
      ctx.findings.push(
        ...readCondaEnvironment(got.text, target, step, ctx.source, conda.location).findings,
      );
    else if (got)
      ctx.findings.push(
        importLimit(
          conda.location.file,
          `Rule ${rule.name} names conda environment ${pattern}, which was not read (${got.error}).`,
          conda.location.span,
        ),
      );
    return;
  }
  const text = readTextFile(target, ctx.root);
  if (text === undefined) {
    ctx.findings.push(
      importError(
        conda.location.file,
        `Rule ${rule.name} names conda environment ${pattern}, which cannot be read${unreadable(target, ctx.root)}.`,
        conda.location.span,
      ),
    );
    return;
  }
  ctx.findings.push(
    ...readCondaEnvironment(text, relPath(ctx.root, target), step, ctx.source).findings,
  );
}

/**
 * `conda: my_env`, a Python value computed when Snakemake runs: Stowage cannot evaluate it, so
 * the step's software is unknown — said at the line, and the step is left out of the plan rather
 * than put in the workflow's base image, which may not hold its tools.
 */
function condaExpression(step: Step, conda: Item, ctx: Context): void {
  const expression = conda.text.trim();
  step.softwareUnknown = `conda: ${expression} is a Python value`;
  ctx.findings.push(
    importLimit(
      conda.location.file,
      `Rule ${step.id} takes its conda environment from the Python value ${expression}, which Stowage cannot evaluate, ` +
        'so its software is unknown and it is left out of the plan. Name the environment file as a string (conda: "envs/x.yaml").',
      conda.location.span,
    ),
  );
}

/**
 * A wrapper's software is its environment.yaml, fetched through the wrapper prefix. When it
 * cannot be had, one notice says so at the `wrapper:` line and the step keeps no software — it
 * never silently falls back to the workflow's base image.
 */
function wrapperEnvironment(step: Step, wrapper: Item, ctx: Context): void {
  const name = wrapper.pattern as string;
  const url = isWrapperName(name)
    ? wrapperFileUrl(name, 'environment.yaml', ctx.prefix)
    : `(not a wrapper name: ${name})`;
  const got = isWrapperName(name)
    ? remote(ctx, url)
    : { error: 'only wrapper names such as v3.0.0/bio/fastp are read, never a URL or a path' };
  if (got !== undefined && 'text' in got) {
    ctx.findings.push(
      ...readCondaEnvironment(got.text, url, step, ctx.source, wrapper.location).findings,
    );
    if (step.software.conda.length + step.software.pip.length > 0) {
      step.softwareFrom = { kind: 'wrapper', name };
      return;
    }
  }
  const why =
    got === undefined ? 'it was not fetched' : 'error' in got ? got.error : 'it lists no packages';
  step.softwareUnknown = `wrapper ${wrapper.pattern}: ${url}: ${why}`;
  ctx.findings.push(
    importLimit(
      wrapper.location.file,
      `Rule ${step.id} uses wrapper ${wrapper.pattern}, whose environment ${url} cannot be read (${why}), ` +
        `so its software is unknown and it is left out of the plan. Point the wrapper prefix ` +
        `(--wrapper-prefix, the action's wrapper-prefix) at a reachable mirror or a local clone.`,
      wrapper.location.span,
    ),
  );
}

/** Output name (named, or `out`/`outN`) per output item index. */
function outputNames(rule: ParsedRule): string[] {
  const unnamed = rule.outputs.filter((o) => o.name === undefined).length;
  let n = 0;
  return rule.outputs.map((o) => {
    if (o.name !== undefined) return o.name;
    n += 1;
    return unnamed === 1 ? 'out' : `out${n}`;
  });
}

/**
 * Rules that write the same file pattern (wildcard names aside) are alternatives: Snakemake runs
 * one job per file it needs, choosing the rule by the input it can find (or `ruleorder`), so both
 * never write it. Each such output is marked, not paired with every other (which is quadratic when
 * thousands of rules share one pattern).
 */
function markAlternatives(steps: Map<ParsedRule, Step>): void {
  const writers = new Map<string, { step: Step; output: string }[]>();
  for (const step of steps.values()) {
    for (const [output, pattern] of Object.entries(step.outputs)) {
      const key = pattern.replace(/\{([^{},]*)(,[^{}]*)?\}/g, '{}');
      const list = writers.get(key);
      if (list) list.push({ step, output });
      else writers.set(key, [{ step, output }]);
    }
  }
  for (const list of writers.values()) {
    // Two outputs of one step on one pattern are no alternatives: both are written.
    if (new Set(list.map((w) => w.step)).size < 2) continue;
    for (const { step, output } of list) (step.alternativeOutputs ??= []).push(output);
  }
}

function wire(
  workflow: ReturnType<typeof newWorkflow>,
  steps: Map<ParsedRule, Step>,
  ctx: Context,
  target: ParsedRule | undefined,
): void {
  const byRuleName = new Map<string, { rule: ParsedRule; step: Step }>();
  for (const [rule, step] of steps) byRuleName.set(rule.name, { rule, step });
  const names = new Map<ParsedRule, string[]>();
  const outputs = new OutputIndex<string>();
  for (const [rule, step] of steps) {
    const ruleNames = outputNames(rule);
    names.set(rule, ruleNames);
    rule.outputs.forEach((o, k) => {
      if (o.pattern !== undefined) outputs.add(o.pattern, `${step.id}.${ruleNames[k]}`);
    });
  }
  const inputNames = new Map<string, string>();
  const takenInputs = new Set<string>();
  const resolve = (item: Item): string | undefined => {
    if (item.ref) {
      const p = byRuleName.get(item.ref.rule);
      if (!p) return undefined;
      const outName = item.ref.output ?? names.get(p.rule)?.[0];
      return outName !== undefined && outName in p.step.outputs
        ? `${p.step.id}.${outName}`
        : undefined;
    }
    if (item.pattern === undefined) return undefined;
    return outputs.find(item.pattern);
  };

  for (const [rule, step] of steps) {
    const wired = new Set(step.inputs);
    const addInput = (input: string): void => {
      if (wired.has(input)) return;
      wired.add(input);
      step.inputs.push(input);
    };
    for (const item of rule.inputs) {
      const ref = resolve(item);
      if (ref !== undefined) {
        addInput(ref);
      } else if (item.pattern !== undefined) {
        let name = inputNames.get(item.pattern);
        if (name === undefined) {
          name = safeName(
            item.name ?? basename(item.pattern).replace(/\{[^}]*\}/g, 'x'),
            takenInputs,
            'input',
          );
          inputNames.set(item.pattern, name);
          ctx.source.record(['inputs', name], item.location);
          workflow.inputs.push({ name, path: item.pattern });
        }
        addInput(name);
      } else {
        ctx.unwired += 1;
        continue;
      }
      ctx.source.record(['steps', step.id, 'inputs', step.inputs.length - 1], item.location);
    }
  }
  if (target) {
    ctx.source.record(['outputs'], target.blockLocation, target.nameLocation);
    const desired = new Set(workflow.outputs.map((o) => `${o.step}.${o.output}`));
    const taken = new Set(workflow.outputs.map((o) => o.name));
    for (const item of target.inputs) {
      const ref = resolve(item);
      if (ref === undefined || desired.has(ref)) continue;
      desired.add(ref);
      const [stepId, output] = ref.split('.') as [string, string];
      const name = safeName(`${stepId}-${output}`, taken);
      ctx.source.record(['outputs', name], item.location);
      workflow.outputs.push({ name, step: stepId, output });
    }
  }
  if (outputs.gaveUp > 0) {
    ctx.findings.push(
      importLimit(
        workflow.file,
        `${outputs.gaveUp} input(s) were compared with ${MAX_COMPARED.toLocaleString('en')} output patterns each without ` +
          'finding the first rule that makes them; each was wired to the first match found by then, or read as a workflow input.',
      ),
    );
  }
}
