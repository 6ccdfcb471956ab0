/**
 * What a step's `run` command does, read by a real shell parser: tree-sitter-bash (the grammar
 * GitHub and editors use, in WebAssembly through web-tree-sitter), loaded once when this module
 * is first imported. STW201 counts what it finds: commands that run a tool (not shell built-ins
 * or base utilities), and the distinct tools. Heredoc bodies are data, not commands; of the
 * branches of an `if` or `case` only the largest counts, since one run takes one branch.
 *
 * Why this parser: of the 2,231 shell scripts of nf-core/modules, rnaseq, sarek and fetchngs it
 * reads 2,215 without an error node (the rest around the error), in 0.3 ms each. sh-syntax
 * (mvdan/sh in WebAssembly) parses them all but its tree has no commands, only statement spans;
 * mvdan-sh is deprecated by its author; bash-parser (unmaintained since 2017) fails 122 of 2,237.
 * (docs/rules/STW201.md, "The parser".)
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
// The CommonJS build: the ESM build's loader does not survive bundling.
import type * as TreeSitter from 'web-tree-sitter';

export interface ScriptReading {
  /** Commands that run a tool, one run at most (the largest branch of an `if` or `case`). */
  commands: number;
  /** The distinct tools, in order of first use (`samtools`; `python x.py` → `x.py`). */
  tools: string[];
  /**
   * Every program the script starts, as written (a name looked up on PATH, or an absolute path),
   * past wrappers (`timeout 5 samtools` → `samtools`), in every branch, base utilities and
   * interpreters included: what an image must provide to run it. Relative paths (files of the
   * working folder), expansions and the script's own functions are left out.
   */
  programs: string[];
}

const require = createRequire(import.meta.url);

/**
 * A file the bundle ships beside itself (dist/: the parser's CommonJS build and its WebAssembly,
 * which a bundler cannot inline), else the module's own in node_modules (tests, tsx).
 */
function wasm(bundled: string, module: string): string {
  const beside = fileURLToPath(new URL(`./${bundled}`, import.meta.url));
  return existsSync(beside) ? beside : require.resolve(module);
}

let parser: TreeSitter.Parser | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the parser (a few MB of WebAssembly to compile), once. A run loads it only when one of its
 * scripts needs it (`prepareScripts`): a plain command line is read without it.
 */
export function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = require(
      wasm('web-tree-sitter.cjs', 'web-tree-sitter'),
    ) as typeof TreeSitter;
    // V8 compiles WebAssembly twice, quickly (Liftoff) then optimised (TurboFan) in the
    // background, and a process cannot exit before the second finishes: 2 s for these 1.5 MB, to
    // parse a few hundred scripts the first compile already parses in milliseconds.
    setFlagsFromString('--liftoff-only');
    await Parser.init({
      locateFile: () => wasm('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
    });
    const loaded = new Parser();
    loaded.setLanguage(
      await Language.load(wasm('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm')),
    );
    parser = loaded;
  })();
  return loading;
}

/**
 * One line of plain words — no quotes, expansions, operators, globs or comments — which the shell
 * splits at blanks and nothing else: read without the parser, exactly as the parser reads it.
 */
const PLAIN_LINE = /^[ \t]*[\w./{}=:,+@%-]+(?:[ \t]+[\w./{}=:,+@%-]+)*[ \t]*$/;

/** Loads the parser when one of `scripts` is more than a plain command line. */
export async function prepareScripts(scripts: Iterable<string | undefined>): Promise<void> {
  for (const script of scripts)
    if (script !== undefined && !PLAIN_LINE.test(script)) return loadShellParser();
}

/** Commands that arrange the shell rather than do the work: built-ins, no-ops, keywords. */
const BUILTINS = [
  ...['cd', 'echo', 'printf', 'export', 'set', 'source', '.', 'true', 'false', 'test', '['],
  ...['[[', 'exit', 'trap', 'unset', 'local', 'shift', ':', 'pwd', 'exec', 'eval', 'wait'],
  ...['read', 'return', 'declare', 'readonly', 'let', 'type', 'command', 'hash', 'ulimit'],
  ...['umask', 'break', 'continue', 'mapfile', 'getopts', 'alias', 'shopt', 'pushd', 'popd'],
  ...['compgen', 'complete', 'builtin', 'caller', 'dirs', 'disown', 'enable', 'fg', 'bg', 'jobs'],
  ...['kill', 'typeset', 'times', 'history'],
];

/**
 * Utilities every base image has (coreutils, findutils, grep, sed, awk, gzip, tar): plumbing
 * between tools, which needs no software of its own.
 */
