/**
 * The resolve use case both adapters reach through `check`: where the lock file lives, which
 * sources and architectures to solve for (options over the spec over the defaults), and the
 * resolve stage itself. Reads the lock file; `writeLockFile` writes it back.
 *
 * The lock file sits beside the spec (`stowage.yml` → `stowage.lock`; a pipeline folder →
 * `<folder>/stowage.lock`), not in the output folder: it is an input of the next plan, like
 * `package-lock.json` beside `package.json`. Committed, it travels with the spec through pull
 * requests (a changed group shows as a diff of its packages), and every checkout — a CI runner,
 * an air-gapped cluster — finds it without the `--out-dir` it was made with. The out-dir holds
 * what is generated from it and may be thrown away.
 */
import type { RunProcess } from '../common/process.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/errors.js';
import { optionRef } from '../common/option-names.js';
import type { Finding } from '../common/findings.js';
import { readWorkspaceFile } from '../common/paths.js';
import type { PlanOptions } from '../plan/plan.js';
import type { Arch, Plan } from '../plan/types.js';
import type { NetworkLimits } from '../resolve/network.js';
import { resolvePlan, type ResolveResult } from '../resolve/resolve.js';
import {
  checkedSourceUrl,
  DEFAULT_NPM_REGISTRY,
  DEFAULT_PIP_INDEX,
  parseChannelUrls,
} from '../resolve/sources.js';
import { defaultCacheDir } from '../resolve/repodata-cache.js';
import { LockStore } from '../resolve/store.js';
import type { FetchFn, ResolveMode, SolveRequest } from '../resolve/types.js';
import type { Workflow } from '../workflow/model.js';

export interface ResolveOptions {
  mode: ResolveMode;
  /** Channel name → URL from the command line or the action (over the spec's `channel-urls`). */
  channelUrls?: Readonly<Record<string, string>>;
  pipIndexUrl?: string;
  npmRegistry?: string;
  /** Build platforms (`linux/amd64`, `linux/arm64`); none: this machine's. */
  platforms?: readonly string[];
  /** Commands: the Python that runs pip (default `python3`), and npm (default `npm`). */
  python?: string;
  npm?: string;
  fetch: FetchFn;
  run: RunProcess;
  limits?: NetworkLimits;
  /**
   * False where the spec may be an attacker's (a pull request): its `containers.channel-urls`,
   * `pip-index-url` and `npm-registry` are not used, so a pull request cannot point the solvers
   * at a host of its choosing; sources come from the options and the defaults only.
   */
  specSources?: boolean;
  /**
   * `lock-policy: verify`: lock answers that changed since the git revision `since` are solved
   * again before they are trusted (all of them without a revision, or when it cannot be read); an
   * answer that differs is a mismatch, and the adapters fail the run. Used where images are
   * published.
   */
  verifyLock?: { since?: string };
  /** resolve-timeout: the resolve stage's time; the groups left then stay unverified. */
  timeoutMs?: number;
  /**
   * Where conda repodata is kept between runs: a folder, or the environment and home folder it
   * follows (`$STOWAGE_CACHE/repodata`, else `$XDG_CACHE_HOME` or `~/.cache`, `stowage/repodata`);
   * none: not kept.
   */
  repodataCache?:
    { dir: string } | { env: Readonly<Record<string, string | undefined>>; home: string };
}

export interface ResolveOutcome {
  /** One line per source that could not be reached; print each as a notice. */
  notes: string[];
  /** Lock answers that differ from the solver's (`verifyLockSince`): the run must fail. */
  lockMismatches: string[];
  stats: ResolveResult['stats'];
  /** The lock file to write (absolute path and text), when it changed. */
  lockFile?: { path: string; text: string };
}

/** `stowage.yml` → `stowage.lock`; another file or a folder → `stowage.lock` in its folder. */
export function lockFilePath(specPath: string, isFolder: boolean): string {
  if (isFolder) return path.join(specPath, 'stowage.lock');
  if (/\.ya?ml$/i.test(specPath)) return specPath.replace(/\.ya?ml$/i, '.lock');
  return path.join(path.dirname(specPath), 'stowage.lock');
}

/** `linux/amd64`, `linux/arm64/v8` → the architectures to lock for. */
export function archesOf(platforms: readonly string[] | undefined): Arch[] {
  // Not this machine's architecture: a lock made on an arm64 laptop must still serve the amd64
  // runners most images are built on (and a run for one arch keeps the other's entries).
  if (!platforms || platforms.length === 0) return ['amd64'];
  const arches = new Set<Arch>();
  for (const p of platforms) {
    const arch = /^linux\/(amd64|arm64)(?:\/v\d+)?$/.exec(p.trim())?.[1] as Arch | undefined;
    if (!arch)
      throw new InputError(
        `platform "${p}": packages are solved and locked for linux/amd64 and linux/arm64 only; plan by name for other platforms (resolve: off, --resolve off)`,
      );
    arches.add(arch);
  }
  return (['amd64', 'arm64'] as const).filter((a) => arches.has(a));
}

/** A lock file is small: a generous cap keeps a committed link to a device from being read. */
const LOCK_FILE_MAX_BYTES = 64_000_000;

