/**
 * POSIX shell (sh, bash): words and comments.
 *
 * A word is single-quoted: inside '…' nothing is special but the quote itself, which is written
 * `'\''` (close, an escaped quote, reopen). Newlines stay inside the quotes, as the shell reads
 * them. NUL cannot be passed to a program at all: values holding one are refused upstream.
 */
import { commentText } from './comment.js';

/** One shell word holding exactly `value`. */
export function shellQuote(value: string): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/**
 * One shell word holding exactly `value`: bare when it is made only of characters no shell treats
 * specially (letters, digits and `_ . / : , + @ % -`, not empty), single-quoted otherwise.
 */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:,+@%-]+$/.test(value) ? value : shellQuote(value);
}

/**
 * A shell comment (`# …`) that cannot end before the line does (`commentText`). Note that
 * `#SBATCH` lines are directives to `sbatch`: a comment written here always starts `# `.
 */
export function shellComment(text: string): string {
  return `# ${commentText(text)}`;
}
