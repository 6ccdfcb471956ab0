import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/common/escape/shell.js';
import {
  dockerString,
  renderEntrypoint,
  substitutePlaceholders,
} from '../../src/plan/dockerfile.js';
import { plan } from '../../src/plan/plan.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { step } from './helpers.js';
import { tempDir } from '../helpers/temp.js';
import { loadShellParser } from '../../src/workflow/shell.js';

// The golden plans are made while the tests are collected, before any beforeAll.
await loadShellParser();

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, '..', 'fixtures', 'plan', 'golden');
/** Set UPDATE_GOLDEN=1 to rewrite the expected files after an intended change. */
const update = process.env.UPDATE_GOLDEN === '1';

function goldenPlan() {
  const text = readFileSync(join(fixture, 'stowage.yml'), 'utf8');
  const { workflow, findings } = loadSpecText(text, 'stowage.yml');
  if (!workflow) throw new Error(JSON.stringify(findings));
  return plan(workflow, { readFile: (path) => `contents of ${path}\n` });
}

describe('golden Dockerfiles', () => {
  const { plan: p, findings } = goldenPlan();

  it('plans the fixture without findings', () => {
    expect(findings).toEqual([]);
    expect(p.groups.map((g) => [g.name, g.steps])).toEqual([
      ['python', ['clean', 'features']],
      ['gpu', ['train']],
      ['native', ['solve']],
      ['jvm', ['mesh']],
      ['conda', ['align']],
      ['r', ['summarise']],
      ['node', ['diagram']],
    ]);
  });

  const cases = p.groups.flatMap((g) =>
    Object.keys(g.generated).map((file) => [g.name, file] as const),
  );
  it.each(cases)('%s/%s matches its golden file', (group, file) => {
    const actual = p.groups.find((g) => g.name === group)!.generated[file]!;
    const path = join(fixture, 'expected', group, file);
    if (update || !existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, actual);
    }
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });

  it('has no golden file left over from a group that no longer exists', () => {
    const expected = readdirSync(join(fixture, 'expected')).sort();
    expect(expected).toEqual(p.groups.map((g) => g.name).sort());
  });

  it('follows the house rules in every Dockerfile', () => {
    for (const g of p.groups) {
      const df = g.generated['Dockerfile']!;
      expect(df).toContain('USER 10001:10001');
      expect(df).not.toMatch(/useradd|adduser|<<\s*['"A-Z]/);
      expect(df).toContain(`io.stowage.group="${g.name}"`);
      expect(df).toContain(`io.stowage.steps="${g.steps.join(',')}"`);
      expect(df).toContain('org.opencontainers.image.title=');
      expect(df.trimEnd().split('\n').pop()).toBe(
        'ENTRYPOINT ["/bin/sh", "/usr/local/bin/stowage-entrypoint.sh"]',
      );
      for (const line of df.split('\n').filter((l) => l.startsWith('RUN apt-get'))) {
        expect(line).toContain('rm -rf /var/lib/apt/lists/*');
      }
    }
  });

  it('installs shared packages in their own, earlier layer', () => {
    const df = p.groups[0]!.generated['Dockerfile']!;
    const shared = df.indexOf("pip install --no-cache-dir 'pandas==2.2.2'\n");
    const own = df.indexOf("pip install --no-cache-dir 'pyarrow>=16,<17' 'scikit-learn~=1.5.0'");
    expect(shared).toBeGreaterThan(0);
    expect(own).toBeGreaterThan(shared);
  });
});

describe('the entrypoint dispatcher, run for real with sh', () => {
  const dir = tempDir('entry');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const run = (script: string, args: string[]) =>
    execFileSync('sh', [script, ...args], { encoding: 'utf8', cwd: dir });

  const tricky = `printf '%s|' "it's" '$HOME' "\`echo no\`" '; rm -rf /'`;
  const multi = write(
    'multi.sh',
    renderEntrypoint({
      group: {
        name: 'g',
        family: 'native',
        gpu: false,
        steps: ['one', 'two'],
        packages: [],
        baseImage: 'x',
      },
      steps: [
        step('one', {}, { run: tricky, description: "it's the first; $(id)" }),
        step('two', {}, { run: 'printf "%s," {inputs.data}', entrypoint: undefined }),
      ],
      placeholders: { 'inputs.data': 'data/in put.csv' },
      files: [],
      mavenImage: 'm',
      workflowName: 'w',
    }),
  );

  it('runs the named step with its run text intact and the arguments appended', () => {
    // The run text is the user's shell command: its own quoting is kept as written (so the
    // back-quotes inside double quotes do run), and nothing of it escapes into the script.
    expect(run(multi, ['one', 'extra arg'])).toBe("it's|$HOME|no|; rm -rf /|extra arg|");
  });

  it('replaces placeholders with declared paths', () => {
    expect(run(multi, ['two'])).toBe('data/in,put.csv,');
  });

  it('lists the steps without arguments and fails on an unknown step', () => {
    const listing = run(multi, []);
    expect(listing).toContain("  one  it's the first; $(id)");
    expect(listing).toContain('  two');
    expect(() => run(multi, ['nope'])).toThrow();
  });

  it('runs a one-step group directly, with or without its name', () => {
    const single = write(
      'single.sh',
      renderEntrypoint({
        group: {
          name: 's',
          family: 'native',
          gpu: false,
          steps: ['only'],
          packages: [],
          baseImage: 'x',
        },
        steps: [step('only', {}, { entrypoint: ['printf', '%s;'] })],
        placeholders: {},
        files: [],
        mavenImage: 'm',
        workflowName: 'w',
      }),
    );
    expect(run(single, ['a', 'b c'])).toBe('a;b c;');
    expect(run(single, ['only', 'a'])).toBe('a;');
  });
});

describe('quoting helpers', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", `'it'\\''s'`],
    ['$(id) `id` "x"', `'$(id) \`id\` "x"'`],
  ])('shellQuote(%j)', (input, expected) => {
    expect(shellQuote(input)).toBe(expected);
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(input)}`], { encoding: 'utf8' })).toBe(
      input,
    );
  });

  it('escapes label values and keeps them on one line', () => {
    expect(dockerString('a "b" $c\\d\ne')).toBe('"a \\"b\\" \\$c\\\\d\\\\ne"');
  });

  it('leaves unknown placeholders alone', () => {
    expect(substitutePlaceholders('{a.b} {c.d} {x}', { 'a.b': 'p' })).toBe('p {c.d} {x}');
  });
});
