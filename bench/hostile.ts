/**
 * `npm run bench:hostile`: each hostile input of issue 16 at the size the adversarial round used
 * (1×) and at ten times that (10×), through the stage it made super-linear: wall time of the stage,
 * the process's peak memory, and the 10×/1× ratios (about 10 when the stage is linear). Each run
 * is a process of its own, so one's memory does not count in another's peak. The inputs come from
 * bench/hostile-inputs.ts; `npx tsx bench/hostile.ts <case> <size>` runs one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { lintWorkflow } from '../src/lint/index.js';
import type { Workflow } from '../src/workflow/model.js';
import { importWorkflow } from '../src/workflow/importers/index.js';
import { loadSpecText } from '../src/workflow/load.js';
import {
  cwlFanOut,
  misspeltSpec,
  nestedGStringPipeline,
  selfLinkedPipeline,
  snakemakeChain,
  snakemakeWildcards,
  writeTree,
  type Tree,
} from './hostile-inputs.js';
import { loadShellParser } from '../src/workflow/shell.js';

// Lint and plan read scripts with the shell parser (a run loads it when a script needs it).
await loadShellParser();

interface Case {
  name: string;
  /** What the stage is run on, at 1× (10× is ten times it). */
  unit: string;
  size: number;
  /** Runs the stage on an input of `size`; returns what it did, in a few words. */
  run(size: number): string;
}

const CASES: Case[] = [
  {
    name: 'stw101',
    unit: 'steps, each naming a missing step (load + lint)',
    size: 6_000,
    run: (steps) => {
      const { workflow } = loadSpecText(misspeltSpec(steps), 'stowage.yml');
      const found = lintWorkflow(workflow!).findings.filter((f) => f.rule === 'STW101');
      const suggested = found.filter((f) => f.message.includes('Did you mean')).length;
      return `${found.length} STW101 findings, ${suggested} with a suggestion`;
    },
  },
  {
    name: 'nextflow-links',
    unit: 'links of a folder to itself (import)',
    size: 4,
    run: (links) => {
      const { workflow } = importTree(selfLinkedPipeline(links), '.');
      return `${workflow?.steps.length ?? 0} processes imported`;
    },
  },
  {
    name: 'cwl-fan-out',
    unit: 'CWL files, each running the next four times (import)',
    size: 12,
    run: (files) => {
      const { workflow, findings } = importTree(cwlFanOut(files), 'wf1.cwl');
      const depth = findings.find((f) => f.message.startsWith('Nested workflows are flattened'));
      const level = /flattened (\d+) level/.exec(depth?.message ?? '')?.[1] ?? 'all';
      return `${workflow?.steps.length ?? 0} steps, flattened ${level} levels deep`;
    },
  },
  {
    name: 'snakemake-chain',
    unit: 'chained Snakemake rules (import + lint)',
    size: 10_000,
    run: (rules) => {
      const { workflow } = importTree({ files: { Snakefile: snakemakeChain(rules) } }, '.');
      return `${workflow!.steps.length} steps, ${edges(workflow!)} edges, ${lintWorkflow(workflow!).findings.length} findings`;
    },
  },
  {
    name: 'snakemake-wildcards',
    unit: 'Snakemake rules with all-matching outputs (import + lint)',
    size: 3_000,
    run: (rules) => {
      const { workflow } = importTree({ files: { Snakefile: snakemakeWildcards(rules) } }, '.');
      return `${workflow!.steps.length} steps, ${edges(workflow!)} edges, ${lintWorkflow(workflow!).findings.length} findings`;
    },
  },
  {
    name: 'groovy-gstrings',
    unit: 'levels of nested GStrings (import)',
    size: 1_800,
    run: (levels) => {
      const { workflow, findings } = importTree(nestedGStringPipeline(levels), '.');
      const errors = findings.filter((f) => f.rule === 'STW420').length;
      return `${workflow?.steps.length ?? 0} of 3 processes imported, ${errors} STW420`;
    },
  },
];

/** Imports `entry` of a tree written to a temporary folder, which is removed after. */
function importTree(tree: Tree, entry: string): ReturnType<typeof importWorkflow> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stowage-hostile-'));
  try {
    writeTree(dir, tree);
    return importWorkflow(entry, { root: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const edges = (workflow: Workflow): number =>
  workflow.steps.reduce((n, s) => n + s.inputs.length, 0);

interface Measure {
  seconds: number;
  peakMb: number;
  did: string;
}

/** In the child: runs one case at one size and prints its measure as JSON. */
function measureHere(name: string, size: number): void {
  const found = CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}: ${CASES.map((c) => c.name).join(', ')}`);
  const started = performance.now();
  const did = found.run(size);
  const seconds = (performance.now() - started) / 1000;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, peakMb, did } satisfies Measure));
}

function measureApart(name: string, size: number): Measure {
  const child = spawnSync(
    process.execPath,
    ['--import', './bench/register.mjs', 'bench/hostile.ts', name, String(size)],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (child.status !== 0) throw new Error(`${name} ${size} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measure;
}

function main(): void {
  const [name, size] = process.argv.slice(2);
  if (name !== undefined) {
    measureHere(name, Number(size));
    return;
  }
  for (const c of CASES) {
    const one = measureApart(c.name, c.size);
    const ten = measureApart(c.name, c.size * 10);
    console.log(`\n${c.name}: ${c.unit}`);
    for (const [label, size, m] of [
      ['1× ', c.size, one],
      ['10×', c.size * 10, ten],
    ] as const) {
      console.log(
        `  ${label} ${String(size).padStart(6)}: ${m.seconds.toFixed(3).padStart(7)} s ${m.peakMb.toFixed(0).padStart(5)} MB peak — ${m.did}`,
      );
    }
    console.log(
      `  10×/1×: time ${(ten.seconds / one.seconds).toFixed(1)}×, peak memory ${(ten.peakMb / one.peakMb).toFixed(1)}×`,
    );
  }
}

main();
