/**
 * conda: rattler's solver (conda.ts) against the group's channels, per architecture, with the
 * GPU's virtual package for GPU groups; repodata read through the run's CondaGateway. rattler's
 * WebAssembly is loaded on the first solve, never for a name-level plan.
 */
import type { Arch, PlannedGroup } from '../../plan/types.js';
import { unneededProblem } from '../answer-check.js';
import { CONDA_SUBDIR, channelOf, matchSpecOf, solveConda } from '../conda.js';
import { CondaGateway } from '../conda-gateway.js';
import { channelUrl, DEFAULT_CHANNELS } from '../sources.js';
import type { SolveRequest } from '../types.js';
import type { RequestContext, Solver } from './solver.js';

function request(group: PlannedGroup, arch: Arch, { settings }: RequestContext): SolveRequest {
  const texts = group.packages.filter((p) => p.ecosystem === 'conda').map((p) => p.spec);
  const specs = new Set(texts.map(matchSpecOf));
  // pip installs into the conda environment: it must be part of the solve.
  if (
    group.packages.some((p) => p.ecosystem === 'pip') &&
    !group.packages.some((p) => p.ecosystem === 'conda' && p.name === 'pip')
  )
    specs.add('pip');
  const named = texts
    .map(channelOf)
    .filter((c): c is string => c !== undefined)
    .sort();
  // The environment files' channels in their order (else the defaults), then those specs name.
  const channels = [...new Set([...(group.channels ?? DEFAULT_CHANNELS), ...named])].map((c) =>
    channelUrl(c, settings.channelUrls),
  );
  return {
    ecosystem: 'conda',
    arch,
    specs: [...specs].sort(),
    sources: [...new Set(channels)],
    ...(group.gpu ? { gpu: true as const } : {}),
  };
}

const nameKey = (name: string): string => name.toLowerCase();

export const conda: Solver = {
  ecosystem: 'conda',
  arches: 'each',
  request,
  specs: (texts) => texts.map(matchSpecOf),
  open(io) {
    const gateway = new CondaGateway(io.network, io.cache);
    return (r) => solveConda(r, io.network, gateway);
  },
  answer: {
    files: 'under-source',
    expectedFile(p, r) {
      // `<subdir>/<name>-<version>-<build>.conda`: a URL under the channel names this package's file.
      const file = p.url.slice(p.url.lastIndexOf('/') + 1);
      const folder = p.url.slice(0, p.url.lastIndexOf('/'));
      const subdirs = [CONDA_SUBDIR[r.arch], 'noarch'].map((d) => `${p.source}/${d}`);
      const stem = `${p.name}-${p.version}-${p.build ?? ''}`;
      return subdirs.includes(folder) && (file === `${stem}.conda` || file === `${stem}.tar.bz2`)
        ? undefined
        : `${stem}.conda (or .tar.bz2) in ${CONDA_SUBDIR[r.arch]}/ or noarch/`;
    },
    digest: 'sha256',
    nameKey,
    extraProblem: (r, outcome) => unneededProblem(r, outcome.packages, nameKey),
  },
};
