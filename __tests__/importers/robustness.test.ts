/** Importers read files users did not write for Stowage: any text gives findings, never a crash. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

import { GroovySyntaxError, tokenizeGroovy } from '../../src/workflow/importers/groovy.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { tempDir } from '../helpers/temp.js';

/** Text made of the characters that matter to the parsers, so the fuzzer hits their edges. */
const sourceText = fc
  .array(
    fc.constantFrom(
      'process ',
      'rule ',
      'X',
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      "'",
      '"',
      '"""',
      '${',
      '$',
      '\\',
      '/*',
      '*/',
      '//',
      '#',
      '\n',
      '    ',
      ':',
      ',',
      '=',
      'input',
      'output',
      'conda',
      'container',
      'label',
      'cpus',
      'memory',
      '6.GB',
      'task.attempt',
      '*',
      '?',
      'steps',
      'run',
      'class',
      'Workflow',
      '$graph',
      '-',
      ' ',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('robustness', () => {
  it('tokenizeGroovy either tokenizes or throws a positioned GroovySyntaxError', () => {
    fc.assert(
      fc.property(sourceText, (text) => {
        try {
          tokenizeGroovy(text);
        } catch (e) {
          expect(e).toBeInstanceOf(GroovySyntaxError);
          expect((e as GroovySyntaxError).offset).toBeGreaterThanOrEqual(0);
          expect((e as GroovySyntaxError).offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['nextflow', 'main.nf'],
    ['snakemake', 'Snakefile'],
    ['cwl', 'workflow.cwl'],
  ] as const)('the %s importer turns any %s into a result', (format, name) => {
    const dir = tempDir(`fuzz-${format}`);
    fc.assert(
      fc.property(sourceText, (text) => {
        writeFileSync(join(dir, name), text);
        const result = importWorkflow('.', { root: dir, format });
        for (const f of result.findings) {
          expect(f.span.line).toBeGreaterThanOrEqual(1);
          expect(f.span.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
