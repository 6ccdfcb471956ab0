/**
 * A Mermaid flowchart of a workflow: its inputs, its steps and its desired outputs, with the data
 * flowing between them. Steps with findings carry a class for their worst severity; with a plan,
 * steps are boxed by the container group (image) they run in. Above DIAGRAM_STEP_LIMIT steps (or
 * on request) a planned workflow is drawn a level up: a node per container group and per image
 * used as is, with its step count, and the data flowing between them.
 *
 * Every name in the chart comes from the spec, so node ids are generated (`in_0`, `step_0`, `result_0`, …)
 * rather than derived from names, and every label is quoted with its unsafe characters written as
 * Mermaid entity codes (`#35;`), so no name can break the diagram or the Markdown around it.
 */
import { SEVERITIES, severityRank } from '../common/findings.js';
import type { Finding, Severity } from '../common/findings.js';
import type { Plan } from '../plan/types.js';
import type { Workflow } from '../workflow/model.js';
import { mermaidLabel } from '../common/escape/mermaid.js';

/** How the diagram draws a planned workflow: `auto` is by group above DIAGRAM_STEP_LIMIT steps. */
export const DIAGRAM_DETAILS = ['auto', 'groups', 'steps'] as const;
export type DiagramDetail = (typeof DIAGRAM_DETAILS)[number];

/** Above this many steps a box per step is no longer a picture anyone reads. */
export const DIAGRAM_STEP_LIMIT = 25;
/** By group, more workflow inputs (or desired outputs) than this are one node. */
const DIAGRAM_ENDS_LIMIT = 8;

export interface MermaidOptions {
  findings?: readonly Finding[];
  plan?: Plan;
  /** `steps`: a box per step; `groups`: a node per container group (needs a plan); default `auto`. */
  detail?: DiagramDetail;
}

/** Whether the diagram is drawn by group: there is a plan, and it is asked for or the steps are many. */
export function drawsGroups(workflow: Workflow, options: MermaidOptions): boolean {
  const detail = options.detail ?? 'auto';
  if (!options.plan || detail === 'steps') return false;
  return detail === 'groups' || workflow.steps.length > DIAGRAM_STEP_LIMIT;
}

