/**
 * Resource figures as the source engines write them, turned into the model's units (bytes,
 * seconds). Nextflow's MemoryUnit and CWL's ramMin are binary (1 GB = 1024³ B, ramMin in MiB);
 * Snakemake's mem_mb is what it hands to Slurm's --mem, which Slurm reads as MiB.
 */

const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  pb: 1024 ** 5,
};

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  milli: 0.001,
  millis: 0.001,
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};

export const MIB = 1024 ** 2;

export function memoryUnit(unit: string): number | undefined {
  return MEMORY_UNITS[unit.toLowerCase()];
}

export function durationUnit(unit: string): number | undefined {
  return DURATION_UNITS[unit.toLowerCase()];
}

/** `'8 GB'`, `'8.GB'`, `'512MB'` → bytes; undefined when not a memory figure. */
export function parseMemory(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\.?\s*([KMGTP]?B)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = memoryUnit(m[2] ?? '');
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** `'2h'`, `'1d 6h'`, `'90 min'`, `'1.5h'`, `'00:30:00'` → seconds; undefined otherwise. */
export function parseDuration(text: string): number | undefined {
  const clock = /^\s*(?:(\d+)-)?(\d+):(\d{1,2})(?::(\d{1,2}))?\s*$/.exec(text);
  if (clock) {
    const [, days, a, b, c] = clock;
    const [h, m, s] =
      c === undefined ? [0, Number(a), Number(b)] : [Number(a), Number(b), Number(c)];
    return Number(days ?? 0) * 86400 + h * 3600 + m * 60 + s;
  }
  const part = /(\d+(?:\.\d+)?)\s*\.?\s*([A-Za-z]+)/g;
  let total = 0;
  let consumed = '';
  for (const m of text.matchAll(part)) {
    const unit = durationUnit(m[2] ?? '');
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    consumed += m[0];
  }
  if (consumed === '' || consumed.replace(/\s/g, '') !== text.replace(/\s/g, '')) return undefined;
  return Math.round(total);
}
