/**
 * zstd as the gateway reads it (zstd.ts): Node's zlib where this Node has it, else fzstd — the
 * same bytes back from what the `zstd` command writes and from raw blocks, and a clear error for
 * bytes that are not zstd.
 */
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { frameContentSize, unzstd } from '../../src/resolve/zstd.js';
import { zstd } from '../helpers/conda-channel.js';

test('what zstd wrote comes back byte for byte', () => {
  const text = Buffer.from(JSON.stringify({ packages: { a: { name: 'a', depends: ['b >=1'] } } }));
  for (const input of [
    text,
    Buffer.concat(Array.from({ length: 3000 }, () => text)),
    randomBytes(300_000),
  ])
    expect(Buffer.from(unzstd(zstd(input))).equals(input)).toBe(true);
});

test('bytes that are not zstd are refused', () => {
  expect(() => unzstd(Buffer.from('{"not": "zstd"}'))).toThrow();
});

test("a frame's header says its content size when zstd knew it", () => {
  for (const n of [0, 200, 70_000, 3_000_000]) {
    const input = Buffer.alloc(n, 'x');
    const known = spawnSync('zstd', ['-q', '-c', `--stream-size=${n}`], { input });
    expect(known.status).toBe(0);
    expect(frameContentSize(known.stdout)).toBe(n);
    expect(Buffer.from(unzstd(known.stdout)).equals(input)).toBe(true);
    // From a pipe, zstd does not know the size: the header says nothing.
    const piped = spawnSync('zstd', ['-q', '-c'], { input });
    expect(frameContentSize(piped.stdout)).toBe(n === 0 ? 0 : undefined);
  }
  expect(frameContentSize(Buffer.from('not zstd at all'))).toBeUndefined();
});