export function workflowMermaid(workflow: Workflow, options: MermaidOptions = {}): string {
  if (drawsGroups(workflow, options))
    return groupMermaid(workflow, options.plan!, options.findings ?? []);
  const lines: string[] = ['flowchart LR'];
  const ids = new NodeIds();

  // Nodes. Inputs are stadiums, steps rectangles, desired outputs parallelograms.
  for (const input of workflow.inputs) {
    lines.push(`  ${ids.input(input.name)}${shape('input', input.name)}`);
  }
  const byStep = findingsByStep(workflow, options.findings ?? []);
  const stepLines = new Map<string, string>();
  for (const step of workflow.steps) {
    const found = byStep.get(step.id);
    const extra = found ? `<br/>${countLabel(found.counts)}` : '';
    stepLines.set(step.id, `${ids.step(step.id)}${shape('step', step.id, extra)}`);
  }
  lines.push(...groupedSteps(workflow, stepLines, options.plan));
  for (const output of workflow.outputs) {
    lines.push(`  ${ids.output(output.name)}${shape('output', output.name)}`);
  }

  // Edges: what each step reads, and which step output each desired output is.
  const outputsByStep = new Map(workflow.steps.map((s) => [s.id, new Set(Object.keys(s.outputs))]));
  const inputNames = new Set(workflow.inputs.map((i) => i.name));
  const missing: string[] = [];
  const edge = (from: string, to: string, label?: string) =>
    lines.push(`  ${from} -->${label ? `|${quote(label)}|` : ''} ${to}`);
  for (const step of workflow.steps) {
    for (const reference of step.inputs) {
      const producer = producerOf(reference, outputsByStep, inputNames);
      if (producer.kind === 'input') {
        edge(ids.input(reference), ids.step(step.id));
      } else if (producer.kind === 'step') {
        edge(ids.step(producer.step), ids.step(step.id), producer.output);
      } else {
        if (!ids.hasMissing(reference)) missing.push(reference);
        lines.push(`  ${ids.missing(reference)} -.-> ${ids.step(step.id)}`);
      }
    }
  }
  for (const output of workflow.outputs) {
    if (outputsByStep.get(output.step)?.has(output.output)) {
      edge(ids.step(output.step), ids.output(output.name), output.output);
    } else {
      const reference = `${output.step}.${output.output}`;
      if (!ids.hasMissing(reference)) missing.push(reference);
      lines.push(`  ${ids.missing(reference)} -.-> ${ids.output(output.name)}`);
    }
  }
  // A reference to nothing gets its own dashed node, so the picture shows the gap.
  for (const reference of missing) {
    lines.push(`  ${ids.missing(reference)}${shape('missing', `${reference} (missing)`)}`);
  }

  // Styling: classes are declared once and assigned by id.
  lines.push(
    '  classDef input fill:#eef6ff,stroke:#0969da',
    '  classDef output fill:#eefbf1,stroke:#1a7f37',
    '  classDef missing fill:#fff,stroke:#cf222e,stroke-dasharray:4 3',
    '  classDef error fill:#ffebe9,stroke:#cf222e,stroke-width:2px',
    '  classDef warning fill:#fff8c5,stroke:#9a6700,stroke-width:2px',
    '  classDef notice fill:#ddf4ff,stroke:#0969da',
  );
  const assign = (cls: string, nodeIds: string[]) => {
    if (nodeIds.length > 0) lines.push(`  class ${nodeIds.join(',')} ${cls}`);
  };
  assign(
    'input',
    workflow.inputs.map((i) => ids.input(i.name)),
  );
  assign(
    'output',
    workflow.outputs.map((o) => ids.output(o.name)),
  );
  assign(
    'missing',
    missing.map((m) => ids.missing(m)),
  );
  for (const severity of SEVERITIES) {
    assign(
      severity,
      workflow.steps
        .filter((s) => byStep.get(s.id)?.severity === severity)
        .map((s) => ids.step(s.id)),
    );
  }
  return lines.join('\n');
}

/** Steps inside one `subgraph` per plan group (and per external image); ungrouped ones after. */
function groupedSteps(
  workflow: Workflow,
  stepLines: Map<string, string>,
  plan: Plan | undefined,
): string[] {
  const lines: string[] = [];
  const placed = new Set<string>();
  const boxes: { label: string; steps: string[] }[] = [];
  if (plan) {
    for (const group of plan.groups) {
      const kind = `${group.family}${group.gpu ? ', GPU' : ''}`;
      boxes.push({
        label: kind === group.name ? group.name : `${group.name} (${kind})`,
        steps: group.steps,
      });
    }
    const byImage = new Map<string, string[]>();
    for (const external of plan.external) {
      byImage.set(external.image, [...(byImage.get(external.image) ?? []), external.step]);
    }
    for (const [image, steps] of byImage) boxes.push({ label: image, steps });
  }
  boxes.forEach((box, index) => {
    const members = box.steps.filter((s) => stepLines.has(s) && !placed.has(s));
    if (members.length === 0) return;
    lines.push(`  subgraph group_${index}${shape('step', box.label)}`);
    for (const member of members) {
      lines.push(`    ${stepLines.get(member)}`);
      placed.add(member);
    }
    lines.push('  end');
  });
  for (const step of workflow.steps) {
    if (!placed.has(step.id)) lines.push(`  ${stepLines.get(step.id)}`);
  }
  return lines;
}

/**
 * The workflow a level up: a node per container group (`conda-2 (conda)`, its step count and its
 * steps' findings), per image used as is, and one for the steps no image is planned for; an edge
 * wherever a step of one reads an output of another (each pair once), from the workflow inputs
 * that feed them and to the desired outputs they make.
 */
