/**
 * `npm run bench:cold-start [runs]`: the bundled action's start, as a runner starts it — `node
 * dist/index.js` in `mode: lint` on the bundled example — paired run by run against a bare
 * `node -e 0`, and the CLI's `stowage lint` likewise. Prints each one's wall time (min, median)
 * and the median of the paired ratios, so the figure holds when the machine's speed drifts.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 15);
const repo = path.resolve(import.meta.dirname, '..');
const workspace = mkdtempSync(path.join(tmpdir(), 'stowage-cold-'));
cpSync(path.join(repo, 'examples'), path.join(workspace, 'examples'), { recursive: true });

const actionEnv = {
  PATH: process.env.PATH ?? '',
  GITHUB_WORKSPACE: workspace,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REPOSITORY: 'acme/flood',
  INPUT_SPEC: 'examples/flood/stowage.yml',
  INPUT_MODE: 'lint',
  INPUT_SUMMARY: 'false',
  INPUT_ANNOTATIONS: 'false',
};

function wall(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: workspace, env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`);
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function paired(name: string, args: string[], env?: NodeJS.ProcessEnv): void {
  wall(args, env);
  wall(['-e', '0']);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    a.push(wall(args, env));
    b.push(wall(['-e', '0']));
  }
  const ratios = a.map((x, i) => x / b[i]!);
  console.log(
    `${name.padEnd(34)} ${Math.min(...a).toFixed(3)} s min, ${median(a).toFixed(3)} s median;` +
      ` node -e 0 ${median(b).toFixed(3)} s; ratio ${median(ratios).toFixed(2)}×`,
  );
}

try {
  console.log(`${runs} paired runs each (2 cores here):`);
  paired('action, mode: lint (flood)', [path.join(repo, 'dist/index.js')], actionEnv);
  paired('stowage lint (flood)', [
    path.join(repo, 'dist/cli/index.js'),
    'lint',
    'examples/flood/stowage.yml',
  ]);
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
