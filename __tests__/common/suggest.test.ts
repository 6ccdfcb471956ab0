/**
 * "Did you mean" through an index: the same answer as comparing every name (while the work caps
 * are not reached), and a bounded amount of work when a spec misspells thousands of names.
 */
import fc from 'fast-check';
import {
  closest,
  editDistance,
  NameIndex,
  SuggestionBudget,
  WORK_PER_BUDGET,
} from '../../src/common/suggest.js';

/** The answer by comparing every candidate: the closest within a third of the word, else a name it starts. */
function everyPair(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))) return best;
  return lower.length >= 4 ? candidates.find((c) => c.toLowerCase().startsWith(lower)) : undefined;
}

describe('editDistance', () => {
  it.each([
    ['run', 'run', 0],
    ['rnu', 'run', 1],
    ['align', 'algn', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops at the bound: anything farther is bound + 1', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('abcdefgh', 'a', 2)).toBe(3);
  });

  it('within the bound, gives the exact distance', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 8 });
    fc.assert(
      fc.property(word, word, fc.nat(4), (a, b, max) => {
        const exact = editDistance(a, b);
        expect(editDistance(a, b, max)).toBe(exact <= max ? exact : max + 1);
      }),
    );
  });
});

describe('NameIndex', () => {
  it('answers as comparing every name does', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '.', '-'), maxLength: 9 });
    fc.assert(
      fc.property(fc.array(name, { maxLength: 30 }), name, (candidates, word) => {
        expect(new NameIndex(candidates).closest(word)).toBe(everyPair(word, candidates));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['rnu', ['run', 'rename'], 'run'],
    ['read', ['inputs', 'reads'], 'reads'],
    ['manual-minutes', ['manual-minutes-per-run', 'runs-per-year'], 'manual-minutes-per-run'],
    ['zzz', ['run', 'reads'], undefined],
  ])('%s among %j → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('of equally close names, suggests the first given', () => {
    expect(closest('ab', ['xb', 'ax', 'ay'])).toBe('xb');
    expect(closest('step1', ['step3', 'step2'])).toBe('step3');
  });

  it('suggests nothing once its budget is spent, however many names it holds', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `s${i}.out`);
    const budget = new SuggestionBudget();
    const index = new NameIndex(names, budget);
    // Each misspelling near thousands of names of its length costs a lookup's whole share.
    const answers = Array.from({ length: 2_000 }, (_, i) => index.closest(`t${i}.out`));
    expect(answers[0]).toBe('s0.out');
    expect(answers.at(-1)).toBeUndefined();
    expect(budget.take(WORK_PER_BUDGET)).toBe(false);
  });

  it('finds a name of another case, or one the word begins, among 60,000 at once', () => {
    const names = Array.from({ length: 60_000 }, (_, i) => `step-${i}.result`);
    const index = new NameIndex([...names, 'manual-minutes-per-run']);
    expect(index.closest('STEP-59999.RESULT')).toBe('step-59999.result');
    expect(index.closest('manual-minutes')).toBe('manual-minutes-per-run');
  });
});
