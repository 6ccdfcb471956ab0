/**
 * `plan(workflow)`: the stowage plan — which steps share which image, each image's Dockerfile and
 * content hash, the lower bound and the two baselines. Pure and deterministic: the same workflow
 * (and the same file bytes from `readFile`) gives byte-identical JSON.
 */
import { createHash } from 'node:crypto';
import { compareFindings, type Finding } from '../common/findings.js';
import { formatBytes } from '../common/units.js';
import type { Step, Workflow } from '../workflow/model.js';
import { analyzeWorkflow, RUNTIME_KINDS, type Analysis, type AnalyzedStep } from './analyze.js';
import table from './data/package-sizes.json' with { type: 'json' };
import { stepCommands } from './commands.js';
import { renderGroup } from './dockerfile.js';
import {
  cliqueLowerBound,
  colourClass,
  conflictKey,
  GroupState,
  PlanContext,
  SolverConflicts,
  soloBytes,
} from './grouping.js';
import { isGroupName, isImageReference } from '../software/image-ref.js';
import { groupChannels } from '../software/channels.js';
import type { Requirement } from '../software/requirements.js';
import { finding } from '../common/rules.js';
import { rule as forcedConflict } from './rules/forced-conflict.js';
import { rule as overBudget } from './rules/over-budget.js';
import { rule as overSplit } from './rules/over-split.js';
import type { DraftGroup, PlanRuleInput } from './rules/rule.js';
import { baseImageBytes, groupEstimate } from './sizes.js';
import type {
  Baseline,
  Family,
  GroupLock,
  Plan,
  PlannedGroup,
  PlannedPackage,
  SolverConflict,
} from './types.js';
import { runtimesCompatible } from '../software/version-order.js';

export interface PlanOptions {
  /**
   * Base image per family or group name (`python`, `python-gpu`, `gpu`, `maven-builder`, a pinned
   * group's name). Wins over the spec's `containers.base-images` and pins' `base`.
   */
  baseImages?: Record<string, string>;
  /**
   * Reads a file of the build context (path relative to the context root, i.e. the spec's
   * folder). Its bytes go into the content hash. Without it, only the paths are hashed.
   */
  readFile?: (path: string) => Uint8Array | string;
  /**
   * Conflicts the solvers found (from the resolve stage): groups are formed so that none holds
   * every requirement of one of them.
   */
  solverConflicts?: readonly SolverConflict[];
  /** Steps whose own software does not solve: each is placed in a group of its own. */
  isolated?: readonly string[];
  /**
   * The platforms the images are built for (`linux/amd64`, `linux/arm64`); none: the engine's
   * own. Part of the content hash, so an image built for other platforms is never taken for one.
   */
  platforms?: readonly string[];
  /**
   * The resolve stage's outcome per group name: the resolution goes into the plan, and the
   * Dockerfile installs from the locks it carries.
   */
  locks?: Readonly<Record<string, GroupLock>>;
}

export interface PlanResult {
  plan: Plan;
  findings: Finding[];
}

/** Plan rules, in the order they run. */
export const PLAN_RULES = [forcedConflict, overBudget, overSplit] as const;

const DEFAULT_BASES: Record<string, string> = table.defaultBaseImages;
const DEFAULT_RUNTIMES: Record<string, string> = table.defaultRuntimes;