export async function resolveWorkflow(
  workflow: Workflow,
  planOptions: PlanOptions,
  lockPath: string,
  options: ResolveOptions,
  root: string,
): Promise<{ plan: Plan; findings: Finding[]; outcome: ResolveOutcome }> {
  if (options.mode === 'off') throw new Error('resolveWorkflow: mode off means a name-level plan');
  const mode = options.mode;
  const shown = path.basename(lockPath);
  const before = existsSync(lockPath)
    ? readWorkspaceFile(root, lockPath, { maxBytes: LOCK_FILE_MAX_BYTES, shown })
    : undefined;
  const store = before === undefined ? new LockStore() : LockStore.parse(before, shown);
  const { spec, ignored } = specSourcesOf(workflow, options.specSources ?? true);
  const verification =
    options.verifyLock === undefined || before === undefined
      ? undefined
      : await lockVerification(store, options.verifyLock.since, lockPath, root, options.run);
  const result = await resolvePlan(
    workflow,
    planOptions,
    {
      mode,
      channelUrls: {
        ...parseChannelUrls(
          Object.entries(spec.channelUrls ?? {}).map(([n, u]) => `${n}=${u}`),
          'containers.channel-urls',
        ),
        ...options.channelUrls,
      },
      pipIndexUrl: checkedSourceUrl(
        options.pipIndexUrl ?? spec.pipIndexUrl ?? DEFAULT_PIP_INDEX,
        'pip index',
      ),
      npmRegistry: checkedSourceUrl(
        options.npmRegistry ?? spec.npmRegistry ?? DEFAULT_NPM_REGISTRY,
        'npm registry',
      ),
      arches: archesOf(options.platforms),
      python: options.python ?? 'python3',
      npm: options.npm ?? 'npm',
      ...(verification ? { verify: verification.verify } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.repodataCache
        ? {
            cacheDir:
              'dir' in options.repodataCache
                ? options.repodataCache.dir
                : defaultCacheDir(options.repodataCache.env, options.repodataCache.home),
          }
        : {}),
    },
    store,
    { fetch: options.fetch, run: options.run, limits: options.limits },
  );
  const text = store.serialize();
  const changed = store.size > 0 && text !== before && mode !== 'offline';
  const notes = [
    ...(ignored.length
      ? [
          `The spec's ${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} not used on a pull request: a pull request cannot choose where packages come from. Give mirrors through ${optionRef('channelUrls')}, ${optionRef('pipIndexUrl')} and ${optionRef('npmRegistry')}.`,
        ]
      : []),
    ...(verification?.note ? [verification.note] : []),
    ...result.notes,
  ];
  return {
    plan: result.plan,
    findings: result.findings,
    outcome: {
      notes,
      lockMismatches: result.lockMismatches,
      stats: result.stats,
      ...(changed ? { lockFile: { path: lockPath, text } } : {}),
    },
  };
}

/**
 * Which lock answers to verify: those not in the lock file as committed at `revision` (read with
 * `git show`); every answer when that file cannot be read there (a shallow clone), with a note.
 */
async function lockVerification(
  store: LockStore,
  revision: string | undefined,
  lockPath: string,
  root: string,
  run: RunProcess,
): Promise<{ verify: (request: SolveRequest) => boolean; note?: string }> {
  const shown = path.relative(root, lockPath).split(path.sep).join('/');
  const everything = (why: string) => ({
    verify: () => true,
    note: `Every answer of ${shown} is verified by solving it again: ${why}.`,
  });
  if (revision === undefined) return everything('no earlier revision to compare with was given');
  if (!/^[0-9A-Za-z._/~^-]{1,200}$/.test(revision) || revision.startsWith('-'))
    return everything(`"${revision}" is not a git revision`);
  const git = (args: string[]) => run('git', ['-C', root, ...args], { timeoutMs: 30_000 });
  let result;
  try {
    const known = await git(['cat-file', '-e', `${revision}^{commit}`]);
    if (known.exitCode !== 0)
      return everything(
        `${revision} is not in this clone (a shallow clone? fetch-depth: 2 in actions/checkout fetches it)`,
      );
    result = await git(['show', `${revision}:./${shown}`]);
  } catch (error) {
    return everything(`git cannot run (${(error as Error).message})`);
  }
  // No lock file at that revision: every answer is new.
  if (result.exitCode !== 0) return { verify: () => true };
  let base: LockStore;
  try {
    base = LockStore.parse(result.stdout, `${shown} at ${revision}`);
  } catch {
    return { verify: () => true };
  }
  return { verify: (request) => !store.sameEntryIn(base, request) };
}

/** The spec's own package sources, or none (with the keys left out) where it may be an attacker's. */
function specSourcesOf(
  workflow: Workflow,
  trusted: boolean,
): { spec: Workflow['containers']; ignored: string[] } {
  const spec = workflow.containers;
  if (trusted) return { spec, ignored: [] };
  const ignored = [
    spec.channelUrls && Object.keys(spec.channelUrls).length > 0 ? 'containers.channel-urls' : '',
    spec.pipIndexUrl ? 'containers.pip-index-url' : '',
    spec.npmRegistry ? 'containers.npm-registry' : '',
  ].filter(Boolean);
  const { channelUrls: _c, pipIndexUrl: _p, npmRegistry: _n, ...rest } = spec;
  return { spec: rest, ignored };
}
