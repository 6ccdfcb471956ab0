/**
 * pip: pip's own resolver (pip.ts) for the image's Python and platform, per architecture, in
 * python groups and in conda groups (with the Python the conda solve chose); in groups of other
 * families pip packages stay name-level (their base's Python is not known).
 */
import { defaultRuntime } from '../../plan/plan.js';
import type { Arch, ResolvedPackage } from '../../plan/types.js';
import { normalizePipName } from '../../software/requirements.js';
import { unneededProblem } from '../answer-check.js';
import { solvePip } from '../pip.js';
import { groupSpecs, type Solver } from './solver.js';

/** `3.12` from the solved `python` package of one architecture. */
function condaPython(packages: readonly ResolvedPackage[], arch: Arch): string {
  const python = packages.find(
    (p) => p.ecosystem === 'conda' && p.arch === arch && p.name === 'python',
  );
  return python ? python.version.split('.').slice(0, 2).join('.') : defaultRuntime('python');
}

export const pip: Solver = {
  ecosystem: 'pip',
  solves: (group) => group.family === 'python' || group.family === 'conda',
  arches: 'each',
  request: (group, arch, { settings, solved }) => ({
    ecosystem: 'pip',
    arch,
    specs: groupSpecs(group, 'pip'),
    sources: [settings.pipIndexUrl],
    python:
      group.family === 'conda'
        ? condaPython(solved, arch)
        : (group.runtimes.python ?? defaultRuntime('python')),
  }),
  specs: (texts) => [...texts],
  probe: (r) => `${r.sources[0]!}/${normalizePipName(r.specs[0]!.split(/[\s[<>=!~,]/)[0]!)}/`,
  open: (io) => (r) => {
    const left = io.timeLeft();
    return solvePip(r, io.run, {
      python: io.settings.python,
      ...(left !== undefined ? { timeoutMs: left } : {}),
    });
  },
  answer: {
    files: 'on-host',
    expectedFile(p) {
      // A wheel `<name>-<version>-….whl` of this package.
      const file = p.url.slice(p.url.lastIndexOf('/') + 1);
      const [name = '', version = ''] = file.split('-');
      return file.endsWith('.whl') &&
        normalizePipName(name) === normalizePipName(p.name) &&
        version === p.version
        ? undefined
        : `a wheel of ${p.name} ${p.version}`;
    },
    digest: 'sha256',
    nameKey: normalizePipName,
    extraProblem: (r, outcome) => unneededProblem(r, outcome.packages, normalizePipName),
  },
};
