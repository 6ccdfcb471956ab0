/**
 * Robustness: random and mutated specs through load + lint. No exception may escape, and every
 * finding must point inside the file it names.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Finding } from '../../src/common/findings.js';
import { lintWorkflow } from '../../src/lint/index.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { splitLines } from '../../src/workflow/source.js';

/** Load and lint; returns the findings and the texts of the files they may name. */
function loadAndLint(text: string): { findings: Finding[]; files: ReadonlyMap<string, string> } {
  const loaded = loadSpecText(text, 'stowage.yml');
  // A text that is not YAML never reaches lint; its syntax finding is the loader's to test.
  if (!loaded.workflow) return { findings: [], files: new Map() };
  const result = lintWorkflow(loaded.workflow, { extra: loaded.findings });
  return {
    findings: [...result.findings, ...result.suppressed],
    files: loaded.workflow.source.files(),
  };
}

function expectInside(findings: readonly Finding[], files: ReadonlyMap<string, string>): void {
  for (const f of findings) {
    const text = files.get(f.file);
    expect(text).toBeDefined();
    const lines = splitLines(text!);
    const { line, column, endLine, endColumn } = f.span;
    const where = `${f.rule} ${JSON.stringify(f.span)} in a file of ${lines.length} lines: ${f.message}`;
    expect([where, line >= 1 && line <= lines.length]).toEqual([where, true]);
    expect([where, endLine >= line && endLine <= lines.length]).toEqual([where, true]);
    expect([where, column >= 1 && column <= lines[line - 1]!.length + 1]).toEqual([where, true]);
    expect([where, endColumn >= 1 && endColumn <= lines[endLine - 1]!.length + 1]).toEqual([
      where,
      true,
    ]);
    expect([where, endLine > line || endColumn >= column]).toEqual([where, true]);
    expect(f.message.length).toBeGreaterThan(0);
  }
}

const ids = fc.constantFrom('a', 'b', 'c', 'align', 'call', 'x-y', 'Bad Name', '');
const outputRef = fc
  .tuple(ids, fc.constantFrom('o', 'out', 'bam', 'x'))
  .map(([s, o]) => `${s}.${o}`);
