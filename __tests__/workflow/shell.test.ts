/** What STW201 counts in a `run` command, read by tree-sitter-bash. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseScript, readScript } from '../../src/workflow/shell.js';

describe('readScript', () => {
  it.each([
    ['a pipe of two tools', 'bwa mem ref r.fq | samtools sort -o a.bam', 2, ['bwa', 'samtools']],
    [
      'lists, sequences and background jobs',
      'a && b || c; d & e\nf',
      6,
      ['a', 'b', 'c', 'd', 'e', 'f'],
    ],
    ['separators inside quotes', 'echo "x && y | z" && bgzip out', 1, ['bgzip']],
    [
      'interpreters name their script',
      'python scripts/regrid.py --in x && Rscript plot.R',
      2,
      ['scripts/regrid.py', 'plot.R'],
    ],
    [
      'wrappers and assignments before the program',
      'OMP_NUM_THREADS=4 time -p /usr/bin/solver --grid g',
      1,
      ['solver'],
    ],
    [
      'continued lines are one command',
      'cmake -S . -B b \\\n  -DX=1 && cmake --build b',
      2,
      ['cmake'],
    ],
    ['comments and shell chores count nothing', '# only a comment\nmkdir -p out && cd out', 0, []],
    [
      'base utilities are plumbing, not tools',
      'zcat a.gz | sed s/x/y/ | awk "{print}" | sort | gzip > b.gz',
      0,
      [],
    ],
  ])('%s', (_title, run, commands, tools) => {
    expect(readScript(run)).toMatchObject({ commands, tools });
  });

  it('reads flags, numbers and process substitutions as arguments, not tools', () => {
    // The hand-made splitter took `-L`, `2`, `>(tee` and `fi)` for tools.
    const run = [
      'INDEX=`find -L ./ -name "*.rev.1.bt2" | sed "s/\\.rev.1.bt2$//"`',
      'bowtie2 -x $INDEX -U r.fq \\',
      '    2>| >(tee x.log >&2) \\',
      '    | samtools view -o x.bam -',
      'if [ -f x.unmapped.fastq.1.gz ]; then',
      '    mv x.unmapped.fastq.1.gz x.unmapped_1.fastq.gz',
      'fi',
    ].join('\n');
    expect(readScript(run)).toMatchObject({ commands: 2, tools: ['bowtie2', 'samtools'] });
  });

  it('reads a heredoc body as data', () => {
    const run = [
      'cat <<-EOF > plot.R',
      'library(ggplot2)',
      'x <- read.csv("a.csv"); y <- run(x) | head',
      'ggsave("a.png")',
      'EOF',
      'Rscript plot.R',
    ].join('\n');
    expect(readScript(run)).toMatchObject({ commands: 1, tools: ['plot.R'] });
  });

  it('counts the largest branch of an if and of a case, and every branch’s tools', () => {
    const run = [
      'if [ "$single" = true ]; then',
      '  hisat2 -U r.fq | samtools view -o x.bam -',
      'elif [ -n "$x" ]; then',
      '  hisat2 -1 a -2 b | samtools view -o x.bam - && samtools index x.bam && picard X',
      'else',
      '  bowtie2 x',
      'fi',
      'case "$mode" in',
      '  a|b) gatk A ;;',
      '  *) bcftools norm x ;;',
      'esac',
    ].join('\n');
    expect(readScript(run)).toMatchObject({
      commands: 5,
      tools: ['hisat2', 'samtools', 'picard', 'bowtie2', 'gatk', 'bcftools'],
    });
  });

  it('does not count elif, fi, case patterns or variables as tools', () => {
    const run =
      'case $x in\n  *.gz) $decompress "$x" ;;\nesac\nif true; then :; elif false; then :; fi';
    expect(readScript(run)).toMatchObject({ commands: 0, tools: [] });
  });

  it('reads a script of another language (#!) as one command of its interpreter', () => {
    expect(readScript('#!/usr/bin/env Rscript\nlibrary(x)\nif (a) { b() }')).toMatchObject({
      commands: 1,
      tools: ['Rscript'],
    });
    expect(readScript('#!/bin/bash\nsamtools index x.bam')).toMatchObject({
      commands: 1,
      tools: ['samtools'],
    });
  });

  it('env options in a #! line, perl switch clusters, and absurd nesting', () => {
    expect(readScript('#!/usr/bin/env -S python3 -u\nprint(1)\n').tools).toEqual(['python3']);
    expect(readScript('#!/usr/bin/env LC_ALL=C perl\nprint 1;\n').tools).toEqual(['perl']);
    expect(readScript("perl -ne 'print if /x/' in.txt > out.txt").tools).toEqual(['perl']);
    expect(readScript("ruby -lane 'puts $F[0]' in.txt").tools).toEqual(['ruby']);
    // Thousands of nested substitutions: read as one command, never a stack overflow.
    const deep = `${'echo $('.repeat(5000)}x${')'.repeat(5000)}`;
    expect(() => readScript(deep)).not.toThrow();
  });

  it('calls of a function defined in the script are not tools', () => {
    expect(readScript('run() { samtools view "$1"; }\nrun a\nrun b')).toMatchObject({
      commands: 1,
      tools: ['samtools'],
    });
  });

  it('reads Snakemake and Groovy placeholders as words', () => {
    expect(readScript('samtools sort -@ {threads} -o {output} {input} 2> {log}')).toMatchObject({
      commands: 1,
      tools: ['samtools'],
    });
    expect(readScript('fastqc ${args} --threads ${task_cpus} ${reads}')).toMatchObject({
      commands: 1,
      tools: ['fastqc'],
    });
  });
});

describe('readScript: interpreters', () => {
  it.each([
    ['python -m multiqc .', ['multiqc']],
    ['java -Xmx4g -jar picard.jar MarkDuplicates', ['picard.jar']],
    ['java -cp lib.jar org.acme.Main', ['org.acme.Main']],
    ['perl $(which getCounts.pl) getControlStats -o ControlStats.txt', ['perl']],
    ["Rscript -e 'library(x)'", ['Rscript']],
    ['bash -c "samtools index x"', []],
    ['bash run.sh', ['run.sh']],
  ])('%s', (run, tools) => {
    expect(readScript(run).tools).toEqual(tools);
  });

  it('counts compression and bash built-ins as plumbing', () => {
    expect(
      readScript('pigz -cdf g.gz | prodigal -o x\npigz -nm x\ncompgen -G "*.vcf"'),
    ).toMatchObject({
      commands: 1,
      tools: ['prodigal'],
    });
  });
});

describe('the programs a script starts (what its image must provide)', () => {
  it.each([
    ['a pipe of two tools', 'bwa mem ref r.fq | samtools sort -o a.bam', ['bwa', 'samtools']],
    [
      'an absolute path, past assignments and wrappers',
      'OMP=4 time -p /usr/bin/solver -g g',
      ['/usr/bin/solver'],
    ],
    ["timeout's duration is its own", 'timeout 5 samtools index x.bam', ['samtools']],
    ['interpreters themselves', 'python scripts/x.py && Rscript plot.R', ['python', 'Rscript']],
    ['base utilities too', 'zcat a.gz | gzip > b.gz', ['zcat', 'gzip']],
    ['every branch', 'if [ -f a ]; then samtools a; else bcftools b; fi', ['samtools', 'bcftools']],
    [
      'not files of the working folder, expansions or placeholders',
      './run.sh && bin/x && $TOOL a && {params.x} b',
      [],
    ],
    ["not the script's own functions", 'f() { samtools "$@"; }\nf a', ['samtools']],
    ['not built-ins', 'cd /x && echo hi && export A=1', []],
    ['not a path that climbs', '/opt/../etc/x a', []],
    ['a #! line names the interpreter', '#!/usr/bin/env Rscript\nlibrary(x)', ['Rscript']],
  ])('%s', (_title, run, programs) => {
    expect(readScript(run).programs).toEqual(programs);
  });
});

test('a plain command line is read without the parser exactly as the parser reads it', () => {
  const word = fc.constantFrom(
    ...['samtools', 'python', 'Rscript', 'timeout', '5', 'env', 'A=1', 'OMP_NUM_THREADS=4'],
    ...['/usr/local/bin/gawk', 'scripts/x.py', './run.sh', '-o', 'out.bam', '{inputs.x}'],
    ...['--in', 'a,b', 'x=y', 'cd', 'echo', 'sort', '-m', 'multiqc', '-jar', 'a.jar', 'time'],
    ...['out_{x}.txt', '{a}', 'x{y}', '{threads}', 'A={x}', 'nice', '-n', '10', 'xargs', 'bash'],
  );
  fc.assert(
    fc.property(
      fc.array(word, { minLength: 1, maxLength: 7 }),
      fc.constantFrom(' ', '  ', '\t'),
      (words, blank) => {
        const line = words.join(blank);
        expect(readScript(line)).toEqual(parseScript(line));
      },
    ),
    { numRuns: 500 },
  );
});
