/**
 * STW202 over a long chain: each step is checked against what the chain holds, not against every
 * member, so a 6,000-step chain of one-minute steps is one finding in well under a second of lint
 * (the pairwise check took 114 s at 10,000 steps).
 */
import { lintWorkflow } from '../../src/lint/index.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { findingsOf, yaml } from './helpers.js';

function chainSpec(n: number, pip: (i: number) => string): string {
  const lines = ['version: 1', 'name: chain', 'based-on: none', 'steps:'];
  for (let i = 0; i < n; i += 1) {
    lines.push(
      `  s${i}:`,
      ...(i > 0 ? [`    inputs: [s${i - 1}.o]`] : []),
      `    outputs: { o: work/s${i} }`,
      `    software: { python: '3.12', pip: [${pip(i)}] }`,
      '    duration: 1m',
    );
  }
  return yaml(...lines);
}

test('a 6,000-step chain of one-minute steps is linted in linear time, named by its ends', () => {
  const spec = chainSpec(6000, (i) => `pandas==2.2.2, pkg${i % 7}==1.0`);
  const { workflow } = loadSpecText(spec, 'stowage.yml');
  // Only lint is timed (loading the YAML is most of a run, and linear).
  const t0 = performance.now();
  const found = lintWorkflow(workflow!).findings.filter((f) => f.rule === 'STW202');
  const lintSeconds = (performance.now() - t0) / 1000;
  expect(found).toHaveLength(1);
  expect(found[0]!.message).toMatch(
    /^Steps "s0" → "s1" → "s2" → "s3" → "s4" → "s5" → …\(5992 more\)… → "s5998" → "s5999" form a straight chain of short steps \(6000 steps, 4d4h in all; each at most 5m\)/,
  );
  // Every rule over 6,000 steps takes about a second; the pairwise STW202 alone took ~40 s.
  expect(lintSeconds).toBeLessThan(15);
});

test('a conflict anywhere in the chain still ends it where it starts', () => {
  // s3 pins another pandas: the chain s0..s2 stops before it, s3.. starts a new one.
  const spec = chainSpec(6, (i) => (i === 3 ? 'pandas==2.1.4' : 'pandas==2.2.2'));
  const messages = findingsOf(spec, 'STW202').map((f) => f.message);
  expect(messages[0]).toMatch(/^Steps "s0" → "s1" → "s2" form/);
});
