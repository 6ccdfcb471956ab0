/**
 * A message of the core that tells the user to set an option names it by a placeholder,
 * `{option:channelUrls}`; the run puts in the adapter's own name for it (`--channel-url NAME=URL`
 * on the command line, the `channel-urls` input in the action; src/app/options.ts), so neither
 * reads the other's vocabulary.
 */
export function optionRef(key: string): string {
  return `{option:${key}}`;
}

/** `text` with every `{option:key}` replaced by `name(key)`. */
export function nameOptions(text: string, name: (key: string) => string): string {
  return text.replace(/\{option:([A-Za-z]+)\}/g, (_m, key: string) => name(key));
}