const reference = fc.oneof(outputRef, fc.constantFrom('reads', 'ref', 'missing', 'a.', '.o', '{}'));
const duration = fc.oneof(
  fc.constantFrom('30s', '1m', '5m', '2h', '1d', 'soon', '', '0'),
  fc.integer({ min: -5, max: 100000 }),
);
const requirement = fc.constantFrom(
  'numpy==2.0.1',
  'pandas',
  'zarr>=2.18,<3',
  'torch==2.3.1',
  'tensorflow',
  'bioconda::samtools=1.20',
  'x; rm -rf /',
  'lodash@^4',
  'a:b:1.0',
  'a:b',
  'curl',
  '',
);
const software = fc.record(
  {
    python: fc.constantFrom('3', '3.12', '3.11', 'latest'),
    pip: fc.array(requirement, { maxLength: 3 }),
    conda: fc.array(requirement, { maxLength: 2 }),
    cran: fc.array(requirement, { maxLength: 2 }),
    r: fc.constantFrom('4.4.1', '4'),
    java: fc.constantFrom('21', 'x'),
    maven: fc.array(requirement, { maxLength: 2 }),
    apt: fc.array(requirement, { maxLength: 2 }),
    npm: fc.array(requirement, { maxLength: 2 }),
    build: fc.constantFrom('make', 'nvcc x.cu', 'a && b | c; d'),
    files: fc.array(fc.constantFrom('s.py', 'x'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const step = fc.record(
  {
    run: fc.oneof(
      fc.constantFrom(
        'bwa mem | samtools sort',
        'a && b && c && d && e && f',
        'python x.py {inputs.reads}',
        'echo "a && b"',
      ),
      fc.string(),
    ),
    inputs: fc.array(reference, { maxLength: 4 }),
    outputs: fc.dictionary(
      fc.constantFrom('o', 'out', 'bam'),
      fc.constantFrom('w/a', 'w/b', './w/a', 'w/a/'),
    ),
    software,
    resources: fc.record(
      {
        cpus: fc.integer({ min: 0, max: 300 }),
        memory: fc.constantFrom('8GB', '1TB', 'x'),
        time: duration,
        gpus: fc.integer({ min: 0, max: 8 }),
      },
      { requiredKeys: [] },
    ),
    duration,
    container: fc.constantFrom(
      'auto',
      'ubuntu',
      'python:latest',
      'gpu',
      'x@sha256:00',
      'localhost:5000/a',
    ),
    entrypoint: fc.array(fc.constantFrom('serve', '--port'), { maxLength: 2 }),
    service: fc.boolean(),
  },
  { requiredKeys: [] },
);
const spec = fc.record(
  {
    version: fc.constantFrom(1, 2, '1'),
    name: fc.constantFrom('w', 'bad name', ''),
    'based-on': fc.constantFrom('none', ''),
    inputs: fc.dictionary(
      fc.constantFrom('reads', 'ref', 'extra'),
      fc.record({ path: fc.constant('d/x') }),
    ),
    outputs: fc.dictionary(fc.constantFrom('r', 's'), reference),
    economics: fc.record(
      {
        'runs-per-year': fc.integer({ min: -1, max: 100 }),
        'manual-minutes-per-run': fc.integer({ min: 0, max: 600 }),
        'development-hours': fc.integer({ min: 0, max: 1000 }),
        'maintenance-hours-per-year': fc.integer({ min: 0, max: 100 }),
        'horizon-years': fc.integer({ min: -1, max: 5 }),
      },
      { requiredKeys: [] },
    ),
    cluster: fc.record(
      {
        'max-cpus': fc.integer({ min: 0, max: 128 }),
        'max-time': duration,
        gpus: fc.integer({ min: 0, max: 4 }),
      },
      { requiredKeys: [] },
    ),
    containers: fc.record(
      {
        'base-images': fc.dictionary(
          fc.constantFrom('python', 'native'),
          fc.constantFrom('python', 'debian:12', 'x:latest'),
        ),
        groups: fc.dictionary(
          fc.constantFrom('gpu', 'tools'),
          fc.record(
            {
              steps: fc.array(ids, { maxLength: 2 }),
              base: fc.constantFrom('nvidia/cuda', 'debian:12'),
            },
            { requiredKeys: ['steps'] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
    lint: fc.record(
      {
        rules: fc.dictionary(
          fc.constantFrom('STW202', 'tiny-chain', 'STW999', 'STW001'),
          fc.constantFrom('off', 'error', 'warning', 'notice', 'loud'),
        ),
        settings: fc.dictionary(
          fc.constantFrom('tiny-chain-max-duration', 'tiny-chain-min-steps', 'nope'),
          fc.oneof(duration, fc.integer()),
        ),
      },
      { requiredKeys: [] },
    ),
    steps: fc.dictionary(ids, step, { maxKeys: 6 }),
  },
  { requiredKeys: ['steps'] },
);

/** Suppression comments, good and bad, to sprinkle into texts. */
const comment = fc.constantFrom(
  ' # stowage-ignore STW203 -- ok',
  ' # stowage-ignore STW999',
  ' # stowage-ignore-file STW409 -- ok',
  ' # stowage-ignore',
  ' # stowage-ignore STW101, tiny-chain -- r',
);

const EXAMPLES = [
  'examples/flood/stowage.yml',
  'examples/variant-calling/stowage.yml',
  'examples/broken/lint-smells.yml',
].map((p) => readFileSync(p, 'utf8'));

type Mutation = (lines: string[]) => string[];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (lines) =>
        lines.filter((_, n) => n !== i % lines.length),
  ),
  fc
    .nat()
    .map((i): Mutation => (lines) => [
      ...lines.slice(0, i % lines.length),
      lines[i % lines.length]!,
      ...lines.slice(i % lines.length),
    ]),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): Mutation => (lines) => {
    const out = [...lines];
    const [a, b] = [i % out.length, j % out.length];
    [out[a], out[b]] = [out[b]!, out[a]!];
    return out;
  }),
  fc
    .tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 6 }))
    .map(([i, at, s]): Mutation => (lines) => {
      const out = [...lines];
      const n = i % out.length;
      const line = out[n]!;
      const k = at % (line.length + 1);
      out[n] = line.slice(0, k) + s + line.slice(k);
      return out;
    }),
  fc.tuple(fc.nat(), comment).map(
    ([i, c]): Mutation =>
      (lines) =>
        lines.map((l, n) => (n === i % lines.length ? l + c : l)),
  ),
  fc.nat().map(
    (i): Mutation =>
      (lines) =>
        lines.slice(0, 1 + (i % lines.length)),
  ),
);

describe('load + lint never throws and keeps spans inside the file', () => {
  it('on random specs', () => {
    fc.assert(
      fc.property(
        spec,
        fc.array(fc.tuple(fc.nat(), comment), { maxLength: 3 }),
        (data, comments) => {
          const lines = splitLines(stringify(data));
          for (const [i, c] of comments) lines[i % lines.length] += c;
          const { findings, files } = loadAndLint(lines.join('\n'));
          expectInside(findings, files);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('on mutated examples', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (text, mutations) => {
          let lines = splitLines(text);
          for (const m of mutations) lines = m(lines);
          const { findings, files } = loadAndLint(lines.join('\n'));
          expectInside(findings, files);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { findings, files } = loadAndLint(text);
        expectInside(findings, files);
      }),
      { numRuns: 300 },
    );
  });
});
