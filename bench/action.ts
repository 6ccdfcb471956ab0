/**
 * The action on large specs, as a runner runs it: `node dist/index.js` in plan mode on synthetic
 * specs of 10,000, 30,000 and 100,000 steps (bench/generate.ts), printing wall time and peak
 * memory (maximum resident set, from /usr/bin/time or getrusage). Target: 100k steps under 60 s
 * and 1 GB. Run `npm run bundle` first, then `npx tsx bench/action.ts [sizes…]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSpec } from './generate.js';

const bundle = path.resolve(import.meta.dirname, '..', 'dist', 'index.js');
const sizes = process.argv.slice(2).map(Number).filter(Boolean);

function run(steps: number): {
  seconds: number;
  peakMb: number;
  status: number | null;
  summaryKb: number;
} {
  const ws = mkdtempSync(path.join(tmpdir(), 'stowage-bench-'));
  try {
    writeFileSync(path.join(ws, 'stowage.yml'), generateSpec(steps));
    for (const f of ['output', 'summary']) writeFileSync(path.join(ws, f), '');
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: path.join(ws, 'output'),
      GITHUB_STEP_SUMMARY: path.join(ws, 'summary'),
      RUNNER_TEMP: ws,
      INPUT_SPEC: 'stowage.yml',
      INPUT_MODE: 'plan',
      'INPUT_FAIL-ON': 'never',
    };
    const timeBin = existsSync('/usr/bin/time');
    const started = performance.now();
    const r = timeBin
      ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bundle], {
          env,
          cwd: ws,
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        })
      : spawnSync(process.execPath, [bundle], {
          env,
          cwd: ws,
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        });
    const seconds = (performance.now() - started) / 1000;
    const kb = timeBin ? Number(r.stderr.trim().split('\n').pop()) : NaN;
    return {
      seconds,
      peakMb: kb / 1024,
      status: r.status,
      summaryKb: statSync(path.join(ws, 'summary')).size / 1024,
    };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

console.log('steps    exit  wall time  peak memory  summary');
for (const steps of sizes.length > 0 ? sizes : [10_000, 30_000, 100_000]) {
  const r = run(steps);
  console.log(
    `${String(steps).padEnd(8)} ${String(r.status).padEnd(5)} ${`${r.seconds.toFixed(1)} s`.padEnd(10)} ${`${r.peakMb.toFixed(0)} MB`.padEnd(12)} ${r.summaryKb.toFixed(0)} KB`,
  );
}
