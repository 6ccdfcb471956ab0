import { marked } from 'marked';
import type { Finding } from '../../src/common/findings.js';
import { selectAnnotations } from '../../src/report/annotations.js';
import { markdownMessage, markdownText } from '../../src/common/escape/markdown.js';
import { lineUrl, summaryMarkdown } from '../../src/report/summary.js';
import { optionName } from '../../src/app/options.js';
import { testGroup, testPlan } from '../helpers/plans.js';
import { finding, step, workflow } from './helpers.js';
import { parseMermaid, stopMermaid } from './mermaid-parse.js';

afterAll(stopMermaid);

const repoUrl = 'https://github.com/acme/flood';
const sha = '0123456789abcdef0123456789abcdef01234567';

/** The table rows of the first findings table, as rendered HTML cells. */
function renderedRows(markdown: string): string[][] {
  const html = marked.parse(markdown, { async: false, gfm: true });
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!),
  );
}

function mermaidBlock(markdown: string): string | undefined {
  return /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
}

const flood = workflow({
  name: 'coastal-flood-model',
  inputs: [{ name: 'reanalysis' }],
  outputs: [{ name: 'maps', step: 'plot', output: 'maps' }],
  steps: [
    step('regrid', { inputs: ['reanalysis'], outputs: { grid: 'g' } }),
    step('plot', { inputs: ['regrid.grid'], outputs: { maps: 'm' } }),
  ],
});

