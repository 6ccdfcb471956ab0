/**
 * Durations and sizes as people write them in a spec (`30m`, `1h30m`, `2GB`), normalised to
 * seconds and bytes. Plain numbers are already seconds or bytes.
 */

const SECONDS_PER_UNIT: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

const DURATION_PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gi;

/** Seconds in a duration such as `30m`, `2h`, `1d`, `1h30m`; undefined when it is not one. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\s*(\d+(\.\d+)?\s*[a-z]+\s*)+$/i.test(value))
    return undefined;
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(DURATION_PART)) {
    const factor = SECONDS_PER_UNIT[durationUnit(unit!)];
    if (factor === undefined) return undefined;
    seconds += Number(amount) * factor;
  }
  return seconds;
}

/** `min`, `mins`, `minutes` → `m`; `hr`, `hours` → `h`; … (`ms` is not a unit here). */
function durationUnit(unit: string): string {
  const u = unit.toLowerCase();
  if (/^(s|sec|secs|seconds?)$/.test(u)) return 's';
  if (/^(m|min|mins|minutes?)$/.test(u)) return 'm';
  if (/^(h|hr|hrs|hours?)$/.test(u)) return 'h';
  if (/^(d|days?)$/.test(u)) return 'd';
  if (/^(w|weeks?)$/.test(u)) return 'w';
  return '?';
}

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)\s*$/i;
const POWERS = 'kmgtp';

/**
 * Bytes in a size such as `512MB`, `2GB`, `1.5TiB`, `100k`. `KB`, `MB`, `GB`… are powers of 1000,
 * `KiB`, `MiB`, `GiB`… powers of 1024, as in the SI and IEC standards.
 */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = SIZE.exec(value);
  if (!match) return undefined;
  const [, amount, prefix, binary] = match;
  if (binary && !prefix) return undefined;
  const exponent = prefix ? POWERS.indexOf(prefix.toLowerCase()) + 1 : 0;
  const base = binary ? 1024 : 1000;
  return Math.round(Number(amount) * base ** exponent);
}

/** `5400` → `1h30m`: the short form used in messages. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0 && parts.length < 2) parts.push(`${rest}s`);
  return parts.join('');
}

/** `2_000_000_000` → `2.0 GB`: decimal units, as registries and Docker report sizes. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
