/**
 * `stowage export` and `stowage build --export` (issue 17.8, 17.9): the exit code follows
 * `--fail-on` as `plan`'s does; each step left out of an export is named with the plan's reason;
 * `build --export` writes the exports of the images that build just made, so nothing need be
 * repeated and no record of an earlier build is read. The builder is a stand-in (every command
 * answers 0), so the images are named but never made.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import type { RunProcess } from '../../src/common/process.js';
import { EXPORT_ENGINES } from '../../src/export/types.js';
import { parseCli } from '../../src/cli/args.js';
import { offline } from '../helpers/offline.js';
import { tempDir } from '../helpers/temp.js';

/** A step that builds, one without software, one whose requirement is refused (an error). */
const SPEC = [
  'version: 1',
  'name: w',
  'based-on: none',
  'steps:',
  '  count:',
  '    run: wc -l',
  '    software: { apt: [coreutils=9.1-1] }',
  '    duration: 1m',
  '  hello:',
  '    run: echo hello',
  '    duration: 1m',
  '  evil:',
  '    run: x',
  '    software: { apt: ["curl; id"] }',
  '    duration: 1m',
  '',
].join('\n');

const builderStandIn: RunProcess = () => Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });

async function cli(cwd: string, args: string[]) {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd,
    env: {},
    ...offline,
    run: builderStandIn,
  };
  const code = await main(args, io);
  return { code, out, err };
}

function workspace(spec = SPEC): string {
  const ws = tempDir('export-exit');
  writeFileSync(path.join(ws, 'stowage.yml'), spec);
  return ws;
}

describe('stowage export', () => {
  test.each([
    ['error', 1],
    ['never', 0],
  ])(
    'with --fail-on %s on a spec with an error exits %i, and writes the files',
    async (failOn, exit) => {
      const ws = workspace();
      const { code, out } = await cli(ws, ['export', 'slurm', 'stowage.yml', '--fail-on', failOn]);
      expect(code).toBe(exit);
      expect(out).toContain('wrote .stowage/export/slurm/count.sbatch');
    },
  );

  test("names each step it leaves out with the plan's reason", async () => {
    const ws = workspace();
    const { out } = await cli(ws, ['export', 'snakemake', 'stowage.yml', '--fail-on', 'never']);
    expect(out).toContain(
      'snakemake: skipped step hello: not planned: it declares no software and no container image (STW401)',
    );
    expect(out).toMatch(
      /snakemake: skipped step evil: not planned: apt requirement "curl; id" is refused: /,
    );
  });

  test('a clean spec exits 0', async () => {
    const ws = workspace(SPEC.split('  hello:')[0]);
    const { code } = await cli(ws, ['export', 'slurm', 'stowage.yml']);
    expect(code).toBe(0);
  });
});

describe('stowage build --export', () => {
  test.each<[string[], string[]]>([
    [['--export', 'slurm'], ['slurm']],
    [
      ['--export', 'slurm,cwl', '--export', 'nextflow'],
      ['slurm', 'cwl', 'nextflow'],
    ],
    [['--export', 'all'], [...EXPORT_ENGINES]],
  ])('%j exports for %j', (args, engines) => {
    const parsed = parseCli(['build', 'stowage.yml', ...args]);
    expect(parsed).toMatchObject({ kind: 'run', options: { engines } });
  });

  test.each([
    [['plan', '--export', 'slurm'], '--export is not an option of plan (it is an option of build)'],
    [['build', '--export', 'docker'], '--export: unknown export engine "docker"; expected one of:'],
  ])('%j is a usage error', (args, message) => {
    expect(parseCli(args)).toEqual({ kind: 'error', message: expect.stringContaining(message) });
  });

  test('writes the exports of the images just built, never a committed record', async () => {
    const ws = workspace(SPEC.split('  evil:')[0]);
    // A record of an earlier build naming another image: a build never reads it.
    mkdirSync(path.join(ws, '.stowage'));
    writeFileSync(
      path.join(ws, '.stowage/images.json'),
      JSON.stringify([{ group: 'native', image: 'docker.io/mallory/backdoor', status: 'built' }]),
    );
    const { code, out } = await cli(ws, [
      'build',
      'stowage.yml',
      '--no-push',
      '--builder',
      'buildah',
      '--resolve',
      'off',
      '--export',
      'slurm,snakemake',
    ]);
    expect(code).toBe(0);
    const built = /built\s+native\s+(localhost\/stowage\/native:hash-[0-9a-f]{20})/.exec(out)![1]!;
    expect(readFileSync(path.join(ws, '.stowage/export/slurm/count.sbatch'), 'utf8')).toContain(
      built,
    );
    const config = readFileSync(
      path.join(ws, '.stowage/export/snakemake/stowage-images.yaml'),
      'utf8',
    );
    expect(config).toContain(built);
    expect(config).not.toContain('mallory');
    expect(out).toContain('snakemake: skipped step hello: not planned: it declares no software');
  });

  test('fails on findings at --fail-on, as plan does, after writing the exports', async () => {
    const ws = workspace();
    const { code, out } = await cli(ws, [
      'build',
      'stowage.yml',
      '--no-push',
      '--builder',
      'buildah',
      '--resolve',
      'off',
      '--export',
      'slurm',
    ]);
    expect(code).toBe(1);
    expect(out).toContain('wrote .stowage/export/slurm/count.sbatch');
  });
});