const BASE_UTILITIES = [
  ...['cat', 'ls', 'cp', 'mv', 'rm', 'ln', 'mkdir', 'rmdir', 'touch', 'chmod', 'sleep', 'head'],
  ...['tail', 'cut', 'sort', 'uniq', 'wc', 'tr', 'paste', 'join', 'split', 'tee', 'basename'],
  ...['dirname', 'readlink', 'realpath', 'date', 'seq', 'mktemp', 'md5sum', 'sha256sum', 'env'],
  ...['nproc', 'du', 'df', 'stat', 'comm', 'diff', 'cmp', 'yes', 'expr', 'printenv', 'which'],
  ...['find', 'xargs', 'grep', 'egrep', 'fgrep', 'zgrep', 'sed', 'awk', 'gawk', 'mawk', 'gzip'],
  ...['gunzip', 'zcat', 'bzip2', 'bunzip2', 'bzcat', 'xz', 'unxz', 'xzcat', 'tar', 'rev', 'tac'],
  ...['fold', 'column', 'numfmt', 'shuf', 'truncate', 'sync', 'id', 'whoami', 'hostname'],
];

/** Compression: plumbing around a tool's files, whichever program does it. */
const COMPRESSION = ['pigz', 'unpigz', 'pbzip2', 'zstd', 'unzstd', 'lz4', 'zip', 'unzip'];
const NOT_TOOLS = new Set([...BUILTINS, ...BASE_UTILITIES, ...COMPRESSION]);

/** Interpreters whose first argument names the real tool (`python scripts/regrid.py`). */
const INTERPRETERS = new Set([
  ...['python', 'python3', 'python2', 'Rscript', 'R', 'java', 'node', 'perl', 'ruby'],
  ...['bash', 'sh', 'julia'],
]);

/** Wrappers that run the next word as the command. */
const WRAPPERS = new Set([
  ...['time', 'nice', 'env', 'sudo', 'nohup', 'srun', 'mpirun', 'mpiexec', 'xargs'],
  ...['timeout', 'stdbuf', 'taskset', 'numactl'],
]);

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

/** Reads a `run` command; a script with a `#!` line of another language is one command. */
export function readScript(run: string): ScriptReading {
  const shebang = /^#![ \t]*(\S+)([^\n]*)/.exec(run);
  if (shebang) {
    // `#!/usr/bin/env -S python3 -u`: env's own options and assignments come before the program.
    const args = (shebang[2] ?? '').trim().split(/\s+/);
    const viaEnv = shebang[1]?.endsWith('/env');
    const named = viaEnv ? args.find((a) => !a.startsWith('-') && !a.includes('=')) : shebang[1];
    const program = basename(named ?? '');
    if (program !== '' && !SHELLS.has(program))
      return { commands: 1, tools: [program], programs: named ? [named] : [] };
  }
  const plain = PLAIN_LINE.test(run) ? readPlainLine(run) : undefined;
  return plain ?? parseScript(run);
}

/** `run` read by the parser (which must be loaded), whatever its form. */
export function parseScript(run: string): ScriptReading {
  if (!parser)
    throw new Error('readScript: the shell parser is not loaded (await prepareScripts first)');
  const tree = parser.parse(run);
  if (!tree) return { commands: 0, tools: [], programs: [] };
  try {
    const reader = new Reader();
    const commands = reader.count(tree.rootNode);
    const programs = [...reader.programs].filter((p) => !reader.functions.has(p));
    return { commands, tools: [...reader.tools], programs };
  } catch (error) {
    // A script nested deeper than the reader's recursion (thousands of `$(`) is not a real
    // script: read as one command rather than stop the whole lint.
    if (error instanceof RangeError) return { commands: 1, tools: [], programs: [] };
    throw error;
  } finally {
    tree.delete();
  }
}

/**
 * A plain command line (see PLAIN_LINE): its words, past leading assignments, as one command; a
 * word with braces (a placeholder such as `{inputs.x}`) is not a literal to the parser either.
 * Undefined when the command itself has braces: the parser reads those (a group, a placeholder).
 */
function readPlainLine(run: string): ScriptReading | undefined {
  const words = run.trim().split(/[ \t]+/);
  const start = words.findIndex((w) => !/^[A-Za-z_]\w*=/.test(w));
  if (start >= 0 && /[{}]/.test(words[start]!)) return undefined;
  const command = start < 0 ? [] : words.slice(start).map((w) => (/[{}]/.test(w) ? '' : w));
  const program = programOf(command);
  const tool = toolOf(command);
  return {
    commands: tool === undefined ? 0 : 1,
    tools: tool === undefined ? [] : [tool],
    programs: program === undefined ? [] : [program],
  };
}

