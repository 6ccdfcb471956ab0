/**
 * pip groups solved by pip's own resolver, for the image's Python and platform rather than the
 * runner's: `pip install --dry-run --report` with `--python-version`, `--platform manylinux…` and
 * `--only-binary=:all:` (wheels only, so nothing is built to find the answer). The report names
 * every file with its sha256; a conflict comes back as pip's "The conflict is caused by" text.
 */
import type { RunProcess } from '../common/process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Arch, ResolvedPackage } from '../plan/types.js';
import { normalizePipName } from '../software/requirements.js';
import type { SolveOutcome, SolveRequest } from './types.js';

const MACHINE: Record<Arch, string> = { amd64: 'x86_64', arm64: 'aarch64' };

/**
 * Wheel platforms an image of Debian bookworm (the default bases) runs: manylinux 2.17 (alias
 * manylinux2014, which pip widens to 2010 and 1) up to glibc 2.28, the widely built targets.
 */
export function pipPlatforms(arch: Arch): string[] {
  const m = MACHINE[arch];
  const platforms = [`manylinux2014_${m}`];
  for (let minor = 17; minor <= 28; minor++) platforms.push(`manylinux_2_${minor}_${m}`);
  return platforms;
}

/** Waiting on one pip run; pip's own `--timeout` bounds each connection inside it. */
const PIP_TIMEOUT_MS = 300_000;

export interface PipSettings {
  /** The Python that runs pip (its own version does not matter: pip targets `python`). */
  python: string;
  /** What is left of the resolve stage's time (resolve-timeout), when less than pip's own limit. */
  timeoutMs?: number;
}

/** argv of pip's dry run for a request (pure, for tests). */
export function pipArgs(request: SolveRequest, reportFile: string, targetDir: string): string[] {
  return [
    // Isolated: neither the working folder nor PYTHON* variables nor the user's site-packages
    // can put a module of their own in front of pip.
    '-I',
    '-m',
    'pip',
    'install',
    '--isolated',
    '--no-input',
    '--disable-pip-version-check',
    '--progress-bar',
    'off',
    '--dry-run',
    '--ignore-installed',
    '--report',
    reportFile,
    '--target',
    targetDir,
    '--timeout',
    '10',
    '--retries',
    '1',
    '--python-version',
    request.python ?? '3.12',
    '--implementation',
    'cp',
    ...pipPlatforms(request.arch).flatMap((p) => ['--platform', p]),
    '--only-binary=:all:',
    '--index-url',
    request.sources[0]!,
    ...request.specs,
  ];
}

interface Report {
  install?: {
    metadata?: { name?: string; version?: string; requires_dist?: string[] };
    download_info?: {
      url?: string;
      archive_info?: { hash?: string; hashes?: Record<string, string> };
    };
  }[];
}

export async function solvePip(
  request: SolveRequest,
  run: RunProcess,
  settings: PipSettings,
): Promise<SolveOutcome> {
  const limit = Math.min(PIP_TIMEOUT_MS, settings.timeoutMs ?? PIP_TIMEOUT_MS);
  const dir = mkdtempSync(path.join(tmpdir(), 'stowage-pip-'));
  try {
    const reportFile = path.join(dir, 'report.json');
    let result;
    try {
      result = await run(settings.python, pipArgs(request, reportFile, path.join(dir, 'target')), {
        timeoutMs: limit,
      });
    } catch (error) {
      return { kind: 'unreachable', reason: `cannot run pip: ${(error as Error).message}` };
    }
    if (result.timedOut)
      return {
        kind: 'unreachable',
        reason: `pip did not finish within ${Math.round(limit / 1000)} s`,
      };
    if (result.exitCode === 0) {
      const packages = packagesOf(reportFile, request);
      // A lock without hashes could not be installed with --require-hashes: such an index
      // (some mirrors, a flat folder) leaves the group unverified rather than half-locked.
      const unhashed = packages.filter((p) => !p.sha256).map((p) => p.name);
      if (unhashed.length > 0)
        return {
          kind: 'unreachable',
          reason: `${request.sources[0]} gives no sha256 for ${unhashed.slice(0, 5).join(', ')}${unhashed.length > 5 ? ', …' : ''}: a lock needs hashes (use an index that gives them, e.g. a PEP 503 page with #sha256= links)`,
        };
      return { kind: 'solved', packages };
    }
    return failureOf(`${result.stdout}\n${result.stderr}`, request);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function packagesOf(reportFile: string, request: SolveRequest): ResolvedPackage[] {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  return (report.install ?? [])
    .map((item): ResolvedPackage => {
      const info = item.download_info ?? {};
      const sha256 =
        info.archive_info?.hashes?.sha256 ??
        /^sha256=(\w+)$/.exec(info.archive_info?.hash ?? '')?.[1];
      return {
        ecosystem: 'pip',
        name: normalizePipName(item.metadata?.name ?? ''),
        version: item.metadata?.version ?? '',
        source: request.sources[0]!,
        url: info.url ?? '',
        ...(sha256 ? { sha256 } : {}),
        depends: [...new Set((item.metadata?.requires_dist ?? []).map(nameOf))]
          .filter(Boolean)
          .sort(),
        arch: request.arch,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A conflict or a missing release (with the names pip blames), else an error of the tool. */
function failureOf(output: string, request: SolveRequest): SolveOutcome {
  const lines = output.split('\n').map((l) => l.replace(/^ERROR: /, '').trimEnd());
  const cannot = lines.find((l) => /^Cannot install .* because/.test(l));
  const cause = lines.indexOf('The conflict is caused by:');
  const missing = lines.filter((l) =>
    /^(Could not find a version|No matching distribution)/.test(l),
  );
  if (cannot || cause >= 0) {
    const causes: string[] = [];
    for (let i = cause + 1; cause >= 0 && i < lines.length && /^\s+\S/.test(lines[i]!); i++)
      causes.push(lines[i]!.trim());
    const names = new Set<string>();
    const listed = /^Cannot install (.*) because/.exec(cannot ?? '')?.[1] ?? '';
    for (const req of listed.split(/, | and /)) names.add(nameOf(req));
    for (const c of causes) {
      const requested = /^The user requested (\S+)/.exec(c);
      if (requested) names.add(nameOf(requested[1]!));
    }
    names.delete('');
    return {
      kind: 'conflict',
      explanation: [cannot, ...causes].filter(Boolean).join('\n'),
      names: [...names].sort(),
    };
  }
  if (missing.length > 0) {
    const names = missing
      .map((l) => /requirement (\S+)|found for (\S+)/.exec(l))
      .map((m) => nameOf(m?.[1] ?? m?.[2] ?? ''))
      .filter(Boolean);
    return {
      kind: 'conflict',
      explanation: `${missing.join('\n')}\n(on ${request.sources[0]} for Python ${request.python}, ${request.arch})`,
      names: [...new Set(names)].sort(),
    };
  }
  const reason = lines
    .filter((l) => l.trim() !== '')
    .slice(-3)
    .join(' ');
  return { kind: 'unreachable', reason: `pip failed: ${reason || 'no output'}` };
}

function nameOf(requirement: string): string {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement.trim());
  return m ? normalizePipName(m[1]!) : '';
}
