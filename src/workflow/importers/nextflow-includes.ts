/**
 * Which processes a Nextflow pipeline runs: those its entry workflow reaches through `include`.
 * Each `.nf` file is read for its `include { A; B as C } from './path'` statements, its `process`
 * names and its `workflow` blocks; from the entry workflow of the main script (its unnamed
 * `workflow { … }`), every name a workflow body uses is followed — a process of the file or one
 * it includes is run, a workflow is entered — as Nextflow resolves them. A process no workflow
 * reaches is never run, whatever file it sits in.
 *
 * Each run of a process is recorded as Nextflow names it (ProcessDef, BindableDef): its base
 * name (as defined), its simple name (the alias it is included under) and its fully qualified
 * name (the names of the workflows it runs in, from the entry down, then its simple name:
 * `NFCORE_X:X:ALIGN:SAMTOOLS_SORT`) — what `withName` selectors are matched against.
 */
import { dirname, join, resolve } from 'node:path';
import { matchingClose, type Token } from './groovy.js';

/** The most process runs recorded with their fully qualified names (workflows may fan out). */
export const MAX_INVOCATIONS = 10_000;

/** What one `.nf` file defines and includes. */
export interface NfFileInfo {
  processes: Set<string>;
  /** Workflow name (`''` for the unnamed entry workflow) → the tokens of its body. */
  workflows: Map<string, Token[]>;
  /** Local name → where it comes from: the file (absolute, when found) and its name there. */
  includes: Map<string, { path: string; file?: string; name: string }>;
  /** The file did not tokenize whole: its processes were read one by one, nothing else. */
  partial: boolean;
}

/** How one process is run: the names Nextflow matches `withName` selectors against. */
export interface NfInvocation {
  /** The alias it is included (and called) under: Nextflow's simple name. */
  name: string;
  /** The names of the workflows it runs in, then `name`: Nextflow's fully qualified name. */
  fqn: string;
}

/** A process, by the file that defines it and its name there. */
export const processKey = (file: string, name: string): string => `${file}\u0000${name}`;

/** Reads `include`, `process` and `workflow` statements of a file's tokens. */
export function fileInfo(
  tokens: readonly Token[],
  abs: string,
  pipelineDir: string,
  nfFiles: ReadonlySet<string>,
): NfFileInfo {
  const info: NfFileInfo = {
    processes: new Set(),
    workflows: new Map(),
    includes: new Map(),
    partial: false,
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const atStart =
      i === 0 || prev?.kind === 'newline' || prev?.value === ';' || prev?.value === '}';
    if (t.kind !== 'ident' || !atStart) continue;
    if (t.value === 'process' && tokens[i + 1]?.kind === 'ident' && tokens[i + 2]?.value === '{') {
      info.processes.add(tokens[i + 1]!.value);
      i = closeOf(tokens, i + 2);
    } else if (t.value === 'workflow') {
      const named = tokens[i + 1]?.kind === 'ident';
      const open = i + (named ? 2 : 1);
      if (tokens[open]?.value !== '{') continue;
      const close = closeOf(tokens, open);
      info.workflows.set(named ? tokens[i + 1]!.value : '', tokens.slice(open + 1, close));
      i = close;
    } else if (t.value === 'include' && tokens[i + 1]?.value === '{') {
      const close = closeOf(tokens, i + 1);
      const from = tokens[close + 1];
      const path = tokens[close + 2];
      if (from?.value !== 'from' || path?.kind !== 'string') continue;
      const target = includePath(path, abs, pipelineDir, nfFiles);
      const names = tokens.slice(i + 2, close).filter((n) => n.kind === 'ident' || n.value === ';');
      for (let k = 0; k < names.length; k += 1) {
        const name = names[k]!;
        if (name.kind !== 'ident') continue;
        const alias = names[k + 1]?.value === 'as' ? names[k + 2] : undefined;
        const local = alias?.kind === 'ident' ? alias.value : name.value;
        info.includes.set(local, {
          path: path.value,
          ...(target !== undefined ? { file: target } : {}),
          name: name.value,
        });
        if (alias) k += 2;
      }
      i = close + 2;
    }
  }
  return info;
}

function closeOf(tokens: readonly Token[], open: number): number {
  try {
    return matchingClose(tokens, open);
  } catch {
    return tokens.length - 1;
  }
}

/**
 * The file an include names, as Nextflow finds it: relative to the including file, a folder
 * means its `main.nf`, a path without `.nf` gets it added. `${projectDir}` (or `$baseDir`) is the
 * pipeline's folder. Plugins (`plugin/nf-schema`) and files outside the pipeline are undefined.
 */
