/**
 * Size estimates: base images per family, a table of known heavy packages, a default per
 * ecosystem for the rest, and the spec's `containers.package-sizes` overrides. A group the
 * solvers answered is counted again from the files they chose (`groupEstimate`); docs/plan.md
 * says how, and how far off it was on real builds.
 */
import table from './data/package-sizes.json' with { type: 'json' };
import type { Requirement } from '../software/requirements.js';
import type { GroupResolution, SolvedEcosystem } from './types.js';

export const MB = 1_000_000;

const packagesMB: Record<string, number> = table.packagesMB;
const defaultMB: Record<string, number> = table.defaultPackageMB;
const baseMB: Record<string, number> = table.baseImageMB;

export const BUILD_STEP_BYTES = table.buildStepMB * MB;

/**
 * Estimated installed bytes of one requirement. Overrides are looked up by the requirement as
 * written, then by its name; the table is keyed `<ecosystem>:<name>`.
 */
export function packageBytes(
  req: Requirement,
  overrides: Readonly<Record<string, number>>,
): number {
  const override = overrides[req.text] ?? overrides[req.name];
  if (override !== undefined) return override;
  const known = packagesMB[`${req.ecosystem}:${req.name}`];
  if (known !== undefined) return known * MB;
  return (defaultMB[req.ecosystem] ?? 20) * MB;
}

/**
 * Estimated bytes of a family's base image (`python`, `python-gpu`, …): the spec's
 * `containers.package-sizes` entry for the image's reference when there is one (a base of your
 * own, measured with `docker image inspect`), else the table's figure for the family's default.
 */
export function baseImageBytes(
  familyKey: string,
  image?: string,
  overrides: Readonly<Record<string, number>> = {},
): number {
  const configured = image === undefined ? undefined : overrides[image];
  if (configured !== undefined) return configured;
  const family = familyKey.replace(/-gpu$/, '');
  return (baseMB[familyKey] ?? baseMB[family] ?? 100) * MB;
}

/** Installed bytes per downloaded byte of a solved ecosystem's files, and bytes per package. */
const installed: Record<SolvedEcosystem, { perDownloadedByte: number; perPackageBytes: number }> = {
  conda: table.installedFromDownload.conda,
  pip: table.installedFromDownload.pip,
  npm: table.installedFromDownload.npm,
};

/**
 * Installed bytes of one ecosystem's packages as a solver chose them (one architecture: the
 * image's), from the sizes of their files; undefined when a file's size is not known.
 */
function solvedBytes(resolution: GroupResolution, ecosystem: SolvedEcosystem): number | undefined {
  const arch = resolution.arches[0];
  const packages = resolution.packages.filter((p) => p.ecosystem === ecosystem && p.arch === arch);
  if (packages.length === 0 || packages.some((p) => p.size === undefined)) return undefined;
  const factor = installed[ecosystem];
  const downloaded = packages.reduce((n, p) => n + p.size!, 0);
  return Math.round(
    downloaded * factor.perDownloadedByte + packages.length * factor.perPackageBytes,
  );
}

/**
 * A planned group's estimate: the name-level figure the grouping used (`nameLevel`, with the
 * family's base and each package's bytes by `sizeKey`), its base swapped for the image's own when
 * configured, and each solved ecosystem's packages counted from the solver's files instead.
 */
export function groupEstimate(input: {
  classKey: string;
  baseImage: string;
  nameLevel: number;
  packageBytes: ReadonlyMap<string, number>;
  overrides: Readonly<Record<string, number>>;
  resolution?: GroupResolution;
}): number {
  let bytes =
    input.nameLevel -
    baseImageBytes(input.classKey) +
    baseImageBytes(input.classKey, input.baseImage, input.overrides);
  const r = input.resolution;
  if (r?.status !== 'solved') return bytes;
  for (const ecosystem of r.solved) {
    const solved = solvedBytes(r, ecosystem);
    if (solved === undefined) continue;
    for (const [key, b] of input.packageBytes) if (key.startsWith(`${ecosystem}:`)) bytes -= b;
    bytes += solved;
  }
  return bytes;
}
