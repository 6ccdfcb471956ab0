/** The example workflows: the real ones lint clean, the broken ones show each smell where noted. */
import { describe, expect, it } from '@jest/globals';
import { lintWorkflow } from '../../src/lint/index.js';
import { loadSpecFile } from '../../src/workflow/load.js';

function lintFile(path: string): string[] {
  const loaded = loadSpecFile(path);
  expect(loaded.workflow).toBeDefined();
  const result = lintWorkflow(loaded.workflow!, { extra: loaded.findings });
  return result.findings.map((f) => `${f.span.line}:${f.rule}`);
}

describe('examples', () => {
  it.each(['examples/flood/stowage.yml', 'examples/variant-calling/stowage.yml'])(
    '%s lints clean',
    (path) => {
      expect(lintFile(path)).toEqual([]);
    },
  );

  it('lint-smells.yml shows every structural, software and cluster smell', () => {
    expect(lintFile('examples/broken/lint-smells.yml')).toEqual([
      '4:STW301',
      '4:STW409',
      '9:STW106',
      '13:STW101',
      '24:STW403',
      '29:STW102',
      '32:STW502',
      '33:STW503',
      '39:STW402',
      '43:STW104',
      '43:STW203',
      '44:STW201',
      '46:STW103',
      '47:STW201',
      '47:STW407',
      '50:STW104',
      '50:STW203',
      '50:STW501',
      '53:STW403',
      '55:STW501',
      '57:STW408',
    ]);
  });

  it('lint-tiny-chain.yml shows the economics, chain, config and suppression smells', () => {
    expect(lintFile('examples/broken/lint-tiny-chain.yml')).toEqual([
      '4:STW105',
      '8:STW302',
      '17:STW003',
      '25:STW202',
      '39:STW002',
      '47:STW401',
      '47:STW001',
    ]);
  });
});
