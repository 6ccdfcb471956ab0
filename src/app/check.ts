/**
 * The shared pipeline both adapters run: load (or import) a workflow, plan it, lint it.
 * Free of `@actions/*`: the action and the CLI differ only in how they read options and print.
 *
 * Plan findings (STW404–406, STW410) go through the lint engine with the loader's, so one
 * configuration and one set of suppression comments governs every finding.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Finding } from '../common/findings.js';
import schema from '../workflow/schema.json' with { type: 'json' };
import { closest } from '../common/suggest.js';
import { lintWorkflow, loadLintConfig } from '../lint/index.js';
import { contextReader } from './plan-files.js';
import { plan as planWorkflow } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import type { LintConfig, Workflow } from '../workflow/model.js';
import { relPath } from '../workflow/importers/common.js';
import { detectFormat, importWorkflow, type ImportOrigin } from '../workflow/importers/index.js';

export type ImportFormat = 'auto' | 'stowage' | 'nextflow' | 'snakemake' | 'cwl';

export interface CheckOptions {
  /** Repository root: file names in findings are relative to it. */
  root: string;
  /** Lint config file; default `.stowage/config.yml` under root when it exists. */
  configPath?: string;
  importFormat?: ImportFormat;
  /** Also compute the plan (when the workflow loads without errors). */
  plan?: boolean;
  /** Base images per family, over the spec's (from the action input or `--base-image`). */
  baseImages?: Record<string, string>;
}

export interface CheckResult {
  workflow?: Workflow;
  /** Sorted, with configuration and suppressions applied. */
  findings: Finding[];
  /** Findings silenced by suppression comments (kept for SARIF). */
  suppressed: Finding[];
  /** Text of every file findings may point into, by the name findings use. */
  sources: Map<string, string>;
  /** Human-readable lines about the lint configuration in force (which file, which rules). */
  configLog: string[];
  plan?: Plan;
  /** Why there is no plan although one was asked for. */
  planSkipped?: string;
  /** For imported pipelines: step → the image the pipeline declares today. */
  currentImages: Record<string, string>;
  origin?: ImportOrigin;
}

/** Bad input the user must fix (a missing file, a bad option): exit code 2, not a crash. */
export class InputError extends Error {}

const DEFAULT_CONFIG = '.stowage/config.yml';

export function check(specPath: string, options: CheckOptions): CheckResult {
  const resolved = path.resolve(options.root, specPath);
  if (!existsSync(resolved)) {
    throw new InputError(
      `cannot read ${specPath}: no such file. Pass the path of your workflow spec (default: stowage.yml) or of a pipeline folder.`,
    );
  }
  const isFolder = statSync(resolved).isDirectory();
  // A folder's format is detected here, once, so an unknown one is a usage error; the importer
  // then reads it in the format found.
  let format = options.importFormat ?? 'auto';
  if (format === 'auto' && isFolder) {
    const detected = detectFormat(resolved);
    if (!detected) {
      throw new InputError(
        `cannot tell the workflow format of ${specPath}: no stowage.yml, main.nf, Snakefile or *.cwl in it. Pass the spec file, or the format (--import, or the action's format input).`,
      );
    }
    format = detected;
  }
  const imported = importWorkflow(resolved, { format, root: options.root });
  const {
    config,
    configFile,
    findings: configFindings,
    sources: configSources,
  } = readLintConfig(options);
  const sources = new Map<string, string>(configSources);
  const workflow = imported.workflow;
  if (workflow) for (const [file, text] of workflow.source.files()) sources.set(file, text);
  else if (!isFolder) sources.set(relPath(options.root, resolved), readFileSync(resolved, 'utf8'));

  const base = { sources, currentImages: imported.currentImages, origin: imported.origin };
  if (!workflow) {
    return {
      ...base,
      findings: [...imported.findings, ...configFindings],
      suppressed: [],
      configLog: [],
    };
  }

  if (options.baseImages) checkBaseImageKeys(options.baseImages, workflow);
  let plan: Plan | undefined;
  let planFindings: Finding[] = [];
  let planSkipped: string | undefined;
  if (options.plan) {
    if (imported.findings.some((f) => f.severity === 'error')) {
      planSkipped = `${workflow.file} has errors; fix them to get a plan.`;
    } else {
      const contextDir = path.resolve(
        options.root,
        workflow.file === '.' ? '.' : path.dirname(workflow.file),
      );
      const result = planWorkflow(workflow, {
        baseImages: options.baseImages,
        readFile: contextReader(contextDir),
      });
      plan = result.plan;
      planFindings = result.findings;
    }
  }
  const lint = lintWorkflow(workflow, {
    config,
    configFile,
    extra: [...imported.findings, ...configFindings, ...planFindings],
  });
  const configLog = [
    `Lint configuration: ${lint.configSource}`,
    `Active rules (${lint.activeRules.length}): ${lint.activeRules.join(', ')}`,
  ];
  return {
    ...base,
    workflow,
    findings: lint.findings,
    suppressed: lint.suppressed,
    configLog,
    plan,
    planSkipped,
  };
}

/** The keys `base-images` takes: families, GPU classes, the Maven stage, and pinned groups. */
export const BASE_IMAGE_KEYS = schema.definitions.containers.properties['base-images'].propertyNames
  .enum as string[];

/** A misspelt family in `--base-image` / the `base-images` input would be ignored silently: refuse it. */
function checkBaseImageKeys(baseImages: Record<string, string>, workflow: Workflow): void {
  const known = [...BASE_IMAGE_KEYS, ...workflow.containers.groups.map((g) => g.name)];
  for (const key of Object.keys(baseImages)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new InputError(
      `base image for "${key}": no such family or pinned group${near ? ` (did you mean "${near}"?)` : ''}; use one of: ${known.join(', ')}`,
    );
  }
}

function readLintConfig(options: CheckOptions): {
  config?: LintConfig;
  configFile?: string;
  findings: Finding[];
  sources: [string, string][];
} {
  const explicit = options.configPath !== undefined;
  const file = options.configPath ?? DEFAULT_CONFIG;
  const resolved = path.resolve(options.root, file);
  if (!existsSync(resolved)) {
    if (explicit) throw new InputError(`cannot read the lint config ${file}: no such file.`);
    return { findings: [], sources: [] };
  }
  const text = readFileSync(resolved, 'utf8');
  const shown = relPath(options.root, resolved);
  const { config, findings } = loadLintConfig(text, shown);
  return { config, configFile: shown, findings, sources: [[shown, text]] };
}
