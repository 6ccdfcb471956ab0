/**
 * conda channels as an environment file lists them (`channels:`, names or URLs, in priority
 * order), and the channels of a group of steps. Solving (src/resolve), the lock and the
 * Dockerfile of an unsolved group all take a group's channels from here.
 */

/** The channels a conda group solves against and installs from when its steps name none. */
export const DEFAULT_CONDA_CHANNELS: readonly string[] = ['conda-forge', 'bioconda'];

/** A channel name as conda writes it: `conda-forge`, `bioconda`, `conda-forge/label/rc`. */
const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9._-]+)*$/;

/** Why `channel` (a name or a URL) cannot be a package source, or undefined. */
export function channelProblem(channel: string): string | undefined {
  if (typeof channel !== 'string' || channel.trim() === '') return 'the channel is empty';
  if (!/^[a-z][a-z0-9+.-]*:/i.test(channel))
    return CHANNEL_NAME.test(channel) ? undefined : `"${channel}" is not a channel name`;
  let url: URL;
  try {
    url = new URL(channel);
  } catch {
    return `"${channel}" is not a channel URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `channel "${channel}" must be a name or an http:// or https:// URL`;
  // The URL is written into the lock and the Dockerfile: no credentials, nothing after the path.
  if (url.username || url.password)
    return `channel "${url.host}" carries credentials, which would be written into the lock`;
  if (url.search || url.hash) return `channel "${channel}" must not have a query or fragment`;
  return undefined;
}

/** `https://host/channel/` and `https://host/channel` are one channel. */
function normalize(channel: string): string {
  return channel.includes(':') ? channel.replace(/\/+$/, '') : channel;
}

/**
 * A step's channels, as conda reads its environment file: the listed ones in order, `defaults`
 * standing for Stowage's default channels at its place, and those defaults after the list unless
 * it says `nodefaults`. No list: the defaults.
 */
export function effectiveChannels(listed: readonly string[] | undefined): string[] {
  if (!listed || listed.length === 0) return [...DEFAULT_CONDA_CHANNELS];
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  for (const raw of listed) {
    const channel = normalize(raw.trim());
    if (channel === 'nodefaults') continue;
    if (channel === 'defaults') DEFAULT_CONDA_CHANNELS.forEach(add);
    else add(channel);
  }
  if (!listed.some((c) => c.trim() === 'nodefaults')) DEFAULT_CONDA_CHANNELS.forEach(add);
  return out;
}

/**
 * The channels of a group: every step's, each once, in an order that keeps each step's own order
 * (a project channel one file lists first stays before conda-forge, though another step of the
 * group lists only the defaults); where steps disagree (`[bioconda, conda-forge]` beside
 * `[conda-forge, bioconda]`) the channel that appears first in document order goes first.
 * Undefined when that is just Stowage's defaults, so plans that name no channels stay as they were.
 */
export function groupChannels(
  lists: readonly (readonly string[] | undefined)[],
): string[] | undefined {
  const seen: string[] = [];
  const before = new Map<string, Set<string>>(); // channel → channels some step lists before it
  for (const list of lists) {
    const channels = effectiveChannels(list);
    channels.forEach((c, i) => {
      if (!seen.includes(c)) seen.push(c);
      const set = before.get(c) ?? new Set<string>();
      for (const earlier of channels.slice(0, i)) set.add(earlier);
      before.set(c, set);
    });
  }
  // Kahn's order, ties (and cycles) broken by first appearance.
  const out: string[] = [];
  const left = [...seen];
  while (left.length > 0) {
    const ready = left.find((c) => [...before.get(c)!].every((b) => out.includes(b))) ?? left[0]!;
    out.push(ready);
    left.splice(left.indexOf(ready), 1);
  }
  const isDefault =
    out.length === DEFAULT_CONDA_CHANNELS.length &&
    out.every((c, i) => c === DEFAULT_CONDA_CHANNELS[i]);
  return isDefault ? undefined : out;
}
