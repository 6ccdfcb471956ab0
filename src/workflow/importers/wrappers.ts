/**
 * Where a Snakemake wrapper's files are, as Snakemake finds them: a `wrapper:` value such as
 * `v7.2.0/bio/fastp` is joined to the wrapper prefix (Snakemake's `--wrapper-prefix`) unless it
 * is a URL itself. The prefix takes the forms Snakemake takes:
 *
 * - `https://…/` (default: the public wrappers repository's raw files, at the wrapper's version
 *   — the first part of the value): `<prefix>v7.2.0/bio/fastp/environment.yaml`;
 * - `file:///folder/`, laid out `<folder>/v7.2.0/bio/fastp/…`;
 * - `git+file:///path/to/clone` (a trailing `@` or `/` is accepted): the file at the version's
 *   tag, `git+file:///path/to/clone/bio/fastp/environment.yaml@v7.2.0`.
 */

import { posix } from 'node:path';

export const DEFAULT_WRAPPER_PREFIX =
  'https://raw.githubusercontent.com/snakemake/snakemake-wrappers/';

const URL_FORM = /^(https?:|file:|git\+file:)/;

/** Snakemake's own check: a wrapper value that is a URL is used as it is. */
export function isWrapperUrl(value: string): boolean {
  return URL_FORM.test(value);
}

/** A prefix in one of the forms above, or why not. */
export function checkWrapperPrefix(prefix: string): string | undefined {
  if (!URL_FORM.test(prefix))
    return `the wrapper prefix "${prefix}" is no https://, file:// or git+file:// URL`;
  // It would be quoted in findings, which reach annotations, summaries and SARIF.
  if (/^[a-z+]+:\/\/[^/]*@/i.test(prefix))
    return 'the wrapper prefix must not carry credentials (user:password@); use a mirror that needs none';
  return undefined;
}

/** A wrapper name as the wrappers repository writes them: `v7.2.0/bio/fastp`, no `..`, no URL. */
const WRAPPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._+-]*)+$/;

export function isWrapperName(value: string): boolean {
  return WRAPPER_NAME.test(value) && !value.split('/').some((part) => /^\.+$/.test(part));
}

/** A git tag or branch name that cannot be read as an option or a revision expression. */
export const GIT_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

/** The raw files of public GitHub repositories, where `github(...)` modules live. */
const GITHUB_RAW = 'https://raw.githubusercontent.com/';

/**
 * Whether the importer may fetch `url`: only files under the wrapper prefix the user gave (or
 * the default), and GitHub's raw files for `github(...)` modules. A URL a workflow writes itself
 * (`include: "file:///…"`, `conda: "http://…"`, `wrapper: "git+file://…"`) is never fetched: the
 * workflow may be a pull request's, and must not make Stowage read or request anything else.
 */
export function mayFetch(url: string, prefix: string): boolean {
  if (url.startsWith('git+file:')) {
    if (!prefix.startsWith('git+file:')) return false;
    const at = url.lastIndexOf('@');
    if (at < 0 || !GIT_VERSION.test(url.slice(at + 1))) return false;
    const clone = posix.normalize(prefix.replace(/^git\+file:\/*/, '/').replace(/[@/]+$/, ''));
    const path = posix.normalize(url.slice(0, at).replace(/^git\+file:\/*/, '/'));
    return path.startsWith(`${clone}/`);
  }
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.username || target.password || target.search || target.hash) return false;
  if (target.href.startsWith(GITHUB_RAW)) return true;
  if (prefix.startsWith('git+file:')) return false;
  const base = new URL(prefix.endsWith('/') ? prefix : `${prefix}/`);
  return target.href.startsWith(base.href);
}

/** The URL of `file` (e.g. `environment.yaml`) in the wrapper (or meta-wrapper) `value`. */
export function wrapperFileUrl(
  value: string,
  file: string,
  prefix = DEFAULT_WRAPPER_PREFIX,
): string {
  const wrapper = value.trim().replace(/\/+$/, '');
  if (isWrapperUrl(wrapper)) {
    // A git URL keeps its `@version` at the end.
    const at = wrapper.startsWith('git+file:') ? wrapper.lastIndexOf('@') : -1;
    return at > 0 ? `${wrapper.slice(0, at)}/${file}${wrapper.slice(at)}` : `${wrapper}/${file}`;
  }
  if (prefix.startsWith('git+file:')) {
    const [version, ...path] = wrapper.split('/');
    const clone = prefix.replace(/[@/]+$/, '');
    return `${clone}/${[...path, file].join('/')}@${version ?? ''}`;
  }
  return `${prefix.endsWith('/') ? prefix : `${prefix}/`}${wrapper}/${file}`;
}
