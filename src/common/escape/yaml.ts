/**
 * YAML: scalars, comments and whole documents of mappings, lists and scalars.
 *
 * Values are always double-quoted. YAML is a superset of JSON, so a JSON string literal is a YAML
 * double-quoted scalar; on top of JSON's escapes, the characters YAML readers end lines at or
 * refuse are escaped as `\uNNNN` too: NEL (U+0085), U+2028 and U+2029 (line breaks to YAML 1.1
 * readers: PyYAML, ruamel.yaml, and so Snakemake and cwltool), C1 controls and DEL, the BOM and
 * the non-characters U+FFFE/U+FFFF — in fact every character past ASCII (`\uNNNN`, or `\UNNNNNNNN`
 * past U+FFFF), so the scalar is printable ASCII and no reader sees anything but one string.
 */
import { commentText } from './comment.js';

/** Every character past printable ASCII (JSON has already escaped C0 controls and lone surrogates). */
const NOT_ASCII = /[^\t\n\r\x20-\x7e]/gu;

/** A YAML double-quoted scalar holding exactly `value`, in printable ASCII. */
export function yamlString(value: string): string {
  return JSON.stringify(String(value)).replace(NOT_ASCII, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff
      ? `\\U${code.toString(16).padStart(8, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A YAML comment line (`# …`) that cannot end before the line does. */
export function yamlComment(text: string): string {
  return `# ${commentText(text)}`;
}

/** What `yamlDocument` writes: mappings (insertion order), lists and scalars. */
export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/**
 * A block-style YAML document for `value` (ending in a newline): every key and string through
 * `yamlString`, numbers only when finite, so the document holds exactly the keys given.
 */
export function yamlDocument(value: YamlValue): string {
  return `${yamlLines(value, '').join('\n')}\n`;
}

function yamlScalar(value: string | number | boolean | null): string {
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a YAML number: ${value}`);
    return String(value);
  }
  return String(value);
}

function yamlLines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => nested(`${indent}-`, item, `${indent}  `));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([key, item]) =>
      nested(`${indent}${yamlString(key)}:`, item, `${indent}  `),
    );
  }
  return [`${indent}${yamlScalar(value)}`];
}

/** `head` followed by `item`: on the same line when it is a scalar or empty, else below it. */
function nested(head: string, item: YamlValue, indent: string): string[] {
  const empty = Array.isArray(item) ? item.length === 0 : isEmptyMapping(item);
  if (item === null || typeof item !== 'object' || empty) {
    return [`${head} ${yamlLines(item, '')[0]!}`];
  }
  return [head, ...yamlLines(item, indent)];
}

function isEmptyMapping(item: YamlValue): boolean {
  return item !== null && typeof item === 'object' && Object.keys(item).length === 0;
}

/**
 * A Compose file's string value: Compose interpolates `$VAR` and `${VAR}` in values after YAML
 * has read them, so each `$` is doubled (`$$` is a literal `$`), then quoted as YAML.
 */
export function composeString(value: string): string {
  return yamlString(String(value).replace(/\$/g, '$$$$'));
}
