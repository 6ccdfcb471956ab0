/**
 * Dockerfiles: double-quoted values (LABEL), comments and JSON-array arguments (COPY).
 *
 * A Dockerfile line ends at a newline, or continues when it ends in the escape character `\`;
 * values in LABEL, ENV, COPY and the like then go through the Dockerfile's own word expansion
 * (`$VAR`, `${VAR}`, quotes, `\`), also inside a JSON array. The escapers write values so that the
 * builder ends with exactly the text given.
 */
import { commentText } from './comment.js';

/**
 * A double-quoted Dockerfile word (a LABEL value): `\`, `"` and `$` escaped with `\` (no variable
 * expansion), line breaks and other unsafe characters shown as visible escapes (an instruction
 * stays on its line; a label is read by people).
 */
export function dockerString(value: string): string {
  return `"${commentText(value).replace(/[\\"$]/g, '\\$&')}"`;
}

/**
 * A Dockerfile comment (`# …`). Only a comment's own line matters to the builder (a trailing `\`
 * does not continue it). Parser directives (`# syntax=`, `# escape=`) are read only from the top
 * lines in the form `# key=value`; a generated header starts with words of our own, so it is none.
 */
export function dockerComment(text: string): string {
  return `# ${commentText(text)}`;
}

/**
 * The JSON-array form of an instruction's arguments (`COPY ["a", "b"]`), one element per value.
 * The builder reads the JSON, then expands each element as a word (`$VAR`, quotes, `\`), so
 * `\`, `$`, `'` and `"` are escaped with `\` first; a value with a line break is refused (no file
 * name Stowage copies needs one).
 */
export function dockerJsonArray(values: readonly string[]): string {
  return JSON.stringify(
    values.map((value) => {
      if (/[\r\n]/.test(value))
        throw new Error(`refusing a line break in a Dockerfile argument: ${JSON.stringify(value)}`);
      return value.replace(/[\\$'"]/g, '\\$&');
    }),
  );
}
