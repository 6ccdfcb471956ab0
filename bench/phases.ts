/**
 * Where time and memory go on a large spec: load, lint and plan run one after another in this
 * process, each followed by a full GC, printing its wall time and the live heap after it (what
 * the phase keeps) — the breakdown behind bench/action.ts's totals. Run with
 * `node --expose-gc --import ./bench/register.mjs bench/phases.ts [steps]` (default 30,000).
 */
import { generateSpec } from './generate.js';
import { loadSpecText } from '../src/workflow/load.js';
import { lintWorkflow } from '../src/lint/index.js';
import { plan } from '../src/plan/plan.js';
import { loadShellParser } from '../src/workflow/shell.js';

// Lint and plan read scripts with the shell parser (a run loads it when a script needs it).
await loadShellParser();

const steps = Number(process.argv[2] ?? 30_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function phase<T>(name: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const seconds = (performance.now() - started) / 1000;
  gc!();
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${name.padEnd(10)} ${`${seconds.toFixed(1)} s`.padEnd(9)} live heap ${`${heap.toFixed(0)} MB`.padEnd(8)} peak RSS so far ${peak.toFixed(0)} MB`,
  );
  return result;
}

const text = phase('generate', () => generateSpec(steps));
const loaded = phase('load', () => loadSpecText(text, 'stowage.yml'));
const workflow = loaded.workflow!;
const planned = phase('plan', () => plan(workflow));
const linted = phase('lint', () => lintWorkflow(workflow, { extra: planned.findings }));
console.log(
  `${steps} steps: ${planned.plan.groups.length} groups, ${linted.findings.length} findings; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
