/**
 * Size estimates: base images per family, a table of known heavy packages, a default per
 * ecosystem for the rest, and the spec's `containers.package-sizes` overrides.
 */
import table from './data/package-sizes.json' with { type: 'json' };
import type { Requirement } from '../software/requirements.js';

export const MB = 1_000_000;

const packagesMB: Record<string, number> = table.packagesMB;
const defaultMB: Record<string, number> = table.defaultPackageMB;
const baseMB: Record<string, number> = table.baseImageMB;

export const BUILD_STEP_BYTES = table.buildStepMB * MB;
const FOREIGN_RUNTIME_BYTES: Record<'pip' | 'npm', number> = {
  pip: table.runtimeMB['pip-in-foreign-base'] * MB,
  npm: table.runtimeMB['npm-in-foreign-base'] * MB,
};

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

/** Estimated bytes of a family's default base image (`python`, `python-gpu`, …). */
export function baseImageBytes(familyKey: string): number {
  const family = familyKey.replace(/-gpu$/, '');
  return (baseMB[familyKey] ?? baseMB[family] ?? 100) * MB;
}
