/**
 * How the run's network reads a body (network.ts): into one buffer of the announced length, and
 * still exactly what was sent when the length announced is wrong or absent.
 */
import { describe, expect, test } from '@jest/globals';
import { Network } from '../../src/resolve/network.js';
import type { FetchFn } from '../../src/resolve/types.js';

/** A body sent in chunks of 1,000 bytes, with the headers given. */
function answering(body: Uint8Array, headers: Record<string, string>): FetchFn {
  return async () => {
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= body.length) controller.close();
        else controller.enqueue(body.slice(at, (at += 1000)));
      },
    });
    return new Response(stream, { status: 200, headers });
  };
}

describe('a body as it was sent', () => {
  const body = new Uint8Array(10_500).map((_, i) => i % 251);
  test.each<[string, Record<string, string>]>([
    ['the length announced', { 'content-length': '10500' }],
    ['less announced than sent', { 'content-length': '3000' }],
    ['more announced than sent', { 'content-length': '20000' }],
    ['no length', {}],
    [
      "an encoding (the length is not the body's)",
      { 'content-length': '10', 'content-encoding': 'identity' },
    ],
  ])('%s', async (_, headers) => {
    const network = new Network(answering(body, headers));
    const got = await network.get('http://127.0.0.1:9/repodata.json');
    expect(Buffer.from(got.body).equals(Buffer.from(body))).toBe(true);
    expect(network.bytesFetched).toBe(body.length);
    expect(got.headers.some(([k]) => k === 'content-length')).toBe(false);
  });
});
