/**
 * A PEP 503 index of real wheels: tiny packages written here, built with `pip wheel --no-deps`
 * (setuptools, no build isolation, so nothing is downloaded), listed in `simple/<name>/` pages
 * with `#sha256=` links. Serve the folder with `serveDir` and pass `<url>/simple` as the index.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PipPackage {
  name: string;
  version: string;
  requires?: string[];
}

/** A Python with pip, setuptools and wheel (Debian: python3-pip python3-setuptools python3-wheel). */
export function wheelBuilder(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import setuptools, wheel'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return undefined;
}

/** Builds the wheels into `<root>/wheels` and writes the index pages under `<root>/simple`. */
export function writePipIndex(root: string, packages: readonly PipPackage[]): void {
  const python = wheelBuilder();
  if (!python) throw new Error('no Python with pip, setuptools and wheel to build test wheels');
  const sources = packages.map((p) => {
    const dir = path.join(root, 'src', `${p.name}-${p.version}`);
    const module = p.name.replace(/-/g, '_');
    mkdirSync(path.join(dir, module), { recursive: true });
    writeFileSync(
      path.join(dir, module, '__init__.py'),
      `VERSION = ${JSON.stringify(p.version)}\n`,
    );
    writeFileSync(
      path.join(dir, 'setup.py'),
      `from setuptools import setup\nsetup(name=${JSON.stringify(p.name)}, version=${JSON.stringify(p.version)}, packages=[${JSON.stringify(module)}], install_requires=${JSON.stringify(p.requires ?? [])})\n`,
    );
    return dir;
  });
  const wheels = path.join(root, 'wheels');
  // One pip run per batch of distinct projects (pip refuses two versions of one in a run).
  const batches: string[][] = [];
  const seen = new Map<string, number>();
  packages.forEach((p, i) => {
    const n = seen.get(p.name) ?? 0;
    seen.set(p.name, n + 1);
    (batches[n] ??= []).push(sources[i]!);
  });
  for (const batch of batches) {
    const r = spawnSync(
      python,
      [
        '-m',
        'pip',
        'wheel',
        '--isolated',
        '--quiet',
        '--no-deps',
        '--no-build-isolation',
        '--wheel-dir',
        wheels,
        ...batch,
      ],
      { encoding: 'utf8', cwd: root },
    );
    if (r.status !== 0) throw new Error(`pip wheel failed: ${r.stdout}\n${r.stderr}`);
  }
  const byProject = new Map<string, string[]>();
  for (const file of readdirSync(wheels).sort()) {
    const project = file.split('-')[0]!.toLowerCase().replace(/[_.]+/g, '-');
    byProject.set(project, [...(byProject.get(project) ?? []), file]);
  }
  for (const [project, files] of byProject) {
    const dir = path.join(root, 'simple', project);
    mkdirSync(dir, { recursive: true });
    const links = files.map((f) => {
      const sha = createHash('sha256')
        .update(readFileSync(path.join(wheels, f)))
        .digest('hex');
      return `<a href="../../wheels/${f}#sha256=${sha}">${f}</a><br/>`;
    });
    writeFileSync(
      path.join(dir, 'index.html'),
      `<!DOCTYPE html>\n<html><body>\n${links.join('\n')}\n</body></html>\n`,
    );
  }
  if (!existsSync(path.join(root, 'simple'))) mkdirSync(path.join(root, 'simple'));
}
