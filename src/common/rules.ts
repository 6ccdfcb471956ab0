/**
 * The catalogue of every finding Stowage reports, whichever layer reports it (loader, importers,
 * plan, lint): stable ID, kebab-case name, default severity, a one-line description and a help
 * text (SARIF `help`); the docs page is `docs/rules/<ID>.md`.
 *
 * One catalogue below every layer rather than metadata in each rule module (ESLint's way): four
 * layers report findings, and config, suppressions and SARIF need the whole list without loading
 * the layers that report them. Adding a rule is one entry here, the code that reports it (for a
 * lint rule, one file under src/lint/rules/), and its doc page; a test keeps the three in step.
 */
import type { Finding, Location, Severity } from './findings.js';

/** Which layer reports a rule: lint rules run in `lintWorkflow`; the others arrive as `extra`. */
export type RuleOwner = 'lint' | 'loader' | 'plan' | 'importer' | 'resolve' | 'build';

interface RuleEntry {
  name: string;
  severity: Severity;
  owner: RuleOwner;
  description: string;
  help: string;
}

const CATALOGUE = {
  STW001: {
    name: 'bad-suppression',
    severity: 'warning',
    owner: 'lint',
    description: 'A stowage-ignore comment has no reason, names an unknown rule, or is misplaced.',
    help: 'Write suppressions as `# stowage-ignore STW202 -- reason` on or above the line, or `# stowage-ignore-file STW409 -- reason` at the top of the file. The reason after `--` tells the next reader why the smell is acceptable.',
  },
  STW002: {
    name: 'unused-suppression',
    severity: 'warning',
    owner: 'lint',
    description: 'A stowage-ignore comment suppresses no finding.',
    help: 'A suppression that matches nothing hides future findings for no reason. Remove it, or move it onto (or just above) the line the finding points at.',
  },
  STW003: {
    name: 'bad-config',
    severity: 'warning',
    owner: 'lint',
    description:
      'The lint configuration names an unknown rule or setting, or gives an invalid value.',
    help: "Lint configuration (`.stowage/config.yml` or the spec's `lint:` key) takes `rules:` (rule ID or name → off|error|warning|notice) and `settings:` (known setting names). Fix the typo the message points at.",
  },
  STW100: {
    name: 'schema',
    severity: 'error',
    owner: 'loader',
    description: 'The file breaks the spec schema.',
    help: 'The spec must follow the version 1 schema. The message names the offending key or value and suggests the closest valid one.',
  },
  STW101: {
    name: 'unknown-reference',
    severity: 'error',
    owner: 'lint',
    description: 'A step input or desired output names no workflow input and no step output.',
    help: "Every entry of a step's `inputs` must name a workflow input or a `<step>.<output>`; every desired output must name an output a step declares. Fix the typo or declare the missing input or output.",
  },
  STW102: {
    name: 'cycle',
    severity: 'error',
    owner: 'lint',
    description: 'Steps depend on each other in a loop.',
    help: 'A workflow is a directed acyclic graph: a step cannot (indirectly) consume its own output. Break the loop by splitting a step or by reading the earlier version of the data as a workflow input.',
  },
  STW103: {
    name: 'duplicate-output',
    severity: 'error',
    owner: 'lint',
    description: 'Two step outputs write the same path.',
    help: 'When two outputs write the same path, one overwrites the other and the result depends on scheduling order. Give each output its own path.',
  },
  STW104: {
    name: 'dead-step',
    severity: 'warning',
    owner: 'lint',
    description: "A step's outputs feed no other step and are no desired output.",
    help: 'A step whose results nobody uses costs compute and maintenance for nothing. Add its output to the workflow `outputs`, feed it to a step, or remove the step.',
  },
  STW105: {
    name: 'no-desired-output',
    severity: 'warning',
    owner: 'lint',
    description: 'The workflow declares no desired outputs.',
    help: 'Without `outputs`, nothing says what the workflow is for, and no check can tell whether it produces it. Name the results under `outputs:` as `<name>: <step>.<output>`.',
  },
  STW106: {
    name: 'unused-input',
    severity: 'warning',
    owner: 'lint',
    description: 'A declared workflow input is used by no step.',
    help: "An input nobody reads still has to be staged onto the cluster. Reference it from a step's `inputs` or remove it.",
  },
  STW201: {
    name: 'step-too-big',
    severity: 'warning',
    owner: 'lint',
    description: 'A step mixes runtimes, calls many tools or chains many commands: split it.',
    help: 'A step that mixes runtimes forces one container to hold all of them, and a step chaining many tools cannot be rerun, resourced or cached piece by piece. Split it into one step per runtime or tool.',
  },
  STW202: {
    name: 'tiny-chain',
    severity: 'notice',
    owner: 'lint',
    description: 'A linear chain of short steps that would share a container group: merge them.',
    help: 'Each step costs scheduling, container start-up and data staging. A straight chain of short steps in the same image does the same work with less overhead as one step. Merge them, or raise the `tiny-chain-max-duration` setting.',
  },
  STW203: {
    name: 'missing-duration',
    severity: 'notice',
    owner: 'lint',
    description: 'A step gives no expected processing time.',
    help: 'Without `duration`, nobody can tell whether a step is too big, too small or fits the requested time. Add `duration:` with the expected processing time per run (e.g. `40m`).',
  },
  STW301: {
    name: 'missing-economics',
    severity: 'notice',
    owner: 'lint',
    description: 'The workflow gives no runs or time figures to judge the automation by.',
    help: 'The `economics:` block (runs-per-year, manual-minutes-per-run, development-hours, maintenance-hours-per-year, horizon-years) lets Stowage tell whether automating pays off.',
  },
  STW302: {
    name: 'not-worth-automating',
    severity: 'warning',
    owner: 'lint',
    description: 'Development and maintenance over the horizon exceed the manual time saved.',
    help: 'Time saved is runs per year × manual minutes per run × horizon; the cost is development hours + maintenance hours per year × horizon. When the cost is larger, automating does not pay back within the horizon: reduce the scope, or state why it is worth it anyway (reproducibility, errors avoided) in a suppression reason.',
  },
  STW401: {
    name: 'no-software',
    severity: 'warning',
    owner: 'lint',
    description: 'A step declares no software and no container.',
    help: "Without `software` or an image in `container`, a step's image holds only the base system, and the step works only by accident. List what `run` calls under `software`, or set `container:` to an image.",
  },
  STW402: {
    name: 'unpinned',
    severity: 'warning',
    owner: 'lint',
    description: 'A package or runtime has no exact version.',
    help: 'Unpinned packages make an image change whenever it is rebuilt, so results are not reproducible and the content hash cannot detect the change. Pin an exact version (`numpy==2.0.1`, `python: "3.12"`).',
  },
  STW403: {
    name: 'mutable-image',
    severity: 'warning',
    owner: 'lint',
    description: 'An image reference uses `latest` or has no tag or digest.',
    help: 'A tag like `latest` (or no tag) points at different images over time, so two runs of the same workflow can use different software. Use a version tag, or better a digest (`@sha256:…`).',
  },
  STW404: {
    name: 'forced-conflict',
    severity: 'error',
    owner: 'plan',
    description: 'A pinned group holds conflicting requirements.',
    help: 'Steps pinned to one group ask for requirements no single image can satisfy. Move one of the steps to another group or align the versions.',
  },
  STW405: {
    name: 'over-budget',
    severity: 'warning',
    owner: 'plan',
    description: 'A group cannot fit the image size budget.',
    help: 'A group estimated above `containers.size-budget` is slow to pull onto every node. Split the group or raise the budget.',
  },
  STW406: {
    name: 'over-split',
    severity: 'notice',
    owner: 'plan',
    description: 'Pinned groups could merge without conflict.',
    help: 'Every extra image is one more thing to pull, scan and keep in step. Merge pinned groups that share a family and do not conflict.',
  },
  STW407: {
    name: 'gpu-mismatch',
    severity: 'warning',
    owner: 'lint',
    description: 'GPU software without GPU resources, or GPU resources without GPU software.',
    help: 'A GPU build without a GPU falls back to the CPU (slowly) or fails; a GPU requested by CPU-only software idles an expensive device. Request `resources.gpus` for GPU software, or drop the GPU request.',
  },
  STW408: {
    name: 'service-without-entrypoint',
    severity: 'error',
    owner: 'lint',
    description: 'A service step has no entrypoint.',
    help: 'A long-running service is started from its image, so the image needs to know the command: give the step an `entrypoint:` (a command array).',
  },
  STW409: {
    name: 'reuse-not-considered',
    severity: 'notice',
    owner: 'lint',
    description: '`based-on` is missing.',
    help: "Before writing a workflow, look for an existing one to adapt (nf-core, WorkflowHub, a colleague's). Record it under `based-on:`, or write `based-on: none` after looking.",
  },
  STW410: {
    name: 'invalid-requirement',
    severity: 'error',
    owner: 'plan',
    description: 'A software requirement cannot be parsed or would be unsafe to install.',
    help: 'Requirements reach a Dockerfile, so each must be a valid specifier of its ecosystem (e.g. `numpy==2.0.1`, `bioconda::samtools=1.20`, `org.group:artifact:1.0`).',
  },
  STW420: {
    name: 'import-error',
    severity: 'error',
    owner: 'importer',
    description:
      'A file of an imported pipeline (Nextflow, Snakemake, CWL) cannot be read or parsed.',
    help: 'The importer could not read this file, so the steps it defines are missing from the plan. Fix the syntax at the position given, or the path of the file it names; the rest of the pipeline is still imported.',
  },
  STW421: {
    name: 'import-partial',
    severity: 'notice',
    owner: 'importer',
    description:
      'The imported format cannot express something Stowage checks; the affected rules are off.',
    help: 'Engines such as Nextflow pass channels, not file paths, and record no durations or economics. Rules that cannot apply are turned off for the import and said so once. Add a stowage.yml beside the pipeline for the full checks.',
  },
  STW430: {
    name: 'solver-split',
    severity: 'notice',
    owner: 'resolve',
    description:
      'Steps whose packages conflict through their dependencies were put into different images.',
    help: "The packages a step names can be compatible by name and still not install together: samtools 1.17 and bcftools 1.20 need different htslib; manta needs Python 2.7, multiqc Python 3. The ecosystem's own solver (conda's, pip's, npm's) said so, and the plan keeps the steps apart. Align the versions to share one image, or accept the extra image.",
  },
  STW431: {
    name: 'unsolvable',
    severity: 'error',
    owner: 'resolve',
    description: "A step's (or a pinned group's) packages do not solve at all.",
    help: 'The solver found no set of packages that satisfies the requirements, even with the step alone in its image: a version that does not exist, or requirements of the step that exclude each other. The group is not rendered; change the versions the message names.',
  },
  STW440: {
    name: 'missing-command',
    severity: 'error',
    owner: 'build',
    description: "A built image lacks a command its step calls (the build's smoke test).",
    help: "Every build ends by checking, inside the image, that each command a step calls resolves — on PATH, or at the absolute path the step names — and that the entrypoint dispatches each step. A command that does not is a step that would fail at run time: the group is not pushed. Add the package that provides the command to the step's software, or correct the command.",
  },
  STW501: {
    name: 'missing-resources',
    severity: 'warning',
    owner: 'lint',
    description: 'A cluster is set but a step requests no (or incomplete) resources.',
    help: 'A scheduler gives a job without requests its defaults, which may be too small (the job is killed) or too large (it waits in the queue). Set `resources:` with cpus, memory and time.',
  },
  STW502: {
    name: 'exceeds-cluster',
    severity: 'error',
    owner: 'lint',
    description: "A resource request exceeds the cluster's node limits or walltime.",
    help: 'A job asking for more than one node offers will never be scheduled. Lower the request, split the step, or correct the `cluster:` limits.',
  },
  STW503: {
    name: 'duration-exceeds-time',
    severity: 'warning',
    owner: 'lint',
    description: 'The expected duration is longer than the requested time.',
    help: 'The scheduler kills a job when its requested time runs out. Request more time than the expected duration, with a margin, or split the step.',
  },
} as const satisfies Record<string, RuleEntry>;

