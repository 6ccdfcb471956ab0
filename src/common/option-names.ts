/**
 * A message of the core that tells the user to set an option names it by a placeholder,
 * `{option:channelUrls}` (or with the value to give, `{option:network=host}`); the run puts in
 * the adapter's own words for it (`--channel-url <n=url>`, `--network host` on the command line;
 * the `channel-urls` input, `network: host` in the action; src/app/options.ts), so neither reads
 * the other's vocabulary.
 */
export function optionRef(key: string, value?: string): string {
  return `{option:${key}${value === undefined ? '' : `=${value}`}}`;
}

/** `text` with every `{option:key}` (or `{option:key=value}`) replaced by `name(key, value)`. */
export function nameOptions(text: string, name: (key: string, value?: string) => string): string {
  return text.replace(/\{option:([A-Za-z]+)(?:=([^}]*))?\}/g, (_m, key: string, value?: string) =>
    name(key, value),
  );
}
