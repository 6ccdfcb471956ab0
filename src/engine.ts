/**
 * The shared pipeline both adapters run: load (or import) a workflow, lint it, and plan it.
 * Free of `@actions/*`: the action and the CLI differ only in how they read options and print.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compareFindings, type Finding } from './findings.js';
import { loadSpecFile } from './spec/load.js';
import type { Workflow } from './spec/model.js';

export interface CheckOptions {
  /** Repository root: file names in findings are relative to it. */
  root: string;
  /** Lint config file; default `.stowage/config.yml` under root when it exists. */
  configPath?: string;
}

export interface CheckResult {
  workflow?: Workflow;
  findings: Finding[];
  /** Text of every file findings may point into, by the name findings use. */
  sources: Map<string, string>;
  /** Human-readable lines about the lint configuration in force (which file, which rules). */
  configLog: string[];
}

export class InputError extends Error {}

/** Load and lint. Throws InputError when the spec cannot be read at all. */
export function check(specPath: string, options: CheckOptions): CheckResult {
  const resolved = path.resolve(options.root, specPath);
  if (!existsSync(resolved)) {
    throw new InputError(
      `cannot read ${specPath}: no such file. Pass the path of your workflow spec (default: stowage.yml).`,
    );
  }
  let loaded;
  try {
    loaded = loadSpecFile(resolved, { root: options.root });
  } catch (error) {
    throw new InputError(`cannot read ${specPath}: ${(error as Error).message}`);
  }
  const sources = new Map<string, string>();
  if (loaded.workflow)
    for (const [file, text] of loaded.workflow.source.files()) sources.set(file, text);
  else
    sources.set(
      path.relative(options.root, resolved).split(path.sep).join('/'),
      readFileSync(resolved, 'utf8'),
    );
  const findings = [...loaded.findings].sort(compareFindings);
  return { workflow: loaded.workflow, findings, sources, configLog: [] };
}