function groupMermaid(workflow: Workflow, plan: Plan, findings: readonly Finding[]): string {
  const lines: string[] = ['flowchart LR'];
  const unitOf = new Map<string, string>();
  const units: { id: string; label: string; kind: 'group' | 'image' | 'none'; steps: string[] }[] =
    [];
  plan.groups.forEach((group, index) => {
    const kind = `${group.family}${group.gpu ? ', GPU' : ''}`;
    const id = `group_${index}`;
    units.push({
      id,
      label: kind === group.name ? group.name : `${group.name} (${kind})`,
      kind: 'group',
      steps: group.steps,
    });
  });
  const byImage = new Map<string, string[]>();
  for (const e of plan.external) byImage.set(e.image, [...(byImage.get(e.image) ?? []), e.step]);
  [...byImage].forEach(([image, steps], index) =>
    units.push({ id: `image_${index}`, label: image, kind: 'image', steps }),
  );
  for (const unit of units) for (const s of unit.steps) unitOf.set(s, unit.id);
  const none = workflow.steps.filter((s) => !unitOf.has(s.id)).map((s) => s.id);
  if (none.length > 0) {
    units.push({ id: 'none_0', label: 'no image (not planned)', kind: 'none', steps: none });
    for (const s of none) unitOf.set(s, 'none_0');
  }
  const ids = new NodeIds();
  const byStep = findingsByStep(workflow, findings);
  const severityOf = new Map<string, Severity>();
  // Many inputs or outputs are one node each side: the picture is of the groups.
  const manyInputs = workflow.inputs.length > DIAGRAM_ENDS_LIMIT;
  const manyOutputs = workflow.outputs.length > DIAGRAM_ENDS_LIMIT;
  const inputId = (name: string) => (manyInputs ? 'in_all' : ids.input(name));
  const outputId = (name: string) => (manyOutputs ? 'result_all' : ids.output(name));
  if (manyInputs)
    lines.push(`  in_all${shape('input', `${workflow.inputs.length} workflow inputs`)}`);
  else
    for (const input of workflow.inputs)
      lines.push(`  ${ids.input(input.name)}${shape('input', input.name)}`);
  for (const unit of units) {
    const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
    for (const s of unit.steps) {
      const found = byStep.get(s);
      if (!found) continue;
      for (const sev of SEVERITIES) counts[sev] += found.counts[sev];
      const worst = severityOf.get(unit.id);
      if (worst === undefined || severityRank(found.severity) < severityRank(worst))
        severityOf.set(unit.id, found.severity);
    }
    const n = unit.steps.length;
    const what = `${n} step${n === 1 ? '' : 's'}${unit.kind === 'image' ? ', used as is' : ''}`;
    const found = SEVERITIES.some((sev) => counts[sev] > 0) ? `<br/>${countLabel(counts)}` : '';
    const text = `"${escapeLabel(unit.label)}<br/>${what}${found}"`;
    lines.push(
      `  ${unit.id}${unit.kind === 'image' ? `[[${text}]]` : unit.kind === 'none' ? `(${text})` : `[${text}]`}`,
    );
  }
  if (manyOutputs)
    lines.push(`  result_all${shape('output', `${workflow.outputs.length} desired outputs`)}`);
  else
    for (const output of workflow.outputs)
      lines.push(`  ${ids.output(output.name)}${shape('output', output.name)}`);

  const outputsByStep = new Map(workflow.steps.map((s) => [s.id, new Set(Object.keys(s.outputs))]));
  const inputNames = new Set(workflow.inputs.map((i) => i.name));
  const edges = new Set<string>();
  const missing: string[] = [];
  const edge = (text: string) => {
    if (edges.has(text)) return;
    edges.add(text);
    lines.push(`  ${text}`);
  };
  for (const step of workflow.steps) {
    const to = unitOf.get(step.id)!;
    for (const reference of step.inputs) {
      const producer = producerOf(reference, outputsByStep, inputNames);
      if (producer.kind === 'input') edge(`${inputId(reference)} --> ${to}`);
      else if (producer.kind === 'step') {
        const from = unitOf.get(producer.step)!;
        if (from !== to) edge(`${from} --> ${to}`);
      } else {
        if (!ids.hasMissing(reference)) missing.push(reference);
        edge(`${ids.missing(reference)} -.-> ${to}`);
      }
    }
  }
  for (const output of workflow.outputs) {
    if (outputsByStep.get(output.step)?.has(output.output))
      edge(`${unitOf.get(output.step)!} --> ${outputId(output.name)}`);
    else {
      const reference = `${output.step}.${output.output}`;
      if (!ids.hasMissing(reference)) missing.push(reference);
      edge(`${ids.missing(reference)} -.-> ${outputId(output.name)}`);
    }
  }
  for (const reference of missing)
    lines.push(`  ${ids.missing(reference)}${shape('missing', `${reference} (missing)`)}`);

  lines.push(
    '  classDef input fill:#eef6ff,stroke:#0969da',
    '  classDef output fill:#eefbf1,stroke:#1a7f37',
    '  classDef missing fill:#fff,stroke:#cf222e,stroke-dasharray:4 3',
    '  classDef asis fill:#f6f8fa,stroke:#57606a,stroke-dasharray:3 3',
    '  classDef error fill:#ffebe9,stroke:#cf222e,stroke-width:2px',
    '  classDef warning fill:#fff8c5,stroke:#9a6700,stroke-width:2px',
    '  classDef notice fill:#ddf4ff,stroke:#0969da',
  );
  const assign = (cls: string, nodeIds: string[]) => {
    if (nodeIds.length > 0) lines.push(`  class ${nodeIds.join(',')} ${cls}`);
  };
  assign('input', [...new Set(workflow.inputs.map((i) => inputId(i.name)))]);
  assign('output', [...new Set(workflow.outputs.map((o) => outputId(o.name)))]);
  assign(
    'missing',
    missing.map((m) => ids.missing(m)),
  );
  assign(
    'asis',
    units.filter((u) => u.kind !== 'group' && !severityOf.has(u.id)).map((u) => u.id),
  );
  for (const severity of SEVERITIES)
    assign(
      severity,
      units.filter((u) => severityOf.get(u.id) === severity).map((u) => u.id),
    );
  return lines.join('\n');
}

