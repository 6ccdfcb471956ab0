/**
 * Work on a list, at most `limit` items at once (builds, shard fetches, HEAD requests).
 */

/**
 * Runs `task` on each item with at most `limit` running at once; results in input order. After a
 * task fails no other starts, and the failure is thrown once those running have ended (nothing
 * is left working after the call returns).
 */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await task(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
