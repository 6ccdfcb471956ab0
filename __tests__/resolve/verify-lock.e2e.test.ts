/**
 * `lock-policy: verify`: a pull request that edits only stowage.lock cannot decide what is
 * published. The answers that changed since the base revision are solved again (pip's real
 * resolver against an index served on 127.0.0.1), and an answer the solver does not give fails
 * the run — through the command line (`--verify-lock <rev>`) and through the bundled action on a
 * push, before anything is built.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import type { Plan } from '../../src/plan/types.js';
import { wheelBuilder, writePipIndex } from '../helpers/pip-index.js';
import { runActionAsync } from '../helpers/run-action.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

jest.setTimeout(120_000);

const run = wheelBuilder() ? describe : describe.skip;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.org',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const pages = new Map<string, string>();

/** The index page of alpha listing only the given wheels (the files stay, their hashes too). */
function listAlpha(index: string, versions: string[]): void {
  const page = path.join(index, 'simple', 'alpha', 'index.html');
  if (!pages.has(page)) pages.set(page, readFileSync(page, 'utf8'));
  const links = pages
    .get(page)!
    .split('\n')
    .filter((l) => !l.includes('<a ') || versions.some((v) => l.includes(`alpha-${v}-`)));
  writeFileSync(page, links.join('\n'));
}

run('a lock file a pull request changed', () => {
  let server: Served;
  let index: string;
  let ws: string;
  let base: string;

  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const io: Io = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: ws, env: {} };
    const code = await main([...args, '--pip-index-url', `${server.url}/simple`], io);
    return { code, out, err };
  }

  beforeAll(async () => {
    index = tempDir('pip-index');
    writePipIndex(index, [
      { name: 'alpha', version: '1.0' },
      { name: 'alpha', version: '1.1' },
    ]);
    server = await serveDir(index);
    ws = tempDir('ws');
    writeFileSync(
      path.join(ws, 'stowage.yml'),
      [
        'version: 1',
        'name: verify',
        'steps:',
        '  fit:',
        '    run: python fit.py',
        "    software: { python: '3.12', pip: ['alpha>=1.0'] }",
        '',
      ].join('\n'),
    );
    git(ws, 'init', '-q');
    git(ws, 'add', 'stowage.yml');
    git(ws, 'commit', '-q', '-m', 'base');
    base = git(ws, 'rev-parse', 'HEAD');
    // The pull request: a lock made while the index showed an older alpha (an honest lock of
    // another day, or a chosen one): it passes every check a lock can pass without a solver.
    listAlpha(index, ['1.0']);
    expect((await cli(['plan'])).code).toBe(0);
    expect(readFileSync(path.join(ws, 'stowage.lock'), 'utf8')).toContain('"version":"1.0"');
    git(ws, 'add', 'stowage.lock');
    git(ws, 'commit', '-q', '-m', 'pull request: lock');
    listAlpha(index, ['1.0', '1.1']);
  });

  afterAll(() => server?.close());

  test('without verification, the lock answers (no solver runs)', async () => {
    const r = await cli(['plan', '--format', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(ws, '.stowage', 'plan.json'), 'utf8')) as Plan;
    expect(plan.groups[0]!.resolution).toMatchObject({ status: 'solved', fromLock: true });
  });

  test('verified since the base: the changed answer is solved again, and the run fails', async () => {
    const r = await cli(['plan', '--verify-lock', base]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /stowage: error: stowage\.lock: pip \(amd64\) \[alpha>=1\.0\]: the lock installs alpha 1\.0 where the solver installs alpha 1\.1/,
    );
    git(ws, 'checkout', '-q', '--', 'stowage.lock');
  });

  test('verified since the lock was committed: unchanged answers are trusted', async () => {
    const r = await cli(['plan', '--verify-lock', 'HEAD']);
    expect([r.code, r.err]).toEqual([0, '']);
  });

  test('a revision the clone does not have: every answer is verified, with a notice', async () => {
    const r = await cli(['plan', '--verify-lock', 'f'.repeat(40)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Every answer of stowage\.lock is verified by solving it again/);
    git(ws, 'checkout', '-q', '--', 'stowage.lock');
  });

  test('the bundled action on a push fails before building, and pushes nothing', async () => {
    const event = path.join(tempDir('event'), 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        ref: 'refs/heads/main',
        before: base,
        repository: { default_branch: 'main', full_name: 'acme/flood' },
      }),
    );
    const result = await runActionAsync(
      {
        spec: 'stowage.yml',
        mode: 'build',
        resolve: 'auto',
        'pip-index-url': `${server.url}/simple`,
        registry: '127.0.0.1:9/never',
      },
      { workspace: ws, env: { GITHUB_EVENT_PATH: event } },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /::error::stowage\.lock: pip \(amd64\) \[alpha>=1\.0\]: the lock installs alpha 1\.0/,
    );
    expect(result.stdout).toMatch(/nothing is built or pushed/);
    expect(result.stdout).not.toMatch(/push: yes/);
    expect(existsSync(path.join(ws, '.stowage', 'images.json'))).toBe(false);
  });
});
