/**
 * `npm run bench`: every benchmark in this folder — the plan, then the resolve stage — each in a
 * process of its own, so one's memory (the plan's 10,000-step spec) neither slows the other nor
 * counts in its peak.
 */
import { spawnSync } from 'node:child_process';

for (const bench of ['bench/plan.ts', 'bench/resolve.ts']) {
  console.log(`\n== ${bench}`);
  const run = spawnSync(process.execPath, ['--import', './bench/register.mjs', bench], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