function includePath(
  token: Token,
  abs: string,
  pipelineDir: string,
  nfFiles: ReadonlySet<string>,
): string | undefined {
  const raw = token.value.replace(/^\$\{?(?:projectDir|baseDir)\}?(?=\/)/, pipelineDir);
  if (/\$/.test(raw) || !/^(\.{1,2}\/|\/)/.test(raw)) return undefined;
  const path = raw.startsWith('/') ? resolve(raw) : resolve(dirname(abs), raw);
  for (const candidate of [join(path, 'main.nf'), path, `${path}.nf`])
    if (nfFiles.has(candidate)) return candidate;
  return undefined;
}

export interface Reach {
  /** processKey → the runs of that process (its invocations). */
  processes: Map<string, NfInvocation[]>;
  /** Every run was recorded with its fully qualified name (false past MAX_INVOCATIONS). */
  complete: boolean;
  /** Include paths that name no `.nf` file of the pipeline (plugins aside). */
  unresolved: { file: string; path: string }[];
}

type Include = NfFileInfo['includes'] extends Map<string, infer V> ? V : never;

/**
 * The processes the entry workflow of `main` reaches, or undefined when the main script has no
 * workflow block to start from (a DSL1 script, or one that could not be read): then every
 * process may run. Workflows are entered once per fully qualified name while the work stays
 * within MAX_INVOCATIONS (workflows that each call the next several times multiply); past it,
 * each is entered once more only to find what it reaches, and `complete` is false.
 */
export function reachableProcesses(
  main: string,
  infos: ReadonlyMap<string, NfFileInfo>,
): Reach | undefined {
  const mainInfo = infos.get(main);
  if (!mainInfo || mainInfo.partial || mainInfo.workflows.size === 0) return undefined;
  const reach: Reach = { processes: new Map(), complete: true, unresolved: [] };
  let work = 0;
  const entered = new Set<string>();
  const noted = new Set<string>();
  const within = (): boolean => {
    if (work < MAX_INVOCATIONS) return true;
    reach.complete = false;
    return false;
  };
  const scoped = (scope: string, name: string): string =>
    scope === '' ? name : `${scope}:${name}`;

  const run = (file: string, name: string, alias: string, scope: string): void => {
    const key = processKey(file, name);
    const list = reach.processes.get(key) ?? [];
    reach.processes.set(key, list);
    if (!within()) return;
    work += 1;
    list.push({ name: alias, fqn: scoped(scope, alias) });
  };
  const use = (file: string, local: string, inc: Include, scope: string, chain: string[]): void => {
    if (inc.file === undefined) {
      const key = `${file}\u0000${inc.path}`;
      if (!inc.path.startsWith('plugin/') && !noted.has(key)) {
        noted.add(key);
        reach.unresolved.push({ file, path: inc.path });
      }
      return;
    }
    const target = infos.get(inc.file);
    if (!target) return;
    if (target.processes.has(inc.name)) run(inc.file, inc.name, local, scope);
    else if (target.workflows.has(inc.name))
      workflow(inc.file, target, inc.name, scoped(scope, local), chain);
    else if (target.partial) wholeFile(inc.file, target, scoped(scope, local), chain);
  };
  /** A file that did not tokenize, reached by any name: everything in it may run. */
  const wholeFile = (file: string, info: NfFileInfo, scope: string, chain: string[]): void => {
    const id = `${file}\u0000*`;
    if (chain.includes(id) || entered.has(id)) return;
    entered.add(id);
    for (const p of info.processes) run(file, p, p, scope);
    for (const [local, inc] of info.includes) use(file, local, inc, scope, [...chain, id]);
  };
  const workflow = (
    file: string,
    info: NfFileInfo,
    name: string,
    fqn: string,
    chain: string[],
  ): void => {
    const id = `${file}\u0000${name}`;
    if (chain.includes(id)) return; // a workflow that runs itself: Nextflow refuses it
    if (!within() && entered.has(id)) return;
    entered.add(id);
    work += 1;
    const body = info.workflows.get(name) ?? [];
    const seen = new Set<string>();
    body.forEach((t, k) => {
      if (t.kind !== 'ident' || body[k - 1]?.value === '.' || seen.has(t.value)) return;
      seen.add(t.value);
      if (info.processes.has(t.value)) run(file, t.value, t.value, fqn);
      else if (t.value !== name && info.workflows.has(t.value))
        workflow(file, info, t.value, scoped(fqn, t.value), [...chain, id]);
      else {
        const inc = info.includes.get(t.value);
        if (inc) use(file, t.value, inc, fqn, [...chain, id]);
      }
    });
  };

  if (mainInfo.workflows.has('')) workflow(main, mainInfo, '', '', []);
  else for (const name of mainInfo.workflows.keys()) workflow(main, mainInfo, name, name, []);
  return reach;
}
