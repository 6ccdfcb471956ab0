/** The light reading of `run` commands that STW201 counts. */
import { describe, expect, it } from '@jest/globals';
import { splitCommands, toolsOf } from '../../src/lint/shell.js';

describe('splitCommands', () => {
  it.each([
    ['bwa mem ref r.fq | samtools sort -o a.bam', ['bwa', 'samtools']],
    ['a && b || c; d & e\nf', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['echo "x && y | z" && gzip out', [undefined, 'gzip']],
    ["printf 'a;b' ; tar cf x.tar .", [undefined, 'tar']],
    ['python scripts/regrid.py --in x && Rscript plot.R', ['scripts/regrid.py', 'plot.R']],
    ['OMP_NUM_THREADS=4 time -p /usr/bin/solver --grid g', ['solver']],
    ['cmake -S . -B b \\\n  -DX=1 && cmake --build b', ['cmake', 'cmake']],
    ['# only a comment\nmkdir -p out && cd out', [undefined, undefined]],
  ])('%j', (run, tools) => {
    expect(splitCommands(run).map((c) => c.tool)).toEqual(tools);
  });

  it('lists distinct tools in order of first use', () => {
    expect(toolsOf(splitCommands('gatk A && samtools x && gatk B | bcftools y'))).toEqual([
      'gatk',
      'samtools',
      'bcftools',
    ]);
  });
});
