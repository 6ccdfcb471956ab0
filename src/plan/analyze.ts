/**
 * Per-step facts the grouping needs: family, GPU flag, runtimes, parsed requirements, files and
 * the findings for anything that fails validation (rule STW410, at the exact list item).
 */
import { oneLine } from '../common/text.js';
import type { Finding } from '../common/findings.js';
import { finding } from '../common/rules.js';
import type { NodePath, Step, Workflow } from '../workflow/model.js';
import { channelProblem } from '../software/channels.js';
import { familyOf, needsOnlyBase } from '../software/family.js';
import { isImageReference } from '../software/image-ref.js';
import {
  ECOSYSTEMS,
  parseRequirement,
  parseRuntime,
  type Requirement,
  type RuntimeKind,
} from '../software/requirements.js';
import type { Family } from './types.js';

export const RUNTIME_KINDS: readonly RuntimeKind[] = ['python', 'r', 'java'];

export interface AnalyzedStep {
  step: Step;
  /** Document order. */
  index: number;
  family: Family;
  gpu: boolean;
  /** `python`, `python-gpu`, …: steps of different classes never share an image. */
  classKey: string;
  /** The pinned group the step belongs to, if any. */
  pin?: string;
  runtimes: Partial<Record<RuntimeKind, string>>;
  /** Valid requirements, in spec order (conda steps also get `python=`/`r-base=` from runtimes). */
  requirements: Requirement[];
  /** Validated `files:` paths, relative to the context root. */
  files: string[];
  /** Why this step cannot be rendered (invalid requirement, file path …); empty when fine. */
  invalid: string[];
}

/** A step that is in no group and runs in no image of its own, and why (document order). */
export interface UnplannedStep {
  step: string;
  reason: string;
}

export interface Analysis {
  /** The steps to group: their software is valid (or they are pinned). */
  steps: AnalyzedStep[];
  external: { step: string; image: string }[];
  /** Every other step, with the reason: no software, an invalid container, refused software. */
  unplanned: UnplannedStep[];
  /**
   * Steps that name an image but declare only software every base has (`needsOnlyBase`): they
   * go in the smallest group instead (`image`: the one they named).
   */
  baseOnly: { analyzed: AnalyzedStep; image: string }[];
  findings: Finding[];
}

/** A `files:` entry: relative, no `..`, no characters that need quoting anywhere. */
export function checkContextPath(path: string): string | undefined {
  if (typeof path !== 'string' || path.trim() === '') return 'the path is empty';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    return 'the path must be relative to the spec folder';
  if (path.includes('\\')) return 'use `/` to separate folders';
  if (path.split('/').some((part) => part === '..'))
    return 'the path must not leave the spec folder (`..`)';
  if (path.split('/').some((part) => part === '.git' || part === '.stowage'))
    return 'files under .git (it may hold the job token) or .stowage are never copied into an image';
  if (!/^[A-Za-z0-9._@+=,-]+(?:\/[A-Za-z0-9._@+=,-]+)*\/?$/.test(path)) {
    return 'only letters, digits and . _ - @ + = , are allowed in paths';
  }
  return undefined;
}

