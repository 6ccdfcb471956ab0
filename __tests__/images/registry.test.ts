import { afterEach, describe, expect, test } from '@jest/globals';
import {
  parseChallenge,
  parseRetryAfter,
  RegistryClient,
  type RegistryOptions,
} from '../../src/images/registry.js';
import { closedPort } from '../helpers/ports.js';
import { FakeRegistry, sha256 } from './fake-registry.js';

const registries: FakeRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.stop()));
});

async function fake(
  opts: ConstructorParameters<typeof FakeRegistry>[0] = {},
): Promise<FakeRegistry> {
  const r = await new FakeRegistry(opts).start();
  registries.push(r);
  return r;
}

/** A client that records its backoff delays instead of sleeping. */
function clientFor(
  reg: FakeRegistry,
  options: RegistryOptions = {},
): { client: RegistryClient; delays: number[]; retries: string[] } {
  const delays: number[] = [];
  const retries: string[] = [];
  const client = new RegistryClient(reg.host, {
    sleep: async (ms) => {
      delays.push(ms);
    },
    onRetry: (m) => retries.push(m),
    ...options,
  });
  return { client, delays, retries };
}

describe('parseChallenge', () => {
  test.each([
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/x:pull"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://ghcr.io/token',
          service: 'ghcr.io',
          scope: 'repository:acme/x:pull',
        },
      },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    [
      'Bearer realm=https://a/token,service=a',
      { scheme: 'bearer', params: { realm: 'https://a/token', service: 'a' } },
    ],
  ])('%s', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });
  test('no header', () => expect(parseChallenge(null)).toBeUndefined());
});

