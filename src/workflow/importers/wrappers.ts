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
  return undefined;
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
