/**
 * Plan benchmark: bare YAML parse against load + lint + plan on synthetic specs of 1,000 and
 * 10,000 steps. Run with `npx tsx bench/plan.ts`. Figures are medians of several runs after a
 * warm-up; the aim is load+lint+plan within 3× the bare parse, growing near-linearly.
 */
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { plan } from '../src/plan/plan.js';
import { loadSpecText } from '../src/workflow/load.js';
import { generateSpec } from './generate.js';
import { loadShellParser } from '../src/workflow/shell.js';

// Lint and plan read scripts with the shell parser (a run loads it when a script needs it).
await loadShellParser();

type Lint = (workflow: NonNullable<ReturnType<typeof loadSpecText>['workflow']>) => unknown;

async function loadLint(): Promise<Lint | undefined> {
  try {
    const mod = (await import('../src/lint/index.js')) as { lintWorkflow?: Lint };
    return mod.lintWorkflow;
  } catch {
    return undefined;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, fn: () => void): number {
  fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const lint = await loadLint();
  const rows: {
    steps: number;
    parse: number;
    full: number;
    load: number;
    lint: number;
    plan: number;
    groups: number;
    lowerBound: number;
  }[] = [];
  for (const steps of [1000, 10000]) {
    const text = generateSpec(steps);
    const runs = steps >= 10000 ? 3 : 7;
    const bare = time(runs, () => parse(text, { uniqueKeys: false }));
    let groups = 0;
    let lowerBound = 0;
    const parts = { load: [] as number[], lint: [] as number[], plan: [] as number[] };
    const full = time(runs, () => {
      const t0 = performance.now();
      const { workflow } = loadSpecText(text, 'stowage.yml');
      const t1 = performance.now();
      if (!workflow) throw new Error('the synthetic spec did not load');
      lint?.(workflow);
      const t2 = performance.now();
      const { plan: p } = plan(workflow);
      const t3 = performance.now();
      parts.load.push(t1 - t0);
      parts.lint.push(t2 - t1);
      parts.plan.push(t3 - t2);
      groups = p.groups.length;
      lowerBound = p.lowerBound;
    });
    rows.push({
      steps,
      parse: bare,
      full,
      load: median(parts.load),
      lint: median(parts.lint),
      plan: median(parts.plan),
      groups,
      lowerBound,
    });
  }
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`lint: ${lint ? 'lintWorkflow' : 'not available (skipped)'}`);
  console.log(
    'steps   bare parse   load+lint+plan   ratio   (load / lint / plan)        groups  lower bound',
  );
  for (const r of rows) {
    console.log(
      `${String(r.steps).padEnd(7)} ${ms(r.parse).padEnd(12)} ${ms(r.full).padEnd(16)} ${(r.full / r.parse).toFixed(2).padEnd(7)} (${ms(r.load)} / ${ms(r.lint)} / ${ms(r.plan)})`.padEnd(
        82,
      ) + `${String(r.groups).padEnd(7)} ${r.lowerBound}`,
    );
  }
  const [small, large] = rows;
  console.log(
    `10k/1k: bare parse ${(large!.parse / small!.parse).toFixed(1)}×, load+lint+plan ${(large!.full / small!.full).toFixed(1)}× (10× is linear)`,
  );
}

await main();
