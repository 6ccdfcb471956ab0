/** The exports, by engine. Each is pure: the workflow and its step images in, file contents out. */
import { exportCompose } from './compose.js';
import { exportCwl } from './cwl.js';
import { exportModules } from './modules.js';
import { exportNextflow } from './nextflow.js';
import { exportShims } from './shims.js';
import { exportSlurm } from './slurm.js';
import { exportSnakemake } from './snakemake.js';
import type { ExportEngine, ExportInput, ExportResult } from './types.js';

export * from './types.js';
export {
  exportCompose,
  exportCwl,
  exportModules,
  exportNextflow,
  exportShims,
  exportSlurm,
  exportSnakemake,
};

const EXPORTERS: Record<ExportEngine, (input: ExportInput) => ExportResult> = {
  nextflow: exportNextflow,
  snakemake: exportSnakemake,
  cwl: exportCwl,
  slurm: exportSlurm,
  shims: exportShims,
  modules: exportModules,
  compose: exportCompose,
};

export function exportFor(engine: ExportEngine, input: ExportInput): ExportResult {
  return EXPORTERS[engine](input);
}
