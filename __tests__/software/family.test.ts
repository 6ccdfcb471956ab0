import { familyOf, isGpuPackage, isGpuStep } from '../../src/software/family.js';
import { step } from '../plan/helpers.js';

describe('familyOf', () => {
  it.each([
    ['conda wins over pip', step('a', { conda: ['numpy=1.26'], pip: ['x==1'] }), 'conda'],
    ['R', step('a', { cran: ['ggplot2'] }), 'r'],
    ['R runtime only', step('a', { r: '4.4' }), 'r'],
    ['python runtime only', step('a', { python: '3.12' }), 'python'],
    ['pip with apt', step('a', { pip: ['numpy==2.0.1'], apt: ['libgdal32'] }), 'python'],
    ['java', step('a', { java: '21' }), 'jvm'],
    ['maven', step('a', { maven: ['org.x:y:1.0'] }), 'jvm'],
    ['npm', step('a', { npm: ['lodash@4.17.21'] }), 'node'],
    ['apt only', step('a', { apt: ['curl'] }), 'native'],
    ['build only', step('a', { build: 'make install' }), 'native'],
    ['files only', step('a', { files: ['run.sh'] }), 'native'],
    ['nothing', step('a'), 'none'],
    ['blank build', step('a', { build: '  ' }), 'none'],
  ])('%s', (_label, s, family) => {
    expect(familyOf(s).family).toBe(family);
  });

  it('treats a container that is no pinned group as an external image', () => {
    const s = step('a', { pip: ['x==1'] }, { container: 'quay.io/biocontainers/samtools:1.20' });
    expect(familyOf(s).family).toBe('external');
    expect(
      familyOf(step('b', { pip: ['x==1'] }, { container: 'gpu' }), new Set(['gpu'])).family,
    ).toBe('python');
    expect(familyOf(step('b', { pip: ['x==1'] }, { container: 'gpu' })).family).toBe('external');
  });
});

describe('GPU detection', () => {
  it.each([
    ['tensorflow==2.17.0', true],
    ['tensorflow[and-cuda]==2.17.0', true],
    ['torch>=2.3', true],
    ['jax[cuda12]==0.4.30', true],
    ['jax==0.4.30', false],
    ['cupy-cuda12x', true],
    ['nvidia-cudnn-cu12', true],
    ['pytorch::pytorch-cuda=12.1', true],
    ['conda-forge::cudatoolkit=11.8', true],
    ['numpy==2.0.1', false],
    ['tensorboard', false],
  ])('%s → %s', (text, gpu) => {
    expect(isGpuPackage(text)).toBe(gpu);
  });

  it('counts a GPU resource request', () => {
    expect(isGpuStep(step('a', { pip: ['numpy'] }, { resources: { gpus: 1 } }))).toBe(true);
    expect(isGpuStep(step('a', { pip: ['numpy'] }, { resources: { gpus: 0 } }))).toBe(false);
    expect(familyOf(step('a', { pip: ['tensorflow==2.17.0'] })).gpu).toBe(true);
  });
});