/** A rule ID the catalogue knows: `'STW101'`, … */
export type RuleId = keyof typeof CATALOGUE;

export interface RuleMeta {
  id: RuleId;
  name: string;
  defaultSeverity: Severity;
  description: string;
  docsUrl: string;
  /** A few sentences for SARIF `help`: why it matters and how to fix it. */
  help: string;
  owner: RuleOwner;
}

const DOCS_BASE = 'https://github.com/stowage-dev/stowage/blob/main/docs/rules';

/** Every rule, in ID order. */
export const RULES: readonly RuleMeta[] = (Object.keys(CATALOGUE) as RuleId[]).sort().map((id) => {
  const entry: RuleEntry = CATALOGUE[id];
  return {
    id,
    name: entry.name,
    defaultSeverity: entry.severity,
    description: entry.description,
    docsUrl: `${DOCS_BASE}/${id}.md`,
    help: entry.help,
    owner: entry.owner,
  };
});

const BY_ID = new Map<string, RuleMeta>(RULES.map((r) => [r.id, r]));
const BY_NAME = new Map<string, RuleMeta>(RULES.map((r) => [r.name, r]));

/** The metadata of a known rule. */
export function ruleMeta(id: RuleId): RuleMeta {
  return BY_ID.get(id)!;
}

export function ruleById(id: string): RuleMeta | undefined {
  return BY_ID.get(id.toUpperCase());
}

/** A rule by ID (`STW202`, any case) or name (`tiny-chain`). */
export function ruleByIdOrName(idOrName: string): RuleMeta | undefined {
  const key = idOrName.trim();
  return BY_ID.get(key.toUpperCase()) ?? BY_NAME.get(key.toLowerCase());
}

/**
 * A finding of rule `id` at `at`, with the rule's name and default severity (configuration may
 * change the severity later).
 */
export function finding(id: RuleId, at: Location, message: string, severity?: Severity): Finding {
  const meta = ruleMeta(id);
  return {
    rule: id,
    name: meta.name,
    severity: severity ?? meta.defaultSeverity,
    message,
    file: at.file,
    span: at.span,
  };
}
