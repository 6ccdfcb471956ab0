/**
 * docs/build.md's commands work as written (issue 19.5): `examples/word-count` is planned on the
 * local busybox base, then every `sh` block of "Build a group by hand" and "Run an image on your
 * data" runs as it stands in the page, with a real dockerd — the build by hand, the steps on data
 * in a mounted folder (their output folders made by the entrypoint), another input through
 * STOWAGE_INPUT_RAW and the step's command run whole. What each block prints is checked against
 * the comments the page gives.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { offline } from '../helpers/offline.js';
import {
  DOCKER,
  copyFixture,
  describeWithTools,
  pushBaseWithDocker,
  removeDir,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from './harness.js';

jest.setTimeout(240_000);

const PAGE = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'build.md'), 'utf8');

/** The `sh` blocks of a section of the page (up to the next `## ` heading), in order. */
function blocks(heading: string): string[] {
  const start = PAGE.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/build.md has no section "${heading}"`);
  const end = PAGE.indexOf('\n## ', start + 1);
  const section = PAGE.slice(start, end < 0 ? undefined : end);
  // Blocks may be indented under a list item: the indentation is the page's, not the shell's.
  return [...section.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
    body!
      .split('\n')
      .map((l) => l.slice(indent!.length))
      .join('\n'),
  );
}

/** `cat work/tally.txt    # 9`: the files the page says a block prints, and what. */
function promisedOutputs(block: string): { file: string; text: string }[] {
  return [...block.matchAll(/^cat (\S+) +# (.+)$/gm)].map(([, file, text]) => ({
    file: file!,
    text: text!,
  }));
}

describeWithTools(['dockerd', 'docker', 'docker-registry', 'busybox'])(
  'docs/build.md, run as written against a real dockerd',
  () => {
    let dir: string;
    let registry: RegistryDaemon | undefined;
    let dockerd: DockerDaemon | undefined;
    let workspace: string;

    beforeAll(async () => {
      dir = tempDir('docs');
      registry = await startRegistry(join(dir, 'registry'));
      dockerd = await startDockerd(join(dir, 'docker'));
      const base = pushBaseWithDocker(join(dir, 'base'), registry.host, dockerd.env);
      workspace = copyFixture(join(dir, 'word-count'));
      // `stowage plan`, on a base that needs no network (the page assumes Debian's).
      let out = '';
      const code = await main(
        [
          'plan',
          '--resolve',
          'off',
          '--base-image',
          `native=${base}`,
          '--base-image',
          `python=${base}`,
        ],
        {
          stdout: (t) => (out += t),
          stderr: (t) => (out += t),
          cwd: workspace,
          env: {},
          ...offline,
        },
      );
      if (code !== 0) throw new Error(`stowage plan failed:\n${out}`);
    }, 120_000);

    afterAll(async () => {
      await stopAll([registry, dockerd]);
      removeDir(dir);
    });

    const sh = (script: string) =>
      spawnSync('/bin/sh', ['-e', '-c', script], {
        cwd: workspace,
        encoding: 'utf8',
        env: { ...process.env, ...dockerd!.env, PATH: `${join(DOCKER, '..')}:${process.env.PATH}` },
      });

    test('the page has the blocks this test runs', () => {
      expect(blocks('Build a group by hand')).toHaveLength(1);
      expect(blocks('Run an image on your data').length).toBeGreaterThanOrEqual(3);
    });

    test('"Build a group by hand", then "Run an image on your data", block by block', () => {
      const build = sh(blocks('Build a group by hand')[0]!);
      expect([build.status, build.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);

      const [first, ...others] = blocks('Run an image on your data');
      const run = sh(first!);
      expect([run.status, run.stderr]).toEqual([0, '']);
      // The list of steps names the variable each step reads.
      expect(run.stdout).toContain(
        '  clean\n      reads data/raw.txt (set STOWAGE_INPUT_RAW to read another)',
      );
      // `work/` did not exist: the entrypoint made it for the step's output.
      expect(readFileSync(join(workspace, 'work/clean.txt'), 'utf8')).toBe(
        'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG\n',
      );
      for (const block of [first!, ...others]) {
        if (block !== first) {
          const r = sh(block);
          expect([r.status, r.stderr]).toEqual([0, '']);
        }
        for (const { file, text } of promisedOutputs(block))
          expect(readFileSync(join(workspace, file), 'utf8').trim()).toBe(text);
      }
      expect(promisedOutputs(others.join('\n')).length).toBeGreaterThanOrEqual(2);
    });
  },
);
