/**
 * Memory figures as the source engines write them, in bytes. Nextflow's MemoryUnit and CWL's
 * ramMin are binary (1 GB = 1024³ B, ramMin in MiB); Snakemake's mem_mb is what it hands to
 * Slurm's --mem, which Slurm reads as MiB. (A stowage spec's sizes are SI: see common/units.)
 * Durations are read by common/units `parseDuration`.
 */

const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  pb: 1024 ** 5,
};

export const MIB = 1024 ** 2;

export function memoryUnit(unit: string): number | undefined {
  return MEMORY_UNITS[unit.toLowerCase()];
}

/** `'8 GB'`, `'8.GB'`, `'512MB'` → bytes; undefined when not a memory figure. */
export function parseMemory(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\.?\s*([KMGTP]?B)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = memoryUnit(m[2] ?? '');
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}
