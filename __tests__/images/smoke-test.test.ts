/**
 * The smoke test's report: what a build log says of it (BuildKit and buildah prefixes), and the
 * STW440 findings at the steps' lines. The test itself runs in real shells
 * (__tests__/plan/entrypoint.test.ts) and in real builds (__tests__/e2e/build-docker.test.ts).
 */
import { describe, expect, test } from '@jest/globals';
import { smokeTestFindings } from '../../src/app/build.js';
import { smokeTestOf, type BuildResult } from '../../src/images/build.js';
import { loadSpecText } from '../../src/workflow/load.js';

describe('smokeTestOf', () => {
  test.each<[string, string[], ReturnType<typeof smokeTestOf>]>([
    [
      'BuildKit plain progress',
      [
        '#14 [8/8] RUN ["/bin/sh", "/usr/local/bin/stowage-entrypoint.sh", "--stowage-smoke-test"]',
        '#14 0.211 stowage-smoke-test: step align: ok',
        '#14 0.213 stowage-smoke-test: step call: missing bcftools /usr/local/bin/tabix',
        '#14 ERROR: process "/bin/sh /usr/local/bin/stowage-entrypoint.sh --stowage-smoke-test" did not complete successfully: exit code: 1',
      ],
      {
        status: 'failed',
        missing: { call: ['bcftools', '/usr/local/bin/tabix'] },
        undispatched: [],
      },
    ],
    [
      'buildah, a step the dispatcher does not reach',
      ['stowage-smoke-test: step a/b: missing (the entrypoint does not dispatch it)'],
      { status: 'failed', missing: {}, undispatched: ['a/b'] },
    ],
    ['a build that failed elsewhere', ['E: Unable to locate package nope'], { status: 'passed' }],
  ])('%s', (_name, lines, expected) => {
    expect(smokeTestOf(lines)).toEqual(expected);
  });
});

test('STW440 at each step whose image lacks a command, naming the commands and the group', () => {
  const { workflow } = loadSpecText(
    [
      'version: 1',
      'name: w',
      'steps:',
      '  align:',
      '    run: samtools sort x',
      '    software: { apt: [samtools] }',
      '  call:',
      '    run: bcftools call x',
      '    software: { apt: [samtools] }',
      '',
    ].join('\n'),
    'stowage.yml',
  );
  const result = {
    group: 'native',
    smokeTest: {
      status: 'failed',
      missing: { call: ['bcftools', '/usr/local/bin/tabix'] },
      undispatched: [],
    },
  } as unknown as BuildResult;
  const findings = smokeTestFindings(workflow!, [result]);
  expect(findings.map((f) => [f.rule, f.severity, f.file, f.span.line])).toEqual([
    ['STW440', 'error', 'stowage.yml', 7],
  ]);
  expect(findings[0]?.message).toMatch(
    /^Step "call" calls "bcftools", "\/usr\/local\/bin\/tabix", which its image \(group native\) does not provide \(an absolute path is linked/,
  );
});
