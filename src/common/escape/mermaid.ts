/**
 * Mermaid diagram labels (the workflow picture in the job summary). A label is written inside
 * `"…"`; every character outside a small safe set is a Mermaid entity code (`#34;` for `"`), so
 * a label cannot close its quotes, start HTML or Markdown, or close the ```mermaid fence.
 * Control and bidirectional characters are first made visible escapes (`escapeText`): an entity
 * code is drawn as the character it names, so it could otherwise reorder or hide what is shown.
 */
import { escapeText } from '../text.js';

export function mermaidLabel(text: string): string {
  let out = '';
  for (const char of escapeText(text)) {
    out += /^[A-Za-z0-9 _.\-/+=,()@]$/.test(char) ? char : `#${char.codePointAt(0)};`;
  }
  return out;
}
