/**
 * The Snakemake export as the real Snakemake (Debian's 7.21) reads it, on a workflow whose rules
 * come from includes built with os.path.join / Path / f-strings, `use rule … as … with:`, a
 * module (`use rule * from extra as extra_*`), a wildcard conda path and a `run:` rule: the two
 * lines the export prints are appended to the Snakefile, and `snakemake -n` must give every
 * exported step's rule exactly its planned image — and no other rule any Stowage image.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSnakemake, snakefileLines } from '../../src/export/snakemake.js';
import type { StepImages } from '../../src/export/types.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { tempDir } from '../helpers/temp.js';

const hasSnakemake = spawnSync('snakemake', ['--version']).status === 0;
const FIXTURE = '__tests__/fixtures/snakemake/paths';
const OUT = '.stowage/export/snakemake';

(hasSnakemake ? describe : describe.skip)('Snakemake export, read by snakemake -n', () => {
  it('gives each exported rule its image, and no other rule one', () => {
    const dir = tempDir('smk-rules');
    cpSync(FIXTURE, dir, { recursive: true });
    const imported = importWorkflow(dir, { root: dir });
    const workflow = imported.workflow!;
    const names = imported.origin!.engineNames;
    const planned = workflow.steps.filter(
      (s) => s.runsIn === undefined && s.softwareUnknown === undefined,
    );
    const stepImages: StepImages = Object.fromEntries(
      planned.map((s, k) => [
        s.id,
        {
          ref: `127.0.0.1:5000/smk/g${k}@sha256:${(k + 1).toString(16).padStart(64, '0')}`,
          pinned: 'digest' as const,
        },
      ]),
    );
    const result = exportSnakemake({ workflow, stepImages, origin: imported.origin, outDir: OUT });
    mkdirSync(join(dir, OUT), { recursive: true });
    writeFileSync(join(dir, OUT, 'stowage-images.yaml'), result.files['stowage-images.yaml']!);
    appendFileSync(
      join(dir, 'workflow/Snakefile'),
      [
        '',
        ...snakefileLines(`${OUT}/stowage-images.yaml`),
        'for _r in workflow.rules: print("stowage-test", _r.name, _r.container_img)',
        '',
      ].join('\n'),
    );
    const run = spawnSync('snakemake', ['-n', '--cores', '1'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
    const seen = new Map(
      run.stdout
        .split('\n')
        .filter((l) => l.startsWith('stowage-test '))
        .map((l) => l.split(' ').slice(1) as [string, string]),
    );
    // Every rule Snakemake runs is a step Stowage imported (or the target rule), and the other way round.
    expect([...seen.keys()].filter((r) => r !== 'all').sort()).toEqual(
      workflow.steps.map((s) => names[s.id]).sort(),
    );
    expect(result.steps.sort()).toEqual(planned.map((s) => s.id).sort());
    for (const s of workflow.steps) {
      const image = stepImages[s.id];
      expect([names[s.id], seen.get(names[s.id]!)]).toEqual([
        names[s.id],
        image ? `docker://${image.ref}` : 'None',
      ]);
    }
  });
});
