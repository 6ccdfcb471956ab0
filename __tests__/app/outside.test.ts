/**
 * References that leave the repository are errors that never read, and so never print, the file
 * (CWL `run: ../secret`, Snakemake `conda: ../secret/x.yml`, `files:` through a link); `.git`
 * folders at any depth never enter a build context; a bad output folder is a usage error.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { contextReader } from '../../src/app/plan-files.js';
import { main, type Io } from '../../src/cli/main.js';
import { stageBuildContext } from '../../src/images/build.js';
import type { PlannedGroup } from '../../src/plan/types.js';
import { tempDir } from '../helpers/temp.js';

async function cli(cwd: string, args: string[]) {
  let out = '';
  let err = '';
  const io: Io = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env: {} };
  const code = await main(args, io);
  return { code, out, err, all: out + err };
}

/** A repository folder beside a `secret` folder holding a token. */
function repoBesideSecret(): string {
  const top = tempDir('outside');
  mkdirSync(path.join(top, 'secret'));
  writeFileSync(path.join(top, 'secret', 'creds.txt'), 'SECRET_TOKEN=hunter2\n');
  writeFileSync(path.join(top, 'secret', 'conf.yml'), 'SECRET_TOKEN: hunter2\n');
  mkdirSync(path.join(top, 'repo'));
  return path.join(top, 'repo');
}

test('CWL run: ../secret/creds.txt is refused without reading it', async () => {
  const repo = repoBesideSecret();
  writeFileSync(
    path.join(repo, 'workflow.cwl'),
    [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs: {}',
      'outputs: {}',
      'steps:',
      '  leak:',
      '    run: ../secret/creds.txt',
      '    in: {}',
      '    out: []',
      '',
    ].join('\n'),
  );
  const r = await cli(repo, ['lint', 'workflow.cwl']);
  expect(r.all).toContain(
    'Cannot read CWL document ../secret/creds.txt (it is outside the repository: Stowage reads nothing there)',
  );
  expect(r.all).not.toContain('hunter2');
});

test('Snakemake conda: ../secret/conf.yml is refused without reading it', async () => {
  const repo = repoBesideSecret();
  writeFileSync(
    path.join(repo, 'Snakefile'),
    [
      'rule leak:',
      '    output: "x.txt"',
      '    conda: "../secret/conf.yml"',
      '    shell: "touch {output}"',
      '',
    ].join('\n'),
  );
  const r = await cli(repo, ['lint', '.', '--import', 'snakemake']);
  expect(r.all).toContain('which cannot be read (it is outside the repository');
  expect(r.all).not.toContain('hunter2');
});

test('a linked spec in the repository is refused with exit 2, its contents never printed', async () => {
  const repo = repoBesideSecret();
  symlinkSync(path.join(repo, '..', 'secret', 'creds.txt'), path.join(repo, 'stowage.yml'));
  const r = await cli(repo, ['lint']);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/stowage\.yml is a link to .*creds\.txt, outside the repository/);
  expect(r.all).not.toContain('hunter2');
});

test('a bad --out-dir is a usage error that says why, not a stack trace', async () => {
  const repo = tempDir('ws');
  writeFileSync(
    path.join(repo, 'stowage.yml'),
    'version: 1\nname: w\nbased-on: none\nsteps:\n  a: { run: echo, software: { apt: [curl] }, duration: 1m }\n',
  );
  const r = await cli(repo, ['plan', '--out-dir', '/dev/null/x']);
  expect(r.code).toBe(2);
  expect(r.err).toContain(
    'stowage: cannot write the plan to /dev/null/x: a part of the path is a file, not a folder (ENOTDIR)',
  );
  expect(r.err).not.toMatch(/\n\s+at /);
});

describe('.git folders at any depth never enter a build context', () => {
  const repo = tempDir('ws');
  mkdirSync(path.join(repo, 'tool', '.git'), { recursive: true });
  mkdirSync(path.join(repo, 'tool', 'sub', '.git'), { recursive: true });
  writeFileSync(path.join(repo, 'tool', 'main.sh'), 'echo hi\n');
  writeFileSync(
    path.join(repo, 'tool', '.git', 'config'),
    'extraheader = AUTHORIZATION: basic x\n',
  );
  writeFileSync(path.join(repo, 'tool', 'sub', '.git', 'config'), 'token\n');

  test('not in the content hash', () => {
    const listing = String(contextReader(repo)('tool'));
    expect(listing).toContain('tool/main.sh');
    expect(listing).not.toContain('.git');
  });

  test('not in the staged context', () => {
    const group = {
      name: 'native',
      generated: { Dockerfile: 'FROM scratch\n' },
      contextFiles: ['tool'],
    } as unknown as PlannedGroup;
    const staging = tempDir('stage');
    const { contextDir } = stageBuildContext(repo, group, staging);
    expect(readdirSync(path.join(contextDir, 'tool')).sort()).toEqual(['main.sh', 'sub']);
    expect(readdirSync(path.join(contextDir, 'tool', 'sub'))).toEqual([]);
  });
});