function basename(path: string): string {
  return path.replace(/^.*\//, '');
}

class Reader {
  readonly tools = new Set<string>();
  readonly programs = new Set<string>();
  readonly functions = new Set<string>();

  /** Tool commands of `node` in one run. */
  count(node: TreeSitter.Node): number {
    switch (node.type) {
      case 'heredoc_body':
      case 'comment':
        return 0;
      case 'command':
        return this.command(node);
      case 'function_definition': {
        const name = node.childForFieldName('name')?.text;
        if (name) this.functions.add(name);
        return this.sum(node.namedChildren);
      }
      case 'if_statement':
        return this.branches(node);
      case 'case_statement': {
        const items = node.namedChildren.filter((c) => c?.type === 'case_item');
        const rest = node.namedChildren.filter((c) => c?.type !== 'case_item');
        return this.sum(rest) + Math.max(0, ...items.map((c) => (c ? this.count(c) : 0)));
      }
      default:
        return this.sum(node.namedChildren);
    }
  }

  private sum(nodes: readonly (TreeSitter.Node | null)[]): number {
    let n = 0;
    for (const c of nodes) if (c) n += this.count(c);
    return n;
  }

  /** `if c; then a; elif d; then b; else e; fi`: the conditions, and the largest branch. */
  private branches(node: TreeSitter.Node): number {
    let conditions = 0;
    const bodies: number[] = [];
    let body = 0;
    let inCondition = true;
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === 'then') inCondition = false;
      else if (child.type === 'elif_clause' || child.type === 'else_clause') {
        const clause = this.branches(child);
        bodies.push(clause);
      } else if (child.isNamed) {
        if (inCondition) conditions += this.count(child);
        else body += this.count(child);
      }
    }
    return conditions + Math.max(body, ...bodies);
  }

  private command(node: TreeSitter.Node): number {
    const words: string[] = [];
    let nested = 0;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'command_name' || child.type === 'word' || child.type === 'raw_string') {
        words.push(literal(child));
      } else if (child.type !== 'variable_assignment') {
        words.push(literal(child));
      }
      if (child.type !== 'command_name') nested += this.count(child);
      else nested += this.sum(child.namedChildren);
    }
    const program = programOf(words);
    if (program !== undefined) this.programs.add(program);
    const tool = toolOf(words);
    if (tool === undefined || this.functions.has(tool)) return nested;
    this.tools.add(tool);
    return nested + 1;
  }
}

/** The word as the shell would see it when it is a plain literal; '' when it expands. */
function literal(node: TreeSitter.Node): string {
  const text = node.text;
  if (node.type === 'raw_string') return text.slice(1, -1);
  if (node.type === 'string' && !/[$`]/.test(text)) return text.slice(1, -1);
  if (node.type === 'command_name')
    return node.namedChildren[0] ? literal(node.namedChildren[0]) : text;
  if (node.type === 'number') return text;
  return node.type === 'word' ? text.replace(/\\(.)/g, '$1') : '';
}

/** Where the command itself starts: past wrappers (`timeout 5`, `env A=1`) and their options. */
function commandStart(words: readonly string[]): number {
  let i = 0;
  while (i < words.length && WRAPPERS.has(words[i] ?? '')) {
    i += 1;
    while (i < words.length && (words[i]?.startsWith('-') || /^[A-Za-z_]\w*=/.test(words[i] ?? '')))
      i += 1;
    // `timeout 5 cmd`: the duration is the wrapper's.
    if (/^\d+(?:\.\d+)?[smhd]?$/.test(words[i] ?? '')) i += 1;
  }
  return i;
}

/** The program a simple command starts, as written: a name or an absolute path; not a builtin. */
function programOf(words: readonly string[]): string | undefined {
  const program = words[commandStart(words)];
  if (program === undefined || !/^(?:\/[\w.+-]+(?:\/[\w.+-]+)*|[\w.+-]+)$/.test(program))
    return undefined;
  if (program.split('/').includes('..') || BUILTINS.includes(program)) return undefined;
  return program;
}

/** The tool a simple command runs: past wrappers, into interpreters; undefined for chores. */
function toolOf(words: readonly string[]): string | undefined {
  const i = commandStart(words);
  const program = words[i];
  if (program === undefined || program === '' || !/^[\w./+-]+$/.test(program)) return undefined;
  const base = basename(program);
  if (NOT_TOOLS.has(base)) return undefined;
  return INTERPRETERS.has(base) ? scriptOf(base, words.slice(i + 1)) : base;
}

/**
 * What an interpreter runs: `python x.py`, `python -m multiqc`, `java -jar picard.jar`; inline code
 * (`-c`, `-e`) or a script named by an expansion (`perl $(which x.pl)`) is the interpreter itself.
 */
function scriptOf(interpreter: string, args: readonly string[]): string | undefined {
  const shell = SHELLS.has(interpreter);
  for (let k = 0; k < args.length; k += 1) {
    const word = args[k] ?? '';
    if (word === '') return shell ? undefined : interpreter;
    if (['-c', '-e', '-E'].includes(word)) return shell ? undefined : interpreter;
    // perl -ne '…', ruby -lane '…': a cluster of switches ending in e is inline code too.
    if ((interpreter === 'perl' || interpreter === 'ruby') && /^-[A-Za-z]*e$/.test(word))
      return interpreter;
    if (word === '-m' || word === '-jar') return args[k + 1] || interpreter;
    if (['-cp', '-classpath', '-I', '-M'].includes(word)) k += 1;
    else if (!word.startsWith('-')) return word;
  }
  return shell ? undefined : interpreter;
}
