/**
 * Durations and sizes as people and engines write them (`30m`, `1h30m`, `2 hours`, `00:30:00`,
 * `2GB`), normalised to seconds and bytes, and the one formatter of each for messages and tables.
 * Plain numbers are already seconds or bytes. The spec's schema narrows what a stowage.yml may
 * write (docs/spec.md); importers pass what their engine wrote.
 */

const SECONDS_PER_UNIT: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

/** Seconds in one duration unit as written (`min`, `hours`, `d`, `ms`…); undefined when not one. */
export function durationUnit(unit: string): number | undefined {
  const u = unit.toLowerCase();
  if (/^(ms|milli|millis|milliseconds?)$/.test(u)) return SECONDS_PER_UNIT.ms;
  if (/^(s|sec|secs|seconds?)$/.test(u)) return SECONDS_PER_UNIT.s;
  if (/^(m|min|mins|minutes?)$/.test(u)) return SECONDS_PER_UNIT.m;
  if (/^(h|hr|hrs|hours?)$/.test(u)) return SECONDS_PER_UNIT.h;
  if (/^(d|days?)$/.test(u)) return SECONDS_PER_UNIT.d;
  if (/^(w|weeks?)$/.test(u)) return SECONDS_PER_UNIT.w;
  return undefined;
}

const CLOCK = /^\s*(?:(\d+)-)?(\d+):(\d{1,2})(?::(\d{1,2}))?\s*$/;
const AMOUNTS = /^\s*(\d+(?:\.\d+)?\s*\.?\s*[a-z]+\s*)+$/i;
const AMOUNT = /(\d+(?:\.\d+)?)\s*\.?\s*([a-z]+)/gi;

/**
 * Seconds in a duration: a number of seconds, amounts with units (`30m`, `1.5h`, `2 hours`,
 * `1d 6h`, `90 min`, Groovy's `2.h`), or a clock as Slurm writes walltimes (`MM:SS`,
 * `HH:MM:SS`, `D-HH:MM`, `D-HH:MM:SS`). Undefined when it is none of these.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const clock = CLOCK.exec(value);
  if (clock) {
    const [, days, a, b, c] = clock;
    // Slurm's forms: `MM:SS`, `HH:MM:SS`, `D-HH:MM`, `D-HH:MM:SS`.
    const [h, m, s] =
      c !== undefined
        ? [Number(a), Number(b), Number(c)]
        : days !== undefined
          ? [Number(a), Number(b), 0]
          : [0, Number(a), Number(b)];
    return Number(days ?? 0) * 86400 + h * 3600 + m * 60 + s;
  }
  if (!AMOUNTS.test(value)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(AMOUNT)) {
    const factor = durationUnit(unit!);
    if (factor === undefined) return undefined;
    seconds += Number(amount) * factor;
  }
  return seconds;
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

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/**
 * `260 MB`, `2.4 GB`, `999 B`: decimal units, as registries and Docker report sizes; one decimal
 * below 10 of a unit, none above. The one byte formatter of every table and message.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // 9.96 rounds to "10.0": print it without a decimal, as any other figure of 10 or more.
  const text = unit > 0 && value < 9.95 ? value.toFixed(1) : Math.round(value).toString();
  return `${text} ${BYTE_UNITS[unit]}`;
}
