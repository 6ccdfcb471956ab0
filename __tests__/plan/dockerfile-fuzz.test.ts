/**
 * Hostile names through the Dockerfile renderer: a step id, a description, a workflow or group
 * name cannot add an instruction, a label or a shell statement, and each value reaches the file
 * as written. The Dockerfile is read the way BuildKit's parser reads one (no builder runs here):
 * comment lines dropped, `\` continuations joined, the instruction keyword first, COPY's JSON
 * array parsed and each element expanded as a word, LABEL's quoted values unescaped. The
 * generated shell scripts are read by `sh -n` (dash) and by bash against the same group with
 * safe names; pom.xml by an XML parser.
 */
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { commentText } from '../../src/common/escape/comment.js';
import { shellQuote } from '../../src/common/escape/shell.js';
import { renderGroup, type RenderInput } from '../../src/plan/dockerfile.js';
import type { PlannedPackage } from '../../src/plan/types.js';
import { hostile, samples } from '../helpers/hostile.js';
import { bashCanonical } from '../helpers/parsers.js';
import { step } from './helpers.js';

interface Case {
  workflowName: string;
  group: string;
  /** Steps with a build script: their id names a file, so it holds no line break. */
  built: string[];
  plain: string[];
  description: string;
}

const caseOf: fc.Arbitrary<Case> = fc.record({
  workflowName: hostile({ nul: true }),
  group: hostile(),
  built: fc.uniqueArray(
    hostile().map((s) => s.replace(/[\r\n]/g, '') || 'x'),
    { minLength: 1, maxLength: 2 },
  ),
  plain: fc.uniqueArray(hostile(), { minLength: 1, maxLength: 2 }),
  description: hostile(),
});

const maven: PlannedPackage = {
  spec: 'org.example:lib:1.0',
  ecosystem: 'maven',
  name: 'org.example:lib',
  steps: ['x'],
} as PlannedPackage;

function inputOf(c: Case): RenderInput {
  const ids = [...c.built, ...c.plain.filter((p) => !c.built.includes(p))];
  return {
    group: {
      name: c.group,
      family: 'native',
      gpu: false,
      steps: ids,
      packages: [maven],
      baseImage: 'debian:12-slim',
    },
    steps: ids.map((id) =>
      step(id, c.built.includes(id) ? { build: 'make install' } : {}, {
        run: 'solve --fast',
        description: c.description,
      }),
    ),
    placeholders: {},
    files: [],
    mavenImage: 'maven:3-eclipse-temurin-21',
    workflowName: c.workflowName,
  };
}

const safe = (c: Case): Case => ({
  workflowName: 'flood',
  group: 'native',
  built: c.built.map((_, i) => `built${i}`),
  plain: c.plain.map((_, i) => `plain${i}`),
  description: 'a step',
});

/** A Dockerfile word after BuildKit's expansion of an unquoted word: `\x` is `x`. */
const unescapeWord = (word: string): string => word.replace(/\\(.)/gs, '$1');

