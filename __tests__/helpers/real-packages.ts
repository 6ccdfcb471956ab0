/**
 * Package sources of real size for the size tests, served from 127.0.0.1 (this machine reaches
 * only npm's registry and Debian's archive):
 *
 * - a PEP 503 index of wheels made from Python distributions Debian installed on this machine
 *   (their modules as Debian ships them: real code, real compression), `#sha256=` links;
 * - an npm registry of real packages: the closure npm itself solves for the specs, each tarball
 *   fetched once with `npm pack` (the host's npm, its CA settings) and cached under
 *   `node_modules/.cache/stowage/npm`, with package documents pointing at the served tarballs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp.js';

const CACHE = path.resolve(import.meta.dirname, '../../node_modules/.cache/stowage/npm');

/** Zips each installed distribution (by its top-level modules) into `<root>/wheels`. */
const WHEEL_SCRIPT = String.raw`
import hashlib, base64, importlib.metadata as md, os, sys, zipfile
out = sys.argv[1]
for spec in sys.argv[2:]:
    name, modules = spec.split('=')
    dist = md.distribution(name)
    version = dist.version
    tag = 'py3-none-any'
    files = []
    for m in modules.split(','):
        top = os.path.join('/usr/lib/python3/dist-packages', m)
        for d, dirs, names in os.walk(top):
            dirs[:] = sorted(x for x in dirs if x != '__pycache__')
            for n in sorted(names):
                if n.endswith('.so'):
                    tag = 'cp311-cp311-manylinux_2_17_x86_64'
                p = os.path.join(d, n)
                files.append((p, os.path.relpath(p, '/usr/lib/python3/dist-packages')))
    norm = name.replace('-', '_')
    info = f'{norm}-{version}.dist-info'
    wheel = os.path.join(out, f'{norm}-{version}-{tag}.whl')
    with zipfile.ZipFile(wheel, 'w', zipfile.ZIP_DEFLATED) as z:
        record = []
        for p, arc in files:
            data = open(p, 'rb').read()
            z.writestr(arc, data)
            h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
            record.append(f'{arc},sha256={h},{len(data)}')
        meta = f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n'
        pure = 'true' if tag == 'py3-none-any' else 'false'
        wheel_txt = f'Wheel-Version: 1.0\nGenerator: stowage-test\nRoot-Is-Purelib: {pure}\nTag: {tag}\n'
        z.writestr(f'{info}/METADATA', meta)
        z.writestr(f'{info}/WHEEL', wheel_txt)
        record += [f'{info}/METADATA,,', f'{info}/WHEEL,,', f'{info}/RECORD,,']
        z.writestr(f'{info}/RECORD', '\n'.join(record) + '\n')
    print(wheel)
`;

/**
 * `<root>/simple/<project>/index.html` for wheels of these installed distributions, each given as
 * `name=module[,module]` (e.g. `networkx=networkx`). Returns the wheel files.
 */
export function writeInstalledWheelIndex(root: string, dists: readonly string[]): string[] {
  const wheels = path.join(root, 'wheels');
  mkdirSync(wheels, { recursive: true });
  const r = spawnSync('/usr/bin/python3', ['-c', WHEEL_SCRIPT, wheels, ...dists], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`making wheels failed: ${r.stderr}`);
  const files = r.stdout.trim().split('\n');
  for (const file of files) {
    const base = path.basename(file);
    const project = base.split('-')[0]!.toLowerCase().replace(/[_.]+/g, '-');
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    const dir = path.join(root, 'simple', project);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'index.html'),
      `<!DOCTYPE html>\n<html><body>\n<a href="../../wheels/${base}#sha256=${sha}">${base}</a><br/>\n</body></html>\n`,
    );
  }
  return files;
}

/** Whether the distributions can be made into wheels here (Debian's Python has them). */
export function installedDistributions(dists: readonly string[]): boolean {
  const names = dists.map((d) => d.split('=')[0]!);
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', `import importlib.metadata as m\nfor n in ${JSON.stringify(names)}: m.version(n)`],
    { encoding: 'utf8' },
  );
  return r.status === 0;
}

interface LockEntry {
  version?: string;
  bin?: Record<string, string>;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
}

/**
 * An npm registry folder under `<root>/npm` for the closure of `specs` as npm solves it against
 * the public registry; documents point tarballs at `<url>/npm/-/…`. Serve `root` with serveDir
 * (content type application/json) and pass `<url>/npm` as the registry.
 */
export function writeRealNpmRegistry(root: string, url: string, specs: readonly string[]): void {
  const project = tempDir('npm-closure');
  const dependencies = Object.fromEntries(
    specs.map((s) => {
      const at = s.indexOf('@', 1);
      return [s.slice(0, at), s.slice(at + 1)];
    }),
  );
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ dependencies }));
  const npm = (args: string[], cwd: string) => {
    const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: path.join(project, 'cache') },
    });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  npm(['install', '--package-lock-only'], project);
  const lock = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  mkdirSync(path.join(root, 'npm', '-'), { recursive: true });
  mkdirSync(CACHE, { recursive: true });
  const documents = new Map<string, Record<string, unknown>>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || !entry.version || !entry.integrity) continue;
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = `${name.replace('/', '-').replace(/^@/, '')}-${entry.version}.tgz`;
    const cached = path.join(CACHE, file);
    if (!existsSync(cached)) {
      const packed = npm(['pack', `${name}@${entry.version}`, '--json'], CACHE);
      const made = (JSON.parse(packed) as { filename: string }[])[0]!.filename;
      if (made !== file) copyFileSync(path.join(CACHE, made), cached);
    }
    copyFileSync(cached, path.join(root, 'npm', '-', file));
    const doc = documents.get(name) ?? { name, 'dist-tags': {}, versions: {} };
    (doc.versions as Record<string, unknown>)[entry.version] = {
      name,
      version: entry.version,
      dependencies: entry.dependencies ?? {},
      // npm ci links a package's commands from what the lock (so the document) says of them.
      ...(entry.bin ? { bin: entry.bin } : {}),
      dist: { tarball: `${url}/npm/-/${file}`, integrity: entry.integrity },
    };
    (doc['dist-tags'] as Record<string, string>).latest = entry.version;
    documents.set(name, doc);
  }
  for (const [name, doc] of documents) {
    const file = path.join(root, 'npm', name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(doc));
  }
}
