/**
 * The size of each file a pip or npm answer names, for the plan's size estimate: neither pip's
 * `--report` nor npm's lock carries it, so the source is asked with a `HEAD` of each file
 * (`Content-Length`). A conda record has its `size` already. Best effort: a file whose size
 * cannot be had (no answer within the time, no length) is left without one, and the plan counts
 * that package by name instead. What is found is kept in the lock file with the answer.
 */
import { pool } from '../common/pool.js';
import type { ResolvedPackage } from '../plan/types.js';
import type { FetchFn, SolveOutcome } from './types.js';

/** Files asked for at once. */
const PARALLEL = 8;
/** Waiting on one answer, and on all of them together. */
const REQUEST_MS = 5_000;
const TOTAL_MS = 30_000;

/** The outcome with `size` on each pip or npm package whose file's length the source tells. */
export async function withFileSizes(
  outcome: SolveOutcome,
  fetch: FetchFn,
  /** What is left of the resolve stage's time. */
  timeLeftMs = TOTAL_MS,
): Promise<SolveOutcome> {
  if (outcome.kind !== 'solved') return outcome;
  const missing = outcome.packages.filter((p) => p.size === undefined && p.ecosystem !== 'conda');
  if (missing.length === 0) return outcome;
  const sizes = new Map<string, number>();
  const deadline = Date.now() + Math.min(TOTAL_MS, timeLeftMs);
  const urls = [...new Set(missing.map((p) => p.url))];
  await pool(urls, PARALLEL, async (url) => {
    // Past the deadline, what is left is not asked (contentLength answers at once).
    const bytes = await contentLength(url, fetch, Math.min(REQUEST_MS, deadline - Date.now()));
    if (bytes !== undefined) sizes.set(url, bytes);
  });
  const packages = outcome.packages.map((p): ResolvedPackage => {
    const size = p.size ?? sizes.get(p.url);
    if (size === undefined) return p;
    // `arch` last, as the lock file is read back: a plan from the lock is the solver's to the byte.
    const { arch, ...rest } = p;
    return { ...rest, size, arch };
  });
  return { ...outcome, packages };
}

async function contentLength(
  url: string,
  fetch: FetchFn,
  timeoutMs: number,
): Promise<number | undefined> {
  if (timeoutMs <= 0 || !/^https?:\/\//.test(url)) return undefined;
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    const length = Number(response.headers.get('content-length') ?? NaN);
    return response.ok && Number.isSafeInteger(length) && length > 0 ? length : undefined;
  } catch {
    return undefined;
  }
}
