/**
 * Rule settings (thresholds) users may change under `settings:` in the lint config. Every setting
 * is a number once parsed: durations in seconds, counts as integers.
 */
import { formatDuration, parseDuration } from '../common/units.js';

type SettingKind = 'duration' | 'count';

interface SettingMeta {
  kind: SettingKind;
  default: number;
  /** The smallest valid count (counts only). */
  min?: number;
  /** The rule that reads it. */
  rule: string;
  description: string;
}

export const SETTINGS = {
  'tiny-chain-max-duration': {
    kind: 'duration',
    default: 300,
    rule: 'STW202',
    description: 'A step counts as tiny when its expected duration is at most this.',
  },
  'tiny-chain-min-steps': {
    kind: 'count',
    default: 2,
    min: 2,
    rule: 'STW202',
    description: 'The fewest tiny steps in a row that are reported as a chain.',
  },
  'step-too-big-max-tools': {
    kind: 'count',
    default: 3,
    rule: 'STW201',
    description: "The most distinct tools one step's run may call.",
  },
  'step-too-big-max-commands': {
    kind: 'count',
    default: 5,
    rule: 'STW201',
    description: "The most commands one step's run may chain that run a tool.",
  },
} as const satisfies Record<string, SettingMeta>;

export type SettingName = keyof typeof SETTINGS;
export type Settings = Record<SettingName, number>;

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTINGS, name);
}

export function defaultSettings(): Settings {
  const settings = {} as Settings;
  for (const name of Object.keys(SETTINGS) as SettingName[])
    settings[name] = SETTINGS[name].default;
  return settings;
}

/** The parsed value, or an explanation of what the setting expects. */
export function parseSetting(
  name: SettingName,
  value: unknown,
): { value: number } | { error: string } {
  const meta: SettingMeta = SETTINGS[name];
  if (meta.kind === 'duration') {
    const seconds = parseDuration(value);
    return seconds === undefined
      ? { error: `setting "${name}" expects a duration such as "5m" or "1h"` }
      : { value: seconds };
  }
  const count = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  const min = meta.min ?? 1;
  return typeof count === 'number' && Number.isInteger(count) && count >= min
    ? { value: count }
    : { error: `setting "${name}" expects a whole number of at least ${min}` };
}

/** The value as a user would write it (`5m`, `3`). */
export function formatSetting(name: SettingName, value: number): string {
  const meta: SettingMeta = SETTINGS[name];
  return meta.kind === 'duration' ? formatDuration(value) : String(value);
}
