/**
 * The entrypoint's dispatch rule, executed by real shells (dash, Debian's /bin/sh, and busybox
 * sh where installed): a step's arguments are never run as a command, an engine's command runs
 * whole and once, a trailing comment cannot swallow the arguments, and a NUL never reaches a script.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEntrypoint, withoutComment } from '../../src/plan/dockerfile.js';
import { plan } from '../../src/plan/plan.js';
import { loadSpecText } from '../../src/workflow/load.js';
import type { Step } from '../../src/workflow/model.js';
import { tempDir } from '../helpers/temp.js';
import { step } from './helpers.js';

const SHELLS = [['dash'], ['busybox', 'sh']].filter(([bin]) =>
  ['/usr/bin', '/bin'].some((d) => existsSync(join(d, bin!))),
);

const dir = tempDir('entry');
// A fake tool on PATH that says how it was called, as `prefetch` of sra-tools would run.
const tool = join(dir, 'bin', 'prefetch');
execFileSync('mkdir', ['-p', join(dir, 'bin')]);
writeFileSync(tool, '#!/bin/sh\nprintf "prefetch"; printf " [%s]" "$@"; echo\n');
chmodSync(tool, 0o755);

function script(name: string, steps: Step[], commands: Record<string, string[]> = {}): string {
  const path = join(dir, `${name}.sh`);
  writeFileSync(
    path,
    renderEntrypoint({
      group: {
        name,
        family: 'native',
        gpu: false,
        steps: steps.map((s) => s.id),
        packages: [],
        baseImage: 'x',
      },
      steps,
      placeholders: {},
      files: [],
      commands,
      mavenImage: 'm',
      workflowName: 'w',
    }),
  );
  return path;
}

const oneStep = script('one', [step('summarise', {}, { run: "printf '%s,'" })]);
const cwlStep = script('cwl', [step('prefetch', {}, { run: 'prefetch -O .' })]);
const twoSteps = script('two', [
  step('split', {}, { run: "printf 'split:%s,' # split the input" }),
  step('tidy', {}, { run: "printf '%s,' '#' x" }),
]);

const smokeOk = script('smoke-ok', [step('fetch', {}, { run: 'prefetch -O .' })], {
  fetch: ['prefetch', tool],
});
const smokeMissing = script(
  'smoke-missing',
  [step('fetch', {}, { run: 'prefetch -O .' }), step('call', {}, { run: 'bcftools call' })],
  { fetch: ['prefetch'], call: ['no-such-tool-here', '/usr/local/bin/no-such-tool'] },
);

describe.each(SHELLS)('with %s', (...shell) => {
  const run = (path: string, args: string[]) =>
    spawnSync(shell[0]!, [...shell.slice(1), path, ...args], {
      encoding: 'utf8',
      cwd: dir,
      env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` },
    });

  test('the smoke test finds every command of every step, by name and by absolute path', () => {
    const r = run(smokeOk, ['--stowage-smoke-test']);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'stowage-smoke-test: step fetch: ok\n', '']);
  });

  test('the smoke test names each step and the commands it lacks, and fails', () => {
    const r = run(smokeMissing, ['--stowage-smoke-test']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('stowage-smoke-test: step fetch: ok\n');
    expect(r.stderr).toBe(
      'stowage-smoke-test: step call: missing no-such-tool-here /usr/local/bin/no-such-tool\n',
    );
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });

  test('a one-step group never runs its arguments as a command', () => {
    const r = run(oneStep, ['summarise', 'touch', 'PWNED']);
    expect(r.stdout).toBe('touch,PWNED,');
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });

  test('a one-step group runs its step without arguments, or with arguments that are no command', () => {
    expect(run(oneStep, []).stdout).toBe(',');
    expect(run(oneStep, ['--threads', '4']).stdout).toBe('--threads,4,');
  });

  test('an engine passing the step’s whole command line (cwltool) gets it run once, unrepeated', () => {
    expect(run(cwlStep, ['prefetch', '-O', '.', 'SRR000001']).stdout).toBe(
      'prefetch [-O] [.] [SRR000001]\n',
    );
    // A person naming the step gets the step: its own arguments, then theirs.
    expect(run(cwlStep, ['prefetch', 'SRR000001']).stdout).toBe('prefetch [-O] [.] [SRR000001]\n');
  });

  test('a command that is not a step runs whole, once', () => {
    expect(run(twoSteps, ['printf', '%s;', 'a b']).stdout).toBe('a b;');
  });

  test('a trailing comment cannot drop the appended arguments; a quoted # is no comment', () => {
    expect(run(twoSteps, ['split', 'a', 'b']).stdout).toBe('split:a,split:b,');
    expect(run(twoSteps, ['tidy', 'y']).stdout).toBe('#,x,y,');
  });

  test('an unknown step or command fails with 64 and the list of steps', () => {
    const r = run(twoSteps, ['nope']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('unknown step or command: nope');
    expect(r.stderr).toContain('  tidy');
  });
});

test.each([
  ['echo hi # note', 'echo hi '],
  ["echo '#' x", "echo '#' x"],
  ['echo "a # b" c # d', 'echo "a # b" c '],
  ['echo a#b', 'echo a#b'],
  ['echo ${#x}', 'echo ${#x}'],
  ['echo \\# x', 'echo \\# x'],
  ['a;# b', 'a;'],
])('withoutComment(%j) = %j', (line, expected) => {
  expect(withoutComment(line)).toBe(expected);
});

test('a NUL in run is refused: its step is unplanned, no script is rendered for it', () => {
  const spec = [
    'version: 1',
    'name: w',
    'steps:',
    '  a:',
    '    run: "echo a\\0; touch PWNED"',
    '    software: { apt: [curl] }',
    '',
  ].join('\n');
  const { workflow } = loadSpecText(spec, 'stowage.yml');
  const result = plan(workflow!);
  expect(result.findings.map((f) => f.message)).toContainEqual(
    expect.stringContaining('its run holds a NUL character'),
  );
  expect(result.plan.groups).toEqual([]);
  expect(result.plan.unplanned).toEqual([
    { step: 'a', reason: expect.stringContaining('NUL') as string },
  ]);
});
