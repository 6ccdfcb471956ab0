/**
 * Nextflow export: a config file that sets each process's container to the image Stowage built,
 * `process { withName: 'NAME' { container = 'image@digest' } }`, used with `nextflow run … -c`.
 * A process's own name covers every alias it is included under (Nextflow matches selectors
 * against the name a process is defined with too); aliases and fully qualified names are written
 * only to tell apart processes that share a name but not an image.
 */
import { groovyComment, groovyString } from '../common/escape/groovy.js';
import { engineName, exportableSteps, pinningOf, pinningSentence } from './common.js';
import type { ExportInput, ExportResult } from './types.js';

export const NEXTFLOW_CONFIG_FILE = 'stowage.config';

/** `withName` selectors are regular expressions: match the name literally. */
function literalSelector(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One run of a process, by the names Nextflow matches `withName` selectors against. */
export interface NextflowRun {
  /** The name the process is defined with. */
  base: string;
  /** The alias it is included (and called) under. */
  name: string;
  /** The names of the workflows it runs in, then its alias (`WF:SUB:ALIAS`), when known. */
  fqn?: string;
}

/** A `withName` selector Stowage writes: a literal process name and the container it sets. */
export interface NextflowSelector {
  name: string;
  image: string;
}

/**
 * The container Stowage's selectors give one run, by Nextflow's rules (ProcessConfigBuilder
 * .applyConfig): `withName` selectors are matched against the process's base name, then its
 * simple name (the alias) when it differs, then its fully qualified name, each against every
 * selector in config order — so the last match wins, an alias's selector beats the base name's
 * and a fully qualified one beats both. Stowage's names are literal (escaped), so a selector
 * matches a name equal to it.
 */
export function nextflowContainer(
  selectors: readonly NextflowSelector[],
  run: NextflowRun,
): string | undefined {
  const targets = [run.base];
  if (run.name !== run.base) targets.push(run.name);
  if (run.fqn !== undefined && (run.fqn !== run.name || run.fqn !== run.base))
    targets.push(run.fqn);
  let image: string | undefined;
  for (const target of targets) for (const s of selectors) if (s.name === target) image = s.image;
  return image;
}

/** The runs of a step's process: as the importer recorded them, else its name alone. */
export function nextflowRuns(input: ExportInput, stepId: string): NextflowRun[] {
  const base = engineName(input, stepId);
  const runs = input.origin?.invocations?.[stepId];
  if (!runs || runs.length === 0) return [{ base, name: base }];
  return runs.map((r) => ({ base, name: r.name, fqn: r.fqn }));
}

interface Owned extends NextflowSelector {
  owners: Set<string>;
}

/**
 * The selectors that give every run of each exported step its image and no run of any other
 * step a Stowage image: a process's own name where every process of that name runs one image
 * (it covers every alias); where processes share a name but not an image, the alias of each
 * run, else its fully qualified name, when no run of another process answers to it. The result
 * is checked against Nextflow's rules (nextflowContainer) over every run; a step whose runs do
 * not all get its image is left out, with the reason.
 */
function selectorsFor(
  input: ExportInput,
  candidates: ReturnType<typeof exportableSteps>['steps'],
  skipped: ExportResult['skipped'],
): { selectors: NextflowSelector[]; steps: typeof candidates } {
  const want = new Map<string, string | undefined>();
  for (const step of input.workflow.steps) want.set(step.id, undefined);
  for (const c of candidates) want.set(c.step.id, c.image.ref);
  const runs = new Map([...want.keys()].map((id) => [id, nextflowRuns(input, id)]));
  const answersTo = new Map<string, Set<string>>(); // a name → the steps whose runs answer to it
  for (const [id, list] of runs)
    for (const r of list)
      for (const n of [r.base, r.name, r.fqn])
        if (n !== undefined) answersTo.set(n, (answersTo.get(n) ?? new Set()).add(id));
  /** Only steps that want `image` answer to `name`. */
  const safe = (name: string, image: string): boolean =>
    [...(answersTo.get(name) ?? [])].every((id) => want.get(id) === image);

  const selectors = new Map<string, Owned>();
  const add = (name: string, image: string, owner: string): void => {
    const s = selectors.get(name);
    if (s === undefined) selectors.set(name, { name, image, owners: new Set([owner]) });
    else if (s.image === image) s.owners.add(owner);
  };
  const failing = (): Map<string, NextflowRun[]> => {
    const list = [...selectors.values()];
    const bad = new Map<string, NextflowRun[]>();
    for (const [id, rs] of runs) {
      const wrong = rs.filter((r) => nextflowContainer(list, r) !== want.get(id));
      if (wrong.length > 0) bad.set(id, wrong);
    }
    return bad;
  };
  // The process's own name, where every process of that name runs one image.
  for (const c of candidates) {
    const base = engineName(input, c.step.id);
    if (safe(base, c.image.ref)) add(base, c.image.ref, c.step.id);
  }
  // Runs still wrong: their alias, then their fully qualified name — only when every run is
  // known (past the importer's budget, a run not recorded could answer to the same name).
  const levels = input.origin?.invocationsComplete === false ? [] : (['name', 'fqn'] as const);
  for (const level of levels) {
    for (const [id, wrong] of failing()) {
      const image = want.get(id);
      if (image === undefined) continue;
      for (const r of wrong) {
        const name = r[level];
        if (name !== undefined && name !== r.base && safe(name, image)) add(name, image, id);
      }
    }
  }
  // What is still wrong is left out, with the selectors it owns (and, for a step that gets an
  // image it should not, the selectors that gave it).
  // A step left out must then get no Stowage image at all; each round removes selectors or
  // leaves a step out, so the rounds end.
  const left = new Map<string, NextflowRun[]>();
  for (let bad = failing(); bad.size > 0; bad = failing()) {
    let changed = false;
    for (const [id, wrong] of bad) {
      if (want.get(id) !== undefined) {
        left.set(id, wrong);
        want.set(id, undefined);
        changed = true;
      }
      for (const [name, s] of selectors) {
        const hits = wrong.some((r) => [r.base, r.name, r.fqn].includes(name));
        if (s.owners.has(id) || hits) changed = selectors.delete(name) || changed;
      }
    }
    if (!changed) break;
  }
  for (const [id, wrong] of left) {
    const base = engineName(input, id);
    const shown = [...new Set(wrong.map((r) => r.fqn ?? r.name))].slice(0, 3).join(', ');
    skipped.push({
      step: id,
      reason: `another process is also named ${base} (or answers to one of its names) and runs a different image; withName cannot tell them apart by the names Nextflow runs this one under (${shown}). Add a withName: '<fully qualified name>' { container = … } selector per run by hand, with this step's image from the plan`,
    });
  }
  return {
    selectors: [...selectors.values()].map(({ name, image }) => ({ name, image })),
    steps: candidates.filter((c) => !left.has(c.step.id)),
  };
}

export function exportNextflow(input: ExportInput): ExportResult {
  const exportable = exportableSteps(input);
  const skipped = exportable.skipped;
  const { selectors, steps } = selectorsFor(input, exportable.steps, skipped);
  const pinning = pinningOf(steps.map((s) => s.image));
  const lines = [
    groovyComment(
      `Generated by Stowage for workflow ${JSON.stringify(input.workflow.name)}: the container of each process.`,
    ),
    groovyComment(pinningSentence(pinning)),
    groovyComment(`Use: nextflow run <pipeline> -c ${NEXTFLOW_CONFIG_FILE}`),
    'process {',
  ];
  for (const { name, image } of selectors) {
    lines.push(`    withName: ${groovyString(literalSelector(name))} {`);
    lines.push(`        container = ${groovyString(image)}`);
    lines.push('    }');
  }
  lines.push('}', '');
  return {
    engine: 'nextflow',
    files: { [NEXTFLOW_CONFIG_FILE]: lines.join('\n') },
    pinning,
    steps: steps.map((s) => s.step.id),
    skipped,
    usage: `nextflow run <pipeline> -c ${NEXTFLOW_CONFIG_FILE} (add -profile singularity/apptainer on clusters without Docker)`,
  };
}
