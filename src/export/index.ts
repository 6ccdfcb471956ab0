/** The exports, by engine. Each is pure: the workflow and its step images in, file contents out. */
import { exportCwl } from './cwl.js';
import { exportNextflow } from './nextflow.js';
import { exportSlurm } from './slurm.js';
import { exportSnakemake } from './snakemake.js';
import type { ExportEngine, ExportInput, ExportResult } from './types.js';

export * from './types.js';
export { exportCwl, exportNextflow, exportSlurm, exportSnakemake };

const EXPORTERS: Record<ExportEngine, (input: ExportInput) => ExportResult> = {
  nextflow: exportNextflow,
  snakemake: exportSnakemake,
  cwl: exportCwl,
  slurm: exportSlurm,
};

export function exportFor(engine: ExportEngine, input: ExportInput): ExportResult {
  return EXPORTERS[engine](input);
}
