/**
 * Hostile names through the bundled action: a CWL file named with a newline and `::warning`, a
 * step id with a newline and `::error`, ANSI and bidi characters. No line of the log may become a
 * workflow command the action did not mean, and the summary shows them escaped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAction } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

const EVIL_FILE = 'wf\n::warning title=owned-file::x.cwl';
const EVIL_STEP = 'a\n::error title=owned-step::b\u001b[31m\u202e';

test('names from the workflow cannot issue workflow commands on any channel', () => {
  const ws = tempDir('ws');
  const dir = path.join(ws, 'pipe');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, EVIL_FILE),
    [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs: {}',
      'outputs: {}',
      'steps:',
      `  ${JSON.stringify(EVIL_STEP)}:`,
      '    run:',
      '      class: CommandLineTool',
      '      baseCommand: echo',
      '      inputs: {}',
      '      outputs: {}',
      '    in: {}',
      '    out: []',
      '',
    ].join('\n'),
  );
  const run = runAction(
    { spec: 'pipe', mode: 'plan', export: 'snakemake,slurm', 'fail-on': 'never' },
    { workspace: ws },
  );
  const lines = run.stdout.split('\n');
  // The planted commands never start a line: in the action's own annotations they are encoded
  // inside a property (`%0A%3A%3Awarning`) or the message.
  expect(lines.some((l) => /^::(warning|error) title=owned/.test(l.trimStart()))).toBe(false);
  // No raw control or bidi character anywhere in the log or the summary.
  // eslint-disable-next-line no-control-regex
  expect(run.stdout + run.summary).not.toMatch(/[\u001b\u202e]/);
  // The names are still there to read, escaped.
  expect(run.stdout).toMatch(/\\n::warning title=owned-file::x\.cwl|wf\\n/);
});
