/**
 * The plan's files on disk: reading the build context for the content hash, and writing
 * `plan.json` plus a folder per group. Used by the CLI, the action and the engine; the planner
 * itself stays free of I/O (it takes `readFile` as an option).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path, { join, relative } from 'node:path';
import { assertWritable, realPathInside, replaceFolder, writeFileAtomic } from '../common/paths.js';
import { writeFailure } from '../common/errors.js';
import { isGroupName } from '../software/image-ref.js';
import type { Plan } from '../plan/types.js';

/**
 * Reads a context file for the content hash. A folder is read as its sorted listing with each
 * file's sha256, so a change anywhere inside changes the hash.
 */
export function contextReader(contextDir: string): (path: string) => Uint8Array | string {
  const read = (abs: string, rel: string): string | Uint8Array => {
    const st = statSync(abs);
    if (!st.isDirectory()) return readFileSync(abs);
    const lines: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const name of readdirSync(dir).sort()) {
        // `.git` folders (at any depth) never enter a build context: they may hold the job token.
        if (name === '.git') continue;
        const full = join(dir, name);
        const relName = `${prefix}${name}`;
        if (lstatSync(full).isSymbolicLink())
          realPathInside(contextDir, relative(contextDir, full));
        if (statSync(full).isDirectory()) walk(full, `${relName}/`);
        else
          lines.push(`${relName} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      }
    };
    walk(abs, `${rel.replace(/\/$/, '')}/`);
    return lines.join('\n');
  };
  return (path) => read(realPathInside(contextDir, path), path);
}

/**
 * Group names of the previous `plan.json`, to remove folders of groups the new plan no longer has
 * (a renamed or merged group would otherwise wait there to be built by mistake). Only names that
 * are valid group names count.
 */
function previousGroups(planFile: string): string[] {
  if (!existsSync(planFile)) return [];
  try {
    const previous = JSON.parse(readFileSync(planFile, 'utf8')) as {
      groups?: { name?: unknown }[];
    };
    return (previous.groups ?? [])
      .map((g) => g.name)
      .filter((name): name is string => typeof name === 'string' && isGroupName(name));
  } catch {
    return [];
  }
}

export interface OutputsToCheck {
  plan?: Plan;
  /** Export engines whose folders `<outDir>/export/<engine>` will be written. */
  engines?: readonly string[];
  /** `<outDir>/images.json` will be written. */
  images?: boolean;
  /** Other files the run writes (the SARIF file), relative to root. */
  files?: readonly string[];
}

/**
 * Refuses, before anything is written, a symbolic link at any place this run will write (the
 * output folder, `plan.json`, each group's folder, the export folders, `images.json`, the SARIF
 * file) or on the way to it. What is inside those folders is replaced whole, never followed.
 */
export function checkOutputs(root: string, outDir: string, outputs: OutputsToCheck): void {
  const out = path.resolve(root, outDir);
  const targets = [out];
  if (outputs.plan) {
    targets.push(join(out, 'plan.json'));
    const names = [
      ...outputs.plan.groups.map((g) => g.name),
      ...previousGroups(join(out, 'plan.json')),
    ];
    for (const name of names) targets.push(join(out, name));
  }
  for (const engine of outputs.engines ?? []) targets.push(join(out, 'export', engine));
  if (outputs.images) targets.push(join(out, 'images.json'));
  for (const file of outputs.files ?? []) targets.push(path.resolve(root, file));
  for (const target of targets) {
    const shown = relative(root, target) || target;
    assertWritable(root, target, shown);
    // Folders are replaced whole, so a link inside one is never written through; it is still a
    // sign of tampering, and refused before anything is written.
    if (target !== out && isFolder(target)) {
      for (const name of readdirSync(target))
        assertWritable(root, join(target, name), `${shown}/${name}`);
    }
  }
}

function isFolder(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes the plan's files: `plan.json` and a folder per group (a blocked group gets only a
 * `BLOCKED.txt` saying why). A symbolic link at any of them, or on the way from `root` (default:
 * `outDir` itself) to them, is refused before anything is written.
 *
 * Atomic as a whole: the old `plan.json` is removed first, each group folder is replaced whole
 * (filled as a temporary sibling, swapped in by rename), and the new `plan.json` is renamed into
 * place last. An interrupted run leaves the previous results or no `plan.json` — never a plan
 * that disagrees with its folders.
 */
export function writePlanFiles(p: Plan, outDir: string, root?: string): void {
  try {
    writeAll(p, outDir, root);
  } catch (error) {
    throw writeFailure(error, `the plan to ${outDir}`);
  }
}

function writeAll(p: Plan, outDir: string, root?: string): void {
  const base = root ?? path.dirname(outDir);
  const planFile = join(outDir, 'plan.json');
  const previous = previousGroups(planFile);
  const stale = previous.filter((name) => !p.groups.some((g) => g.name === name));
  for (const entry of [
    outDir,
    planFile,
    ...[...p.groups.map((g) => g.name), ...stale].map((n) => join(outDir, n)),
  ]) {
    assertWritable(base, entry, relative(base, entry) || entry);
  }
  mkdirSync(outDir, { recursive: true });
  rmSync(planFile, { force: true });
  for (const g of p.groups) replaceFolder(join(outDir, g.name), (dir) => writeGroup(dir, g, p));
  for (const name of stale) rmSync(join(outDir, name), { recursive: true, force: true });
  writeFileAtomic(planFile, `${JSON.stringify(p, null, 2)}\n`);
}

/** One group's files into its (fresh) folder. */
function writeGroup(dir: string, g: Plan['groups'][number], p: Plan): void {
  if (g.blocked) {
    writeFileSync(join(dir, 'BLOCKED.txt'), `${g.blocked.join('\n')}\n`);
    return;
  }
  for (const [name, text] of Object.entries(g.generated)) {
    writeFileSync(join(dir, name), text, { flag: 'wx' });
  }
  const listing = [
    `# Build context of group ${g.name}: the spec's folder (${p.context}), these files copied in.`,
    `# Content hash: ${g.contentHash}`,
    ...g.contextFiles,
    '',
  ];
  writeFileSync(join(dir, 'context.txt'), listing.join('\n'), { flag: 'wx' });
}
