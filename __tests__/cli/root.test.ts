/**
 * The repository root of a command-line run (issue 17.10) is the git top-level of the path given
 * (or `--root`), not the current folder: `cd workflows && stowage plan x.cwl` reads `../tools`.
 * A workflow of our own in a temporary folder; `.git` is an empty folder, as git's top-level test
 * only looks for it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import { gitTopLevel, repositoryRoot } from '../../src/cli/root.js';
import { offline } from '../helpers/offline.js';
import { tempDir } from '../helpers/temp.js';

const TOOL = [
  'cwlVersion: v1.2',
  'class: CommandLineTool',
  'hints:',
  '  SoftwareRequirement:',
  '    packages: { samtools: { specs: ["https://anaconda.org/bioconda/samtools"], version: ["1.20"] } }',
  'baseCommand: [samtools, view]',
  'inputs: { x: { type: File, inputBinding: { position: 1 } } }',
  'outputs: { out: { type: stdout } }',
  '',
].join('\n');

const WORKFLOW = [
  'cwlVersion: v1.2',
  'class: Workflow',
  'inputs: { input: File }',
  'outputs: { result: { type: File, outputSource: view/out } }',
  'steps:',
  '  view:',
  '    run: ../tools/view.cwl',
  '    in: { x: input }',
  '    out: [out]',
  '',
].join('\n');

/** repo/{.git?, tools/view.cwl, workflows/x.cwl} */
function repository(git: boolean): string {
  const repo = tempDir('root');
  if (git) mkdirSync(path.join(repo, '.git'));
  mkdirSync(path.join(repo, 'tools'));
  mkdirSync(path.join(repo, 'workflows'));
  writeFileSync(path.join(repo, 'tools', 'view.cwl'), TOOL);
  writeFileSync(path.join(repo, 'workflows', 'x.cwl'), WORKFLOW);
  return repo;
}

async function cli(cwd: string, args: string[]) {
  let out = '';
  let err = '';
  const io: Io = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env: {}, ...offline };
  const code = await main(args, io);
  return { code, out, err };
}

const PLAN = ['--resolve', 'off', '--out-dir', 'out'];

describe('the repository root', () => {
  test('is the git top-level of the path: a workflow in a subfolder reads ../tools', async () => {
    const repo = repository(true);
    const { code, out } = await cli(path.join(repo, 'workflows'), ['plan', 'x.cwl', ...PLAN]);
    expect(code).toBe(0);
    expect(out).not.toContain('STW420');
    expect(out).toMatch(/^conda\s+conda\s+view\s+bioconda::samtools=1\.20/m);
    // Findings name files from the root; the out dir stays where the user is.
    expect(out).toContain('workflows/x.cwl:1:1: notice:');
    expect(existsSync(path.join(repo, 'workflows', 'out', 'plan.json'))).toBe(true);
  });

  // (Only where the temporary folder is itself outside any git repository.)
  const tmpInGit = gitTopLevel(tempDir('probe')) !== undefined;
  (tmpInGit ? test.skip : test)(
    'is the current folder outside git, which reads nothing above it',
    async () => {
      const repo = repository(false);
      const { code, out } = await cli(path.join(repo, 'workflows'), ['plan', 'x.cwl', ...PLAN]);
      expect(code).toBe(1);
      expect(out).toContain('it is outside the repository: Stowage reads nothing there');
    },
  );

  test('is --root when given', async () => {
    const repo = repository(false);
    const { code, out } = await cli(path.join(repo, 'workflows'), [
      'plan',
      'x.cwl',
      '--root',
      '..',
      ...PLAN,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^conda\s+conda\s+view/m);
  });

  test('an export from the subfolder keys the tool as cwltool resolves it from the workflow', async () => {
    const repo = repository(true);
    const { code, out } = await cli(path.join(repo, 'workflows'), [
      'export',
      'cwl',
      'x.cwl',
      ...PLAN,
    ]);
    expect(code).toBe(0);
    expect(out).toContain('wrote workflows/out/export/cwl/stowage-overrides.yml');
    const overrides = readFileSync(
      path.join(repo, 'workflows/out/export/cwl/stowage-overrides.yml'),
      'utf8',
    );
    expect(overrides).toContain('"../tools/view.cwl":');
  });

  test.each([
    [['--root', 'nowhere'], '--root nowhere: no such folder'],
    [['--root', '../tools'], '--root ../tools does not hold x.cwl'],
  ])('%j is a usage error', async (args, message) => {
    const repo = repository(true);
    const { code, err } = await cli(path.join(repo, 'workflows'), ['plan', 'x.cwl', ...args]);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test('gitTopLevel and repositoryRoot, directly', () => {
    const repo = repository(true);
    expect(gitTopLevel(path.join(repo, 'workflows'))).toBe(repo);
    expect(repositoryRoot(path.join(repo, 'workflows'), 'x.cwl')).toBe(repo);
    expect(repositoryRoot(repo, 'workflows')).toBe(repo);
  });
});
