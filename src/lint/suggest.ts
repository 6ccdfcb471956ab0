/** "Did you mean" phrases for lint messages, over the shared suggestion search. */
import { closest } from '../common/suggest.js';

export { closest };

/** ` Did you mean "x"?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}
