/** Scheduler numbers reach `#SBATCH` lines only inside Slurm's ranges: `cpus: 1e308` never does. */
import { exportSlurm } from '../../src/export/slurm.js';
import { step, workflow } from '../report/helpers.js';

const image = { ref: `ghcr.io/acme/w@sha256:${'a'.repeat(64)}`, pinned: 'digest' as const };

test.each([
  [{ cpus: 1e308 }, 'resources.cpus 1e+308 is outside what Slurm accepts (0 to 65535)'],
  [{ gpus: 70_000 }, 'resources.gpus 70000 is outside what Slurm accepts (0 to 65535)'],
  [{ time: 1e20 }, 'resources.time 100000000000000000000 is outside what Slurm accepts'],
  [{ memory: Infinity }, 'resources.memory Infinity is outside what Slurm accepts'],
])('%j: the step is left out, with why', (resources, reason) => {
  const wf = workflow({
    steps: [step('big', { resources, run: 'echo' }), step('ok', { run: 'echo' })],
  });
  const result = exportSlurm({ workflow: wf, stepImages: { big: image, ok: image } });
  expect(result.steps).toEqual(['ok']);
  expect(result.skipped).toEqual([
    { step: 'big', reason: expect.stringContaining(reason) },
    { step: 'big', reason: expect.stringContaining('no submit.sh: these steps are not exported') },
  ]);
  expect(Object.values(result.files).join('\n')).not.toMatch(/e\+|Infinity/);
});

test('the largest values Slurm takes still pass', () => {
  const wf = workflow({
    steps: [step('max', { resources: { cpus: 65_535, gpus: 8 }, run: 'echo' })],
  });
  const result = exportSlurm({ workflow: wf, stepImages: { max: image } });
  expect(result.files['max.sbatch']).toContain('#SBATCH --cpus-per-task=65535');
});
