import fc from 'fast-check';
import { plan } from '../../src/plan/plan.js';
import type { Software } from '../../src/workflow/model.js';
import { step, workflow } from './helpers.js';

const INSTRUCTION = /^(FROM|USER|ENV|RUN|COPY|LABEL|WORKDIR|ENTRYPOINT) |^ {6}\S|^#|^$/;
const ECOSYSTEMS = ['pip', 'conda', 'apt', 'npm', 'maven', 'cran', 'bioconductor'] as const;

/** Strings built from the characters that matter to shells, Dockerfiles and the grammars. */
const nasty = fc.string({ unit: 'binary', maxLength: 30 });
const piece = fc.constantFrom(
  'numpy',
  '==',
  '1.0',
  '>=',
  '<2',
  ',',
  ';',
  '&&',
  '|',
  '$(id)',
  '`id`',
  "'",
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  '::',
  '=',
  '@',
  '[',
  ']',
  '*',
  '..',
  '/',
  'RUN ',
  '#',
  '\u0000',
  'é',
);
const hostile = fc.oneof(
  nasty,
  fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
);

describe('fuzz: hostile software values never break out of a Dockerfile line or a quote', () => {
  it('plans without throwing, and every Dockerfile line is an instruction we wrote', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ECOSYSTEMS),
        fc.array(hostile, { minLength: 1, maxLength: 4 }),
        hostile,
        hostile,
        (eco, values, file, run) => {
          const software: Partial<Software> = { [eco]: values, files: [file] };
          const { plan: p, findings } = plan(
            workflow([step('s', software, { run, description: run })]),
          );
          for (const g of p.groups) {
            if (g.blocked) {
              expect(findings.length).toBeGreaterThan(0);
              expect(g.generated).toEqual({});
              continue;
            }
            for (const line of g.generated['Dockerfile']!.split('\n')) {
              expect(line).toMatch(INSTRUCTION);
            }
            // Accepted values appear only single-quoted (or as JSON in COPY) in the Dockerfile.
            for (const v of values) {
              const text = v.trim();
              if (text === '' || !g.generated['Dockerfile']!.includes(text)) continue;
              expect(text).not.toMatch(/['\n\r$`\\;&]/);
            }
          }
        },
      ),
      { numRuns: 1500, seed: 7 },
    );
  });
});
