import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, importWorkflow } from '../../src/workflow/importers/index.js';
import { tempDir } from '../helpers/temp.js';

const FIX = '__tests__/fixtures';

describe('detectFormat', () => {
  it.each([
    [`${FIX}/nextflow/nf-core-mini`, 'nextflow'],
    [`${FIX}/nextflow/nf-core-mini/main.nf`, 'nextflow'],
    [`${FIX}/snakemake/calling`, 'snakemake'],
    [`${FIX}/snakemake/calling/workflow/Snakefile`, 'snakemake'],
    [`${FIX}/cwl/variant`, 'cwl'],
    [`${FIX}/cwl/packed/workflow.packed.cwl`, 'cwl'],
    ['examples/flood', 'stowage'],
    ['examples/flood/stowage.yml', 'stowage'],
    [`${FIX}/nextflow/nf-core-mini/conf`, undefined],
  ])('%s → %s', (path, format) => {
    expect(detectFormat(path)).toBe(format);
  });
});

describe('importWorkflow', () => {
  it.each([
    [`${FIX}/nextflow/nf-core-mini`, 'nextflow', 13],
    [`${FIX}/snakemake/calling`, 'snakemake', 6],
    [`${FIX}/cwl/variant/workflow.cwl`, 'cwl', 4],
    [`${FIX}/cwl/packed/workflow.packed.cwl`, 'cwl', 2],
  ] as const)('auto-detects and imports %s', (path, format, steps) => {
    const result = importWorkflow(path);
    expect(result.workflow?.format).toBe(format);
    expect(result.workflow?.steps).toHaveLength(steps);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('loads a stowage spec through the spec loader', () => {
    const result = importWorkflow('examples/flood');
    expect(result.workflow?.format).toBe('stowage');
    expect(result.workflow?.file).toBe('examples/flood/stowage.yml');
    expect(result.currentImages).toEqual({});
  });

  it('honours an explicit format over detection', () => {
    const result = importWorkflow(`${FIX}/snakemake/calling`, { format: 'cwl' });
    expect(result.workflow).toBeUndefined();
    expect(result.findings[0]).toMatchObject({ rule: 'STW420' });
  });

  it.each([
    ['a missing path', 'no/such/dir', 'does not exist'],
    [
      'a folder of nothing known',
      `${FIX}/nextflow/nf-core-mini/conf`,
      'Cannot tell the workflow format',
    ],
  ])('reports %s as a finding, never a crash', (_name, path, text) => {
    const result = importWorkflow(path);
    expect(result.workflow).toBeUndefined();
    expect(result.findings).toEqual([
      expect.objectContaining({
        rule: 'STW420',
        severity: 'error',
        message: expect.stringContaining(text),
      }),
    ]);
  });

  it('makes paths relative to the given root', () => {
    const dir = tempDir('import');
    writeFileSync(
      join(dir, 'Snakefile'),
      'rule a:\n    output: "a.txt"\n    shell: "touch {output}"\n',
    );
    const result = importWorkflow('.', { root: dir });
    expect(result.workflow?.file).toBe('Snakefile');
  });
});
