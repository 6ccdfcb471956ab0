/**
 * The real `FetchText` the adapters hand to imports that need files from outside the repository
 * (Snakemake wrappers): `https://` and `http://` through fetch, `file:` from disk, and
 * `git+file:///clone/path@version` from a local git clone at that version, as Snakemake reads
 * them. Bounded: a time limit per file and a size limit; tests inject their own. The importer
 * decides which URLs may be fetched at all (importers/wrappers.ts `mayFetch`); this fetcher still
 * refuses what no such URL holds (a query, an option-like git version, a file that is no file).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './process.js';
import type { FetchText } from '../workflow/importers/remote.js';
import { GIT_VERSION } from '../workflow/importers/wrappers.js';

export interface FetchTextOptions {
  /** Per file (default 10 s). */
  timeoutMs?: number;
  /** Largest file accepted (default 1 MB): these are small YAML and Snakemake files. */
  maxBytes?: number;
}

export function fetchText(options: FetchTextOptions = {}): FetchText {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 1_000_000;
  const limited = (text: string): string => {
    if (Buffer.byteLength(text) > maxBytes)
      throw new Error(`larger than ${Math.round(maxBytes / 1000)} kB`);
    return text;
  };
  return async (url) => {
    if (/[?#]/.test(url)) throw new Error('a URL with a query or a fragment is not fetched');
    if (url.startsWith('git+file:')) return limited(await gitShow(url, timeoutMs));
    if (url.startsWith('file:')) {
      const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
      const stat = statSync(path);
      if (!stat.isFile()) throw new Error('not a regular file');
      if (stat.size > maxBytes) throw new Error(`larger than ${Math.round(maxBytes / 1000)} kB`);
      return limited(await readFile(path, 'utf8'));
    }
    if (!/^https?:\/\//.test(url)) throw new Error('not an https://, file: or git+file: URL');
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (error) {
      throw new Error(networkReason(error, url, timeoutMs));
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return readCapped(response, maxBytes);
  };
}

/** The body as text, stopping (and failing) at `maxBytes` instead of reading it all first. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`larger than ${Math.round(maxBytes / 1000)} kB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a request failed, in words: fetch's own message is "fetch failed". */
function networkReason(error: unknown, url: string, timeoutMs: number): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const host = new URL(url).host;
  switch (cause?.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${host} (${cause.code})`;
    case 'ECONNREFUSED':
      return `${host} refused the connection`;
    case 'ECONNRESET':
      return `${host} closed the connection`;
    default:
      return cause?.message ?? cause?.code ?? (error as Error).message;
  }
}

/** `git+file:///clone/bio/x/environment.yaml@v1.0` → `git show v1.0:bio/x/environment.yaml`. */
async function gitShow(url: string, timeoutMs: number): Promise<string> {
  const at = url.lastIndexOf('@');
  if (at < 0) throw new Error('a git+file: URL needs @<version>');
  const path = url.slice(0, at).replace(/^git\+file:\/*/, '/');
  const version = url.slice(at + 1);
  if (!GIT_VERSION.test(version)) throw new Error(`"${version}" is not a tag or branch name`);
  const repo = gitRoot(path);
  if (!repo) throw new Error(`no git repository holds ${path}`);
  const inside = relative(repo.top, path).split('\\').join('/');
  if (inside.startsWith('..') || inside.startsWith('-'))
    throw new Error(`${path} is not inside ${repo.top}`);
  const result = await runProcess(
    'git',
    [
      `--git-dir=${repo.gitDir}`,
      // No attribute or config of the clone may run a program (textconv, diff drivers).
      '-c',
      'core.attributesFile=/dev/null',
      'show',
      '--no-textconv',
      '--end-of-options',
      `${version}:${inside}`,
    ],
    { timeoutMs },
  );
  if (result.timedOut) throw new Error(`git show did not finish within ${timeoutMs / 1000} s`);
  if (result.exitCode !== 0)
    throw new Error(
      result.stderr.trim().split('\n')[0] || `git show failed (exit ${result.exitCode})`,
    );
  return result.stdout;
}

/** The nearest folder above `path` that is a git work tree (`.git`) or a git directory itself. */
function gitRoot(path: string): { top: string; gitDir: string } | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return { top: dir, gitDir: join(dir, '.git') };
    if (isGitDir(dir)) return { top: dir, gitDir: dir };
    if (dirname(dir) === dir) return undefined;
  }
}

function isGitDir(dir: string): boolean {
  try {
    return statSync(join(dir, 'objects')).isDirectory() && existsSync(join(dir, 'HEAD'));
  } catch {
    return false;
  }
}
