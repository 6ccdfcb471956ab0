/**
 * Workflows shaped like the hostile pull requests of issue 16, at any size: what made a stage
 * super-linear (or overflow, or walk forever). Used by bench/hostile.ts and by the tests that
 * hold each stage linear. Files are given as name → text; links as name → target.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Tree {
  files: Record<string, string>;
  links?: Record<string, string>;
}

/** Writes a tree into `dir` (which exists). */
export function writeTree(dir: string, tree: Tree): void {
  for (const [name, text] of Object.entries(tree.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  for (const [name, target] of Object.entries(tree.links ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    symlinkSync(target, join(dir, name));
  }
}

/** A stowage spec whose every step reads `t<i>.out`, a step that does not exist (STW101). */
export function misspeltSpec(steps: number): string {
  const lines = ['version: 1', 'name: misspelt', 'steps:'];
  for (let i = 0; i < steps; i += 1) {
    lines.push(
      `  s${i}:`,
      '    run: echo',
      `    inputs: [t${i}.out]`,
      `    outputs: { out: work/s${i} }`,
    );
  }
  return lines.join('\n') + '\n';
}

const nextflowProcess = (name: string): string =>
  `process ${name} {\n  conda 'bioconda::samtools=1.20'\n  script:\n  """\n  samtools --version\n  """\n}\n`;

/** A Nextflow pipeline with a folder holding `links` links to itself. */
export function selfLinkedPipeline(links: number): Tree {
  const tree: Tree = {
    files: {
      'main.nf': nextflowProcess('MAIN'),
      'modules/local/tool/main.nf': nextflowProcess('TOOL'),
    },
    links: {},
  };
  for (let k = 1; k <= links; k += 1) tree.links![`modules/again${k}`] = '.';
  return tree;
}

/**
 * CWL files `wf1.cwl` … `wf<files>.cwl`: each workflow runs the next four times (in a chain of
 * steps), the last is a tool. Flattened in full: 4^(files - 1) steps.
 */
export function cwlFanOut(files: number): Tree {
  const tree: Tree = { files: {} };
  for (let i = 1; i < files; i += 1) {
    const steps = [0, 1, 2, 3].map((k) =>
      [
        `  s${k}:`,
        `    run: wf${i + 1}.cwl`,
        `    in: { x: ${k === 0 ? 'x' : `s${k - 1}/y`} }`,
        '    out: [y]',
      ].join('\n'),
    );
    tree.files[`wf${i}.cwl`] = [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs: { x: File }',
      'outputs: { y: { type: File, outputSource: s3/y } }',
      'steps:',
      ...steps,
      '',
    ].join('\n');
  }
  tree.files[`wf${files}.cwl`] = [
    'cwlVersion: v1.2',
    'class: CommandLineTool',
    'baseCommand: [samtools, index]',
    'inputs: { x: File }',
    'outputs: { y: { type: File, outputBinding: { glob: out.bai } } }',
    '',
  ].join('\n');
  return tree;
}

/** A Snakefile of `rules` rules, each reading the file the one before it writes. */
export function snakemakeChain(rules: number): string {
  const text: string[] = [];
  for (let i = 0; i < rules; i += 1) {
    text.push(
      `rule r${i}:`,
      ...(i > 0 ? [`    input: "work/s${i - 1}.txt"`] : []),
      `    output: "work/s${i}.txt"`,
      '    shell: "touch {output}"',
      '',
    );
  }
  return text.join('\n');
}

/**
 * A Snakefile of `rules` rules whose outputs are all `{sample}`, a pattern every file matches;
 * each reads a pattern of its own, which every rule's output matches.
 */
export function snakemakeWildcards(rules: number): string {
  const text: string[] = [];
  for (let i = 0; i < rules; i += 1) {
    text.push(
      `rule r${i}:`,
      `    input: "{sample}.in${i}"`,
      '    output: "{sample}"',
      '    shell: "touch {output}"',
      '',
    );
  }
  return text.join('\n');
}

/** A Nextflow pipeline whose middle process's script is a GString nested `levels` deep. */
export function nestedGStringPipeline(levels: number): Tree {
  const nested = '"${'.repeat(levels) + 'x' + '}"'.repeat(levels);
  const process = (name: string, script: string): string =>
    `process ${name} {\n    script:\n    ${script}\n}\n`;
  return {
    files: {
      'main.nf': [
        process('A', '"samtools index x"'),
        process('DEEP', nested),
        process('C', '"bcftools index x"'),
      ].join('\n'),
    },
  };
}
