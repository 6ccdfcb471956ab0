/**
 * YAML as cwltool's loader reads it. cwltool (schema-salad) parses with ruamel.yaml, which
 * accepts a multi-line flow construct — a flow sequence or mapping (`[ … ]`, `{ … }`) or a quoted
 * scalar (`'…'`, `"…"`) — whose continuation lines are indented no deeper than the line that
 * opened it:
 *
 *     baseCommand: [
 *     samtools, index
 *     ]
 *     doc: '
 *     a long description
 *     '
 *
 * The `yaml` package follows the YAML 1.2 spec there and refuses them ("must be sufficiently
 * indented"). `relaxFlowIndentation` indents such continuation lines one column deeper than
 * the line that opened the construct, which changes no value (a flow construct's continuation
 * lines lose their leading white space either way) and no line number.
 */

/** The text with under-indented flow continuation lines indented, or undefined when none is. */
export function relaxFlowIndentation(text: string): string | undefined {
  const lines = text.split('\n');
  const extra = new Array<number>(lines.length).fill(0);
  let changed = false;
  /** Open flow construct: the column its continuation lines must pass, and what closes it. */
  let open: { base: number; stack: string[] } | undefined;
  /** Inside a block scalar (`|`, `>`): lines indented deeper than this are its content. */
  let blockScalar: number | undefined;

  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n]!.replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    const blank = line.trim() === '';
    if (blockScalar !== undefined) {
      if (blank || indent > blockScalar) continue;
      blockScalar = undefined;
    }
    let i = 0;
    if (open) {
      if (!blank && indent <= open.base) {
        extra[n] = open.base + 1 - indent;
        changed = true;
      }
      i = indent;
    } else {
      if (blank || line.trimStart().startsWith('#')) continue;
      i = indent;
      // The node this line starts: after any `- ` of a compact sequence.
      while (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
        i += 1;
        while (line[i] === ' ') i += 1;
      }
    }
    const base = open?.base ?? i;
    // Scan the rest of the line.
    let nodeStart = open === undefined; // a value may start here
    while (i < line.length) {
      const c = line[i]!;
      const top = open?.stack[open.stack.length - 1];
      if (top === "'" || top === '"') {
        if (c === '\\' && top === '"') i += 2;
        else if (c === "'" && top === "'" && line[i + 1] === "'") i += 2;
        else if (c === top) {
          open!.stack.pop();
          i += 1;
        } else i += 1;
        if (open && open.stack.length === 0) open = undefined;
        continue;
      }
      if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
      const inFlow = open !== undefined;
      if ((c === "'" || c === '"') && (nodeStart || inFlow)) {
        if (nodeStart || /[[{,:]\s*$|^\s*$/.test(line.slice(0, i))) {
          open ??= { base, stack: [] };
          open.stack.push(c);
          i += 1;
          nodeStart = false;
          continue;
        }
      }
      if ((c === '[' || c === '{') && (nodeStart || inFlow)) {
        open ??= { base, stack: [] };
        open.stack.push(c === '[' ? ']' : '}');
        i += 1;
        nodeStart = false;
        continue;
      }
      if ((c === ']' || c === '}') && inFlow) {
        if (open!.stack[open!.stack.length - 1] === c) open!.stack.pop();
        if (open!.stack.length === 0) open = undefined;
        i += 1;
        continue;
      }
      if (!inFlow && (c === '|' || c === '>') && nodeStart) {
        blockScalar = indent;
        break;
      }
      if (c === ':' && (line[i + 1] === ' ' || i + 1 === line.length) && !inFlow) {
        nodeStart = true;
        i += 1;
        continue;
      }
      if (!inFlow && nodeStart && (c === '&' || c === '!')) {
        // An anchor or a tag may stand before a value.
        while (i < line.length && line[i] !== ' ') i += 1;
        continue;
      }
      if (!inFlow && c !== ' ') nodeStart = false; // a plain scalar
      i += 1;
    }
  }
  if (!changed) return undefined;
  return lines.map((l, n) => (extra[n]! > 0 ? ' '.repeat(extra[n]!) + l : l)).join('\n');
}
