/**
 * One mistake, one finding: a field that is written but invalid (or a misspelt key) gets its
 * STW100 and no "missing" finding from another rule on top.
 */
import { describe, expect, test } from '@jest/globals';
import { lintWorkflow } from '../../src/lint/index.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { yaml } from './helpers.js';

function rulesOf(text: string): string[] {
  const loaded = loadSpecText(text, 'stowage.yml');
  return lintWorkflow(loaded.workflow!, { extra: loaded.findings })
    .findings.map((f) => f.rule)
    .sort();
}

const base = (step: string[], extra: string[] = []): string =>
  yaml(
    'version: 1',
    'name: w',
    'based-on: none',
    'economics: { runs-per-year: 12, manual-minutes-per-run: 60, development-hours: 1, maintenance-hours-per-year: 1, horizon-years: 2 }',
    ...extra,
    'outputs: { r: a.out }',
    'steps:',
    '  a:',
    '    run: tool',
    '    outputs: { out: out.txt }',
    ...step,
  );

describe('a field written but invalid gets its schema error only', () => {
  test.each<[string, string]>([
    ['misspelt software', base(['    sofware: { apt: [curl=7.88.1-10] }', '    duration: 5m'])],
    [
      'memory: lots on a cluster',
      base(
        [
          '    software: { apt: [curl=7.88.1-10] }',
          '    duration: 5m',
          '    resources: { cpus: 1, memory: lots, time: 1h }',
        ],
        ['cluster: { max-cpus: 4, max-memory: 8GB, max-time: 2h }'],
      ),
    ],
    [
      'duration: two hours',
      base(['    software: { apt: [curl=7.88.1-10] }', '    duration: two hours']),
    ],
    [
      'misspelt resources on a cluster',
      base(
        [
          '    software: { apt: [curl=7.88.1-10] }',
          '    duration: 5m',
          '    resorces: { cpus: 1, memory: 1GB, time: 1h }',
        ],
        ['cluster: { max-cpus: 4, max-memory: 8GB, max-time: 2h }'],
      ),
    ],
  ])('%s', (_name, text) => {
    expect(rulesOf(text)).toEqual(['STW100']);
  });

  test('an invalid economics figure is not also "lacking"', () => {
    const text = base(['    software: { apt: [curl=7.88.1-10] }', '    duration: 5m']).replace(
      'runs-per-year: 12',
      'runs-per-year: many',
    );
    expect(rulesOf(text)).toEqual(['STW100']);
  });

  test('a field that is really missing is still reported', () => {
    expect(rulesOf(base(['    software: { apt: [curl=7.88.1-10] }']))).toEqual(['STW203']);
  });
});
