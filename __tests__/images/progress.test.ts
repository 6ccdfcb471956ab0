/** What a build shows as it goes: the builders' step lines read, heartbeats, verbose lines. */
import { expect, test } from '@jest/globals';
import { BuildProgress, elapsed, stepStarted } from '../../src/images/progress.js';

test.each([
  ['#8 [stage-1 3/9] RUN apt-get update', { step: '3/9', instruction: 'RUN apt-get update' }],
  ['#5 [2/4] COPY ["a","b"]', { step: '2/4', instruction: 'COPY ["a","b"]' }],
  [
    'STEP 3/9: RUN micromamba install -y x',
    { step: '3/9', instruction: 'RUN micromamba install -y x' },
  ],
  ['Step 3/9 : RUN pip install x', { step: '3/9', instruction: 'RUN pip install x' }],
  ['#8 0.521 Get:1 http://deb.debian.org bookworm InRelease', undefined],
  ['#8 DONE 2.1s', undefined],
])('%j', (line, expected) => {
  expect(stepStarted(line)).toEqual(expected);
});

test('a line per step with the time so far; a heartbeat names the step; verbose shows all', () => {
  let clock = 0;
  const printed: string[] = [];
  const progress = new BuildProgress({
    group: 'python',
    verbose: false,
    print: (l) => printed.push(l),
    now: () => clock,
  });
  progress.feed('#1 [internal] load build definition');
  clock = 2_000;
  progress.feed('#6 [2/3] RUN pip install x');
  progress.feed('#6 1.2 Collecting x');
  clock = 125_000;
  progress.heartbeat();
  expect(printed).toEqual([
    '[python] step 2/3 RUN pip install x (2 s)',
    '[python] still on step 2/3 RUN pip install x (2m 03s on it, 2m 05s in all)',
  ]);
  const all: string[] = [];
  const verbose = new BuildProgress({ group: 'g', verbose: true, print: (l) => all.push(l) });
  verbose.feed('#6 1.2 Collecting x');
  expect(all).toEqual(['[g] #6 1.2 Collecting x']);
  expect(elapsed(61_000)).toBe('1m 01s');
});
