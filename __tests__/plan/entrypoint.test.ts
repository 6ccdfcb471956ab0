/**
 * The entrypoint's dispatch rule, executed by real shells (dash, Debian's /bin/sh, and busybox
 * sh where installed): a step's arguments are never run as a command, an engine's command runs
 * whole and once, a trailing comment cannot swallow the arguments, and a NUL never reaches a script.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEntrypoint, stepInputs, withoutComment } from '../../src/plan/dockerfile.js';
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

/**
 * Issue 19.5: a step runs as docs/build.md says. Its output folders exist before it runs (a Stowage
 * spec's outputs are the paths it writes), and each declared input its command names is read
 * through STOWAGE_INPUT_<NAME>, set to the declared path unless the caller gives another — a
 * value that is never run as code.
 */
describe('output folders and input variables', () => {
  const placeholders = {
    'inputs.raw': 'data/raw.txt',
    'inputs.many': 'data/*.csv',
    'clean.cleaned': 'work/clean.txt',
  };
  function rendered(name: string, steps: Step[], outputFolders = true): string {
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
        placeholders,
        files: [],
        mavenImage: 'm',
        workflowName: 'w',
        outputFolders,
      }),
    );
    return path;
  }
  const clean = step(
    'clean',
    {},
    {
      run: "printf '%s|' {inputs.raw} \"{inputs.raw}\" '{inputs.raw}' {clean.cleaned} > out/deep/clean.txt # note",
      inputs: ['raw'],
      outputs: { cleaned: 'out/deep/clean.txt', maps: 'results/maps/*.png', up: '../escape/x' },
    },
  );
  const many = step('many', {}, { run: "printf '%s|' {inputs.many}", inputs: ['many'] });
  const entry = step(
    'entry',
    {},
    { entrypoint: ['printf', '%s|', '--in={inputs.raw}', '{inputs.raw}'], inputs: ['raw'] },
  );
  const script = step(
    'script',
    {},
    { run: "printf '%s|' {inputs.raw}\nprintf '%s|' done", inputs: ['raw'] },
  );
  const substitution = step(
    'subst',
    {},
    { run: "printf '%s|' $(echo {inputs.raw})", inputs: ['raw'] },
  );
  const group = rendered('io', [clean, many, entry, script, substitution]);
  const imported = rendered('imported', [clean], false);

  describe.each(SHELLS)('with %s', (...shell) => {
    const run = (path: string, args: string[], env: Record<string, string> = {}) => {
      const cwd = tempDir('io-run');
      mkdirSync(join(cwd, 'data'));
      for (const f of ['a.csv', 'b.csv', 'raw.txt']) writeFileSync(join(cwd, 'data', f), '');
      const r = spawnSync(shell[0]!, [...shell.slice(1), path, ...args], {
        encoding: 'utf8',
        cwd,
        env: { PATH: '/usr/bin:/bin', ...env },
      });
      const read = (f: string) =>
        existsSync(join(cwd, f)) ? readFileSync(join(cwd, f), 'utf8') : undefined;
      return { ...r, cwd, read };
    };

    test.each<[string, Record<string, string>, string]>([
      // The declared paths by default; single-quoted, the placeholder stays the path.
      ['by default', {}, 'data/raw.txt|data/raw.txt|data/raw.txt|work/clean.txt|'],
      [
        'with STOWAGE_INPUT_RAW',
        { STOWAGE_INPUT_RAW: 'mine.txt' },
        'mine.txt|mine.txt|data/raw.txt|work/clean.txt|',
      ],
      [
        'empty is the default',
        { STOWAGE_INPUT_RAW: '' },
        'data/raw.txt|data/raw.txt|data/raw.txt|work/clean.txt|',
      ],
      [
        'a value is never code',
        { STOWAGE_INPUT_RAW: '$(touch PWNED);`touch PWNED`' },
        '$(touch|PWNED);`touch|PWNED`|$(touch PWNED);`touch PWNED`|data/raw.txt|work/clean.txt|',
      ],
    ])('a step reads its inputs %s, into folders made for its outputs', (_, env, printed) => {
      const r = run(group, ['clean'], env);
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.read('out/deep/clean.txt')).toBe(printed);
      // Every output's folder, a glob's up to its wildcard; nothing outside the working folder.
      expect(existsSync(join(r.cwd, 'results/maps'))).toBe(true);
      expect(existsSync(join(r.cwd, '../escape'))).toBe(false);
      expect(existsSync(join(r.cwd, 'PWNED'))).toBe(false);
    });

    test('an imported pipeline’s outputs are the engine’s: no folder is made for them', () => {
      const r = run(imported, ['clean']);
      expect(r.status).not.toBe(0);
      expect(existsSync(join(r.cwd, 'out'))).toBe(false);
    });

    test('a glob in the path or the variable still expands', () => {
      expect(run(group, ['many']).stdout).toBe('data/a.csv|data/b.csv|');
      expect(run(group, ['many'], { STOWAGE_INPUT_MANY: 'data/r*' }).stdout).toBe('data/raw.txt|');
    });

    test('an entrypoint reads the variable as one word, inside a word too', () => {
      expect(run(group, ['entry'], { STOWAGE_INPUT_RAW: 'a b' }).stdout).toBe('--in=a b|a b|');
      expect(run(group, ['entry']).stdout).toBe('--in=data/raw.txt|data/raw.txt|');
    });

    test('a multi-line script and a command substitution keep the declared path', () => {
      expect(run(group, ['script'], { STOWAGE_INPUT_RAW: 'x' }).stdout).toBe('data/raw.txt|done|');
      expect(run(group, ['subst'], { STOWAGE_INPUT_RAW: 'x' }).stdout).toBe('data/raw.txt|');
    });

    test('the list of steps says which variable each reads', () => {
      expect(run(group, []).stdout).toContain(
        '  clean\n      reads data/raw.txt (set STOWAGE_INPUT_RAW to read another)\n  many\n      reads data/*.csv (set STOWAGE_INPUT_MANY to read another)\n',
      );
    });
  });

  test.each([
    [['raw'], ['STOWAGE_INPUT_RAW']],
    [['a-b', 'a_b'], []], // both map to STOWAGE_INPUT_A_B: neither gets a variable
    [['clean.cleaned'], ['STOWAGE_INPUT_CLEAN_CLEANED']],
    [['unused'], []],
  ])('stepInputs for inputs %j: %j', (inputs, variables) => {
    const s = step(
      's',
      {},
      { run: `x {inputs.raw} {inputs.a-b} {inputs.a_b} {clean.cleaned}`, inputs },
    );
    const got = stepInputs(s, {
      placeholders: { ...placeholders, 'inputs.a-b': 'p', 'inputs.a_b': 'q', 'inputs.unused': 'u' },
    } as unknown as Parameters<typeof stepInputs>[1]);
    expect(got.map((v) => v.variable)).toEqual(variables);
  });
});
