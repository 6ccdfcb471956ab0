import type { Step } from './model.js';

/**
 * The folders a step's declared outputs are written into, relative to where it runs, sorted: what
 * a runner creates before the step starts (a step writing `work/clean.txt` fails when `work/` is
 * not there). Only plain relative paths count — no `..`, no absolute path, nothing a shell would
 * read as more than a path; a glob's folder is the part before its first wildcard.
 */
export function outputFolders(step: Pick<Step, 'outputs'>): string[] {
  const folders = new Set<string>();
  for (const path of Object.values(step.outputs)) {
    if (!/^[A-Za-z0-9._@+=,/*?[\]{}~:%-]+$/.test(path) || /^[/~]/.test(path)) continue;
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) continue;
    const wild = parts.findIndex((p) => /[*?[{]/.test(p));
    const dir = wild >= 0 ? parts.slice(0, wild) : parts.slice(0, -1);
    if (dir.length > 0) folders.add(dir.join('/'));
  }
  return [...folders].sort();
}
