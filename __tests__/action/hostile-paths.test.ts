/**
 * Committed symbolic links and hostile names, through the bundled action as a runner runs it
 * (`node dist/index.js`): a link where Stowage writes is refused before anything is written, and
 * nothing outside the workspace is touched; names cannot issue workflow commands.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { runAction } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

const SPEC = [
  'version: 1',
  'name: hostile',
  'based-on: none',
  'outputs: { r: a.o }',
  'steps:',
  '  a:',
  '    run: echo a',
  '    outputs: { o: out.txt }',
  '    software: { apt: [curl] }',
  '    duration: 1m',
  '',
].join('\n');

/** A workspace with the spec, and a folder outside it that must stay as it is. */
function setup(): { ws: string; outside: string } {
  const ws = tempDir('ws');
  const outside = tempDir('outside');
  writeFileSync(path.join(outside, 'victim'), 'untouched\n');
  writeFileSync(path.join(ws, 'stowage.yml'), SPEC);
  return { ws, outside };
}

function expectOutsideUntouched(outside: string): void {
  expect(readdirSync(outside).sort()).toEqual(['victim']);
  expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('untouched\n');
}

const link = (target: string, at: string) => {
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at);
};

describe('a committed link where the action writes is refused before anything is written', () => {
  test.each([
    ['.stowage/plan.json', 'victim', {}],
    ['.stowage/native', '.', {}],
    ['.stowage/export/nextflow/stowage.config', 'victim', { export: 'nextflow' }],
    ['.stowage/export/slurm/a.sbatch', 'victim', { export: 'slurm' }],
    ['out/stowage.sarif', 'victim', { 'sarif-file': 'out/stowage.sarif' }],
    ['.stowage', '.', {}],
  ] as const)('%s', (at, target, inputs) => {
    const { ws, outside } = setup();
    link(path.join(outside, target), path.join(ws, at));
    const run = runAction({ spec: 'stowage.yml', mode: 'plan', ...inputs }, { workspace: ws });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.* is a symbolic link \(to .*\); Stowage writes only real files/,
    );
    expectOutsideUntouched(outside);
    // Nothing was written: no group folder (and so no plan beside it).
    expect(existsSync(path.join(ws, '.stowage', 'native', 'Dockerfile'))).toBe(false);
    expect(run.stdout).not.toMatch(/at .*dist\/index\.js/); // no stack trace
  });

  test('without links the same run writes plan, group folder, exports and SARIF', () => {
    const { ws } = setup();
    const run = runAction(
      { spec: 'stowage.yml', mode: 'plan', export: 'nextflow,slurm', 'sarif-file': 'out/s.sarif' },
      { workspace: ws },
    );
    expect(run.status).toBe(0);
    for (const file of [
      '.stowage/plan.json',
      '.stowage/native/Dockerfile',
      '.stowage/export/nextflow/stowage.config',
      '.stowage/export/slurm/a.sbatch',
      'out/s.sarif',
    ])
      expect(existsSync(path.join(ws, file))).toBe(true);
    // No temporary siblings are left behind.
    expect(readdirSync(path.join(ws, '.stowage')).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('files outside the workspace are never read, nor quoted', () => {
  test.each([
    ['stowage.yml', { spec: 'stowage.yml' }],
    ['.stowage/config.yml', { spec: 'real.yml' }],
  ] as const)('a linked %s is refused', (at, inputs) => {
    const { ws, outside } = setup();
    writeFileSync(path.join(outside, 'secret'), 'SECRET_TOKEN=hunter2\n');
    writeFileSync(path.join(ws, 'real.yml'), SPEC);
    const target = path.join(ws, at);
    rmSync(target, { force: true });
    link(path.join(outside, 'secret'), target);
    const run = runAction({ mode: 'lint', ...inputs }, { workspace: ws });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /is a link to .*secret, outside the repository; Stowage reads nothing there/,
    );
    expect(run.stdout + run.summary).not.toContain('hunter2');
  });
});
