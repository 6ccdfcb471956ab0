/**
 * User text (names from a workflow, paths, registry answers) quoted in messages: control
 * characters made visible, so a finding or a log line cannot drive a terminal.
 */

/** C0 and C1 control characters except tab and line feed (a spec may carry terminal escapes). */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Control characters shown as visible `\xNN` escapes, so text cannot drive a terminal. */
export function showControlCharacters(text: string): string {
  return text.replace(
    CONTROL_CHARACTERS,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Quote user text in a message on one line, shortened; control characters shown as `\xNN`. */
export function oneLine(text: string): string {
  const flat = showControlCharacters(String(text).replace(/[\r\n\t]+/g, ' '));
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
