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
import { join, relative } from 'node:path';
import { assertNoLinkOnTheWay, realPathInside } from '../common/paths.js';
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
 * Folders of groups the previous plan had and this one has not (a renamed or merged group) would
 * otherwise wait there to be built by mistake. Only names of the previous `plan.json` that are
 * valid group names are removed.
 */
function removeStaleGroups(p: Plan, outDir: string): void {
  const previousFile = join(outDir, 'plan.json');
  if (!existsSync(previousFile)) return;
  let previous: { groups?: { name?: unknown }[] };
  try {
    previous = JSON.parse(readFileSync(previousFile, 'utf8')) as typeof previous;
  } catch {
    return;
  }
  const current = new Set(p.groups.map((g) => g.name));
  for (const group of previous.groups ?? []) {
    const name = group.name;
    if (typeof name === 'string' && isGroupName(name) && !current.has(name)) {
      rmSync(join(outDir, name), { recursive: true, force: true });
    }
  }
}

/**
 * Writes the plan's files; a blocked group gets only a `BLOCKED.txt` saying why. With `root`, a
 * symbolic link between it and `outDir` is refused (see common/paths).
 */
export function writePlanFiles(p: Plan, outDir: string, root?: string): void {
  if (root) assertNoLinkOnTheWay(root, outDir);
  mkdirSync(outDir, { recursive: true });
  removeStaleGroups(p, outDir);
  writeFileSync(join(outDir, 'plan.json'), `${JSON.stringify(p, null, 2)}\n`);
  for (const g of p.groups) {
    const dir = join(outDir, g.name);
    mkdirSync(dir, { recursive: true });
    if (g.blocked) {
      writeFileSync(join(dir, 'BLOCKED.txt'), `${g.blocked.join('\n')}\n`);
      continue;
    }
    for (const [name, text] of Object.entries(g.generated)) writeFileSync(join(dir, name), text);
    const listing = [
      `# Build context of group ${g.name}: the spec's folder (${p.context}), these files copied in.`,
      `# Content hash: ${g.contentHash}`,
      ...g.contextFiles,
      '',
    ];
    writeFileSync(join(dir, 'context.txt'), listing.join('\n'));
  }
}
