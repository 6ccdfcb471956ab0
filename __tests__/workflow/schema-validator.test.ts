/**
 * The spec's validator is compiled ahead of time (scripts/schema-validator.mjs): the committed file
 * must be what the script writes from today's schema.json, and must judge specs as ajv does.
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import schema from '../../src/workflow/schema.json' with { type: 'json' };
import compiled from '../../src/workflow/schema-validator.generated.js';
// @ts-expect-error -- a build script without types
import { TARGET, validatorSource } from '../../scripts/schema-validator.mjs';

test('the committed validator is what the script generates (run `node scripts/schema-validator.mjs`)', () => {
  expect(readFileSync(TARGET as string, 'utf8')).toBe((validatorSource as () => string)());
});

test.each([
  [{ version: 1, name: 'x', steps: { a: { run: 'echo' } } }],
  [{ version: 1, name: 'x', stpes: {} }],
  [{ version: 2 }],
  [{ version: 1, name: 'x', steps: { a: { software: { pip: 3 } } } }],
])('%j is judged as a runtime ajv judges it', (spec) => {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  ajv.addVocabulary(['x-message']);
  const runtime = ajv.compile(schema);
  expect(compiled(spec)).toBe(runtime(spec));
  const strip = (errors: typeof runtime.errors) =>
    (errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
  expect(strip(compiled.errors)).toEqual(strip(runtime.errors));
});
