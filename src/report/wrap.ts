/**
 * Keeping terminal output readable at real size: long lists are cut to the first few items with
 * a count of the rest, long sentences are broken at spaces. Lengths are in UTF-16 units, which is
 * what a terminal shows for the names and messages Stowage prints (escaped text is ASCII-safe).
 */

/** Where the text plan and long findings are broken: readable in a terminal, a log or a diff. */
export const TEXT_WIDTH = 120;

/**
 * `a, b, c + 41 more`: the first items that fit in `width` characters with the count of the rest
 * (at least one item is shown, however long), or all of them joined when they fit.
 */
export function elideList(items: readonly string[], width: number): string {
  const all = items.join(', ');
  if (all.length <= width || items.length <= 1) return all;
  let shown = items[0]!;
  let count = 1;
  for (; count < items.length; count += 1) {
    const next = `${shown}, ${items[count]}`;
    const rest = items.length - count - 1;
    if (next.length + (rest > 0 ? moreSuffix(rest).length : 0) > width) break;
    shown = next;
  }
  return `${shown}${moreSuffix(items.length - count)}`;
}

function moreSuffix(n: number): string {
  return n > 0 ? ` + ${n} more` : '';
}

/**
 * `text` broken at spaces into lines of at most `width` characters (a word longer than that stands
 * alone on its line), every line after the first starting with `indent`. Text without a space
 * to break at, or that fits, is one line.
 */
export function wrapLine(text: string, width = TEXT_WIDTH, indent = '    '): string[] {
  if (text.length <= width) return [text];
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let current = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const prefix = lines.length === 0 ? '' : indent;
    if (current === lead && lines.length === 0) current += word;
    else if (current === '') current = word;
    else if (prefix.length + current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(prefix + current);
      current = word;
    }
  }
  lines.push((lines.length === 0 ? '' : indent) + current);
  return lines;
}

/** Each line of `lines` wrapped, continuing under its own indentation plus `indent`. */
export function wrapLines(lines: readonly string[], width = TEXT_WIDTH, indent = '    '): string[] {
  return lines.flatMap((l) => wrapLine(l, width, /^ */.exec(l)![0] + indent));
}