type Producer =
  { kind: 'input' } | { kind: 'step'; step: string; output: string } | { kind: 'missing' };

/**
 * A step input is a workflow input's name or `<step>.<output>` naming an output the step declares;
 * step ids may contain dots, so every split is tried.
 */
function producerOf(
  reference: string,
  outputsByStep: Map<string, Set<string>>,
  inputNames: Set<string>,
): Producer {
  if (inputNames.has(reference)) return { kind: 'input' };
  for (let dot = reference.lastIndexOf('.'); dot > 0; dot = reference.lastIndexOf('.', dot - 1)) {
    const step = reference.slice(0, dot);
    const output = reference.slice(dot + 1);
    if (outputsByStep.get(step)?.has(output)) return { kind: 'step', step, output };
  }
  return { kind: 'missing' };
}

export interface StepFindings {
  /** The most severe finding's severity. */
  severity: Severity;
  counts: Record<Severity, number>;
}

/**
 * The worst severity and number of findings inside each step's part of the spec. A finding belongs
 * to a step when it starts between the step's key and the end of its value. Steps are sorted by
 * where they start and each finding finds its step by binary search: O((steps + findings) log
 * steps), where comparing every finding with every step took minutes on large workflows.
 */
export function findingsByStep(
  workflow: Workflow,
  findings: readonly Finding[],
): Map<string, StepFindings> {
  const result = new Map<string, StepFindings>();
  const regions = stepRegions(workflow);
  for (const finding of findings) {
    const sorted = regions.get(finding.file);
    if (!sorted) continue;
    for (const region of regionsAt(sorted, finding.span.line, finding.span.column)) {
      const entry = result.get(region.step) ?? {
        severity: finding.severity,
        counts: { error: 0, warning: 0, notice: 0 },
      };
      entry.counts[finding.severity] += 1;
      if (severityRank(finding.severity) < severityRank(entry.severity)) {
        entry.severity = finding.severity;
      }
      result.set(region.step, entry);
    }
  }
  return result;
}