/** The runtime version a group gets when its steps name none (`python` → `3.12`). */
export function defaultRuntime(kind: 'python' | 'r' | 'java'): string {
  return DEFAULT_RUNTIMES[kind]!;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function plan(workflow: Workflow, options: PlanOptions = {}): PlanResult {
  const analysis = analyzeWorkflow(workflow);
  const findings = [...analysis.findings];
  const ctx = new PlanContext(
    workflow.containers.sizeBudget ?? Infinity,
    workflow.containers.packageSizes ?? {},
    new SolverConflicts(options.solverConflicts),
    new Set(options.isolated),
  );
  const drafts = [...pinnedDrafts(workflow, analysis.steps, ctx)];
  const taken = new Set(drafts.map((d) => d.name));
  drafts.push(...colouredDrafts(analysis.steps, ctx, taken));
  const baseOnly = placeBaseOnly(analysis.baseOnly, drafts, ctx, taken);
  drafts.sort((a, b) => a.first - b.first || byText(a.name, b.name));
  findings.push(...assignBaseImages(drafts, workflow, options));

  const input: PlanRuleInput = { workflow, groups: drafts, ctx };
  for (const rule of PLAN_RULES) findings.push(...rule.check(input));

  const rc: RenderContext = {
    workflow,
    options,
    placeholders: placeholdersOf(workflow),
    mavenImage:
      options.baseImages?.['maven-builder'] ??
      workflow.containers.baseImages['maven-builder'] ??
      DEFAULT_BASES['maven-builder']!,
    findings,
  };
  // Steps that need only base utilities add no kind of image, unless nothing else needs one.
  const byKind =
    analysis.steps.length === 0 && analysis.baseOnly.length > 0
      ? [{ kind: 'native', bound: 1 }]
      : lowerBoundByKind(analysis.steps, ctx);
  const apart = splitReasons(drafts, ctx);
  const result: Plan = {
    version: 1,
    workflow: workflow.name,
    context: contextOf(workflow.file),
    groups: drafts.map((d) => {
      const group = renderDraft(d, rc);
      const reasons = apart.get(d.name);
      return reasons ? { ...group, apart: reasons } : group;
    }),
    external: [...analysis.external].sort((a, b) => byText(a.step, b.step)),
    unplanned: analysis.unplanned,
    ...(baseOnly.length > 0 ? { baseOnly } : {}),
    lowerBound: byKind.reduce((n, k) => n + k.bound, 0),
    lowerBoundByKind: byKind,
    ...(options.solverConflicts ? { solverConflicts: [...options.solverConflicts] } : {}),
    baselines: baselines([...analysis.steps, ...analysis.baseOnly.map((b) => b.analyzed)], ctx),
  };
  return { plan: result, findings: findings.sort(compareFindings) };
}

type OrderedDraft = DraftGroup & { first: number };

/** Pinned groups, in spec order; each holds exactly the steps pinned to it. */
function pinnedDrafts(
  workflow: Workflow,
  steps: readonly AnalyzedStep[],
  ctx: PlanContext,
): OrderedDraft[] {
  const drafts: OrderedDraft[] = [];
  for (const pin of workflow.containers.groups) {
    const members = steps.filter((s) => s.pin === pin.name);
    if (members.length === 0) continue;
    const lead = members.find((m) => hasSoftware(m.step)) ?? members[0]!;
    const gpu = members.some((m) => m.gpu);
    const classKey = `${lead.family}${gpu ? '-gpu' : ''}`;
    const state = new GroupState(classKey, baseImageBytes(classKey));
    for (const m of members) state.add(m, ctx);
    drafts.push({
      name: pin.name,
      pinned: true,
      classKey,
      baseImage: '',
      state,
      first: members[0]!.index,
    });
  }
  return drafts;
}

/** Every other step, class by class (family + GPU flag), coloured into groups; names not taken. */
function colouredDrafts(
  steps: readonly AnalyzedStep[],
  ctx: PlanContext,
  taken: Set<string>,
): OrderedDraft[] {
  const drafts: OrderedDraft[] = [];
  for (const [classKey, members] of byClass(steps.filter((s) => s.pin === undefined))) {
    const states = colourClass(members, baseImageBytes(classKey), ctx)
      .map((state) => ({ state, first: Math.min(...state.members.map((m) => m.index)) }))
      .sort((a, b) => a.first - b.first);
    let n = 1;
    for (const { state, first } of states) {
      let name = classKey;
      while (taken.has(name)) name = `${classKey}-${++n}`;
      taken.add(name);
      drafts.push({ name, pinned: false, classKey, baseImage: '', state, first });
    }
  }
  return drafts;
}

/**
 * Steps that named an image but need only what every base has go into the smallest group that
 * takes other steps (not a pin, not a GPU image, none that cannot solve), or one `native` group
 * of their own when there is none: no step is left on an image Stowage did not build.
 */
function placeBaseOnly(
  baseOnly: Analysis['baseOnly'],
  drafts: OrderedDraft[],
  ctx: PlanContext,
  taken: Set<string>,
): NonNullable<Plan['baseOnly']> {
  if (baseOnly.length === 0) return [];
  let target: OrderedDraft | undefined;
  for (const d of drafts) {
    if (d.pinned || d.classKey.endsWith('-gpu')) continue;
    if (d.state.members.some((m) => ctx.isolated.has(m.step.id))) continue;
    if (!target || d.state.size < target.state.size) target = d;
  }
  if (!target) {
    let name = 'native';
    for (let n = 2; taken.has(name); n++) name = `native-${n}`;
    taken.add(name);
    const state = new GroupState('native', baseImageBytes('native'));
    target = { name, pinned: false, classKey: 'native', baseImage: '', state, first: Infinity };
    drafts.push(target);
  }
  for (const { analyzed } of baseOnly) {
    target.state.add(analyzed, ctx);
    target.first = Math.min(target.first, analyzed.index);
  }
  return baseOnly.map(({ analyzed, image }) => ({
    step: analyzed.step.id,
    image,
    software: [...(analyzed.step.baseSoftware ?? [])],
    group: target.name,
  }));
}

function byClass(steps: readonly AnalyzedStep[]): Map<string, AnalyzedStep[]> {
  const classes = new Map<string, AnalyzedStep[]>();
  for (const s of steps) {
    const list = classes.get(s.classKey) ?? [];
    list.push(s);
    classes.set(s.classKey, list);
  }
  return classes;
}

/** Each draft's base image; an invalid reference is a finding (the group is blocked later). */
function assignBaseImages(
  drafts: DraftGroup[],
  workflow: Workflow,
  options: PlanOptions,
): Finding[] {
  const findings: Finding[] = [];
  for (const d of drafts) {
    const resolved = resolveBaseImage(d, workflow, options);
    d.baseImage = resolved.image;
    if (!isImageReference(resolved.image)) {
      findings.push(
        finding(
          'STW410',
          workflow.source.locate(resolved.path),
          `Group "${d.name}": base image "${resolved.image.replace(/[\r\n]+/g, ' ')}" is not a valid image reference.`,
        ),
      );
    }
  }
  return findings;
}

/**
 * The clique bound per kind of image (family + GPU flag), in document order: kinds never share an
 * image (each has its own base), so their bounds add up.
 */
function lowerBoundByKind(
  steps: readonly AnalyzedStep[],
  ctx: PlanContext,
): { kind: string; bound: number }[] {
  return [...byClass(steps)].map(([kind, members]) => ({
    kind,
    bound: cliqueLowerBound(members, ctx),
  }));
}

/** Step pairs looked at per pair of groups before giving up on naming the conflict. */
const SPLIT_PAIRS_LIMIT = 10_000;

/**
 * For each later coloured group of a kind, why it is not one with each earlier group of that kind:
 * the first conflicting pair of requirements, in the steps that ask for them, or the size budget.
 */
function splitReasons(
  drafts: readonly DraftGroup[],
  ctx: PlanContext,
): Map<string, { from: string; reason: string }[]> {
  const out = new Map<string, { from: string; reason: string }[]>();
  const coloured = drafts.filter((d) => !d.pinned);
  coloured.forEach((later, j) => {
    for (const earlier of coloured.slice(0, j)) {
      if (earlier.classKey !== later.classKey) continue;
      const list = out.get(later.name) ?? [];
      list.push({ from: earlier.name, reason: whyApart(earlier.state, later.state, ctx) });
      out.set(later.name, list);
    }
  });
  return out;
}

function whyApart(earlier: GroupState, later: GroupState, ctx: PlanContext): string {
  let pairs = 0;
  for (const a of earlier.members) {
    const solo = new GroupState(a.classKey, 0);
    solo.add(a, ctx);
    for (const b of later.members) {
      if (++pairs > SPLIT_PAIRS_LIMIT)
        return 'conflicting requirements (too many steps to name one pair)';
      const clash = solo.conflictWith(b, ctx);
      if (clash) {
        const [theirs, ours] = clash.split(' vs ');
        return `${theirs} in "${a.step.id}" vs ${ours} in "${b.step.id}"`;
      }
    }
  }
  const together = earlier.clone(ctx);
  for (const m of later.members) together.add(m, ctx);
  return `together they would exceed the size budget (${formatBytes(together.size)} over ${formatBytes(ctx.budget)})`;
}

function hasSoftware(step: Step): boolean {
  const s = step.software;
  return (
    s.python !== undefined ||
    s.r !== undefined ||
    s.java !== undefined ||
    s.build !== undefined ||
    [s.pip, s.conda, s.cran, s.bioconductor, s.maven, s.apt, s.npm, s.files].some(
      (l) => l.length > 0,
    )
  );
}

/** The spec's folder, relative to the repository: the build context root. */
export function contextOf(file: string): string {
  const slash = file.replace(/\\/g, '/').lastIndexOf('/');
  return slash > 0 ? file.slice(0, slash) : '.';
}

/** `inputs.<name>` → its path; `<step>.<output>` → its path (for `run` and `build` text). */
export function placeholdersOf(workflow: Workflow): Record<string, string> {
  const out: Record<string, string> = {};
  // Paths are pasted into shell commands unquoted (globs must still expand), so only paths of
  // the schema's safe grammar are substituted; imported ones that are not stay as placeholders.
  const add = (key: string, path: string | undefined) => {
    if (path !== undefined && SAFE_DATA_PATH.test(path)) out[key] = path;
  };
  for (const i of workflow.inputs) add(`inputs.${i.name}`, i.path);
  for (const s of workflow.steps) {
    for (const [name, path] of Object.entries(s.outputs)) add(`${s.id}.${name}`, path);
  }
  return out;
}

/** The spec schema's `dataPath`: no spaces, quotes or shell characters. */
const SAFE_DATA_PATH = /^[A-Za-z0-9._@+=,/*?[\]{}~:%-]+$/;

/**
 * Precedence: options by group name, options by family key, the pin's `base`, the spec by group
 * name, the spec by family key, the default. Family keys for a GPU group: `python-gpu`, `gpu`,
 * `python`.
 */
export function resolveBaseImage(
  d: Pick<DraftGroup, 'name' | 'pinned' | 'classKey' | 'state'>,
  workflow: Workflow,
  options: PlanOptions,
): { image: string; path: (string | number)[] } {
  const family = d.classKey.replace(/-gpu$/, '');
  const keys = d.classKey.endsWith('-gpu') ? [d.classKey, 'gpu', family] : [family];
  const opt = options.baseImages ?? {};
  const spec = workflow.containers.baseImages;
  const pin = d.pinned ? workflow.containers.groups.find((g) => g.name === d.name) : undefined;
  for (const k of [d.name, ...keys]) {
    if (opt[k] !== undefined) return { image: opt[k]!, path: ['containers'] };
  }
  if (pin?.base !== undefined)
    return { image: pin.base, path: ['containers', 'groups', d.name, 'base'] };
  for (const k of [d.name, ...keys]) {
    if (spec[k] !== undefined) return { image: spec[k]!, path: ['containers', 'base-images', k] };
  }
  const template = DEFAULT_BASES[d.classKey] ?? DEFAULT_BASES[family] ?? DEFAULT_BASES['native']!;
  const image = template.replace(/\{(python|r|java)\}/g, (_, kind: string) => {
    const v = d.state.runtimes[kind as 'python' | 'r' | 'java'] ?? DEFAULT_RUNTIMES[kind]!;
    // rocker/r-ver tags are full versions; python and temurin accept short ones.
    return v;
  });
  return { image, path: ['containers'] };
}

interface RenderContext {
  workflow: Workflow;
  options: PlanOptions;
  placeholders: Record<string, string>;
  mavenImage: string;
  findings: Finding[];
}

function plannedPackages(members: readonly AnalyzedStep[]): PlannedPackage[] {
  const byKey = new Map<string, { req: Requirement; steps: Set<string> }>();
  for (const m of members) {
    for (const req of m.requirements) {
      const key = `${req.ecosystem}\0${req.text}`;
      const entry = byKey.get(key) ?? { req, steps: new Set<string>() };
      entry.steps.add(m.step.id);
      byKey.set(key, entry);
    }
  }
  const entries = [...byKey.values()];
  // An unversioned request folds into a versioned one of the same package.
  const kept = entries.filter(
    (e) =>
      e.req.versioned ||
      !entries.some(
        (o) => o.req.versioned && o.req.ecosystem === e.req.ecosystem && o.req.name === e.req.name,
      ),
  );
  for (const e of entries) {
    if (kept.includes(e)) continue;
    const into = kept.find(
      (o) => o.req.ecosystem === e.req.ecosystem && o.req.name === e.req.name,
    )!;
    for (const s of e.steps) into.steps.add(s);
  }
  const order = new Map(members.map((m, i) => [m.step.id, i]));
  return kept
    .map((e) => ({
      ecosystem: e.req.ecosystem,
      name: e.req.name,
      spec: e.req.text,
      steps: [...e.steps].sort((a, b) => order.get(a)! - order.get(b)!),
    }))
    .sort(
      (a, b) =>
        byText(a.ecosystem, b.ecosystem) || byText(a.name, b.name) || byText(a.spec, b.spec),
    );
}

function renderDraft(d: DraftGroup, rc: RenderContext): PlannedGroup {
  const members = [...d.state.members].sort((a, b) => a.index - b.index);
  const family = d.classKey.replace(/-gpu$/, '') as Family;
  const runtimes: Record<string, string> = {};
  for (const kind of RUNTIME_KINDS) {
    const v = d.state.runtimes[kind];
    if (v !== undefined) runtimes[kind] = v;
  }
  const contextFiles = [...new Set(members.flatMap((m) => m.files))].sort(byText);
  const group: PlannedGroup = {
    name: d.name,
    family,
    gpu: d.classKey.endsWith('-gpu'),
    pinned: d.pinned,
    steps: members.map((m) => m.step.id),
    runtimes,
    packages: plannedPackages(members),
    baseImage: d.baseImage,
    estimatedSize: d.state.size, // the solvers' figure below, when they answered
    generated: {},
    contextFiles,
    contentHash: '',
    commands: Object.fromEntries(
      members.map((m) => [m.step.id, stepCommands(m.step, rc.workflow)]),
    ),
  };
  // conda packages come from the channels their steps' environment files list (else the defaults).
  if (group.packages.some((p) => p.ecosystem === 'conda')) {
    const channels = groupChannels(members.map((m) => m.step.software.channels));
    if (channels) group.channels = channels;
  }
  const blocked = [...members.flatMap((m) => m.invalid), ...(d.blockedBy ?? [])];
  if (!isGroupName(d.name)) blocked.push(`the group name "${d.name}" is not a valid image name`);
  if (!isImageReference(d.baseImage))
    blocked.push(`base image "${d.baseImage}" is not a valid image reference`);
  if (!isImageReference(rc.mavenImage) && group.packages.some((p) => p.ecosystem === 'maven')) {
    blocked.push(`the Maven builder image "${rc.mavenImage}" is not a valid image reference`);
  }
  // The bytes of copied files, read now so that a missing file blocks the group with a finding.
  const fileBytes = new Map<string, Uint8Array | string>();
  if (rc.options.readFile && blocked.length === 0) {
    for (const path of contextFiles) {
      try {
        fileBytes.set(path, rc.options.readFile(path));
      } catch (error) {
        const owner = members.find((m) => m.files.includes(path))!;
        const i = owner.step.software.files.findIndex((f) => f.replace(/^\.\//, '') === path);
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        const message = missing
          ? `Step "${owner.step.id}": file "${path}" was not found in the build context (${contextOf(rc.workflow.file)}).`
          : `Step "${owner.step.id}": file "${path}" cannot be copied: ${(error as Error).message}.`;
        const at = rc.workflow.source.locate([
          'steps',
          owner.step.id,
          'software',
          'files',
          Math.max(i, 0),
        ]);
        rc.findings.push(finding('STW410', at, message));
        blocked.push(message);
      }
    }
  }
  const lock = rc.options.locks?.[d.name];
  if (lock) group.resolution = lock.resolution;
  group.estimatedSize = groupEstimate({
    classKey: d.classKey,
    baseImage: d.baseImage,
    nameLevel: d.state.size,
    packageBytes: d.state.packages,
    overrides: rc.workflow.containers.packageSizes ?? {},
    ...(lock ? { resolution: lock.resolution } : {}),
  });
  if (lock?.resolution.status === 'unsolvable')
    blocked.push(lock.resolution.reason ?? 'it does not solve');
  if (blocked.length > 0) return { ...group, blocked };
  group.generated = renderGroup({
    group,
    steps: members.map((m) => m.step),
    placeholders: rc.placeholders,
    files: contextFiles,
    mavenImage: rc.mavenImage,
    commands: group.commands,
    workflowName: rc.workflow.name,
    // A Stowage spec's outputs are the paths its steps write; an imported pipeline's, the engine's.
    outputFolders: rc.workflow.format === 'stowage',
    ...(lock ? { lock } : {}),
  });
  group.contentHash = contentHash(
    group,
    fileBytes,
    rc.options.readFile !== undefined,
    rc.options.platforms,
  );
  return group;
}

/**
 * sha256 over: a format tag, the base image, every generated file (name and text), every copied
 * file (path and bytes) and the target platforms when given, each length-prefixed so no two
 * inputs can collide by concatenation. (Without platforms the hash is what it always was.)
 */
export function contentHash(
  group: Pick<PlannedGroup, 'baseImage' | 'generated' | 'contextFiles'>,
  fileBytes: ReadonlyMap<string, Uint8Array | string>,
  withBytes: boolean,
  platforms: readonly string[] = [],
): string {
  const h = createHash('sha256');
  const put = (data: Uint8Array | string) => {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    h.update(`${buf.length}:`);
    h.update(buf);
  };
  put('stowage-content-hash-v1');
  put(group.baseImage);
  for (const name of Object.keys(group.generated).sort(byText)) {
    put(name);
    put(group.generated[name]!);
  }
  for (const path of group.contextFiles) {
    put(path);
    put(withBytes ? (fileBytes.get(path) ?? '') : '<unread>');
  }
  if (platforms.length > 0) {
    put('platforms');
    put([...new Set(platforms.map((p) => p.trim()))].sort(byText).join(','));
  }
  return h.digest('hex');
}

/** One image per step, and one image for everything, from the same estimates. */
function baselines(steps: readonly AnalyzedStep[], ctx: PlanContext): Plan['baselines'] {
  const perStep: Baseline = {
    images: steps.length,
    estimatedTotalSize: steps.reduce(
      (n, s) => n + soloBytes(s, baseImageBytes(s.classKey), ctx),
      0,
    ),
    // A step whose own software does not solve is a conflict even in an image of its own.
    conflicts: ctx.isolated.size,
  };
  const largestBase = Math.max(0, ...steps.map((s) => baseImageBytes(s.classKey)));
  const all = new GroupState('monolith', largestBase);
  for (const s of steps) all.add({ ...s, runtimes: {} }, ctx);
  const monolith: Baseline = {
    images: steps.length > 0 ? 1 : 0,
    estimatedTotalSize: steps.length > 0 ? all.size : 0,
    // Name-level pairs and runtimes, and every conflict the solvers found through dependencies.
    conflicts: monolithConflicts(steps, ctx) + ctx.solverConflicts.size,
    kinds: [...byClass(steps).keys()],
  };
  return { perStep, monolith };
}

/** Distinct conflicting requirement pairs, plus distinct incompatible runtime version pairs. */
function monolithConflicts(steps: readonly AnalyzedStep[], ctx: PlanContext): number {
  const byKey = new Map<string, Requirement[]>();
  const runtimes = new Map<string, Set<string>>();
  for (const s of steps) {
    for (const r of s.requirements) {
      if (!r.versioned) continue;
      const list = byKey.get(conflictKey(r)) ?? [];
      if (!list.some((x) => x.text === r.text && x.ecosystem === r.ecosystem)) list.push(r);
      byKey.set(conflictKey(r), list);
    }
    for (const kind of RUNTIME_KINDS) {
      const v = s.runtimes[kind];
      if (v === undefined) continue;
      const set = runtimes.get(kind) ?? new Set<string>();
      set.add(v);
      runtimes.set(kind, set);
    }
  }
  let n = 0;
  for (const list of byKey.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) if (ctx.conflict(list[i]!, list[j]!)) n++;
    }
  }
  for (const set of runtimes.values()) {
    const vs = [...set];
    for (let i = 0; i < vs.length; i++) {
      for (let j = i + 1; j < vs.length; j++) if (!runtimesCompatible(vs[i]!, vs[j]!)) n++;
    }
  }
  return n;
}
