/**
 * The fast reader (js-yaml with parse events) must read every spec as the `yaml` package does:
 * the same data, and every node — key and value — at the same place.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { positionsOfDocument, readWithPositions } from '../../src/workflow/positions.js';
import { YamlSource } from '../../src/workflow/source.js';
import type { NodePath } from '../../src/workflow/model.js';
import { generateSpec } from '../../bench/generate.js';

/** Every path into the data, collections and scalars alike. */
function paths(value: unknown, prefix: NodePath = []): NodePath[] {
  const out: NodePath[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function at(value: unknown, path: NodePath): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
}

const isCollection = (v: unknown): boolean => typeof v === 'object' && v !== null;

function compare(text: string): void {
  const fast = readWithPositions(text);
  expect(fast).toBeDefined();
  const document = parseDocument(text, { uniqueKeys: false, merge: true });
  expect(document.errors).toEqual([]);
  const reference = document.toJS();
  expect(fast!.data).toEqual(reference);
  const a = new YamlSource('s.yml', text, fast!.root);
  const b = new YamlSource('s.yml', text, positionsOfDocument(document));
  for (const path of paths(reference)) {
    for (const part of ['value', 'key'] as const) {
      const fastSpan = a.locate(path, part).span;
      const span = b.locate(path, part).span;
      // A block collection ends at its last node; `yaml` also counts a comment on that line.
      if (part === 'value' && isCollection(at(reference, path))) {
        expect(fastSpan.endColumn).toBeLessThanOrEqual(span.endColumn);
        fastSpan.endColumn = span.endColumn;
      }
      expect([path, part, fastSpan]).toEqual([path, part, span]);
    }
  }
}

const specs = [
  ...['flood', 'variant-calling', 'word-count'].map((e) => join('examples', e, 'stowage.yml')),
  join('__tests__', 'fixtures', 'plan', 'golden', 'stowage.yml'),
  ...readdirSync(join('examples', 'broken'))
    .filter((f) => !['duplicate-key.yml', 'tab-indent.yml'].includes(f))
    .map((f) => join('examples', 'broken', f)),
];

describe('readWithPositions', () => {
  test.each(specs)('%s: same data and positions as the yaml package', (file) => {
    compare(readFileSync(file, 'utf8'));
  });

  test('a generated spec of 300 steps', () => {
    compare(generateSpec(300));
  });

  test('flow collections, quoted and multi-line scalars, empty values, comments, CRLF', () => {
    compare(
      [
        'version: 1 # the spec version',
        'name: "quoted: name"',
        'steps:',
        '  # a comment before a key',
        '  a:',
        "    run: 'python x.py'",
        '    inputs: [raw, "b c", {x: 1}]',
        '    outputs: {grid: grid.nc, "n m": out}',
        '    env:',
        '    notes: |',
        '      line one',
        '      line two',
        '    more: >-',
        '      folded',
        '      text',
        '    list:',
        '    - one',
        '    -   two: 2',
        '        three: 3',
        '    - - nested',
        '    empty:',
        '  b: {run: echo, time: 1h}',
        "  'c d':",
        '    run: >',
        '      echo',
        '    x: ~',
        '    y: 1e3',
        '    z: 0o17',
        '    w: 2024-01-01',
        '    merged:',
        '      <<: {cpus: 2}',
        '      mem: 4GB',
        'extra:',
        '  - a: 1',
        '    b: [2, {c: 3}]',
        '  -   - 3',
        '      - d: 4',
        '  - {e: 5}',
        '',
      ].join('\r\n'),
    );
  });

  test('a byte-order mark, and no final line break', () => {
    compare('\ufeffversion: 1\nname: x\nsteps:\n  a: {run: echo}');
  });

  // Found in review: each either reads exactly as `yaml` does, or is left to it.
  test.each([
    ['an empty sequence item', 'steps:\n  a:\n    inputs:\n      -\n      - data.csv\n', 'fast'],
    ['an empty item at depth 1', 'steps:\n  - # c\n  - a\n', 'yaml'],
    ['a lone CR in a comment', 'a: 1\nb: # c\r  2\n', 'yaml'],
    ['CR line breaks', 'version: 1\rname: x\r', 'yaml'],
    ['binary and signed hex', 'a: 0b101\nb: -0x1F\nc: +0o7\nd: 1_000\n', 'yaml'],
    ['a float without a leading digit', 'a: -.5\nb: +.5\nc: .5\n', 'yaml'],
    ['a tag', 'a: !!float 1\nb: !!str 2\n', 'yaml'],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\nb: 017\n', 'yaml'],
    ['a flow collection under its parent', 'a:\n  b: [x,\n  y]\n', 'yaml'],
    ['a flow collection over lines', 'a: [\n  x, y]\n', 'yaml'],
    ['a null key', '~: a\nnull: b\n', 'yaml'],
    ['a collection key', '[a, b]: c\n', 'yaml'],
    ['an explicit key', 'steps:\n  a:\n    ? run\n    : echo\n', 'yaml'],
    ['a key-only flow entry', 'a: {b, c: 1}\n', 'yaml'],
    ['a pair in a flow sequence', 'a: [b: 1]\n', 'yaml'],
    ['anchors without aliases', '&k a: 1\nb: &s\n  run: x\nc: &t [1, 2]\n', 'fast'],
    ['a key over 1024 characters', `${'k'.repeat(1100)}: 1\n`, 'yaml'],
  ])('%s: read by %s', (_, text, reader) => {
    const fast = readWithPositions(text);
    expect(fast === undefined ? 'yaml' : 'fast').toBe(reader);
    if (fast) compare(text);
  });

  test('a deep path into a step the fast reader cannot place is placed by yaml', () => {
    const text = 'steps:\n  a:\n    inputs:\n      -\n      - data.csv\n    run: echo\n';
    const fast = readWithPositions(text)!;
    const source = new YamlSource('s.yml', text, fast.root);
    const reference = new YamlSource('s.yml', text, positionsOfDocument(parseDocument(text)));
    for (const path of [
      ['steps', 'a', 'inputs', 1],
      ['steps', 'a', 'inputs', 0],
      ['steps', 'a', 'run'],
    ])
      expect(source.locate(path).span).toEqual(reference.locate(path).span);
  });

  test('leaves aliases, repeated keys and syntax errors to the yaml package', () => {
    expect(readWithPositions('a: &x [1]\nb: *x\n')).toBeUndefined();
    expect(readWithPositions('a: 1\na: 2\n')).toBeUndefined();
    expect(readWithPositions('a: [1\n')).toBeUndefined();
    expect(readWithPositions('a:\n\tb: 1\n')).toBeUndefined();
  });

  test('keeps dates and yes/no as text, as YAML 1.2 does', () => {
    expect(readWithPositions('d: 2024-01-01\ny: yes\nn: NO\n')?.data).toEqual({
      d: '2024-01-01',
      y: 'yes',
      n: 'NO',
    });
  });
});
