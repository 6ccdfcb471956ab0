/**
 * Where packages come from: conda channel names mapped to URLs (a mirror for `conda-forge`, a
 * private channel), pip's index and npm's registry. The command line, the action and the spec
 * each can name them; the first that names one wins.
 */
import { InputError } from '../common/errors.js';
import { DEFAULT_CONDA_CHANNELS } from '../software/channels.js';

/**
 * The channels a conda group solves against when its steps' environment files list none (a
 * `channel::name` spec adds its own).
 */
export const DEFAULT_CHANNELS = DEFAULT_CONDA_CHANNELS;
/** A channel name without a URL of its own lives here, as conda's `channel_alias` says. */
export const CHANNEL_ALIAS = 'https://conda.anaconda.org';
export const DEFAULT_PIP_INDEX = 'https://pypi.org/simple';
export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org';

/** A channel name as conda writes it: `conda-forge`, `bioconda`, `conda-forge/label/rc`. */
const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9._-]+)*$/;

/** Why `url` cannot be a package source, or undefined. Credentials in it would end up in locks. */
export function sourceUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `"${url}" must be an http:// or https:// URL`;
  if (parsed.username || parsed.password)
    return `"${parsed.host}": credentials in the URL would be written into the lock files; use a mirror that needs none`;
  if (parsed.search || parsed.hash) return `"${url}" must not have a query or fragment`;
  return undefined;
}

/** Without the trailing slash, so `…/conda-forge` and `…/conda-forge/` are one channel. */
export function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `NAME=URL` entries (command line, action input) → a map; a bad entry is a usage error. */
export function parseChannelUrls(entries: readonly string[], what: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    const eq = entry.indexOf('=');
    const name = entry.slice(0, Math.max(eq, 0)).trim();
    const url = entry.slice(eq + 1).trim();
    if (eq <= 0 || url === '')
      throw new InputError(
        `${what} takes NAME=URL (e.g. conda-forge=https://mirror.example/conda-forge), got "${entry}"`,
      );
    if (!CHANNEL_NAME.test(name)) throw new InputError(`${what}: "${name}" is not a channel name`);
    const problem = sourceUrlProblem(url);
    if (problem) throw new InputError(`${what}: ${problem}`);
    urls[name] = normalizeUrl(url);
  }
  return urls;
}

/** Hosts that serve an index's files besides the index's own (PyPI's files live elsewhere). */
const FILE_ORIGINS: Readonly<Record<string, readonly string[]>> = {
  'https://pypi.org': ['https://files.pythonhosted.org'],
};

/**
 * Why a file's URL (from a lock file, so possibly edited) is not a file of `source`, or undefined.
 * Compared as parsed URLs, and only in their plain form: `…/bioconda/../mallory/x` is refused
 * rather than normalised. Files live `under-source` (conda channels, npm registries: under its
 * path) or `on-host` (a pip index: on its host, or PyPI's files host).
 */
export function fileUrlProblem(
  url: string,
  source: string,
  files: 'under-source' | 'on-host',
): string | undefined {
  let file: URL;
  let base: URL;
  try {
    file = new URL(url);
    base = new URL(source);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (file.href !== url) return `"${url}" is not a plain URL (it reads as ${file.href})`;
  if (file.protocol !== 'https:' && file.protocol !== 'http:') return `"${url}" is not http(s)`;
  if (file.username || file.password || file.search || file.hash)
    return `"${url}" carries credentials, a query or a fragment`;
  if (files === 'on-host') {
    const origins = [base.origin, ...(FILE_ORIGINS[base.origin] ?? [])];
    return origins.includes(file.origin)
      ? undefined
      : `"${url}" is not on the index's host (${origins.join(' or ')})`;
  }
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (file.origin !== base.origin || !file.pathname.startsWith(prefix))
    return `"${url}" is not under ${source}`;
  return undefined;
}

/** One package source URL from an option; a bad one is a usage error. */
export function checkedSourceUrl(url: string, what: string): string {
  const problem = sourceUrlProblem(url.trim());
  if (problem) throw new InputError(`${what}: ${problem}`);
  return normalizeUrl(url.trim());
}

/** The URL of a channel: its mapping, else itself when it is a URL, else under conda's channel alias. */
export function channelUrl(name: string, urls: Readonly<Record<string, string>>): string {
  if (urls[name] !== undefined) return urls[name];
  return /^https?:\/\//i.test(name) ? normalizeUrl(name) : `${CHANNEL_ALIAS}/${name}`;
}
