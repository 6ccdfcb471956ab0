/**
 * SARIF (code scanning). The file is JSON written by `JSON.stringify`, which quotes every string
 * (also U+2028/2029, which JSON allows raw). What remains is SARIF's own syntax inside message
 * strings: `[text](target)` is an embedded link (to a location id or a URI), so literal square
 * brackets are escaped with `\`, as the SARIF 2.1.0 specification asks (section 3.11.6), and the
 * backslashes just before one are doubled (each reads as one), so no bracket is left unescaped.
 */
export function sarifText(text: string): string {
  return String(text)
    .replace(/\\+(?=[[\]])/g, (run) => run + run)
    .replace(/[[\]]/g, '\\$&');
}
