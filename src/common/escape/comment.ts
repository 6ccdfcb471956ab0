/**
 * The text of a one-line comment in a generated file (YAML, shell, Dockerfile, Groovy): it must
 * not end the comment early. Every line break a reader of any of these formats knows (LF, CR, and
 * NEL, U+2028, U+2029, which YAML 1.1 readers such as PyYAML and ruamel.yaml — cwltool's —
 * also end lines at) is shown as a visible escape, as are control, bidirectional and invisible
 * characters (`escapeText`). The comment marker is the caller's.
 */
import { escapeText } from '../text.js';

export function commentText(text: string): string {
  return escapeText(text);
}
