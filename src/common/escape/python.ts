/**
 * Python string literals (the lines a Snakefile is given). Double-quoted, with `\` and `"`
 * escaped and every character past printable ASCII written as `\xNN`, `\uNNNN` or
 * `\UNNNNNNNN`: the literal is one line of ASCII, whatever the value holds. Not an f-string, so
 * `{…}` is text; Snakemake's own `{wildcards}` formatting applies only to rule parameters.
 */
export function pythonString(value: string): string {
  let out = '';
  for (const c of String(value)) {
    const code = c.codePointAt(0)!;
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (code >= 0x20 && code < 0x7f) out += c;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `"${out}"`;
}