interface StepRegion {
  step: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Each step's region (its key to the end of its value), by file, sorted by start. */
function stepRegions(workflow: Workflow): Map<string, StepRegion[]> {
  const byFile = new Map<string, StepRegion[]>();
  for (const step of workflow.steps) {
    const key = workflow.source.locate(['steps', step.id], 'key');
    const value = workflow.source.locate(['steps', step.id], 'value');
    if (key.file !== value.file) continue;
    const list = byFile.get(key.file) ?? [];
    list.push({
      step: step.id,
      ...key.span,
      endLine: value.span.endLine,
      endColumn: value.span.endColumn,
    });
    byFile.set(key.file, list);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line || a.column - b.column);
  return byFile;
}

/**
 * The regions holding (line, column): the last regions starting at or before it (several when
 * steps share a start, as imported steps of one definition do), if the position is before their end.
 */
function regionsAt(sorted: readonly StepRegion[], line: number, column: number): StepRegion[] {
  const startsAfter = (r: StepRegion) => r.line > line || (r.line === line && r.column > column);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startsAfter(sorted[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  const found: StepRegion[] = [];
  const last = sorted[lo - 1];
  for (let i = lo - 1; i >= 0; i -= 1) {
    const r = sorted[i]!;
    if (r.line !== last!.line || r.column !== last!.column) break;
    if (line < r.endLine || (line === r.endLine && column <= r.endColumn)) found.push(r);
  }
  return found.reverse();
}

/** E.g. `1 error, 2 warnings`: our own text, so it may follow an escaped label unescaped. */
function countLabel(counts: Record<Severity, number>): string {
  return SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`)
    .join(', ');
}

type Shape = 'input' | 'step' | 'output' | 'missing';

/** The bracketed, quoted label of a node. `trusted` is appended unescaped (our own markup). */
function shape(kind: Shape, label: string, trusted = ''): string {
  const text = `"${escapeLabel(label)}${trusted}"`;
  switch (kind) {
    case 'input':
      return `([${text}])`;
    case 'output':
      return `[/${text}/]`;
    case 'missing':
      return `[${text}]`;
    case 'step':
      return `[${text}]`;
  }
}

function quote(label: string): string {
  return `"${escapeLabel(label)}"`;
}

/** A label's text as Mermaid entity codes (src/common/escape/mermaid.ts). */
export const escapeLabel = mermaidLabel;

/**
 * Generated node ids (`step_0`, …), stable per name and never derived from the name's characters.
 * None starts with `o` or `x`, which Mermaid could read as an edge's circle or cross end.
 */
class NodeIds {
  private readonly maps: Record<NodeKind, Map<string, string>> = {
    in: new Map(),
    step: new Map(),
    result: new Map(),
    missing: new Map(),
  };
  input(name: string) {
    return this.id('in', name);
  }
  step(name: string) {
    return this.id('step', name);
  }
  output(name: string) {
    return this.id('result', name);
  }
  missing(name: string) {
    return this.id('missing', name);
  }
  hasMissing(name: string) {
    return this.maps.missing.has(name);
  }
  private id(kind: NodeKind, name: string): string {
    const map = this.maps[kind];
    let id = map.get(name);
    if (id === undefined) {
      id = `${kind}_${map.size}`;
      map.set(name, id);
    }
    return id;
  }
}

type NodeKind = 'in' | 'step' | 'result' | 'missing';
