import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import { offline } from '../helpers/offline.js';
import { parseCli } from '../../src/cli/args.js';
import { repoRoot } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: repoRoot,
    env: {},
    ...offline,
  };
  const code = await main(args, io);
  return { code, out, err };
}

describe('stowage lint', () => {
  test('the issue example: unknown key with a caret under it', async () => {
    const { code, out } = await cli(['lint', 'examples/broken/unknown-key.yml']);
    expect(code).toBe(1);
    expect(out).toContain(
      'examples/broken/unknown-key.yml:5:5: error: unknown key "rnu" (did you mean "run"?) [STW100]\n 5 |     rnu: echo hello\n   |     ^^^\n',
    );
    expect(out).toMatch(/^1 error, \d+ warnings?, \d+ notices?$/m);
  });

  test('json format', async () => {
    const { code, out } = await cli([
      'lint',
      'examples/broken/unknown-key.yml',
      '--format',
      'json',
    ]);
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    expect(doc.counts.error).toBe(1);
    expect(doc.findings.find((f: { rule: string }) => f.rule === 'STW100')).toMatchObject({
      rule: 'STW100',
      span: { line: 5, column: 5, endLine: 5, endColumn: 8 },
    });
  });

  test('an invalid requirement is reported by lint, not only by plan (STW410)', async () => {
    const dir = tempDir('lint410');
    writeFileSync(
      path.join(dir, 'stowage.yml'),
      'version: 1\nname: w\nsteps:\n  a:\n    run: python a.py\n    software: { python: "3.12", pip: [pandas=2.2.2] }\n',
    );
    let out = '';
    const code = await main(['lint', 'stowage.yml', '--no-color'], {
      stdout: (t) => (out += t),
      stderr: () => undefined,
      cwd: dir,
      env: {},
    });
    expect(code).toBe(1);
    expect(out).toMatch(
      /stowage\.yml:6:\d+: error: Step "a": pip requirement "pandas=2\.2\.2" is refused: .*\[STW410\]/,
    );
  });

  test('--fail-on never exits 0 with findings', async () => {
    expect(
      (await cli(['lint', 'examples/broken/unknown-key.yml', '--fail-on', 'never'])).code,
    ).toBe(0);
  });

  test('an unreadable file exits 2 and says what to do', async () => {
    const { code, err } = await cli(['lint', 'nope.yml']);
    expect(code).toBe(2);
    expect(err).toContain('cannot read nope.yml: no such file');
  });

  test.each([
    [['frobnicate']],
    [['lint', '--format', 'xml']],
    [['lint', '--fail-on', 'always']],
    [['lint', 'a.yml', 'b.yml']],
    [['lint', '--bogus']],
  ])('usage error %j exits 2 with one line, not the whole usage', async (args) => {
    const { code, err } = await cli(args);
    expect(code).toBe(2);
    expect(err).toMatch(/^stowage: [^\n]+\n$/);
    expect(err).not.toContain('Usage:');
  });

  test.each([
    [['exprt'], `stowage: "exprt" is not a command (did you mean export?); see 'stowage help'`],
    [
      ['plan', '--frmat', 'json'],
      "stowage: unknown option --frmat (did you mean --format?); see 'stowage help'",
    ],
    [
      ['lint', '--no-push', '--parallel', '99'],
      "stowage: --no-push is not an option of lint (it is an option of build); see 'stowage help lint'",
    ],
    [['export', 'nextflw'], /unknown export engine "nextflw".*\(did you mean "nextflow"\?\)/],
    [
      ['build', '--parallel', '99'],
      'stowage: --parallel is "99"; expected a whole number from 1 to 32',
    ],
    [['plan', '--format'], /^stowage: --format needs a value/],
    [
      ['lint', '--fail-on', 'warnings'],
      /expected one of: error, warning, notice, never \(did you mean "warning"\?\)/,
    ],
  ])('%j says what was meant', async (args, message) => {
    const { code, err } = await cli(args);
    expect(code).toBe(2);
    if (typeof message === 'string') expect(err).toBe(`${message}\n`);
    else expect(err).toMatch(message);
  });

  test('--help and --version', async () => {
    expect((await cli(['--help'])).out).toContain('Usage: stowage <command>');
    expect((await cli(['--version'])).out).toMatch(/^stowage \d+\.\d+\.\d+\n$/);
  });

  test.each([[['help', 'build']], [['build', '--help']], [['help', 'build', 'x']]])(
    '%j shows the build command and only its options',
    async (args) => {
      const { code, out } = await cli(args);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: stowage build \[path\] \[options\]/);
      expect(out).toContain('--no-push');
      expect(out).not.toContain('Commands:');
      expect(out).not.toContain('export <engine> [path]');
    },
  );

  test('help for a command that does not exist is a usage error', async () => {
    const { code, err } = await cli(['help', 'frobnicate']);
    expect(code).toBe(2);
    expect(err).toContain('no help for "frobnicate"');
  });
});

test('parseCli reads repeatable base images and defaults', () => {
  const parsed = parseCli([
    'build',
    'x.yml',
    '--base-image',
    'python=reg/py:1',
    '--base-image',
    'native=reg/deb:12',
    '--no-push',
  ]);
  expect(parsed).toMatchObject({
    kind: 'run',
    options: {
      command: 'build',
      path: 'x.yml',
      baseImages: { python: 'reg/py:1', native: 'reg/deb:12' },
      push: false,
      format: 'text',
    },
  });
  expect(parseCli(['lint'])).toMatchObject({ options: { path: 'stowage.yml' } });
  expect(parseCli(['export', 'nextflow', 'p'])).toMatchObject({
    options: { engines: ['nextflow'], path: 'p' },
  });
  expect(parseCli(['export'])).toMatchObject({ kind: 'error' });
});

test('the bundled CLI (bin.stowage) runs as npx would run it', () => {
  const result = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'dist/cli/index.js'),
      'lint',
      'examples/broken/unknown-key.yml',
      '--no-color',
    ],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(1);
  expect(result.stdout).toContain('unknown key "rnu" (did you mean "run"?) [STW100]');
});

test('--wrapper-prefix is read, and one in no form Snakemake takes is a usage error', async () => {
  expect(parseCli(['plan', '.', '--wrapper-prefix', 'file:///srv/w/'])).toMatchObject({
    options: { wrapperPrefix: 'file:///srv/w/' },
  });
  const { code, err } = await cli([
    'lint',
    'examples/flood/stowage.yml',
    '--wrapper-prefix',
    '/srv/w',
  ]);
  expect(code).toBe(2);
  expect(err).toContain('the wrapper prefix "/srv/w" is no https://, file:// or git+file:// URL');
});
