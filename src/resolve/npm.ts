/**
 * npm groups solved by npm itself: `npm install --package-lock-only` in a temporary project whose
 * `package.json` lists the group's packages. Only metadata is fetched, nothing installed or run;
 * the `package-lock.json` it writes is the group's lock (`npm ci` installs from it).
 */
import type { RunProcess } from '../common/process.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResolvedPackage } from '../plan/types.js';
import type { SolveOutcome, SolveRequest } from './types.js';

const NPM_TIMEOUT_MS = 300_000;

/** `name@range` (the spec grammar) → package.json's `dependencies`. */
export function npmDependencies(specs: readonly string[]): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const spec of specs) {
    const at = spec.indexOf('@', 1);
    deps[at > 0 ? spec.slice(0, at) : spec] = at > 0 ? spec.slice(at + 1).trim() : '*';
  }
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function npmArgs(registry: string, cache: string): string[] {
  return [
    'install',
    // A cache of its own: nothing of the user's is changed, nothing stale is read.
    `--cache=${cache}`,
    '--package-lock-only',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--no-update-notifier',
    '--omit-lockfile-registry-resolved=false',
    '--fetch-timeout=10000',
    '--fetch-retries=1',
    `--registry=${registry}/`,
  ];
}

interface Lockfile {
  packages?: Record<string, { version?: string; resolved?: string; integrity?: string }>;
}

export async function solveNpm(
  request: SolveRequest,
  run: RunProcess,
  npm: string,
  /** What is left of the resolve stage's time (resolve-timeout), when less than npm's own limit. */
  timeoutMs = NPM_TIMEOUT_MS,
): Promise<SolveOutcome> {
  const limit = Math.min(NPM_TIMEOUT_MS, timeoutMs);
  const dir = mkdtempSync(path.join(tmpdir(), 'stowage-npm-'));
  try {
    const manifest = {
      name: 'stowage-resolve',
      private: true,
      dependencies: npmDependencies(request.specs),
    };
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    let result;
    try {
      result = await run(npm, npmArgs(request.sources[0]!, path.join(dir, 'cache')), {
        cwd: dir,
        timeoutMs: limit,
      });
    } catch (error) {
      return { kind: 'unreachable', reason: `cannot run npm: ${(error as Error).message}` };
    }
    if (result.timedOut)
      return {
        kind: 'unreachable',
        reason: `npm did not finish within ${Math.round(limit / 1000)} s`,
      };
    if (result.exitCode !== 0) return failureOf(`${result.stdout}\n${result.stderr}`);
    const text = readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
    return {
      kind: 'solved',
      packages: packagesOf(JSON.parse(text) as Lockfile, request),
      npmLockfile: text,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function packagesOf(lock: Lockfile, request: SolveRequest): ResolvedPackage[] {
  const out: ResolvedPackage[] = [];
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (where === '' || !entry.version) continue;
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.push({
      ecosystem: 'npm',
      name,
      version: entry.version,
      source: request.sources[0]!,
      url:
        entry.resolved ??
        `${request.sources[0]}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`,
      ...(entry.integrity ? { integrity: entry.integrity } : {}),
      arch: request.arch,
    });
  }
  return out.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1,
  );
}

function failureOf(output: string): SolveOutcome {
  const lines = output.split('\n').map((l) => l.replace(/^npm (?:error|ERR!) /, '').trim());
  const code = /^code (\S+)/.exec(lines.find((l) => l.startsWith('code ')) ?? '')?.[1];
  const names = new Set<string>();
  for (const l of lines) {
    const m =
      /No matching version found for ((?:@[^/\s]+\/)?[^@\s]+)@/.exec(l) ??
      /404 Not Found - GET \S+\/((?:@[^/\s]+\/)?[^/\s]+) /.exec(l) ??
      /peer (?:dep )?((?:@[^/\s]+\/)?[^@\s]+)@/.exec(l);
    if (m) names.add(decodeURIComponent(m[1]!));
  }
  const fetchFailed = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i;
  if (
    code === undefined ||
    (fetchFailed.test(code) && names.size === 0) ||
    (code !== 'ETARGET' && code !== 'E404' && code !== 'ERESOLVE')
  )
    return {
      kind: 'unreachable',
      reason: `npm failed: ${lines.filter(Boolean).slice(0, 3).join(' ')}`,
    };
  const explanation = lines
    .filter((l) => l !== '' && !/complete log|^code /.test(l))
    .slice(0, 8)
    .join('\n');
  return { kind: 'conflict', explanation, names: [...names].sort() };
}
