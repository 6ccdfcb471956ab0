/**
 * zstd as the gateway reads it (zstd.ts): Node's zlib where this Node has it, else fzstd — the
 * same bytes back from what the `zstd` command writes and from raw blocks, and a clear error for
 * bytes that are not zstd.
 */
import { expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { unzstd } from '../../src/resolve/zstd.js';
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
