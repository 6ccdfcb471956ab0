/** `pool` (src/common/pool.ts): at most `limit` at once, results in order, nothing left running. */
import { expect, test } from '@jest/globals';
import { pool } from '../../src/common/pool.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

test('at most `limit` at once, results in input order', async () => {
  let running = 0;
  let most = 0;
  const out = await pool([5, 1, 4, 2, 3], 2, async (n, i) => {
    most = Math.max(most, ++running);
    for (let k = 0; k < n; k++) await tick();
    running--;
    return `${i}:${n}`;
  });
  expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
  expect(most).toBe(2);
  expect(await pool([], 4, async () => 1)).toEqual([]);
});

test('after a failure no task starts, those running end, then the failure is thrown', async () => {
  const started: number[] = [];
  const ended: number[] = [];
  const run = pool([0, 1, 2, 3, 4, 5], 2, async (n) => {
    started.push(n);
    if (n === 1) throw new Error('task 1 failed');
    for (let k = 0; k < 3; k++) await tick();
    ended.push(n);
    return n;
  });
  await expect(run).rejects.toThrow('task 1 failed');
  expect(started).toEqual([0, 1]);
  expect(ended).toEqual([0]);
});
