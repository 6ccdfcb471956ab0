/** POSIX single-quote: the only character that needs care inside '…' is the quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
