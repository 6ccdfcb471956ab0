/**
 * The Nextflow export's `withName` selectors as Nextflow applies them. Nextflow is not installed:
 * the exported config is read back by the project's Groovy config reader, and each run of each
 * process — written out here by hand from the fixture, by the names Nextflow gives it (base name,
 * alias, fully qualified name) — gets the container Nextflow's selector rules give it
 * (withNameSetting, written from Nextflow's ProcessConfigBuilder). Every run must get its own
 * process's image: also two different processes both named SORT (and both named REPORT), one of
 * them included under two aliases.
 */
import { exportNextflow } from '../../src/export/nextflow.js';
import type { StepImages } from '../../src/export/types.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import {
  readNextflowConfig,
  withNameSetting,
  type ProcessRun,
} from '../helpers/nextflow-config.js';

const DIR = '__tests__/fixtures/nextflow/aliases';
const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** Each run Nextflow makes of the fixture, and the package that tells its process apart. */
const RUNS: (ProcessRun & { pkg: string })[] = [
  { base: 'SORT', name: 'SORT', fqn: 'PIPELINE:SORT', pkg: 'samtools=1.17' },
  { base: 'SORT', name: 'SORT_AGAIN', fqn: 'PIPELINE:SORT_AGAIN', pkg: 'samtools=1.17' },
  { base: 'SORT', name: 'SORT', fqn: 'PIPELINE:QC:SORT', pkg: 'samtools=1.21' },
  { base: 'REPORT', name: 'REPORT_LOCAL', fqn: 'PIPELINE:REPORT_LOCAL', pkg: 'multiqc=1.19' },
  { base: 'REPORT', name: 'REPORT', fqn: 'PIPELINE:QC:REPORT', pkg: 'multiqc=1.25' },
  { base: 'TALLY', name: 'TALLY', fqn: 'PIPELINE:QC:TALLY', pkg: 'gawk' },
  { base: 'COUNT', name: 'COUNT', fqn: 'PIPELINE:COUNT', pkg: 'seqkit' },
];

describe('Nextflow export: every run gets its process image, by Nextflow selector rules', () => {
  const imported = importWorkflow(DIR);
  const workflow = imported.workflow!;
  const names = imported.origin!.engineNames;
  const stepImages: StepImages = Object.fromEntries(
    workflow.steps.map((s, k) => [s.id, { ref: `r/g${k}@${digest(k + 1)}`, pinned: 'digest' }]),
  );
  const result = exportNextflow({ workflow, stepImages, origin: imported.origin });
  const settings = readNextflowConfig(result.files['stowage.config']!);
  const stepOf = (run: ProcessRun & { pkg: string }): string =>
    workflow.steps.find(
      (s) => names[s.id] === run.base && s.software.conda.some((c) => c.includes(run.pkg)),
    )!.id;

  it.each(RUNS.map((r) => [r.fqn, r] as const))('%s', (_fqn, run) => {
    expect(withNameSetting(settings, run)).toBe(stepImages[stepOf(run)]!.ref);
  });

  it('exports every step, writing a selector per alias or run only where names are shared', () => {
    expect(result.skipped).toEqual([]);
    expect(result.steps.sort()).toEqual(workflow.steps.map((s) => s.id).sort());
    const selectors = settings.map((s) => s.path[1]);
    expect(selectors).toContain('withName:TALLY');
    expect(selectors).toContain('withName:COUNT');
    expect(selectors).not.toContain('withName:SORT');
    expect(selectors).not.toContain('withName:REPORT');
  });
});
