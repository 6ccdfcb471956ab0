/**
 * Writes the files that hand the built images to a workflow engine,
 * under `<outDir>/<engine>/`. The lead's CLI parses arguments and prints `lines`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { assertNoLinkOnTheWay } from '../common/paths.js';
import {
  EXPORT_ENGINES,
  exportFor,
  type ExportEngine,
  type ExportResult,
  type StepImages,
} from '../export/index.js';
import type { ImportOrigin } from '../workflow/importers/common.js';
import type { Workflow } from '../workflow/model.js';

export interface ExportCommandOptions {
  workflow: Workflow;
  stepImages: StepImages;
  /** Folder for the exports, relative to `root` (e.g. `.stowage/export`). */
  outDir: string;
  origin?: ImportOrigin;
  /** Repository root (default: the current directory). */
  root?: string;
}

export interface ExportCommandResult {
  results: ExportResult[];
  /** Repository-relative paths of the files written. */
  written: string[];
  /** What to print, one line each. */
  lines: string[];
  /** 0 when every requested engine exported at least one step (or the workflow has none). */
  exitCode: number;
}

export function isExportEngine(value: string): value is ExportEngine {
  return (EXPORT_ENGINES as readonly string[]).includes(value);
}

export function runExportCommand(
  engine: ExportEngine | 'all',
  options: ExportCommandOptions,
): ExportCommandResult {
  const root = resolve(options.root ?? process.cwd());
  const engines = engine === 'all' ? EXPORT_ENGINES : [engine];
  const results: ExportResult[] = [];
  const written: string[] = [];
  const lines: string[] = [];
  let exitCode = 0;
  for (const e of engines) {
    const dir = resolve(root, options.outDir, e);
    const outDir = relative(root, dir).split('\\').join('/') || '.';
    const result = exportFor(e, {
      workflow: options.workflow,
      stepImages: options.stepImages,
      origin: options.origin,
      outDir,
    });
    results.push(result);
    assertNoLinkOnTheWay(root, dir);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(result.files)) {
      writeFileSync(join(dir, name), content);
      written.push(`${outDir}/${name}`);
      lines.push(`wrote ${outDir}/${name}`);
    }
    lines.push(
      `${e}: ${result.steps.length} step(s), images pinned by ${result.pinning}; use: ${result.usage}`,
    );
    for (const s of result.skipped) lines.push(`${e}: skipped step ${s.step}: ${s.reason}`);
    if (result.steps.length === 0 && options.workflow.steps.length > 0) exitCode = 1;
  }
  return { results, written, lines, exitCode };
}

/** Writes the exports for several engines (the action's `export` input); returns the lines to log. */
export function writeExports(engines: readonly string[], options: ExportCommandOptions): string[] {
  const lines: string[] = [];
  for (const engine of engines) {
    if (!isExportEngine(engine)) {
      lines.push(
        `export: unknown engine "${engine}"; expected one of: ${EXPORT_ENGINES.join(', ')}`,
      );
      continue;
    }
    lines.push(...runExportCommand(engine, options).lines);
  }
  return lines;
}
