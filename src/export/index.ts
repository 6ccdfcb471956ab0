/** The exports, by engine. Each is pure: the workflow and its step images in, file contents out. */
import { exportCwl } from './cwl.js';
import { exportNextflow } from './nextflow.js';
import { exportSlurm } from './slurm.js';
import { exportSnakemake } from './snakemake.js';
import type { ExportEngine, ExportInput, ExportResult } from './types.js';

export * from './types.js';
export { exportCwl, exportNextflow, exportSlurm, exportSnakemake };
export { compareImages, comparisonMarkdown, comparisonText, type Comparison } from '../report/comparison.js';

const EXPORTERS: Record<ExportEngine, (input: ExportInput) => ExportResult> = {
  nextflow: exportNextflow,
  snakemake: exportSnakemake,
  cwl: exportCwl,
  slurm: exportSlurm,
};

export function exportFor(engine: ExportEngine, input: ExportInput): ExportResult {
  return EXPORTERS[engine](input);
}
export { plannedImages, stepImagesFromPlan, type GroupImage } from '../app/step-images.js';
export {
  readNextflowConfig,
  ConfigCheckError,
  type ConfigSetting,
} from '../../__tests__/helpers/nextflow-config.js';
