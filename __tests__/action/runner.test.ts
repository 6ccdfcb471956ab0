/**
 * The action's runner protocol (src/action/runner.ts) writes what `@actions/core` writes: the same
 * workflow commands for annotations, masks, groups and debug lines, the same output file entries,
 * the same summary — checked side by side with the real library, on hostile values.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as core from '@actions/core';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as runner from '../../src/action/runner.js';
import { tempDir } from '../helpers/temp.js';

const NASTY = ['plain', 'a%b\r\nc:d,e', '::error::x', '##[group]y', 'ünï cödé\u2028z', ''];

function captured(work: () => void): string {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

describe.each(NASTY)('%j', (value) => {
  test.each([
    ['info', (c: typeof core | typeof runner) => c.info(value)],
    ['debug', (c: typeof core | typeof runner) => c.debug(value)],
    ['notice', (c: typeof core | typeof runner) => c.notice(value)],
    [
      'warning with properties',
      (c: typeof core | typeof runner) =>
        c.warning(value, { title: value, file: `${value}.yml`, startLine: 3, endLine: 4 }),
    ],
    [
      'error with columns',
      (c: typeof core | typeof runner) =>
        c.error(value, {
          title: 'STW101 x',
          file: 'a,b:c.yml',
          startLine: 1,
          endLine: 1,
          startColumn: 2,
          endColumn: 9,
        }),
    ],
    ['setSecret', (c: typeof core | typeof runner) => c.setSecret(value)],
    ['startGroup', (c: typeof core | typeof runner) => c.startGroup(value)],
    ['endGroup', (c: typeof core | typeof runner) => c.endGroup()],
  ])('%s', (_name, call) => {
    expect(captured(() => call(runner))).toBe(captured(() => call(core)));
  });
});

describe('files', () => {
  let dir: string;
  const saved = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY };
  beforeEach(() => {
    dir = tempDir('runner');
  });
  afterEach(() => {
    process.env.GITHUB_OUTPUT = saved.output;
    process.env.GITHUB_STEP_SUMMARY = saved.summary;
  });

  test('an output is a heredoc entry of GITHUB_OUTPUT, as @actions/core writes it', () => {
    const write = (c: typeof core | typeof runner, file: string) => {
      writeFileSync(file, '');
      process.env.GITHUB_OUTPUT = file;
      c.setOutput('plan', 'line one\nline two {"a":1}');
      // The delimiter is random: compare the shape around it.
      return readFileSync(file, 'utf8').replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIM');
    };
    expect(write(runner, path.join(dir, 'ours'))).toBe(write(core, path.join(dir, 'theirs')));
  });

  test('the summary is appended to GITHUB_STEP_SUMMARY', async () => {
    const ours = path.join(dir, 'ours.md');
    const theirs = path.join(dir, 'theirs.md');
    writeFileSync(ours, '# before\n');
    writeFileSync(theirs, '# before\n');
    process.env.GITHUB_STEP_SUMMARY = ours;
    runner.appendSummary('| a | b |\n');
    process.env.GITHUB_STEP_SUMMARY = theirs;
    await core.summary.addRaw('| a | b |\n').write();
    expect(readFileSync(ours, 'utf8')).toBe(readFileSync(theirs, 'utf8'));
  });

  test('an input is read from INPUT_* and trimmed, as @actions/core reads it', () => {
    const env = { 'INPUT_FAIL-ON': '  warning \n', INPUT_SARIF_FILE: 'x.sarif' };
    Object.assign(process.env, env);
    try {
      for (const name of ['fail-on', 'sarif file', 'missing'])
        expect(runner.getInput(name)).toBe(core.getInput(name));
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
  });

  test('setFailed sets exit code 1 and writes an error', () => {
    const before = process.exitCode;
    try {
      const out = captured(() => runner.setFailed('broken'));
      expect([process.exitCode, out]).toEqual([1, '::error::broken\n']);
    } finally {
      process.exitCode = before;
    }
  });
});
