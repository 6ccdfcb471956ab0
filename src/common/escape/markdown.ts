/**
 * GitHub-flavoured Markdown a person reads: the job summary and the pull-request comment.
 *
 * Text from a workflow must stay text: no HTML, no table cell ended early, no emphasis, no
 * `@mention`, and no link — neither `[x](y)` nor GitHub's autolinks of a bare `https://…`,
 * `www.…` or e-mail address, which GitHub makes even inside an HTML `<code>` element.
 */
import { escapeText } from '../text.js';

/**
 * Text safe anywhere in Markdown, also inside a table cell: HTML escaped, Markdown punctuation
 * backslash-escaped (`|` cannot end the cell, `[x](y)` cannot link), `@` written `&#64;` (no
 * mention, no e-mail autolink), the `:` of `://` written `&#58;` and the `.` of `www.` written
 * `&#46;` (no autolink), line breaks as `<br>`, control and bidirectional characters shown
 * escaped. The reader sees the characters as they were.
 */
export function markdownText(text: string): string {
  return escapeText(text, { lineBreaks: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, '\\$&')
    .replace(/@/g, '&#64;')
    .replace(/:(?=\/\/)/g, '&#58;')
    .replace(/(www)\./gi, '$1&#46;')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * Text shown as code (also inside a table cell). A Markdown code span would show the escapes
 * literally, so this is an HTML `<code>` element around `markdownText`.
 */
export function markdownCode(text: string): string {
  return `<code>${markdownText(text)}</code>`;
}

/** What GitHub would make a link of: a URL with a scheme, `www.…`, or an e-mail address. */
const LINK_LIKE =
  /(?:\b[A-Za-z][A-Za-z0-9+.-]*:\/\/|\bwww\.)[^\s`<>]*|[^\s`<>()[\]]+@[^\s`<>()[\]]+/gi;

/**
 * A message (a finding's, a failure's reason) as Markdown: its `code` spans (messages quote keys
 * that way) and anything link-like are shown as code, the rest as text; an unpaired backtick is
 * text. No part can become a link.
 */
export function markdownMessage(message: string): string {
  return String(message)
    .split(/(`[^`\r\n]+`)/)
    .map((part) =>
      /^`[^`]+`$/.test(part) ? markdownCode(part.slice(1, -1)) : textWithCodeLinks(part),
    )
    .join('');
}

function textWithCodeLinks(text: string): string {
  let out = '';
  let at = 0;
  for (const match of text.matchAll(LINK_LIKE)) {
    // Trailing punctuation ends the sentence, not the link (as GitHub reads it).
    const link = match[0].replace(/[.,;:!?'")\]]+$/, '');
    if (link === '') continue;
    out += markdownText(text.slice(at, match.index)) + markdownCode(link);
    at = match.index + link.length;
  }
  return out + markdownText(text.slice(at));
}
