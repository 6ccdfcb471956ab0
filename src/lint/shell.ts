/**
 * A light reading of a step's `run` command: the simple commands it chains and the tools they
 * call. Not a shell parser: enough to count `&&`, `||`, `;`, `|` and new lines outside quotes.
 */

export interface Command {
  /** The command text, trimmed. */
  text: string;
  /** The program it runs (`samtools`, `python scripts/x.py` → `scripts/x.py`), if any. */
  tool?: string;
}

/** Commands that arrange the shell rather than do the work; they do not count as tools. */
const SHELL_CHORES = new Set([
  'cd',
  'echo',
  'printf',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'ln',
  'touch',
  'export',
  'set',
  'source',
  '.',
  'true',
  'false',
  'test',
  '[',
  'exit',
  'cat',
  'ls',
  'chmod',
  'sleep',
  'wait',
  'trap',
  'unset',
  'local',
  'shift',
  ':',
  'pwd',
  'exec',
  'eval',
  'then',
  'fi',
  'do',
  'done',
  'else',
  'if',
  'for',
  'while',
  'until',
  'case',
  'esac',
  '{',
  '}',
  '(',
  ')',
]);

/** Interpreters whose first argument names the real tool (`python scripts/regrid.py`). */
const INTERPRETERS = new Set([
  'python',
  'python3',
  'python2',
  'Rscript',
  'R',
  'java',
  'node',
  'perl',
  'ruby',
  'bash',
  'sh',
  'julia',
]);

/** Wrappers that run the next word as the command. */
const WRAPPERS = new Set([
  'time',
  'nice',
  'env',
  'sudo',
  'nohup',
  'srun',
  'mpirun',
  'mpiexec',
  'xargs',
]);

/** Split on `&&`, `||`, `;`, `|`, `&` and new lines that are outside quotes; drop comments. */
export function splitCommands(run: string): Command[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < run.length; i += 1) {
    const c = run[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') {
        current += c + (run[i + 1] ?? '');
        i += 1;
        continue;
      }
      if (c === quote) quote = undefined;
      current += c;
      continue;
    }
    if (c === '\\' && run[i + 1] === '\n') {
      i += 1; // a continued line is one command
      current += ' ';
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      current += c;
      continue;
    }
    if (c === '#' && (current === '' || /\s$/.test(current))) {
      while (i < run.length && run[i] !== '\n') i += 1;
      parts.push(current);
      current = '';
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&') {
      parts.push(current);
      current = '';
      if ((c === '|' || c === '&') && run[i + 1] === c) i += 1;
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((text) => ({ text, tool: toolOf(text) }));
}

function toolOf(command: string): string | undefined {
  const words = command.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  let i = 0;
  while (i < words.length && WRAPPERS.has(words[i]!)) {
    i += 1;
    while (i < words.length && words[i]!.startsWith('-')) i += 1;
  }
  const program = words[i];
  if (program === undefined || SHELL_CHORES.has(program)) return undefined;
  const base = program.replace(/^.*\//, '');
  if (INTERPRETERS.has(base)) {
    const script = words.slice(i + 1).find((w) => !w.startsWith('-'));
    return script ?? base;
  }
  return base;
}

/** The distinct tools of a command list, in order of first use. */
export function toolsOf(commands: readonly Command[]): string[] {
  return [...new Set(commands.flatMap((c) => (c.tool ? [c.tool] : [])))];
}
