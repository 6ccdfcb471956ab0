/**
 * The real `FetchText` the adapters hand to imports that need files from outside the repository
 * (Snakemake wrappers): `https://` and `http://` through fetch, `file:` from disk, and
 * `git+file:///clone/path@version` from a local git clone at that version, as Snakemake reads
 * them. Bounded: a time limit per file and a size limit; tests inject their own.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FetchText } from '../workflow/importers/remote.js';

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
    if (url.startsWith('git+file:')) return limited(await gitShow(url, timeoutMs));
    if (url.startsWith('file:')) {
      const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
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
    return limited(await response.text());
  };
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
  const repo = gitRoot(path);
  if (!repo) throw new Error(`no git repository holds ${path}`);
  const inside = relative(repo.top, path).split('\\').join('/');
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [`--git-dir=${repo.gitDir}`, 'show', `${version}:${inside}`],
      { timeout: timeoutMs, maxBuffer: 4_000_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(stderr.trim().split('\n')[0] || error.message));
        else resolve(stdout);
      },
    );
  });
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
