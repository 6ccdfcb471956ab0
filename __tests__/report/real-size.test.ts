/**
 * Issue 19.2 and 19.3, the report side: output readable at the size of real pipelines (an nf-core
 * group of 45 processes, a 600-character notice) and image counts that agree with each other
 * everywhere (images to build, images used as is, what a run pulls, why more than one).
 */
import { marked, type Tokens } from 'marked';
import { optionName } from '../../src/app/options.js';
import type { Plan, PlannedGroup, ResolutionStatus } from '../../src/plan/types.js';
import { compareImages, comparisonMarkdown, comparisonText } from '../../src/report/comparison.js';
import {
  imageCountSentence,
  planMarkdown,
  planTable,
  whyNotOneSentence,
} from '../../src/report/plan.js';
import { formatText } from '../../src/report/text.js';
import { elideList, wrapLine } from '../../src/report/wrap.js';
import { testGroup, testPlan } from '../helpers/plans.js';
import { finding, step, workflow } from './helpers.js';

/** nf-core-like process names: long, upper case, many. */
const processes = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}_PROCESS_NUMBER_${String(i).padStart(2, '0')}`);

function group(name: string, steps: string[], over: Partial<PlannedGroup> = {}): PlannedGroup {
  return testGroup(name, steps, {
    family: 'conda',
    estimatedSize: 500_000_000,
    packages: steps.map((s, i) => ({
      ecosystem: 'conda' as const,
      name: `tool${i}`,
      spec: `bioconda::tool-number-${i}=1.${i}`,
      steps: [s],
    })),
    ...over,
  });
}

/** A plan the size of nf-core/rnaseq: groups of 45, 18 and 3 steps, an image used as is. */
function bigPlan(over: Partial<Plan> = {}): Plan {
  return testPlan(
    [
      group('conda', processes('ALIGN', 45)),
      group('conda-2', processes('QUANT', 18), {
        apart: [{ from: 'conda', reason: 'bioconda::samtools=1.21 in "A" vs =1.20 in "B"' }],
      }),
      group('conda-3', processes('UMI', 3)),
    ],
    {
      external: [
        { step: 'PARABRICKS_RNAFQ2BAM', image: 'nvcr.io/nvidia/clara/clara-parabricks:4.6.0-1' },
      ],
      unplanned: processes('LOCAL', 30).map((s) => ({ step: s, reason: 'the engine runs it' })),
      lowerBound: 3,
      lowerBoundByKind: [{ kind: 'conda', bound: 3 }],
      baselines: {
        perStep: { images: 66, estimatedTotalSize: 19e9, conflicts: 0 },
        monolith: { images: 1, estimatedTotalSize: 1e9, conflicts: 12 },
      },
      ...over,
    },
  );
}

const longest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('the text plan at real size', () => {
  test('no line is longer than 160 characters; long lists show their first steps and a count', () => {
    const text = planTable(bigPlan());
    expect(longest(text)).toBeLessThanOrEqual(160);
    const row = text.split('\n').find((l) => l.startsWith('conda  '))!;
    expect(row).toMatch(/ ALIGN_PROCESS_NUMBER_00, ALIGN_PROCESS_NUMBER_01 \+ 43 more /);
    expect(row).toMatch(/bioconda::tool-number-0=1\.0 \+ 44 more/);
    expect(text).toContain(
      'LOCAL_PROCESS_NUMBER_00, LOCAL_PROCESS_NUMBER_01 + 28 more: the engine',
    );
  });

  test('--verbose lists every step and package, still within the width', () => {
    const text = planTable(bigPlan(), { verbose: true });
    expect(longest(text)).toBeLessThanOrEqual(160);
    for (const s of [...processes('ALIGN', 45), ...processes('LOCAL', 30)])
      expect(text).toContain(s);
    expect(text).toContain('bioconda::tool-number-44=1.44');
  });

  test.each([
    // items, width, shown
    [['a', 'b', 'c'], 20, 'a, b, c'],
    [['alpha', 'beta', 'gamma', 'delta'], 20, 'alpha, beta + 2 more'],
    [
      ['a-very-long-first-name-over-the-width', 'b'],
      10,
      'a-very-long-first-name-over-the-width + 1 more',
    ],
    [['only-one-but-longer-than-the-width'], 5, 'only-one-but-longer-than-the-width'],
    [[], 10, ''],
  ])('elideList(%j, %i) = %j', (items, width, shown) => {
    expect(elideList(items, width)).toBe(shown);
  });

  test.each([
    ['short', 20, ['short']],
    ['one two three four five', 10, ['one two', '  three', '  four', '  five']],
    ['  indented words here', 12, ['  indented', '  words here']],
    ['unbreakable-word-longer-than-width', 5, ['unbreakable-word-longer-than-width']],
  ])('wrapLine(%j, %i)', (text, width, lines) => {
    expect(wrapLine(text, width, '  ')).toEqual(lines);
  });

  test('a finding stays one line however long: grep finds its position, message and rule together', () => {
    const long = finding({
      rule: 'STW421',
      message: `Nextflow does not record ${'durations, '.repeat(60)}so these rules are off.`,
    });
    const lines = formatText([long]).split('\n');
    expect(lines[0]).toMatch(/^stowage\.yml:3:5: error: Nextflow does not record .* \[STW421\]$/);
  });
});

describe('one count of images everywhere', () => {
  const steps = (p: Plan) =>
    workflow(
      [...p.groups.flatMap((g) => g.steps), ...p.external.map((e) => e.step)].map((id) => step(id)),
    );

  test.each([
    // groups, external steps → images, [to build, used as is], the plan's sentence
    [['conda'], [], 'Plan: 1 image to build, 500 MB in total.', 'stowage plan'],
    [
      ['conda', 'conda-2'],
      ['x:1'],
      'Plan: 3 images: 2 to build (1.0 GB in total) and 1 image used as is',
      'stowage plan (2 to build + 1 used as is)',
    ],
    [
      ['conda'],
      ['x:1', 'x:1', 'y:2'],
      'Plan: 3 images: 1 to build (500 MB in total) and 2 images used as is',
      'stowage plan (1 to build + 2 used as is)',
    ],
    [
      [],
      ['x:1'],
      'Plan: no image to build: no step names software Stowage can install; 1 image used as is',
      'stowage plan (0 to build + 1 used as is)',
    ],
  ])('groups %j, external %j', (groups, images, sentence, label) => {
    const p = testPlan(
      groups.map((g, i) => group(g, [`s${i}`])),
      { external: images.map((image, i) => ({ step: `e${i}`, image })) },
    );
    expect(imageCountSentence(p)).toContain(sentence);
    expect(planTable(p)).toContain(sentence);
    expect(marked.parse(planMarkdown(p), { async: false })).toContain(sentence);
    // The comparison counts the same images, and says how.
    const current = Object.fromEntries(steps(p).steps.map((s) => [s.id, `old/${s.id}:1`]));
    const c = compareImages(steps(p), current, p);
    const total = groups.length + new Set(images).size;
    expect(c.after.images).toBe(total);
    expect(comparisonText(c)).toMatch(
      new RegExp(`^${label.replace(/[()+]/g, '\\$&')}\\s+${total}\\s`, 'm'),
    );
    expect(comparisonMarkdown(c)).toContain(`| ${label} | ${total} |`);
  });

  test('an image used as is has one name, the image, in the table and in the diagram', () => {
    const text = planTable(bigPlan());
    expect(text).toContain('Used as is (not built): 1 image named by 1 step:');
    expect(text).toContain('  nvcr.io/nvidia/clara/clara-parabricks:4.6.0-1: PARABRICKS_RNAFQ2BAM');
    // Not a row named after its step.
    expect(text).not.toMatch(/^PARABRICKS_RNAFQ2BAM\s/m);
  });

  test('the comparison says what "per run" means: a run that calls every step', () => {
    const p = bigPlan();
    const w = workflow(p.external.map((e) => step(e.step)));
    const c = compareImages(w, { PARABRICKS_RNAFQ2BAM: 'a:1' }, p);
    expect(comparisonText(c)).toContain('what a run that calls every step pulls');
    expect(comparisonMarkdown(c)).toContain('images a run that calls every step pulls');
    expect(comparisonText(c)).not.toContain('per run');
  });

  test.each<[string, Partial<Plan>, RegExp | undefined]>([
    [
      'conflicts, with the first split as the example, and a smaller monolith',
      {},
      /^Why 3 images and not one: 12 pairs of requirements conflict, and no image can hold both sides of a pair \(e\.g\. bioconda::samtools=1\.21 in "A" vs =1\.20 in "B"\); one image for everything would be smaller \(1\.0 GB against 1\.5 GB\) but could not run every step\.$/,
    ],
    [
      'kinds of image, GPU among them',
      {
        lowerBound: 3,
        lowerBoundByKind: [
          { kind: 'python', bound: 1 },
          { kind: 'python-gpu', bound: 1 },
          { kind: 'r', bound: 1 },
        ],
        baselines: {
          perStep: { images: 3, estimatedTotalSize: 3, conflicts: 0 },
          monolith: { images: 1, estimatedTotalSize: 9e9, conflicts: 0 },
        },
      },
      /^Why 3 images and not one: the steps need 3 kinds of image \(python, python \(GPU\), r\), each from its own base \(a GPU build needs CUDA in its base\)\.$/,
    ],
    [
      'kinds and one conflict, in one sentence',
      {
        groups: [group('python', ['a']), group('jvm', ['b'], { family: 'jvm' })],
        lowerBound: 2,
        lowerBoundByKind: [
          { kind: 'python', bound: 1 },
          { kind: 'jvm', bound: 1 },
        ],
        baselines: {
          perStep: { images: 2, estimatedTotalSize: 2, conflicts: 0 },
          monolith: { images: 1, estimatedTotalSize: 9e9, conflicts: 1 },
        },
      },
      /^Why 2 images and not one: the steps need 2 kinds of image \(python, jvm\), each from its own base; 1 pair of requirements conflicts, and no image can hold both sides of a pair\.$/,
    ],
    [
      'a plan above its lower bound says so',
      { lowerBound: 2 },
      /The planner's grouping uses 3, 1 more than the lower bound: fewer may be possible\.$/,
    ],
  ])('why more images than one: %s', (_, over, sentence) => {
    const why = whyNotOneSentence(bigPlan(over));
    expect(why).toMatch(sentence!);
    expect(planTable(bigPlan(over))).toContain(why!.slice(0, 40));
  });

  test('one image: no sentence about why', () => {
    expect(whyNotOneSentence(testPlan([group('conda', ['a'])]))).toBeUndefined();
  });
});

describe('solved, unverified, name-level: said in words, and in the adapter’s', () => {
  const resolved = (statuses: ResolutionStatus[], reason?: string) =>
    testPlan(
      statuses.map((status, i) =>
        group(`g${i}`, [`s${i}`], {
          resolution: {
            status,
            fromLock: false,
            solved: [],
            nameLevel: [],
            arches: ['amd64'],
            packages: [],
            ...(reason ? { reason } : {}),
          },
        }),
      ),
      { solverConflicts: [] },
    );

  test.each<[ResolutionStatus[], string[], string[]]>([
    [['solved'], ['solved = the solvers'], ['unverified =', 'name-level =']],
    [
      ['unverified', 'name-level'],
      [
        'unverified = a channel or index could not be reached',
        'name-level = only apt, CRAN, Bioconductor or Maven',
      ],
      ['solved ='],
    ],
  ])('a legend for %j', (statuses, present, absent) => {
    const text = planTable(resolved(statuses));
    expect(text).toContain('SOLVED:');
    for (const p of present) expect(text).toContain(p);
    for (const a of absent) expect(text).not.toContain(a);
    const md = planMarkdown(resolved(statuses));
    for (const p of present) expect(md).toContain(p);
  });

  test.each<['cli' | 'action', string]>([
    ['cli', '--channel-url <n=url>'],
    ['action', 'the channel-urls input'],
  ])('unverified groups and why, with the options in the %s’s words', (adapter, words) => {
    const p = resolved(['unverified', 'unverified', 'solved'], 'conda-forge could not be reached');
    const name = (key: string) => optionName(key, adapter);
    const text = planTable(p, { name }).replace(/\n +/g, ' ');
    expect(text).toContain(
      `Not solved (unverified): g0, g1: conda-forge could not be reached. Grouped by name and version only and installed by name, not locked: run again when the source answers, give a mirror (${words},`,
    );
    if (adapter === 'action') expect(planMarkdown(p, { name })).toContain(words);
    expect(text).not.toContain('{option:');
  });

  test('a plan made with resolving off says so, naming the option to change', () => {
    const p = testPlan([group('conda', ['a'])]);
    expect(planTable(p, { name: (k) => optionName(k, 'cli') }).replace(/\n +/g, ' ')).toContain(
      'Not solved: --resolve <mode> is off, so the group is planned by name and version only and installs by name, not locked; set it to auto to solve and lock it.',
    );
    expect(planMarkdown(p, { name: (k) => optionName(k, 'action') })).toContain(
      'Not solved: the resolve input is off',
    );
  });

  test('the Markdown plan parses: the groups table with a Solved column, the legend and the images used as is', () => {
    const p = { ...bigPlan(), solverConflicts: [] };
    p.groups[0]!.resolution = {
      status: 'unverified',
      fromLock: false,
      solved: [],
      nameLevel: [],
      arches: ['amd64'],
      packages: [],
      reason: 'x',
    };
    const tokens = marked.lexer(planMarkdown(p));
    const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table');
    expect(tables[0]!.header.map((h) => h.text)).toEqual([
      'Group',
      'Family',
      'Steps',
      'Packages',
      'Est. size',
      'Content hash',
      'Solved',
    ]);
    expect(tables[0]!.rows.map((r) => r[0]!.text)).toEqual(['conda', 'conda-2', 'conda-3']);
    expect(tables[1]!.header[1]!.text).toBe('Images to build');
    const paragraphs = tokens.filter((t) => t.type === 'paragraph').map((t) => t.raw);
    expect(paragraphs.some((t) => t.startsWith('**Solved:** unverified = a channel'))).toBe(true);
    const lists = tokens.filter((t): t is Tokens.List => t.type === 'list');
    expect(lists.flatMap((l) => l.items.map((i) => i.text))).toContain(
      '<code>nvcr.io/nvidia/clara/clara-parabricks:4.6.0-1</code>: PARABRICKS\\_RNAFQ2BAM',
    );
  });
});
