/**
 * The catalogue of every finding Stowage can report: stable ID, kebab-case name, default severity,
 * a one-line description, the docs page and a help text (SARIF `help`). Suppressions and config
 * validate rule IDs against this list, so it also holds the rules other layers implement (the
 * loader's STW100, the plan's STW404–406 and STW410).
 */
import type { Severity } from './findings.js';

/** Which layer reports a rule: lint rules run in `lintWorkflow`; the others arrive as `extra`. */
export type RuleOwner = 'lint' | 'loader' | 'plan' | 'importer';

export interface RuleMeta {
  id: string;
  name: string;
  defaultSeverity: Severity;
  description: string;
  docsUrl: string;
  /** A few sentences for SARIF `help`: why it matters and how to fix it. */
  help: string;
  owner: RuleOwner;
}

const DOCS_BASE = 'https://github.com/stowage-dev/stowage/blob/main/docs/rules';

function rule(
  id: string,
  name: string,
  defaultSeverity: Severity,
  owner: RuleOwner,
  description: string,
  help: string,
): RuleMeta {
  return { id, name, defaultSeverity, description, docsUrl: `${DOCS_BASE}/${id}.md`, help, owner };
}

/** Every rule, in ID order. */
export const RULES: readonly RuleMeta[] = [
  rule(
    'STW001',
    'bad-suppression',
    'warning',
    'lint',
    'A stowage-ignore comment has no reason, names an unknown rule, or is misplaced.',
    'Write suppressions as `# stowage-ignore STW202 -- reason` on or above the line, or `# stowage-ignore-file STW409 -- reason` at the top of the file. The reason after `--` tells the next reader why the smell is acceptable.',
  ),
  rule(
    'STW002',
    'unused-suppression',
    'warning',
    'lint',
    'A stowage-ignore comment suppresses no finding.',
    'A suppression that matches nothing hides future findings for no reason. Remove it, or move it onto (or just above) the line the finding points at.',
  ),
  rule(
    'STW003',
    'bad-config',
    'warning',
    'lint',
    'The lint configuration names an unknown rule or setting, or gives an invalid value.',
    "Lint configuration (`.stowage/config.yml` or the spec's `lint:` key) takes `rules:` (rule ID or name → off|error|warning|notice) and `settings:` (known setting names). Fix the typo the message points at.",
  ),
  rule(
    'STW100',
    'schema',
    'error',
    'loader',
    'The file breaks the spec schema.',
    'The spec must follow the version 1 schema. The message names the offending key or value and suggests the closest valid one.',
  ),
  rule(
    'STW101',
    'unknown-reference',
    'error',
    'lint',
    'A step input or desired output names no workflow input and no step output.',
    "Every entry of a step's `inputs` must name a workflow input or a `<step>.<output>`; every desired output must name an output a step declares. Fix the typo or declare the missing input or output.",
  ),
  rule(
    'STW102',
    'cycle',
    'error',
    'lint',
    'Steps depend on each other in a loop.',
    'A workflow is a directed acyclic graph: a step cannot (indirectly) consume its own output. Break the loop by splitting a step or by reading the earlier version of the data as a workflow input.',
  ),
  rule(
    'STW103',
    'duplicate-output',
    'error',
    'lint',
    'Two step outputs write the same path.',
    'When two outputs write the same path, one overwrites the other and the result depends on scheduling order. Give each output its own path.',
  ),
  rule(
    'STW104',
    'dead-step',
    'warning',
    'lint',
    "A step's outputs feed no other step and are no desired output.",
    'A step whose results nobody uses costs compute and maintenance for nothing. Add its output to the workflow `outputs`, feed it to a step, or remove the step.',
  ),
  rule(
    'STW105',
    'no-desired-output',
    'warning',
    'lint',
    'The workflow declares no desired outputs.',
    'Without `outputs`, nothing says what the workflow is for, and no check can tell whether it produces it. Name the results under `outputs:` as `<name>: <step>.<output>`.',
  ),
  rule(
    'STW106',
    'unused-input',
    'warning',
    'lint',
    'A declared workflow input is used by no step.',
    "An input nobody reads still has to be staged onto the cluster. Reference it from a step's `inputs` or remove it.",
  ),
  rule(
    'STW201',
    'step-too-big',
    'warning',
    'lint',
    'A step mixes runtimes, calls many tools or chains many commands: split it.',
    'A step that mixes runtimes forces one container to hold all of them, and a step chaining many tools cannot be rerun, resourced or cached piece by piece. Split it into one step per runtime or tool.',
  ),
  rule(
    'STW202',
    'tiny-chain',
    'notice',
    'lint',
    'A linear chain of short steps that would share a container group: merge them.',
    'Each step costs scheduling, container start-up and data staging. A straight chain of short steps in the same image does the same work with less overhead as one step. Merge them, or raise the `tiny-chain-max-duration` setting.',
  ),
  rule(
    'STW203',
    'missing-duration',
    'notice',
    'lint',
    'A step gives no expected processing time.',
    'Without `duration`, nobody can tell whether a step is too big, too small or fits the requested time. Add `duration:` with the expected processing time per run (e.g. `40m`).',
  ),
  rule(
    'STW301',
    'missing-economics',
    'notice',
    'lint',
    'The workflow gives no runs or time figures to judge the automation by.',
    'The `economics:` block (runs-per-year, manual-minutes-per-run, development-hours, maintenance-hours-per-year, horizon-years) lets Stowage tell whether automating pays off.',
  ),
  rule(
    'STW302',
    'not-worth-automating',
    'warning',
    'lint',
    'Development and maintenance over the horizon exceed the manual time saved.',
    'Time saved is runs per year × manual minutes per run × horizon; the cost is development hours + maintenance hours per year × horizon. When the cost is larger, automating does not pay back within the horizon: reduce the scope, or state why it is worth it anyway (reproducibility, errors avoided) in a suppression reason.',
  ),
  rule(
    'STW401',
    'no-software',
    'warning',
    'lint',
    'A step declares no software and no container.',
    "Without `software` or an image in `container`, a step's image holds only the base system, and the step works only by accident. List what `run` calls under `software`, or set `container:` to an image.",
  ),
  rule(
    'STW402',
    'unpinned',
    'warning',
    'lint',
    'A package or runtime has no exact version.',
    'Unpinned packages make an image change whenever it is rebuilt, so results are not reproducible and the content hash cannot detect the change. Pin an exact version (`numpy==2.0.1`, `python: "3.12"`).',
  ),
  rule(
    'STW403',
    'mutable-image',
    'warning',
    'lint',
    'An image reference uses `latest` or has no tag or digest.',
    'A tag like `latest` (or no tag) points at different images over time, so two runs of the same workflow can use different software. Use a version tag, or better a digest (`@sha256:…`).',
  ),
  rule(
    'STW404',
    'forced-conflict',
    'error',
    'plan',
    'A pinned group holds conflicting requirements.',
    'Steps pinned to one group ask for requirements no single image can satisfy. Move one of the steps to another group or align the versions.',
  ),
  rule(
    'STW405',
    'over-budget',
    'warning',
    'plan',
    'A group cannot fit the image size budget.',
    'A group estimated above `containers.size-budget` is slow to pull onto every node. Split the group or raise the budget.',
  ),
  rule(
    'STW406',
    'over-split',
    'notice',
    'plan',
    'Pinned groups could merge without conflict.',
    'Every extra image is one more thing to pull, scan and keep in step. Merge pinned groups that share a family and do not conflict.',
  ),
  rule(
    'STW407',
    'gpu-mismatch',
    'warning',
    'lint',
    'GPU software without GPU resources, or GPU resources without GPU software.',
    'A GPU build without a GPU falls back to the CPU (slowly) or fails; a GPU requested by CPU-only software idles an expensive device. Request `resources.gpus` for GPU software, or drop the GPU request.',
  ),
  rule(
    'STW408',
    'service-without-entrypoint',
    'error',
    'lint',
    'A service step has no entrypoint.',
    'A long-running service is started from its image, so the image needs to know the command: give the step an `entrypoint:` (a command array).',
  ),
  rule(
    'STW409',
    'reuse-not-considered',
    'notice',
    'lint',
    '`based-on` is missing.',
    "Before writing a workflow, look for an existing one to adapt (nf-core, WorkflowHub, a colleague's). Record it under `based-on:`, or write `based-on: none` after looking.",
  ),
  rule(
    'STW410',
    'invalid-requirement',
    'error',
    'plan',
    'A software requirement cannot be parsed or would be unsafe to install.',
    'Requirements reach a Dockerfile, so each must be a valid specifier of its ecosystem (e.g. `numpy==2.0.1`, `bioconda::samtools=1.20`, `org.group:artifact:1.0`).',
  ),
  rule(
    'STW420',
    'import-error',
    'error',
    'importer',
    'A file of an imported pipeline (Nextflow, Snakemake, CWL) cannot be read or parsed.',
    'The importer could not read this file, so the steps it defines are missing from the plan. Fix the syntax at the position given, or the path of the file it names; the rest of the pipeline is still imported.',
  ),
  rule(
    'STW421',
    'import-partial',
    'notice',
    'importer',
    'The imported format cannot express something Stowage checks; the affected rules are off.',
    'Engines such as Nextflow pass channels, not file paths, and record no durations or economics. Rules that cannot apply are turned off for the import and said so once. Add a stowage.yml beside the pipeline for the full checks.',
  ),
  rule(
    'STW501',
    'missing-resources',
    'warning',
    'lint',
    'A cluster is set but a step requests no (or incomplete) resources.',
    'A scheduler gives a job without requests its defaults, which may be too small (the job is killed) or too large (it waits in the queue). Set `resources:` with cpus, memory and time.',
  ),
  rule(
    'STW502',
    'exceeds-cluster',
    'error',
    'lint',
    "A resource request exceeds the cluster's node limits or walltime.",
    'A job asking for more than one node offers will never be scheduled. Lower the request, split the step, or correct the `cluster:` limits.',
  ),
  rule(
    'STW503',
    'duration-exceeds-time',
    'warning',
    'lint',
    'The expected duration is longer than the requested time.',
    'The scheduler kills a job when its requested time runs out. Request more time than the expected duration, with a margin, or split the step.',
  ),
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));
const BY_NAME = new Map(RULES.map((r) => [r.name, r]));

export function ruleById(id: string): RuleMeta | undefined {
  return BY_ID.get(id.toUpperCase());
}

/** A rule by ID (`STW202`, any case) or name (`tiny-chain`). */
export function ruleByIdOrName(idOrName: string): RuleMeta | undefined {
  const key = idOrName.trim();
  return BY_ID.get(key.toUpperCase()) ?? BY_NAME.get(key.toLowerCase());
}

/** Catalogue lookup that must succeed (for rule modules naming their own ID). */
export function requireRule(id: string): RuleMeta {
  const meta = ruleById(id);
  if (!meta) throw new Error(`rule ${id} is not in the catalogue`);
  return meta;
}
