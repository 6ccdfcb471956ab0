/**
 * The parts of an imported pipeline its user does not own (see UpstreamCode in model.ts), with
 * how to take the upstream's fix:
 *
 * - Nextflow: modules installed by nf-core's tooling, `modules/<org>/<tool>[/<sub>]/` (`nf-core`,
 *   or another organisation modules.json names), and their `modules.json` entry — the commit it
 *   was installed at and a local patch, if any;
 * - Snakemake: the environment of a `wrapper:`, located at the wrapper's line; the version to
 *   update to is the newest wrapper release the workflow uses elsewhere, when it is newer (one
 *   release of snakemake-wrappers holds every wrapper).
 */
import { posix } from 'node:path';
import type { SourceLocator, Step, UpstreamCode } from '../model.js';

interface ModuleEntry {
  git_sha?: string;
  patch?: string;
}

/** `modules.json`: org → module name → its entry. Malformed parts are skipped. */
function moduleEntries(modulesJson: string | undefined): Map<string, Map<string, ModuleEntry>> {
  const orgs = new Map<string, Map<string, ModuleEntry>>();
  if (modulesJson === undefined) return orgs;
  let data: unknown;
  try {
    data = JSON.parse(modulesJson);
  } catch {
    return orgs;
  }
  const repos = (data as { repos?: Record<string, { modules?: Record<string, unknown> }> })?.repos;
  for (const repo of Object.values(repos ?? {})) {
    for (const [org, modules] of Object.entries(repo?.modules ?? {})) {
      if (typeof modules !== 'object' || modules === null) continue;
      const entries = orgs.get(org) ?? new Map<string, ModuleEntry>();
      for (const [name, entry] of Object.entries(modules as Record<string, ModuleEntry>))
        if (typeof entry === 'object' && entry !== null) entries.set(name, entry);
      orgs.set(org, entries);
    }
  }
  return orgs;
}

/**
 * The installed modules the pipeline's processes come from. `processFiles` are the processes'
 * files relative to the pipeline folder; `prefix` turns a pipeline-relative folder into a
 * repository-relative one.
 */
export function installedModules(
  processFiles: readonly string[],
  modulesJson: string | undefined,
  prefix: string,
): UpstreamCode[] {
  const entries = moduleEntries(modulesJson);
  const found = new Map<string, UpstreamCode>();
  for (const file of processFiles) {
    const parts = file.split('/');
    const org = parts[1];
    if (parts[0] !== 'modules' || !org || org === 'local' || parts.length < 4) continue;
    if (org !== 'nf-core' && !entries.has(org)) continue;
    const name = parts.slice(2, -1).join('/');
    const folder = posix.join(prefix, ...parts.slice(0, -1)) + '/';
    if (found.has(folder)) continue;
    const entry = entries.get(org)?.get(name);
    const installed = entry?.git_sha ? ` (installed at ${entry.git_sha.slice(0, 7)})` : '';
    const patched = entry?.patch
      ? ` Its local patch ${entry.patch} is applied again after the update.`
      : '';
    found.set(folder, {
      name: `${org} module ${name}`,
      folder,
      update:
        `That is for the upstream to fix: \`nf-core modules update ${name}\` takes its fixes${installed}, ` +
        `or report it to ${org === 'nf-core' ? 'nf-core/modules' : `the ${org} modules`}; ` +
        `an edit here is lost at the next update.${patched}`,
    });
  }
  return [...found.values()];
}

/** Snakemake wrappers whose environments the steps read, located at their `wrapper:` lines. */
export function wrapperCode(steps: readonly Step[], source: SourceLocator): UpstreamCode[] {
  // Only environments that were read: an unread one is located nowhere of its own.
  const wrappers = steps.flatMap((s) =>
    s.softwareFrom?.kind === 'wrapper' && s.software.conda.length + s.software.pip.length > 0
      ? [{ step: s, name: s.softwareFrom.name }]
      : [],
  );
  const newest = wrappers
    .map((w) => w.name.split('/')[0] ?? '')
    .filter((v) => /^v?\d+(\.\d+)*$/.test(v))
    .sort(compareVersions)
    .at(-1);
  const byName = new Map<string, UpstreamCode>();
  for (const { step, name } of wrappers) {
    const at = source.locate(['steps', step.id, 'software', 'conda', 0]);
    const known = byName.get(name);
    if (known) {
      known.at!.push(at);
      continue;
    }
    const version = name.split('/')[0] ?? '';
    const path = name.split('/').slice(1).join('/');
    const update =
      newest !== undefined && /^v?\d/.test(version) && compareVersions(newest, version) > 0
        ? `That is for the upstream to fix: update the wrapper to ${newest}/${path} (the newest release the workflow's other wrappers use), or report it to snakemake-wrappers.`
        : 'That is for the upstream to fix: take a newer release of the wrapper when there is one, or report it to snakemake-wrappers.';
    byName.set(name, { name: `Snakemake wrapper ${name}`, at: [at], update });
  }
  return [...byName.values()];
}

/** `v7.2.0` < `v7.10.0`; a leading `v` is ignored. */
function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
