/**
 * Every workflow format Stowage reads, one entry each: how a file or folder of it is recognised,
 * how it is read into the Workflow model, and how a step of it declares its software (what
 * STW401 asks for). Detection tries them in this order, so an explicit stowage.yml wins.
 *
 * A new format is one importer file and one entry here (its `format` must also be one of
 * WORKFLOW_FORMATS in model.ts: the compiler says so).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadSpecFile } from '../load.js';
import type { WorkflowFormat } from '../model.js';
import { findCwlWorkflow, importCwl } from './cwl.js';
import { importError, readTextFile, walkFiles, type ImportResult } from './common.js';
import { importNextflow } from './nextflow.js';
import type { RemoteTexts } from './remote.js';
import { findSnakefile, importSnakemake } from './snakemake.js';

export interface ReadOptions {
  /** Repository root: reported paths are relative to it. */
  root: string;
  /** The folder the pipeline's references must stay in (the repository, else its own folder). */
  readRoot: string;
  /** `path` as the user named it, for messages. */
  shown: string;
  wrapperPrefix?: string;
  remote?: RemoteTexts;
}

export interface WorkflowImporter {
  format: WorkflowFormat;
  /** What marks this format in a folder, for messages (`main.nf`). */
  marker: string;
  /** A file of this format, by its name. */
  isFile(name: string): boolean;
  /** A folder that holds a workflow of this format. */
  isFolder(path: string): boolean;
  read(path: string, options: ReadOptions): ImportResult;
  /** How a step declares its software in this format (STW401's advice). */
  declareSoftware: string;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const stowage: WorkflowImporter = {
  format: 'stowage',
  marker: 'stowage.yml',
  isFile: (name) => /\.ya?ml$/.test(name),
  isFolder: (path) =>
    existsSync(join(path, 'stowage.yml')) || existsSync(join(path, 'stowage.yaml')),
  read(path, { root, shown }) {
    const file = isDir(path)
      ? existsSync(join(path, 'stowage.yml'))
        ? join(path, 'stowage.yml')
        : join(path, 'stowage.yaml')
      : path;
    if (readTextFile(file, dirname(file)) === undefined)
      return {
        findings: [importError(shown, `Cannot read the stowage spec ${shown}.`)],
        currentImages: {},
      };
    return { ...loadSpecFile(file, { root }), currentImages: {} };
  },
  declareSoftware:
    'List what it needs under `software:`, or set `container:` to an image that has it.',
};

const nextflow: WorkflowImporter = {
  format: 'nextflow',
  marker: 'main.nf',
  isFile: (name) => name.endsWith('.nf') || name === 'nextflow.config',
  isFolder: (path) =>
    existsSync(join(path, 'main.nf')) || existsSync(join(path, 'nextflow.config')),
  read: (path, { readRoot }) =>
    importNextflow(isDir(path) ? path : dirname(path), { root: readRoot }),
  declareSoftware:
    'Give the process a `conda` directive (an environment.yml) or a `container` that has it.',
};

const snakemake: WorkflowImporter = {
  format: 'snakemake',
  marker: 'a Snakefile',
  isFile: (name) => /^snakefile$/i.test(name) || name.endsWith('.smk'),
  isFolder: (path) => Boolean(findSnakefile(path)),
  read: (path, { readRoot, wrapperPrefix, remote }) =>
    importSnakemake(path, { root: readRoot, wrapperPrefix, remote }),
  declareSoftware: 'Give the rule a `conda:` environment file, a `wrapper:` or a `container:`.',
};

const cwl: WorkflowImporter = {
  format: 'cwl',
  marker: '*.cwl',
  isFile: (name) => name.endsWith('.cwl'),
  isFolder: (path) =>
    walkFiles(path, (n) => n.endsWith('.cwl'), 1).length > 0 && Boolean(findCwlWorkflow(path)),
  read: (path, { readRoot }) => importCwl(path, { root: readRoot }),
  declareSoftware:
    'Give the tool a SoftwareRequirement (packages) or a DockerRequirement (an image).',
};

/** In the order formats are detected. */
export const IMPORTERS: readonly WorkflowImporter[] = [stowage, nextflow, snakemake, cwl];

export function importerOf(format: WorkflowFormat): WorkflowImporter {
  return IMPORTERS.find((i) => i.format === format)!;
}

/** The format of the workflow at `path` (a folder or a file), from the files present. */
export function detectFormat(path: string): WorkflowFormat | undefined {
  const folder = isDir(path);
  const name = basename(path);
  return IMPORTERS.find((i) => (folder ? i.isFolder(path) : i.isFile(name)))?.format;
}

/** `stowage.yml, main.nf, a Snakefile or *.cwl`: what detection looks for. */
export function formatMarkers(): string {
  const markers = IMPORTERS.map((i) => i.marker);
  return `${markers.slice(0, -1).join(', ')} or ${markers.at(-1)}`;
}
