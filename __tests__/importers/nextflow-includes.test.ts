/**
 * Only what runs: a Nextflow pipeline's processes are those its entry workflow reaches through
 * `include` (aliases, nested workflows, a process defined beside the workflow that calls it);
 * processes no workflow reaches are not planned, and one notice counts them. Each run is recorded
 * by the names Nextflow matches `withName` selectors against.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { MAX_INVOCATIONS } from '../../src/workflow/importers/nextflow-includes.js';
import { tempDir } from '../helpers/temp.js';

const DIR = '__tests__/fixtures/nextflow/aliases';

describe('Nextflow: the processes the entry workflow reaches', () => {
  const result = importWorkflow(DIR);
  const workflow = result.workflow!;
  const names = result.origin!.engineNames;
  /** Step id of the process defined with `name` whose conda names `pkg`. */
  const stepOf = (name: string, pkg: string): string =>
    workflow.steps.find(
      (s) => names[s.id] === name && s.software.conda.some((c) => c.includes(pkg)),
    )!.id;

  it('imports every process reached, and none other', () => {
    expect(workflow.steps.map((s) => names[s.id]).sort()).toEqual(
      ['COUNT', 'REPORT', 'REPORT', 'SORT', 'SORT', 'TALLY'].sort(),
    );
  });

  it('says how many defined processes were left out, and which', () => {
    const notices = result.findings.filter((f) => /not reached/.test(f.message));
    expect(notices).toEqual([
      expect.objectContaining({
        rule: 'STW421',
        file: `${DIR}/main.nf`,
        message: expect.stringMatching(
          /^2 of the 8 processes .* are not reached .*: (UNUSED, NEVER_CALLED|NEVER_CALLED, UNUSED)\.$/,
        ),
      }),
    ]);
  });

  it.each([
    [
      'SORT',
      'samtools=1.17',
      [
        { name: 'SORT', fqn: 'PIPELINE:SORT' },
        { name: 'SORT_AGAIN', fqn: 'PIPELINE:SORT_AGAIN' },
      ],
    ],
    ['SORT', 'samtools=1.21', [{ name: 'SORT', fqn: 'PIPELINE:QC:SORT' }]],
    ['REPORT', 'multiqc=1.19', [{ name: 'REPORT_LOCAL', fqn: 'PIPELINE:REPORT_LOCAL' }]],
    ['REPORT', 'multiqc=1.25', [{ name: 'REPORT', fqn: 'PIPELINE:QC:REPORT' }]],
    ['TALLY', 'gawk', [{ name: 'TALLY', fqn: 'PIPELINE:QC:TALLY' }]],
    ['COUNT', 'seqkit', [{ name: 'COUNT', fqn: 'PIPELINE:COUNT' }]],
  ])('records each run of %s (%s) by its alias and fully qualified name', (name, pkg, runs) => {
    expect(result.origin!.invocations![stepOf(name, pkg)]).toEqual(runs);
    expect(result.origin!.invocationsComplete).toBe(true);
  });
});

describe('Nextflow: workflows that each run the next four times', () => {
  it('reach the process at the bottom without recording 4^11 runs, and say so', () => {
    const dir = tempDir('nf-fanout');
    const levels = 12;
    for (let k = 0; k < levels; k += 1) {
      const next = k + 1 < levels ? `W${k + 1}` : 'LEAF';
      const from = k + 1 < levels ? `./w${k + 1}` : './leaf';
      const aliases = [0, 1, 2, 3].map((a) => `${next}_${a}`);
      writeFileSync(
        join(dir, `w${k}.nf`),
        [
          ...aliases.map((a) => `include { ${next} as ${a} } from '${from}'`),
          `workflow W${k} {`,
          ...aliases.map((a) => `    ${a}()`),
          '}',
        ].join('\n'),
      );
    }
    writeFileSync(
      join(dir, 'leaf.nf'),
      "process LEAF {\n    conda 'conda-forge::gawk=5.3.0'\n    script:\n    'awk 1'\n}\n",
    );
    writeFileSync(join(dir, 'main.nf'), "include { W0 } from './w0'\nworkflow {\n    W0()\n}\n");
    const result = importWorkflow(dir, { root: dir });
    expect(result.workflow!.steps.map((s) => s.id)).toEqual(['LEAF']);
    expect(result.origin!.invocationsComplete).toBe(false);
    expect(result.origin!.invocations!.LEAF!.length).toBeLessThanOrEqual(MAX_INVOCATIONS);
    expect(result.findings.some((f) => /too many times/.test(f.message))).toBe(true);
  });
});
