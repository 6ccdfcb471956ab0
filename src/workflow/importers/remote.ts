/**
 * Files an import needs from outside the repository — a Snakemake wrapper's environment.yaml, a
 * meta-wrapper's rules. Importers stay pure: they read what is in `RemoteTexts` and list the URLs
 * they missed; `importWithRemote` fetches those (through the injected `FetchText`, a few at a time)
 * and imports again, until nothing new is needed. Every URL is fetched at most once per run.
 */
import type { ImportResult } from './common.js';

/** A fetched file: its text, or why it could not be fetched. */
export type RemoteText = { text: string } | { error: string };

export type RemoteTexts = ReadonlyMap<string, RemoteText>;

/** Fetches one URL; rejects with an Error whose message says why (timeouts included). */
export type FetchText = (url: string) => Promise<string>;

/** Rounds of import → fetch: a meta-wrapper's rules name wrappers, whose environments follow. */
const ROUNDS = 4;
const AT_ONCE = 8;

export async function importWithRemote(
  run: (remote: RemoteTexts) => ImportResult,
  fetchText: FetchText,
  cache: Map<string, RemoteText> = new Map(),
): Promise<ImportResult> {
  let result = run(cache);
  for (let round = 1; round < ROUNDS; round += 1) {
    const missing = [...new Set(result.remote ?? [])].filter((url) => !cache.has(url));
    if (missing.length === 0) break;
    for (let i = 0; i < missing.length; i += AT_ONCE) {
      await Promise.all(
        missing.slice(i, i + AT_ONCE).map(async (url) => {
          try {
            cache.set(url, { text: await fetchText(url) });
          } catch (error) {
            cache.set(url, { error: error instanceof Error ? error.message : String(error) });
          }
        }),
      );
    }
    result = run(cache);
  }
  return result;
}