export function normalizeContextPath(path: string): string {
  return path
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

export function analyzeWorkflow(workflow: Workflow): Analysis {
  const ctx = new AnalysisContext(workflow);
  const steps: AnalyzedStep[] = [];
  const external: { step: string; image: string }[] = [];
  const unplanned: UnplannedStep[] = [];
  const baseOnly: Analysis['baseOnly'] = [];
  workflow.steps.forEach((step, index) => {
    const { family, gpu } = familyOf(step, ctx.pinNames);
    if (family === 'external' && !gpu && needsOnlyBase(step) && isImageReference(step.container)) {
      const analyzed = analyzeStep(ctx, step, index, { family: 'native', gpu: false });
      if (analyzed.invalid.length > 0)
        unplanned.push({ step: step.id, reason: analyzed.invalid.join('; ') });
      else baseOnly.push({ analyzed, image: step.container });
      return;
    }
    if (family === 'external') {
      if (isImageReference(step.container)) external.push({ step: step.id, image: step.container });
      else {
        const problem =
          step.container.trim() === ''
            ? 'its `container:` is empty: it is neither `auto`, a pinned group, nor a valid image reference'
            : `container "${oneLine(step.container)}" is neither \`auto\`, a pinned group, nor a valid image reference`;
        ctx.report(['steps', step.id, 'container'], `Step "${oneLine(step.id)}": ${problem}.`);
        unplanned.push({ step: step.id, reason: problem });
      }
      return;
    }
    const pin =
      ctx.pinOf.get(step.id) ?? (ctx.pinNames.has(step.container) ? step.container : undefined);
    if (family === 'none' && pin === undefined) {
      unplanned.push({ step: step.id, reason: noSoftwareReason(step) });
      return;
    }
    const base = family === 'none' ? 'native' : family;
    const analyzed = analyzeStep(ctx, step, index, { family: base, gpu, pin });
    // Software that fails its grammar keeps only its own step out of the plan.
    if (analyzed.invalid.length > 0)
      unplanned.push({ step: step.id, reason: analyzed.invalid.join('; ') });
    else steps.push(analyzed);
  });
  ctx.reportRefused();
  return { steps, external, unplanned, baseOnly, findings: ctx.findings };
}

/** Why a step without software gets no image. */
function noSoftwareReason(step: Step): string {
  if (step.runsIn === 'engine') return 'the workflow engine runs it itself: it needs no image';
  if (step.softwareUnknown !== undefined)
    return `its software is unknown: ${oneLine(step.softwareUnknown)}`;
  return 'it declares no software and no container image (STW401)';
}

/** `"a"`, `"a" and "b"`, `"a", "b", "c", "d" and 9 more`: steps named in one finding. */
export function stepList(ids: readonly string[], max = 4): string {
  const quoted = ids.slice(0, max).map((s) => `"${oneLine(s)}"`);
  if (ids.length > max) return `${quoted.join(', ')} and ${ids.length - max} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** What every step's analysis shares: pins, one parse per distinct requirement, the findings. */
class AnalysisContext {
  readonly findings: Finding[] = [];
  readonly pinNames: Set<string>;
  readonly pinOf = new Map<string, string>();

  constructor(readonly workflow: Workflow) {
    this.pinNames = new Set(workflow.containers.groups.map((g) => g.name));
    for (const pin of workflow.containers.groups) {
      for (const id of pin.steps) if (!this.pinOf.has(id)) this.pinOf.set(id, pin.name);
    }
  }

  report(path: NodePath, message: string): void {
    this.findings.push(finding('STW410', this.workflow.source.locate(path), message));
  }

  /** Refused requirements by place (file and span) and text: one finding each, naming the steps. */
  private readonly refused = new Map<string, { path: NodePath; what: string; steps: string[] }>();

  refuse(path: NodePath, stepId: string, what: string): void {
    const at = this.workflow.source.locate(path);
    const s = at.span;
    const key = `${at.file}\u0000${s.line}:${s.column}:${s.endLine}:${s.endColumn}\u0000${what}`;
    const entry = this.refused.get(key);
    if (entry) entry.steps.push(stepId);
    else this.refused.set(key, { path, what, steps: [stepId] });
  }

  reportRefused(): void {
    for (const { path, what, steps } of this.refused.values()) {
      const who = steps.length === 1 ? `Step ${stepList(steps)}` : `Steps ${stepList(steps)}`;
      const left =
        steps.length === 1
          ? 'The step is left out of the plan (unplanned) until it is fixed; the rest of its group is planned.'
          : `These ${steps.length} steps are left out of the plan (unplanned) until it is fixed; the rest of their groups is planned.`;
      this.report(path, `${who}: ${what}. ${left}`);
    }
  }
}

/** The step's texts that reach a generated shell script, by where they are in the spec. */
function commandTexts(step: Step): [NodePath, string][] {
  const texts: [NodePath, string][] = [];
  if (step.run !== undefined) texts.push([['run'], step.run]);
  if (step.software.build !== undefined) texts.push([['software', 'build'], step.software.build]);
  (step.entrypoint ?? []).forEach((arg, i) => texts.push([['entrypoint', i], arg]));
  return texts;
}

/** One step's runtimes, requirements and files, each validated against its grammar. */
function analyzeStep(
  ctx: AnalysisContext,
  step: Step,
  index: number,
  kind: { family: Family; gpu: boolean; pin?: string },
): AnalyzedStep {
  const analyzed: AnalyzedStep = {
    step,
    index,
    family: kind.family,
    gpu: kind.gpu,
    classKey: `${kind.family}${kind.gpu ? '-gpu' : ''}`,
    runtimes: {},
    requirements: [],
    files: [],
    invalid: [],
  };
  if (kind.pin !== undefined) analyzed.pin = kind.pin;
  // `what` names no step: it is the step's reason for being unplanned, and the finding's text.
  const bad = (path: NodePath, what: string) => {
    analyzed.invalid.push(what);
    ctx.report(path, `Step "${oneLine(step.id)}": ${what}.`);
  };
  // Step ids name build scripts and dispatcher cases; the spec schema already restricts them,
  // but other importers may not. A flattened CWL step is named `outer/inner`.
  if (!/^(?=.{1,128}$)[A-Za-z0-9][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/.test(step.id)) {
    bad(
      ['steps', step.id],
      'its id may hold only letters, digits and . _ - (and / between the names of nested steps)',
    );
  }
  for (const kindName of RUNTIME_KINDS) {
    const value = step.software[kindName];
    if (value === undefined) continue;
    const parsed = parseRuntime(kindName, value);
    if (parsed.ok) analyzed.runtimes[kindName] = parsed.version;
    else bad(['steps', step.id, 'software', kindName], parsed.reason);
  }
  if (analyzed.family === 'conda') {
    // In a conda image the runtimes are conda packages, so they take part in the solve.
    const runtimePackages = { python: 'python', r: 'r-base', java: 'openjdk' } as const;
    for (const kindName of RUNTIME_KINDS) {
      const version = analyzed.runtimes[kindName];
      if (version === undefined) continue;
      const parsed = parseRequirement('conda', `${runtimePackages[kindName]}=${version}`);
      if (parsed.ok) analyzed.requirements.push(parsed);
    }
  }
  for (const eco of ECOSYSTEMS) {
    step.software[eco].forEach((text, i) => {
      const parsed = parseRequirement(eco, text);
      if (parsed.ok) analyzed.requirements.push(parsed);
      else {
        const what = `${eco} requirement "${oneLine(text)}" is refused: ${parsed.reason}`;
        analyzed.invalid.push(what);
        ctx.refuse(['steps', step.id, 'software', eco, i], step.id, what);
      }
    });
  }
  if (step.software.conda.length > 0) {
    for (const channel of step.software.channels ?? []) {
      const problem = channelProblem(channel);
      if (problem === undefined) continue;
      const what = `conda channel "${oneLine(channel)}" is refused: ${problem}`;
      analyzed.invalid.push(what);
      ctx.refuse(['steps', step.id, 'software', 'conda'], step.id, what);
    }
  }
  // A NUL cannot be in a shell script (sh stops reading the line there): refuse it, rather than
  // write a script that runs something other than what the spec says.
  for (const [field, text] of commandTexts(step)) {
    if (text.includes('\u0000'))
      bad(
        ['steps', step.id, ...field],
        `its ${field.join('.')} holds a NUL character, which no shell script can carry: remove it`,
      );
  }
  step.software.files.forEach((path, i) => {
    const problem = checkContextPath(path);
    if (problem)
      bad(
        ['steps', step.id, 'software', 'files', i],
        `file "${oneLine(path)}" is refused: ${problem}`,
      );
    else analyzed.files.push(normalizeContextPath(path));
  });
  return analyzed;
}