describe('parseRetryAfter', () => {
  test.each([
    ['3', 3000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBe(ms);
  });
});

describe('manifests', () => {
  test('HEAD finds a tag, misses an absent one, and GET reads the same digest', async () => {
    const reg = await fake();
    const digest = reg.addImage('demo/tools', 'hash-1');
    const { client } = clientFor(reg);
    expect((await client.headManifest('demo/tools', 'hash-1'))?.digest).toBe(digest);
    expect(await client.headManifest('demo/tools', 'nope')).toBeUndefined();
    expect(await client.headManifest('demo/absent-repo', 'hash-1')).toBeUndefined();
    expect((await client.getManifest('demo/tools', 'hash-1'))?.digest).toBe(digest);
  });

  test('addTags copies the manifest under new tags without touching blobs', async () => {
    const reg = await fake();
    const digest = reg.addImage('demo/tools', 'hash-1');
    const { client } = clientFor(reg);
    expect(await client.addTags('demo/tools', 'hash-1', ['latest', 'sha-abc1234'])).toBe(digest);
    expect(reg.tags.get('demo/tools:latest')).toBe(digest);
    expect(reg.tags.get('demo/tools:sha-abc1234')).toBe(digest);
    expect(reg.requests.filter((r) => r.url.includes('/blobs/'))).toEqual([]);
    expect(reg.requests.map((r) => r.method)).toEqual(['GET', 'PUT', 'PUT']);
    // By digest, the manifest comes from the client's cache: PUTs only.
    await client.addTags('demo/tools', digest, ['stable']);
    expect(reg.requests.slice(3).map((r) => r.method)).toEqual(['PUT']);
    expect(await client.listTags('demo/tools')).toEqual([
      'hash-1',
      'latest',
      'sha-abc1234',
      'stable',
    ]);
  });

  test('addTags of a missing source says so', async () => {
    const reg = await fake();
    const { client } = clientFor(reg);
    await expect(client.addTags('demo/tools', 'hash-x', ['latest'])).rejects.toThrow(
      /does not exist/,
    );
  });

  test('imageInfo reads labels and sums config and layer sizes', async () => {
    const reg = await fake();
    reg.addImage('demo/tools', 't', { 'io.stowage.group': 'tools' }, 5000);
    const { client } = clientFor(reg);
    const info = await client.imageInfo('demo/tools', 't');
    expect(info?.labels).toEqual({ 'io.stowage.group': 'tools' });
    expect(info?.size).toBeGreaterThan(5000);
    expect(info?.size).toBeLessThan(5200);
  });

  test('imageInfo of an index takes linux/amd64 and reports the index digest', async () => {
    const reg = await fake();
    const arm = reg.addImage('demo/multi', 'arm', { arch: 'arm64' }, 10);
    const amd = reg.addImage('demo/multi', 'amd', { arch: 'amd64' }, 20);
    const index = reg.addIndex('demo/multi', 'v1', [
      { digest: arm, os: 'linux', architecture: 'arm64' },
      { digest: amd, os: 'linux', architecture: 'amd64' },
    ]);
    const { client } = clientFor(reg);
    const info = await client.imageInfo('demo/multi', 'v1');
    expect(info?.digest).toBe(index);
    expect(info?.labels).toEqual({ arch: 'amd64' });
    // Retagging an index copies the index.
    await client.addTags('demo/multi', 'v1', ['latest']);
    expect(reg.tags.get('demo/multi:latest')).toBe(index);
  });

  test('invalid refs are refused before any request', async () => {
    const reg = await fake();
    const { client } = clientFor(reg);
    await expect(client.headManifest('demo/tools', '../etc')).rejects.toThrow(
      /neither a valid tag/,
    );
    await expect(client.getBlob('demo/tools', 'sha256:xyz')).rejects.toThrow(/not a sha256 digest/);
    expect(reg.requests).toEqual([]);
  });
});

describe('auth', () => {
  test('bearer: follows the challenge, asks the token service with basic credentials and the right scope', async () => {
    const reg = await fake({ auth: 'bearer', username: 'u', password: 'p' });
    const digest = reg.addImage('demo/tools', 'hash-1');
    const { client } = clientFor(reg, { credentials: { username: 'u', password: 'p' } });
    expect((await client.headManifest('demo/tools', 'hash-1'))?.digest).toBe(digest);
    await client.addTags('demo/tools', 'hash-1', ['latest']);
    expect(reg.tags.get('demo/tools:latest')).toBe(digest);
    const scopes = reg.tokenRequests.map((q) => new URLSearchParams(q).get('scope'));
    expect(scopes).toEqual(['repository:demo/tools:pull', 'repository:demo/tools:pull,push']);
    expect(new URLSearchParams(reg.tokenRequests[0]).get('service')).toBe('fake-registry');
  });

  test('bearer: wrong credentials give a message naming the user, never the password', async () => {
    const reg = await fake({ auth: 'bearer', username: 'u', password: 'right' });
    const { client } = clientFor(reg, {
      credentials: { username: 'u', password: 'hunter2-secret' },
    });
    const err = await client.headManifest('demo/tools', 'x').catch((e: Error) => e);
    expect(String(err)).toMatch(/refused the credentials of "u".*check the username and password/);
    expect(String(err)).not.toContain('hunter2-secret');
  });

  test('bearer: read-only credentials get a 403 message that says to grant write access', async () => {
    const reg = await fake({
      auth: 'bearer',
      username: 'u',
      password: 'p',
      readOnly: ['demo/tools'],
    });
    reg.addImage('demo/tools', 'hash-1');
    const { client } = clientFor(reg, { credentials: { username: 'u', password: 'p' } });
    await expect(client.addTags('demo/tools', 'hash-1', ['latest'])).rejects.toThrow(
      /denied pushing to demo\/tools \(403\).*write access/,
    );
  });

  test('basic: sends the credentials after the challenge; without credentials says to set them', async () => {
    const reg = await fake({ auth: 'basic', username: 'u', password: 'p' });
    const digest = reg.addImage('demo/tools', 'hash-1');
    const ok = clientFor(reg, { credentials: { username: 'u', password: 'p' } }).client;
    expect((await ok.headManifest('demo/tools', 'hash-1'))?.digest).toBe(digest);
    const anonymous = clientFor(reg).client;
    await expect(anonymous.headManifest('demo/tools', 'hash-1')).rejects.toThrow(
      /needs a login.*username and password/,
    );
    const wrong = clientFor(reg, { credentials: { username: 'u', password: 'bad' } }).client;
    await expect(wrong.headManifest('demo/tools', 'hash-1')).rejects.toThrow(
      /refused the credentials of "u"/,
    );
  });
});

describe('retries', () => {
  test.each([
    ['5xx', [{ status: 502 }, { status: 503 }]],
    ['408 and 500', [{ status: 408 }, { status: 500 }]],
    ['connection resets', [{ reset: true as const }, { reset: true as const }]],
  ])('transient %s are retried with growing backoff', async (_name, faults) => {
    const reg = await fake();
    const digest = reg.addImage('demo/tools', 'hash-1');
    reg.faults = [...faults];
    const { client, delays, retries } = clientFor(reg, { backoffMs: 100 });
    expect((await client.headManifest('demo/tools', 'hash-1'))?.digest).toBe(digest);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
    expect(retries[0]).toMatch(/retry 1\/5/);
  });

  test('a refused connection (nothing listens) fails at once, without retries', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const { client, delays } = clientFor({ host } as FakeRegistry);
    await expect(client.headManifest('demo/tools', 'hash-1')).rejects.toThrow(
      /connect ECONNREFUSED 127\.0\.0\.1:\d+ \(nothing listens there: is the registry running\?\)/,
    );
    expect(delays).toEqual([]);
  });

  test('429 waits as long as Retry-After says, capped by maxBackoffMs', async () => {
    const reg = await fake();
    reg.addImage('demo/tools', 'hash-1');
    reg.faults = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'retry-after': '120' } },
    ];
    const { client, delays } = clientFor(reg, { maxBackoffMs: 30_000 });
    await client.headManifest('demo/tools', 'hash-1');
    expect(delays).toEqual([2000, 30_000]);
  });

  test('gives up after the bounded number of attempts with the last status', async () => {
    const reg = await fake();
    reg.faults = Array.from({ length: 10 }, () => ({ status: 503 }));
    const { client, delays } = clientFor(reg, { retries: 3, backoffMs: 10, maxBackoffMs: 40 });
    await expect(client.getManifest('demo/tools', 'x')).rejects.toThrow(/failed with 503/);
    expect(delays).toHaveLength(3);
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
    expect(reg.requests).toHaveLength(4);
  });

  test('permanent errors are not retried', async () => {
    const reg = await fake();
    reg.faults = [{ status: 400 }];
    const { client, delays } = clientFor(reg);
    await expect(client.getManifest('demo/tools', 'x')).rejects.toThrow(/failed with 400/);
    expect(delays).toEqual([]);
  });

  test('a blob whose bytes do not match its digest is rejected', async () => {
    const reg = await fake();
    const digest = sha256('real');
    reg.blobs.set(digest, Buffer.from('tampered'));
    const { client } = clientFor(reg);
    await expect(client.getBlob('demo/tools', digest)).rejects.toThrow(/does not match its digest/);
  });
});
