/** What the engine tests share: the bundled CLI as users run it, and a hard check for tools. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { missingTools } from '../e2e/harness.js';
import { repoRoot } from '../helpers/run-action.js';

/** `node dist/cli/index.js …` in `cwd`. */
export function stowage(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(repoRoot, 'dist/cli/index.js'), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
  });
}

/**
 * The engine suite runs for real or fails: `.ci/run` installs every tool (scripts/
 * install-system-deps.sh), so a missing one is a broken machine, not a reason to skip.
 */
export function requireTools(tools: readonly string[]): void {
  const missing = missingTools(tools);
  if (missing.length > 0) {
    throw new Error(
      `the engine tests need ${missing.join(', ')}: run scripts/install-system-deps.sh (as root)`,
    );
  }
}

/** The time since `since` (a Date.now()), as the engine tests print it: `12.3 s`. */
export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
