import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { INPUT_NAMES, readInputs } from '../../src/action/inputs.js';
import { repoRoot } from '../helpers/run-action.js';

const text = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
const document = parseDocument(text);
const action = document.toJS() as {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
};

test('action.yml is valid YAML and runs the bundle on node24', () => {
  expect(document.errors).toEqual([]);
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
});

test('every input the action reads is declared with a description, and nothing else is', () => {
  const read = new Set<string>();
  readInputs((name) => {
    read.add(name);
    return '';
  });
  expect(Object.keys(action.inputs).sort()).toEqual([...read].sort());
  // The options table is what the action reads.
  expect([...read].sort()).toEqual([...INPUT_NAMES].sort());
  for (const [name, input] of Object.entries(action.inputs)) {
    expect([name, input.description.length > 10]).toEqual([name, true]);
  }
});

test('the design outputs are declared', () => {
  expect(Object.keys(action.outputs).sort()).toEqual([
    'findings',
    'images',
    'matrix',
    'plan',
    'pushed',
    'sarif-file',
    'step-images',
  ]);
});

test('a deprecated input name is still read, with a warning', () => {
  const inputs = readInputs((name) => (name === 'format' ? 'cwl' : ''));
  expect(inputs.importFormat).toBe('cwl');
  expect(inputs.deprecations).toEqual([
    'input "format" is deprecated: name it "import" (it says what the spec is read as)',
  ]);
});

test("each input's default in action.yml is the table's", () => {
  const defaults = readInputs(() => '');
  const given = readInputs((name) => action.inputs[name]?.default ?? '');
  expect({ ...given, githubToken: undefined }).toEqual({ ...defaults, githubToken: undefined });
});
