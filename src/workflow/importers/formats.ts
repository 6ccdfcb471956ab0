/**
 * Every workflow format Stowage reads, one entry each: how a file or folder of it is recognised,
 * how it is read into the Workflow model, and how a step of it declares its software (what
 * STW401 asks for) and its resources (STW501, STW502). Detection tries them in this order, so an
 * explicit stowage.yml wins.
 *
 * A new format is one importer file and one entry here (its `format` must also be one of
 * WORKFLOW_FORMATS in model.ts: the compiler says so).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadSpecFile } from '../load.js';
import type { Resources, WorkflowFormat } from '../model.js';
import { formatDuration } from '../../common/units.js';
import { findCwlWorkflow, importCwl } from './cwl.js';
import { importError, isDir, readTextFile, walkFiles, type ImportResult } from './common.js';
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
  /**
   * What the engine requests for every step when the step says nothing: Nextflow, Snakemake and
   * CWL runners ask for one CPU; Snakemake on a cluster asks for memory by its inputs' size, and
   * CWL runners give 256 MiB.
   */
  engineRequests: readonly (keyof Resources)[];
  /**
   * How to declare `missing` in this format (STW501's advice): for one step, or for every step of
   * the workflow at once (`all`: none of them declares it).
   */
  declareResources(missing: readonly (keyof Resources)[], scope: 'step' | 'all'): string;
  /** How to bring `steps`' request of `request` down to `limit` in this format (STW502's advice). */
  fitCluster(request: keyof Resources, limit: number, steps: readonly string[]): string;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

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
  engineRequests: [],
  declareResources: (missing) =>
    `Set \`resources:\` { ${missing.map((k) => `${k}: …`).join(', ')} }.`,
  fitCluster: () => 'Lower the request, split the step, or correct `cluster:`.',
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
  engineRequests: ['cpus'],
  declareResources: (missing, scope) => {
    const set = missing.map((k) => `${NEXTFLOW_DIRECTIVE[k]} = …`).join('; ');
    return scope === 'all'
      ? `Set defaults in the \`process\` scope of conf/base.config (\`process { ${set} }\`), or per label with \`withLabel\`.`
      : `Give the process a label its config sets them for (\`label 'process_medium'\`), or set them with \`withName\` in conf/base.config (\`${set}\`).`;
  },
  fitCluster: (request, limit) =>
    request === 'gpus'
      ? `Run it where the nodes have GPUs (another partition or \`--cluster\` profile), or leave out the option that runs the process.`
      : `Lower it where it is set, or cap every request at the cluster's limit in a config passed with -c: \`process { resourceLimits = [${NEXTFLOW_DIRECTIVE[request]}: ${nextflowFigure(request, limit)}] }\` (Nextflow 24.04 or later; a pipeline with \`check_max\` takes \`--max_${NEXTFLOW_DIRECTIVE[request]} ${nextflowFigure(request, limit)}\`).`,
};

const NEXTFLOW_DIRECTIVE: Record<keyof Resources, string> = {
  cpus: 'cpus',
  memory: 'memory',
  time: 'time',
  gpus: 'accelerator',
};

/** A limit as Nextflow writes it, rounded down: `64.GB`, `48.h`, `32`. */
function nextflowFigure(key: keyof Resources, value: number): string {
  if (key === 'memory') return `${Math.floor(value / GIB)}.GB`;
  if (key === 'time') return `${Math.floor(value / 3600)}.h`;
  return String(Math.floor(value));
}

const snakemake: WorkflowImporter = {
  format: 'snakemake',
  marker: 'a Snakefile',
  isFile: (name) => /^snakefile$/i.test(name) || name.endsWith('.smk'),
  isFolder: (path) => Boolean(findSnakefile(path)),
  read: (path, { readRoot, wrapperPrefix, remote }) =>
    importSnakemake(path, { root: readRoot, wrapperPrefix, remote }),
  declareSoftware: 'Give the rule a `conda:` environment file, a `wrapper:` or a `container:`.',
  engineRequests: ['cpus', 'memory'],
  declareResources: (missing, scope) => {
    const set = missing.map((k) => `${SNAKEMAKE_RESOURCE[k]}=…`);
    return scope === 'all'
      ? `Set ${set.length === 1 ? 'it' : 'them'} for every rule in the workflow profile: \`default-resources: [${set.join(', ')}]\` in profiles/default/config.yaml.`
      : `Give the rule \`resources: ${set.join(', ')}\`, or set them in the workflow profile (\`set-resources\` in profiles/default/config.yaml).`;
  },
  fitCluster: (request, limit, steps) => {
    if (request === 'cpus')
      return `Lower \`threads:\`, or let Snakemake lower it: \`max-threads: ${Math.floor(limit)}\` in the workflow profile (or \`--max-threads ${Math.floor(limit)}\`).`;
    if (request === 'gpus')
      return 'Run it where the nodes have GPUs (another partition or `--cluster` profile), or leave the rule out of the run.';
    const figure =
      request === 'memory'
        ? `mem_mb=${Math.floor(limit / MIB)}`
        : `runtime=${Math.floor(limit / 60)}`;
    const rule = steps.length === 1 ? steps[0]! : 'RULE';
    return `Lower it where it is set, or set it for this cluster in the workflow profile: \`set-resources: [${rule}:${figure}]\` in profiles/default/config.yaml.`;
  },
};

const SNAKEMAKE_RESOURCE: Record<keyof Resources, string> = {
  cpus: 'threads',
  memory: 'mem_mb',
  time: 'runtime',
  gpus: 'nvidia_gpu',
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
  engineRequests: ['cpus', 'memory'],
  declareResources: (missing) => {
    const parts = [
      ...(missing.some((k) => k !== 'time')
        ? ['a ResourceRequirement (`coresMin`, `ramMin`)']
        : []),
      ...(missing.includes('time') ? ['a ToolTimeLimit (`timelimit`, seconds)'] : []),
    ];
    return `Give the tool ${parts.join(' and ')}, or give the workflow one as a hint for every tool.`;
  },
  fitCluster: (request, limit) => {
    if (request === 'gpus')
      return 'Run it where the nodes have GPUs (another partition or `--cluster` profile), or drop its CUDARequirement.';
    const figure =
      request === 'memory'
        ? `ramMin: ${Math.floor(limit / MIB)}`
        : request === 'time'
          ? `ToolTimeLimit timelimit: ${Math.floor(limit)} (${formatDuration(limit)})`
          : `coresMin: ${Math.floor(limit)}`;
    return `Lower it in the tool's requirements (${figure}), or override them for this cluster with \`cwltool --overrides\`.`;
  },
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
