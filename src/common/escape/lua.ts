/**
 * Lua string literals (Lmod modulefiles, `setenv("NAME", "value")`). Double-quoted; `\` and `"`
 * escaped; every byte outside printable ASCII (the value's UTF-8) written as a three-digit
 * decimal escape `\ddd`, which every Lua from 5.1 on reads and which a following digit cannot
 * extend. The literal is one line of ASCII: no long bracket (`]]`), no line break, no NUL.
 */
export function luaString(value: string): string {
  let out = '';
  for (const byte of Buffer.from(String(value), 'utf8')) {
    if (byte === 0x5c || byte === 0x22) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `"${out}"`;
}
