/**
 * The dependency graph of a workflow: what each step input refers to, who produces and who
 * consumes each output, the step-to-step edges, and the loops among them. Built once per lint run
 * and shared by the rules; exports use it to order steps.
 */
import type { Step, Workflow } from './model.js';

/** What one entry of a step's `inputs` resolved to. */
export type Reference =
  | { kind: 'input'; raw: string; index: number; input: string }
  | { kind: 'output'; raw: string; index: number; step: string; output: string }
  /** `reason` says which part did not resolve, for the message. */
  | {
      kind: 'unknown';
      raw: string;
      index: number;
      reason: 'no-input' | 'no-step' | 'no-output';
      step?: string;
      output?: string;
    };

/** A step consuming another step's output, through the input at `index` of `to`'s `inputs`. */
export interface Edge {
  from: string;
  to: string;
  output: string;
  index: number;
}

export interface DependencyGraph {
  steps: ReadonlyMap<string, Step>;
  /** Workflow input names. */
  inputs: ReadonlySet<string>;
  /** Step ID → its resolved `inputs` entries, in order. */
  references: ReadonlyMap<string, readonly Reference[]>;
  /** `step.output` → the steps (and input index) that consume it. */
  consumersOf: ReadonlyMap<string, readonly Edge[]>;
  /** Workflow input name → the step IDs that read it (through `inputs` or `{inputs.x}` in run). */
  readersOf: ReadonlyMap<string, readonly string[]>;
  /** Step ID → edges to the steps that consume its outputs (one per consuming input entry). */
  downstream: ReadonlyMap<string, readonly Edge[]>;
  /** Step ID → edges from the steps whose outputs it consumes. */
  upstream: ReadonlyMap<string, readonly Edge[]>;
  /** `step.output` keys named by the workflow's desired outputs. */
  desired: ReadonlySet<string>;
  /** Each loop as its edges in order (the last edge returns to the first step); document order. */
  cycles: readonly (readonly Edge[])[];
}

/** `{inputs.name}` placeholders in a step's `run`. */
const INPUT_PLACEHOLDER = /\{inputs\.([A-Za-z0-9_.-]+)\}/g;

export function outputKey(step: string, output: string): string {
  return `${step}.${output}`;
}

export function buildGraph(workflow: Workflow): DependencyGraph {
  const steps = new Map(workflow.steps.map((s) => [s.id, s]));
  const inputs = new Set(workflow.inputs.map((i) => i.name));
  const references = new Map<string, Reference[]>();
  const consumersOf = new Map<string, Edge[]>();
  const readersOf = new Map<string, string[]>();
  const downstream = new Map<string, Edge[]>();
  const upstream = new Map<string, Edge[]>();
  for (const step of workflow.steps) {
    downstream.set(step.id, []);
    upstream.set(step.id, []);
  }

  // A set per input beside its list: a star of thousands of readers checks each in constant time.
  const readerSets = new Map<string, Set<string>>();
  const addReader = (input: string, step: string): void => {
    let seen = readerSets.get(input);
    if (!seen) {
      seen = new Set();
      readerSets.set(input, seen);
      readersOf.set(input, []);
    }
    if (seen.has(step)) return;
    seen.add(step);
    readersOf.get(input)!.push(step);
  };

  for (const step of workflow.steps) {
    const resolved = step.inputs.map((raw, index) => resolveReference(raw, index, inputs, steps));
    references.set(step.id, resolved);
    for (const ref of resolved) {
      if (ref.kind === 'input') addReader(ref.input, step.id);
      if (ref.kind !== 'output') continue;
      const edge: Edge = { from: ref.step, to: step.id, output: ref.output, index: ref.index };
      const key = outputKey(ref.step, ref.output);
      const consumers = consumersOf.get(key);
      if (consumers) consumers.push(edge);
      else consumersOf.set(key, [edge]);
      downstream.get(ref.step)!.push(edge);
      upstream.get(step.id)!.push(edge);
    }
    for (const [, name] of (step.run ?? '').matchAll(INPUT_PLACEHOLDER)) {
      if (inputs.has(name!)) addReader(name!, step.id);
    }
  }

  const desired = new Set(workflow.outputs.map((o) => outputKey(o.step, o.output)));
  const order = workflow.steps.map((s) => s.id);
  return {
    steps,
    inputs,
    references,
    consumersOf,
    readersOf,
    downstream,
    upstream,
    desired,
    cycles: findCycles(order, downstream),
  };
}

function resolveReference(
  raw: string,
  index: number,
  inputs: ReadonlySet<string>,
  steps: ReadonlyMap<string, Step>,
): Reference {
  if (inputs.has(raw)) return { kind: 'input', raw, index, input: raw };
  const dot = raw.indexOf('.');
  if (dot < 0) return { kind: 'unknown', raw, index, reason: 'no-input' };
  const step = raw.slice(0, dot);
  const output = raw.slice(dot + 1);
  const producer = steps.get(step);
  if (!producer) return { kind: 'unknown', raw, index, reason: 'no-step', step, output };
  if (!Object.hasOwn(producer.outputs, output)) {
    return { kind: 'unknown', raw, index, reason: 'no-output', step, output };
  }
  return { kind: 'output', raw, index, step, output };
}

/**
 * Loops among the steps: Tarjan's strongly connected components, then one loop per component
 * (a shortest path back to its first step in document order), so a tangle is reported once.
 */
function findCycles(
  order: readonly string[],
  downstream: ReadonlyMap<string, readonly Edge[]>,
): Edge[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  // Iterative Tarjan: a recursive one overflows the stack on long generated chains.
  for (const root of order) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter);
    counter += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = downstream.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const target = edges[frame.next]!.to;
        frame.next += 1;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  const position = new Map(order.map((id, i) => [id, i]));
  const cycles: Edge[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort((a, b) => position.get(a)! - position.get(b)!)[0]!;
    const selfLoop = (downstream.get(start) ?? []).find((e) => e.to === start);
    if (component.length === 1 && !selfLoop) continue;
    cycles.push(selfLoop ? [selfLoop] : shortestLoop(start, members, downstream));
  }
  return cycles.sort((a, b) => position.get(a[0]!.from)! - position.get(b[0]!.from)!);
}

/** Breadth-first search from `start` back to itself inside one component. */
function shortestLoop(
  start: string,
  members: ReadonlySet<string>,
  downstream: ReadonlyMap<string, readonly Edge[]>,
): Edge[] {
  const via = new Map<string, Edge>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head]!;
    for (const edge of downstream.get(node) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const loop = [edge];
        for (let at = node; at !== start; at = via.get(at)!.from) loop.unshift(via.get(at)!);
        return loop;
      }
      if (via.has(edge.to)) continue;
      via.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return [];
}
