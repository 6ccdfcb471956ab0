/**
 * A workflow under review must not make Stowage read or request anything outside the repository:
 * only the wrapper prefix the user gave (and GitHub modules) is fetched, never a URL the workflow
 * writes itself, and the fetcher refuses what could run a program or read a device.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchText } from '../../src/host/fetch-text.js';
import { importSnakemake } from '../../src/workflow/importers/snakemake.js';
import { importWithRemote } from '../../src/workflow/importers/remote.js';
import { isWrapperName, mayFetch } from '../../src/workflow/importers/wrappers.js';
import { tempDir } from '../helpers/temp.js';

function workflow(snakefile: string): string {
  const dir = tempDir('remote-safety');
  writeFileSync(join(dir, 'Snakefile'), snakefile);
  return dir;
}

/** Imports with a fetcher that records what it was asked for. */
async function importRecording(dir: string, prefix: string) {
  const asked: string[] = [];
  const result = await importWithRemote(
    (remote) => importSnakemake(dir, { root: dir, wrapperPrefix: prefix, remote }),
    async (url) => {
      asked.push(url);
      return 'channels: [conda-forge]\ndependencies: [fastp=0.23.4]\n';
    },
  );
  return { result, asked };
}

describe('what the importer fetches', () => {
  it.each([
    ['a wrapper written as a file: URL', 'wrapper: "file:///etc/passwd#"'],
    ['a wrapper written as a git+file: URL', 'wrapper: "git+file:///srv/repo/bio/x@--output=o"'],
    ['a wrapper written as an http: URL', 'wrapper: "http://169.254.169.254/latest"'],
    ['a wrapper that climbs out of the prefix', 'wrapper: "v1/../../../etc"'],
    ['a conda environment named by URL', 'conda: "file:///proc/self/environ"'],
  ])('%s is never fetched, and said so', async (_name, directive) => {
    const dir = workflow(`rule a:\n    output: "a.txt"\n    ${directive}\n`);
    const { result, asked } = await importRecording(dir, 'https://mirror.example.org/wrappers/');
    expect(asked).toEqual([]);
    expect(result.findings.some((f) => f.rule === 'STW421' || f.rule === 'STW420')).toBe(true);
  });

  it('a wrapper name under the prefix is fetched', async () => {
    const dir = workflow('rule a:\n    output: "a.txt"\n    wrapper: "v3.0.0/bio/fastp"\n');
    const { result, asked } = await importRecording(dir, 'https://mirror.example.org/wrappers/');
    expect(asked).toEqual([
      'https://mirror.example.org/wrappers/v3.0.0/bio/fastp/environment.yaml',
    ]);
    expect(result.workflow!.steps[0]!.software.conda).toContain('fastp=0.23.4');
  });

  it.each([
    ['https://mirror.example.org/w/v1/bio/x/environment.yaml', true],
    ['https://mirror.example.org/w/v1/../../other/environment.yaml', false],
    ['https://mirror.example.org/w/v1/bio/x/environment.yaml?x=1', false],
    ['https://user:pw@mirror.example.org/w/v1/bio/x/environment.yaml', false],
    ['https://evil.example.org/w/v1/bio/x/environment.yaml', false],
    ['https://raw.githubusercontent.com/owner/repo/v1/workflow/Snakefile', true],
    ['file:///etc/passwd', false],
  ])('mayFetch(%s) under https://mirror.example.org/w is %s', (url, allowed) => {
    expect(mayFetch(url, 'https://mirror.example.org/w')).toBe(allowed);
  });

  it.each([
    ['git+file:///srv/clone/bio/x/environment.yaml@v1.2.0', true],
    ['git+file:///srv/clone/bio/x/environment.yaml@--output=o', false],
    ['git+file:///srv/clone/../etc/passwd@v1', false],
    ['git+file:///srv/other/bio/x/environment.yaml@v1', false],
  ])('mayFetch(%s) under git+file:///srv/clone is %s', (url, allowed) => {
    expect(mayFetch(url, 'git+file:///srv/clone')).toBe(allowed);
  });

  it.each([
    ['v3.0.0/bio/fastp', true],
    ['master/bio/samtools/sort', true],
    ['v1/../../etc', false],
    ['/etc/passwd', false],
    ['file:///etc/passwd', false],
    ['--output=o/bio/x', false],
  ])('isWrapperName(%s) is %s', (name, ok) => expect(isWrapperName(name)).toBe(ok));
});

describe('the fetcher', () => {
  const fetch = fetchText({ timeoutMs: 5000, maxBytes: 1000 });

  it('refuses a device, a folder and a URL with a fragment', async () => {
    await expect(fetch('file:///dev/zero')).rejects.toThrow(/not a regular file/);
    await expect(fetch('file:///tmp')).rejects.toThrow(/not a regular file/);
    await expect(fetch('file:///etc/passwd#')).rejects.toThrow(/query or a fragment/);
  });

  it('never runs a textconv driver a clone configures, nor takes an option for a version', async () => {
    const dir = tempDir('git-textconv');
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    git('init', '-q');
    mkdirSync(join(dir, 'bio/x'), { recursive: true });
    writeFileSync(join(dir, 'bio/x/environment.yaml'), 'dependencies: [a=1]\n');
    git('add', '.');
    git('commit', '-qm', 'x');
    git('tag', 'v1');
    const pwned = join(dir, 'PWNED');
    writeFileSync(join(dir, '.git/info/attributes'), '*.yaml diff=evil\n');
    git('config', 'diff.evil.textconv', `touch ${pwned}; cat`);
    const text = await fetch(`git+file://${dir}/bio/x/environment.yaml@v1`);
    expect(text).toBe('dependencies: [a=1]\n');
    // A version that is an option would turn the driver on, or write where it says.
    for (const version of ['--textconv', '--output=o'])
      await expect(fetch(`git+file://${dir}/bio/x/environment.yaml@${version}`)).rejects.toThrow(
        /not a tag or branch name/,
      );
    expect(existsSync(pwned)).toBe(false);
  });
});