/** Instructions as BuildKit's parser reads them (escape character `\`). */
function instructions(text: string): { keyword: string; rest: string }[] {
  const lines = text.split('\n');
  // Parser directives are read only from the first lines, as `# key=value`: there must be none.
  for (const line of lines) {
    if (!/^\s*#/.test(line)) break;
    expect(line).not.toMatch(/^#\s*[A-Za-z][A-Za-z0-9]*\s*=/);
  }
  const out: { keyword: string; rest: string }[] = [];
  let current = '';
  for (const line of lines) {
    if (/^\s*#/.test(line)) continue;
    if (current === '' && line.trim() === '') continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1);
      continue;
    }
    current += line;
    const [keyword = ''] = current.trim().split(/\s+/);
    out.push({ keyword: keyword.toUpperCase(), rest: current.trim().slice(keyword.length).trim() });
    current = '';
  }
  return out;
}

/** LABEL's `key="value"` pairs, values unescaped as BuildKit does inside double quotes. */
function labels(rest: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const m of rest.matchAll(/([A-Za-z0-9_.-]+)="((?:[^"\\]|\\.)*)"/g))
    pairs[m[1]!] = m[2]!.replace(/\\(["$\\])/g, '$1');
  return pairs;
}

describe('Dockerfile', () => {
  it('fuzz: the same instructions as for safe names, COPY paths and labels exact', () => {
    fc.assert(
      fc.property(caseOf, (c) => {
        const input = inputOf(c);
        const mine = instructions(renderGroup(input).Dockerfile!);
        const theirs = instructions(renderGroup(inputOf(safe(c))).Dockerfile!);
        expect(mine.map((i) => i.keyword)).toEqual(theirs.map((i) => i.keyword));
        const copies = mine
          .filter((i) => i.keyword === 'COPY' && i.rest.startsWith('['))
          .map((i) => (JSON.parse(i.rest) as string[]).map(unescapeWord));
        for (const id of c.built)
          expect(copies).toContainEqual([`build-${id}.sh`, `/stowage/build-${id}.sh`]);
        const label = labels(mine.find((i) => i.keyword === 'LABEL')!.rest);
        expect(Object.keys(label)).toEqual([
          'org.opencontainers.image.title',
          'org.opencontainers.image.description',
          'io.stowage.group',
          'io.stowage.steps',
          'io.stowage.commands',
        ]);
        expect(label['io.stowage.group']).toBe(commentText(c.group));
        expect(label['io.stowage.steps']).toBe(commentText(input.group.steps.join(',')));
      }),
      { numRuns: 200 },
    );
  });

  it('fuzz: pom.xml is one project whose artifactId is the group name', () => {
    const window = new JSDOM('').window;
    fc.assert(
      fc.property(caseOf, (c) => {
        const pom = renderGroup(inputOf(c))['pom.xml']!;
        const doc = new window.DOMParser().parseFromString(pom, 'application/xml');
        expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
        const ids = [...doc.documentElement.children].filter((e) => e.tagName === 'artifactId');
        // Characters XML cannot hold at all are shown as `\uNNNN`; everything else is exact.
        const shown = c.group.replace(
          // eslint-disable-next-line no-control-regex
          /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g,
          (x) => `\\u${x.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        expect(ids.map((e) => e.textContent)).toEqual([shown]);
        expect(doc.getElementsByTagName('dependency')).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('generated shell scripts (entrypoint, build scripts)', () => {
  /** Per command line of bash's reading: its first word, every quoted value masked. */
  function shape(body: string, values: readonly string[]): string[] {
    let masked = body;
    for (const v of [...values].sort((a, b) => b.length - a.length))
      masked = masked.split(shellQuote(v)).join("'Q'");
    return masked.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '');
  }

  it('fuzz: sh -n accepts them, and bash reads the same commands as for safe names', () => {
    const cases = samples(caseOf, 40, 21);
    const scripts = (c: Case) => {
      const input = inputOf(c);
      const files = renderGroup(input);
      const values = input.steps.flatMap((s) => [
        s.id,
        `  ${s.id}  ${s.description!.replace(/[\r\n]+/g, ' ')}`,
        `Step ${s.id} declares no run command or entrypoint.`,
      ]);
      values.push(`Steps in this image (group ${c.group}):`);
      const names = Object.keys(files).filter((f) => f.endsWith('.sh'));
      return { names, texts: names.map((f) => files[f]!), values };
    };
    const mine = cases.map(scripts);
    const theirs = cases.map((c) => scripts(safe(c)));
    // Each distinct script read once (the safe groups repeat).
    const texts = [...new Set([...mine, ...theirs].flatMap((r) => r.texts))];
    const read = new Map(bashCanonical(texts, { posix: true }).map((r, i) => [texts[i]!, r]));
    const next = (text: string) => read.get(text)!;
    const mineRead = mine.map((r) => r.texts.map(next));
    const theirsRead = theirs.map((r) => r.texts.map(next));
    cases.forEach((c, i) => {
      mineRead[i]!.forEach((result, k) => {
        const reference = theirsRead[i]![k]!;
        expect({ case: c, result }).toEqual({ case: c, result: { body: expect.any(String) } });
        // bash read the whole script (not an empty function: every script sets its options).
        expect((reference as { body: string }).body).toContain('set -eu');
        expect({
          case: c,
          shape: shape((result as { body: string }).body, mine[i]!.values),
        }).toEqual({
          case: c,
          shape: shape((reference as { body: string }).body, theirs[i]!.values),
        });
      });
    });
  }, 60_000);
});