describe('summaryMarkdown', () => {
  it('says so when there is nothing to report, and still draws the workflow', async () => {
    const md = summaryMarkdown({ workflow: flood, findings: [] });
    expect(md).toContain('## Stowage: coastal-flood-model');
    expect(md).toContain('No findings.');
    expect(md).not.toContain('| Severity |');
    expect(md).not.toContain('not annotated');
    await parseMermaid(mermaidBlock(md)!);
  });

  it('counts findings by severity, the worst level in bold', () => {
    const md = summaryMarkdown({
      findings: [
        finding({ severity: 'warning' }),
        finding({ severity: 'warning' }),
        finding({ severity: 'notice' }),
      ],
    });
    expect(md).toContain('0 errors · **2 warnings** · 1 notice');
  });

  it('lists findings most severe first, linking rule docs and exact lines', () => {
    const md = summaryMarkdown({
      findings: [
        finding({
          severity: 'notice',
          rule: 'STW203',
          name: 'missing-duration',
          message: 'Add a duration.',
        }),
        finding({ span: { line: 7, column: 9, endLine: 9, endColumn: 2 } }),
      ],
      repoUrl,
      sha,
    });
    expect(md).toContain(
      `| ❌ error | [STW101 unknown-reference](https://github.com/stowage-dev/stowage/blob/main/docs/rules/STW101.md) | [stowage.yml:7:9](${repoUrl}/blob/${sha}/stowage.yml#L7-L9) |`,
    );
    const rows = renderedRows(md);
    expect(rows.map((r) => r[0])).toEqual(['❌ error', 'ℹ️ notice']);
    expect(rows[1]![2]).toBe(
      `<a href="${repoUrl}/blob/${sha}/stowage.yml#L3-L3">stowage.yml:3:5</a>`,
    );
    expect(rows[1]![3]).toBe('Add a duration.');
  });

  it('shows locations without links when the repository or commit is unknown', () => {
    for (const options of [{}, { repoUrl }, { sha }, { repoUrl: 'javascript:alert(1)', sha }]) {
      const md = summaryMarkdown({ findings: [finding()], ...options });
      expect(renderedRows(md)[0]![2]).toBe('stowage.yml:3:5');
    }
  });

  it.each([
    ['a pipe', 'a | b', 'a | b'],
    ['HTML', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    // "click" never becomes link text, and the URL is shown as code, not autolinked.
    ['a link', '[click](https://evil.example)', '[click](<code>https&#58;//evil.example</code>)'],
    ['a bare URL', 'see www.evil.example.', 'see <code>www&#46;evil.example</code>.'],
    ['a mention', 'ask @octocat', 'ask &#64;octocat'],
    ['emphasis', '*not bold* _nor this_', '*not bold* _nor this_'],
    ['a line break', 'one\ntwo', 'one<br>two'],
    ['code', 'run `pip install x|y`', 'run <code>pip install x|y</code>'],
    ['code holding HTML', '`<b>` and `*x*`', '<code>&lt;b&gt;</code> and <code>*x*</code>'],
    ['an unpaired backtick', 'a ` b', 'a ` b'],
  ])('keeps a message with %s inside its cell, inert', (_, message, renderedCell) => {
    const md = summaryMarkdown({ findings: [finding({ message, file: 'a|b.yml' })], repoUrl, sha });
    const rows = renderedRows(md);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveLength(4);
    expect(rows[0]![3]).toBe(renderedCell);
    expect(rows[0]![2]).toContain('a%7Cb.yml#L3-L3');
  });

  it('says how many findings got no annotation and lists them', () => {
    const findings: Finding[] = Array.from({ length: 13 }, (_, i) =>
      finding({ span: { line: i + 1, endLine: i + 1 } }),
    );
    const { omitted } = selectAnnotations(findings);
    const md = summaryMarkdown({ findings, omittedFromAnnotations: omitted, repoUrl, sha });
    expect(md).toContain('3 findings were not annotated (GitHub shows 10 per level).');
    const details =
      /<details><summary>Not annotated \(3\)<\/summary>([\s\S]*?)<\/details>/.exec(md)?.[1] ?? '';
    expect(details.match(/#L1[123]-L1[123]/g)).toEqual(['#L11-L11', '#L12-L12', '#L13-L13']);

    const one = summaryMarkdown({ findings, omittedFromAnnotations: omitted.slice(0, 1) });
    expect(one).toContain('1 finding was not annotated (GitHub shows 10 per level).');
  });

  it('caps long tables and counts the rest', () => {
    const findings = Array.from({ length: 7 }, () => finding());
    const md = summaryMarkdown({ findings, maxRows: 5 });
    expect(renderedRows(md)).toHaveLength(5);
    expect(md).toContain('…and 2 more (see the log or the SARIF file).');
  });

  it('embeds the Mermaid diagram with steps boxed by plan group, and the plan section', async () => {
    const md = summaryMarkdown({
      workflow: flood,
      findings: [],
      plan: {
        version: 1,
        workflow: 'coastal-flood-model',
        context: '.',
        groups: [
          {
            name: 'python',
            family: 'python',
            gpu: false,
            pinned: false,
            steps: ['regrid', 'plot'],
            runtimes: {},
            packages: [],
            baseImage: 'python:3.12-slim',
            estimatedSize: 1,
            generated: {},
            contextFiles: [],
            commands: {},
            contentHash: 'h',
          },
        ],
        external: [],
        unplanned: [],
        lowerBound: 1,
        lowerBoundByKind: [{ kind: 'python', bound: 1 }],
        baselines: {
          perStep: { images: 2, estimatedTotalSize: 2, conflicts: 0 },
          monolith: { images: 1, estimatedTotalSize: 1, conflicts: 0 },
        },
      },
      planMarkdown: '| group | steps |\n| --- | --- |\n| python | regrid, plot |\n',
    });
    const diagram = mermaidBlock(md)!;
    expect(diagram).toContain('subgraph group_0["python"]');
    await parseMermaid(diagram);
    expect(md.indexOf('### Workflow')).toBeLessThan(md.indexOf('### Stowage plan'));
    expect(md).toContain('### Stowage plan\n\n| group | steps |');
  });

  it('leaves the diagram out when the workflow is too large for GitHub to draw', () => {
    const steps = Array.from({ length: 600 }, (_, i) =>
      step(`s${i}`, { inputs: i === 0 ? [] : [`s${i - 1}.out`], outputs: { out: `o${i}` } }),
    );
    const md = summaryMarkdown({ workflow: workflow({ steps }), findings: [] });
    expect(md).not.toContain('```mermaid');
    expect(md).toContain(
      'The workflow has 600 steps and 599 connections: too large for GitHub to draw',
    );
  });

  it.each<[string, 'auto' | 'steps', string | undefined]>([
    ['by group, with a caption naming the input', 'auto', 'set the diagram input to `steps`'],
    ['per step on request: too large then', 'steps', undefined],
  ])('600 planned steps are drawn %s', async (_, diagram, caption) => {
    const steps = Array.from({ length: 600 }, (_, i) =>
      step(`s${i}`, { inputs: i === 0 ? [] : [`s${i - 1}.out`], outputs: { out: `o${i}` } }),
    );
    const plan = testPlan([
      testGroup(
        'python',
        steps.slice(0, 300).map((s) => s.id),
      ),
      testGroup(
        'python-2',
        steps.slice(300).map((s) => s.id),
      ),
    ]);
    const md = summaryMarkdown({
      workflow: workflow({ steps }),
      findings: [],
      plan,
      diagram,
      name: (key) => optionName(key, 'action'),
    });
    const block = mermaidBlock(md);
    if (caption === undefined) {
      expect(block).toBeUndefined();
      expect(md).toContain('too large for GitHub to draw');
      return;
    }
    expect(block).toContain('group_0["python<br/>300 steps"]');
    expect(block).toContain('group_0 --> group_1');
    await parseMermaid(block!);
    expect(md).toContain(
      `A node per container group and per image used as is, with its number of steps (600 steps in all); ${caption} for a box per step.`,
    );
  });

  it('escapes the workflow name in the heading', () => {
    expect(
      summaryMarkdown({ workflow: workflow({ name: '<b>x</b> #1' }), findings: [] }),
    ).toContain('## Stowage: &lt;b&gt;x&lt;/b&gt; \\#1');
  });
});

describe('lineUrl', () => {
  it.each([
    [{ file: 'stowage.yml' }, `${repoUrl}/blob/${sha}/stowage.yml#L3-L3`],
    [{ file: './flows/a b.yml' }, `${repoUrl}/blob/${sha}/flows/a%20b.yml#L3-L3`],
    [{ file: 'x.yml', span: { line: 4, endLine: 8 } }, `${repoUrl}/blob/${sha}/x.yml#L4-L8`],
    [{ file: 'x#y?.yml' }, `${repoUrl}/blob/${sha}/x%23y%3F.yml#L3-L3`],
  ])('%j → %s', (overrides, expected) => {
    expect(lineUrl(finding(overrides), repoUrl, sha)).toBe(expected);
    expect(lineUrl(finding(overrides), `${repoUrl}/`, sha)).toBe(expected);
  });

  it('needs an http(s) repository URL and a commit', () => {
    expect(lineUrl(finding(), undefined, sha)).toBeUndefined();
    expect(lineUrl(finding(), repoUrl, undefined)).toBeUndefined();
    expect(lineUrl(finding(), 'file:///etc', sha)).toBeUndefined();
  });
});

describe('markdownMessage', () => {
  it.each([
    ['Set `duration:`.', 'Set <code>duration:</code>.'],
    ['`a|b` and `c`', '<code>a\\|b</code> and <code>c</code>'],
    ['one ` two', 'one \\` two'],
    ['``', '\\`\\`'],
    ['see https://evil.example/x now', 'see <code>https&#58;//evil.example/x</code> now'],
    ['www.evil.example', '<code>www&#46;evil.example</code>'],
    ['mail a@b.example', 'mail <code>a&#64;b.example</code>'],
  ])('%j → %j', (input, expected) => {
    expect(markdownMessage(input)).toBe(expected);
  });
});

describe('markdownText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a|b', 'a\\|b'],
    ['<x> & y', '&lt;x&gt; &amp; y'],
    ['@team', '&#64;team'],
    ['#12', '\\#12'],
    ['a\r\nb', 'a<br>b'],
    ['https://x.example', 'https&#58;//x.example'],
    ['##[error]x', '\\#\\\\x23\\[error\\]x'],
  ])('%j → %j', (input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });
});
