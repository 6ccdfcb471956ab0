/**
 * XML text and attribute values (the Maven stage's pom.xml): `&`, `<`, `>`, `"` and `'` as
 * entities, CR as `&#13;` (a reader turns a raw CR into LF), and characters XML 1.0 cannot hold at all (C0 controls but tab, LF, CR; unpaired
 * surrogates; U+FFFE/U+FFFF) shown as visible `\uNNNN` text.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

export function xmlText(value: string): string {
  return String(value)
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>"'\r]/g, (c) => ENTITY[c]!);
}
