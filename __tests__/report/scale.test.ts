/**
 * Reports stay linear in the size of the workflow: each test runs at a size where the old
 * quadratic code took tens of seconds, against a budget the linear code meets many times over.
 */
import type { Finding } from '../../src/common/findings.js';
import { findingsByStep } from '../../src/report/mermaid.js';
import { capMarkdown, summaryMarkdown, SUMMARY_MAX_BYTES } from '../../src/report/summary.js';
import { formatText } from '../../src/report/text.js';
import { finding, step, workflow } from './helpers.js';

const seconds = (fn: () => void): number => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};

test('text output of 20,000 findings in a 20,000-line file reads each file once', () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `  s${i}: { run: echo ${i} }`);
  const sources = new Map([['stowage.yml', lines.join('\n')]]);
  const findings: Finding[] = lines.map((_, i) =>
    finding({ span: { line: i + 1, column: 3, endLine: i + 1, endColumn: 5 } }),
  );
  let text = '';
  // Splitting the file per finding took ~20 s here.
  expect(seconds(() => (text = formatText(findings, { sources })))).toBeLessThan(5);
  expect(text).toContain(' 20000 |   s19999: { run: echo 19999 }');
});

test('findings are placed in 20,000 steps without comparing every finding with every step', () => {
  const n = 20_000;
  const steps = Array.from({ length: n }, (_, i) => step(`s${i}`));
  // Step i's key is on line 2i+1 and its body on line 2i+2.
  const source = {
    locate: (path: readonly (string | number)[], part: 'key' | 'value' = 'value') => {
      const i = Number(String(path[1]).slice(1));
      const line = part === 'key' ? 2 * i + 1 : 2 * i + 2;
      return { file: 'stowage.yml', span: { line, column: 3, endLine: line, endColumn: 20 } };
    },
    lineText: () => undefined,
    files: () => new Map<string, string>(),
  };
  const wf = workflow({ steps, source });
  const findings = steps.map((_, i) =>
    finding({
      severity: i % 2 ? 'warning' : 'error',
      span: { line: 2 * i + 2, column: 5, endLine: 2 * i + 2, endColumn: 6 },
    }),
  );
  let placed = new Map();
  expect(seconds(() => (placed = findingsByStep(wf, findings)))).toBeLessThan(5);
  expect(placed.size).toBe(n);
  expect(placed.get('s7')).toEqual({
    severity: 'warning',
    counts: { error: 0, warning: 1, notice: 0 },
  });
});

test('a summary of 100,000 steps names the size, not a diagram, and fits GitHub’s limit', () => {
  const steps = Array.from({ length: 100_000 }, (_, i) =>
    step(`s${i}`, { inputs: i ? [`s${i - 1}.out`] : [] }),
  );
  const wf = workflow({ steps });
  let md = '';
  expect(seconds(() => (md = summaryMarkdown({ workflow: wf, findings: [] })))).toBeLessThan(5);
  expect(md).toContain('too large for GitHub to draw');
  expect(md).not.toContain('```mermaid');
});

test('capMarkdown cuts at a line under the limit and says where the rest is', () => {
  const long = Array.from({ length: 50_000 }, (_, i) => `| s${i} | 🌊 row ${i} |`).join('\n');
  const cut = capMarkdown(long, SUMMARY_MAX_BYTES, 'the full plan is in .stowage/plan.json');
  expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
  expect(cut).toMatch(
    /\| s\d+ \| 🌊 row \d+ \|\n\n…\(cut to stay within GitHub's 1 MiB job summary limit: the full plan is in \.stowage\/plan\.json\)\n$/,
  );
  expect(capMarkdown('short', 100, 'x')).toBe('short');
});
