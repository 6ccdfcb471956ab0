/**
 * The index of output patterns finds the rule Snakemake would pick (the first whose output may be
 * the file) as comparing the input with every rule's outputs does, in time that does not grow
 * with the number of rules; Snakemake workflows of 10,000 chained rules or 3,000 rules with
 * all-matching outputs are imported and linted at once (they took 224 s and 25 s).
 */
import fc from 'fast-check';
import { snakemakeChain, snakemakeWildcards, writeTree } from '../../bench/hostile-inputs.js';
import { lintWorkflow } from '../../src/lint/index.js';
import { importSnakemake } from '../../src/workflow/importers/snakemake.js';
import {
  MAX_COMPARED,
  OutputIndex,
  patternsMatch,
} from '../../src/workflow/importers/snakemake-outputs.js';
import { tempDir } from '../helpers/temp.js';

/** The first output (in order) the input may be a file of, comparing it with every output. */
function firstByComparingAll(input: string, outputs: string[]): number | undefined {
  const k = outputs.findIndex((o) => patternsMatch(input, o));
  return k < 0 ? undefined : k;
}

describe('OutputIndex', () => {
  const pattern = fc
    .array(fc.constantFrom('a', 'b', 'x', '/', '.txt', '{s}', '{t,[0-9]+}', 'res/'), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.join(''));

  it('finds the output comparing every one finds', () => {
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 25 }), pattern, (outputs, input) => {
        const index = new OutputIndex<number>();
        outputs.forEach((o, k) => index.add(o, k));
        expect(index.find(input)).toBe(firstByComparingAll(input, outputs));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['results/A.bam', ['results/{s}.bai', 'results/{sample}.bam'], 1],
    ['results/{x}.bam', ['other/A.bam', 'results/sub/A.bam', 'results/B.bam'], 1],
    ['results/A.bam', ['{any}', 'results/A.bam'], 0],
    ['data/genome.fa', ['results/{x}.vcf'], undefined],
  ])('%s among %j → output %s', (input, outputs, expected) => {
    const index = new OutputIndex<number>();
    outputs.forEach((o, k) => index.add(o, k));
    expect(index.find(input)).toBe(expected);
  });

  it(`gives up after ${MAX_COMPARED} patterns that cannot be told apart by their folders, and says so`, () => {
    const index = new OutputIndex<number>();
    for (let k = 0; k <= MAX_COMPARED; k += 1) index.add(`{s}.o${k}`, k);
    expect(index.find(`A.o${MAX_COMPARED}`)).toBeUndefined();
    expect(index.gaveUp).toBe(1);
    expect(index.find('A.o7')).toBe(7);
    expect(index.gaveUp).toBe(1);
  });
});

describe('hostile Snakemake workflows', () => {
  const imported = (snakefile: string) => {
    const dir = tempDir('smk-hostile');
    writeTree(dir, { files: { Snakefile: snakefile } });
    return importSnakemake(dir, { root: dir });
  };

  it('a chain of 10,000 rules: each reads the one before', () => {
    const { workflow } = imported(snakemakeChain(10_000));
    const steps = workflow!.steps;
    expect(steps).toHaveLength(10_000);
    expect(steps.every((s, i) => i === 0 || s.inputs.join() === `r${i - 1}.out`)).toBe(true);
  });

  it('3,000 rules whose outputs match every file: all read the first, none is a duplicate writer', () => {
    const { workflow } = imported(snakemakeWildcards(3000));
    const steps = workflow!.steps;
    expect(steps.map((s) => s.inputs.join())).toEqual(steps.map(() => 'r0.out'));
    // One mark per output, not 3,000 × 2,999 pairs of alternatives.
    expect(steps.every((s) => s.alternativeOutputs?.join() === 'out')).toBe(true);
    const findings = lintWorkflow(workflow!).findings;
    expect(findings.filter((f) => f.rule === 'STW103')).toEqual([]);
    expect(findings.filter((f) => f.rule === 'STW102').map((f) => f.message)).toEqual([
      expect.stringMatching(/^Step "r0" reads its own output/),
    ]);
  });
});
