/**
 * A pull request's checkout is an attacker's: through the bundled action as a runner starts it
 * (inputs and a password in `INPUT_*`, the checkout as the working folder), with pip's real
 * resolver against an index served on 127.0.0.1, nothing the checkout holds runs on the runner:
 * not a committed `pip/__main__.py`, not an archive named as a requirement, not an sdist on the
 * index (pip stays on wheels), and no program sees the action's inputs.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { wheelBuilder, writePipIndex } from '../helpers/pip-index.js';
import { runActionAsync, type ActionRun } from '../helpers/run-action.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

jest.setTimeout(180_000);

const SECRET = 'hunter2-not-for-children';
const run = wheelBuilder() ? describe : describe.skip;

/** Python that records it ran, and the environment it saw, in `marker`. */
function recorder(marker: string): string {
  return [
    'import json, os',
    `with open(${JSON.stringify(marker)}, "w") as f: json.dump(dict(os.environ), f)`,
    '',
  ].join('\n');
}

/** An sdist whose setup.py records that it ran: pip would build it to learn its metadata. */
function writeSdist(root: string, marker: string): void {
  const src = path.join(root, 'sdist', 'evil-1.0');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    path.join(src, 'setup.py'),
    `${recorder(marker)}from setuptools import setup\nsetup(name="evil", version="1.0")\n`,
  );
  writeFileSync(path.join(src, 'PKG-INFO'), 'Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n');
  const archive = path.join(root, 'files', 'evil-1.0.tar.gz');
  mkdirSync(path.dirname(archive), { recursive: true });
  const tar = spawnSync('tar', ['-czf', archive, '-C', path.join(root, 'sdist'), 'evil-1.0']);
  if (tar.status !== 0) throw new Error(`tar failed: ${String(tar.stderr)}`);
  const sha = createHash('sha256').update(readFileSync(archive)).digest('hex');
  mkdirSync(path.join(root, 'simple', 'evil'), { recursive: true });
  writeFileSync(
    path.join(root, 'simple', 'evil', 'index.html'),
    `<html><body><a href="../../files/evil-1.0.tar.gz#sha256=${sha}">evil-1.0.tar.gz</a></body></html>\n`,
  );
}

run('a hostile checkout, through the bundled action', () => {
  let server: Served;
  let markers: string;
  let ws: string;
  let result: ActionRun;

  beforeAll(async () => {
    markers = tempDir('markers');
    const index = tempDir('pip-index');
    writePipIndex(index, [{ name: 'alpha', version: '1.0' }]);
    writeSdist(index, path.join(markers, 'sdist-setup-py'));
    server = await serveDir(index);

    ws = tempDir('ws');
    // The attacker's files: a module that shadows pip, and the archive a requirement names.
    mkdirSync(path.join(ws, 'pip'));
    writeFileSync(path.join(ws, 'pip', '__main__.py'), recorder(path.join(markers, 'pip-main')));
    writeFileSync(path.join(ws, 'pip', '__init__.py'), '');
    writeSdist(path.join(ws, 'committed'), path.join(markers, 'committed-archive'));
    spawnSync('cp', [path.join(ws, 'committed', 'files', 'evil-1.0.tar.gz'), ws]);
    writeFileSync(
      path.join(ws, 'stowage.yml'),
      [
        'version: 1',
        'name: hostile',
        'steps:',
        '  clean:',
        '    run: python -c "import alpha"',
        "    software: { python: '3.12', pip: [alpha==1.0] }",
        '  sdist:',
        '    run: python -c "import evil"',
        "    software: { python: '3.11', pip: [evil==1.0] }",
        '  archive:',
        '    run: python -c "import evil"',
        "    software: { python: '3.10', pip: [evil-1.0.tar.gz] }",
        '',
      ].join('\n'),
    );
    result = await runActionAsync(
      {
        spec: 'stowage.yml',
        mode: 'plan',
        resolve: 'auto',
        'pip-index-url': `${server.url}/simple`,
        username: 'someone',
        password: SECRET,
        'fail-on': 'never',
      },
      {
        workspace: ws,
        env: { PYTHONPATH: ws, PYTHONSTARTUP: path.join(ws, 'pip', '__main__.py') },
      },
    );
  });

  afterAll(() => server?.close());

  // Each step in a group of its own (Python versions differ): the refused one blocks only its own.
  test('pip really resolved the clean step (the lock names alpha 1.0 with its hash)', () => {
    expect(result.status).toBe(0);
    const lock = readFileSync(path.join(ws, 'stowage.lock'), 'utf8');
    expect(lock).toMatch(/"name":"alpha","version":"1\.0"/);
    expect(lock).toMatch(/"sha256":"[0-9a-f]{64}"/);
  });

  test('no code of the checkout or of an sdist ran, and no program saw an input', () => {
    expect(readdirSync(markers)).toEqual([]);
  });

  test('an archive named as a requirement is refused by the grammar, at its line', () => {
    const stw410 = result.commands.filter((l) => l.includes('STW410'));
    expect(stw410.join('\n')).toMatch(/names an archive file/);
    expect(stw410.join('\n')).toMatch(/line=12/);
  });

  test('the password is in no log line (but the mask command that hides it)', () => {
    const shown = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((l) => l !== `::add-mask::${SECRET}`);
    expect(shown.join('\n')).not.toContain(SECRET);
    expect(existsSync(path.join(markers, 'pip-main'))).toBe(false);
  });
});
