/**
 * Tcl words (Environment Modules modulefiles, `setenv NAME value`). Double-quoted, where Tcl
 * substitutes `$var`, `[command]` and backslash escapes: `\`, `"`, `$`, `[`, `]` are escaped with
 * `\`, and so are `{` and `}` (a quoted word needs no balance, but a modulefile may be re-read
 * inside braces). Line breaks, `;` and `#` are plain text inside the quotes, but line breaks,
 * controls and characters past ASCII are written `\uNNNN` (always four digits, which a following
 * hex digit cannot extend) so the word is one line of ASCII.
 */
export function tclString(value: string): string {
  let out = '';
  for (const c of String(value)) {
    const code = c.charCodeAt(0);
    if ('\\"$[]{}'.includes(c)) out += `\\${c}`;
    else if (code >= 0x20 && code < 0x7f) out += c;
    else
      for (let i = 0; i < c.length; i += 1)
        out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return `"${out}"`;
}
