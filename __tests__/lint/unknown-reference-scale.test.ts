/**
 * STW101 over a spec where every step names a step that does not exist: "did you mean" goes
 * through one index of the known names per lint run, with capped work, so 3,000 unknown
 * references are linted at once (comparing each with every output took 103 s at 2,000 steps).
 */
import { lintWorkflow } from '../../src/lint/index.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { misspeltSpec } from '../../bench/hostile-inputs.js';
import { findingsOf, yaml } from './helpers.js';

test('3,000 references to missing steps: each reported, the first ones with a suggestion', () => {
  const { workflow } = loadSpecText(misspeltSpec(3000), 'stowage.yml');
  const found = lintWorkflow(workflow!).findings.filter((f) => f.rule === 'STW101');
  expect(found).toHaveLength(3000);
  expect(found[0]!.message).toBe(
    'Step "s0" input "t0.out" names step "t0", which does not exist. Did you mean "s0.out"?',
  );
  // Past the work budget a reference still gets its finding, with the generic advice.
  expect(found.at(-1)!.message).toBe(
    'Step "s2999" input "t2999.out" names step "t2999", which does not exist. Name an output of an existing step as <step>.<output>.',
  );
});

test('a step with many outputs is named by its first ten, and the closest still suggested', () => {
  const outputs = Array.from({ length: 25 }, (_, i) => `o${i}: work/o${i}`).join(', ');
  const spec = yaml(
    'version: 1',
    'name: wide',
    'steps:',
    '  wide:',
    '    run: echo',
    `    outputs: { ${outputs} }`,
    '  reader:',
    '    run: echo',
    '    inputs: [wide.o24x]',
  );
  const [finding] = findingsOf(spec, 'STW101');
  expect(finding!.message).toBe(
    'Step "reader" input "wide.o24x" names output "o24x" of step "wide", but it has "o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", … (25 outputs in all). Did you mean "wide.o24"?',
  );
});
