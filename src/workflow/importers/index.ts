/**
 * One entry point for every workflow format Stowage reads: a stowage spec or an existing
 * Nextflow, Snakemake or CWL pipeline. All produce the same Workflow model, so lint, plan and
 * build work unchanged; importers also return the images the pipeline declares today (for the
 * comparison with the plan) and the engine-side names the exports need.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { importError, isDir, type ImportResult } from './common.js';
import { detectFormat, formatMarkers, importerOf } from './formats.js';
import type { RemoteTexts } from './remote.js';

import { WORKFLOW_FORMATS, type WorkflowFormat } from '../model.js';

export { WORKFLOW_FORMATS, type WorkflowFormat };
export { detectFormat, formatMarkers } from './formats.js';

export type { ImportOrigin, ImportResult } from './common.js';
export { importWithRemote, type FetchText, type RemoteTexts } from './remote.js';
export { checkWrapperPrefix } from './wrappers.js';

/**
 * The folder a pipeline's references must stay in: the repository when the pipeline is in it, else
 * (a pipeline named outside it, on the command line) the pipeline's own folder.
 */
function readRoot(root: string, path: string): string {
  const rel = relative(root, path);
  if (!rel.startsWith('..') && !isAbsolute(rel)) return root;
  return isDir(path) ? path : dirname(path);
}

export interface ImportOptions {
  /** `auto` (default) detects the format from the files present. */
  format?: WorkflowFormat | 'auto';
  /** Repository root: reported paths are relative to it (default: the current directory). */
  root?: string;
  /** Snakemake's `--wrapper-prefix`: where `wrapper:` files are (see wrappers.ts). */
  wrapperPrefix?: string;
  /** Files from outside the repository fetched so far, by URL (see remote.ts). */
  remote?: RemoteTexts;
}

/**
 * Reads the workflow at `pathOrDir` in any supported format. Never throws for bad input: an
 * unreadable or unparsable file is a finding with a position (STW420), and what a format cannot
 * express is one notice (STW421). Reads local files only: what it needs from elsewhere (a
 * Snakemake wrapper's environment) is listed in `remote`; `importWithRemote` fetches it.
 */
export function importWorkflow(pathOrDir: string, options: ImportOptions = {}): ImportResult {
  const root = resolve(options.root ?? process.cwd());
  const path = resolve(root, pathOrDir);
  const shown = relative(root, path).split('\\').join('/') || '.';
  const format = !options.format || options.format === 'auto' ? detectFormat(path) : options.format;
  if (!existsSync(path)) {
    return { findings: [importError(shown, `${shown} does not exist.`)], currentImages: {} };
  }
  if (format === undefined)
    return {
      findings: [
        importError(
          shown,
          `Cannot tell the workflow format of ${shown}: no ${formatMarkers()} found. Pass the format (${WORKFLOW_FORMATS.join(', ')}) explicitly.`,
        ),
      ],
      currentImages: {},
    };
  return importerOf(format).read(path, {
    root,
    readRoot: readRoot(root, path),
    shown,
    wrapperPrefix: options.wrapperPrefix,
    remote: options.remote,
  });
}
