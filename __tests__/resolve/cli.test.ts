/**
 * The resolve stage through the command line: `--channel-url` (and the spec's `channel-urls`)
 * point at a mirror, `plan` writes `stowage.lock` beside the spec, a rerun with the mirror gone
 * gives the same plan from it, `lock` solves again, and `--format json` says per group whether
 * it was solved.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type Io } from '../../src/cli/main.js';
import type { Plan } from '../../src/plan/types.js';
import type { FetchFn } from '../../src/resolve/types.js';
import { PLANTED, writeChannel } from '../helpers/conda-channel.js';
import { offline } from '../helpers/offline.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

// Each solve starts the solver (and npm or pip runs a process): slow on a busy 2-core runner.
jest.setTimeout(90_000);

let server: Served;
let ws: string;

const SPEC = `version: 1
name: calls
steps:
  align:
    run: samtools sort
    software: { conda: [bioconda::samtools=1.17] }
  call:
    run: bcftools call
    software: { conda: [bioconda::bcftools=1.20] }
`;

beforeAll(async () => {
  const channels = tempDir('mirror');
  writeChannel(
    path.join(channels, 'cf'),
    PLANTED.filter((r) => r.name === 'libzlib'),
  );
  writeChannel(
    path.join(channels, 'bio'),
    PLANTED.filter((r) => r.name !== 'libzlib'),
  );
  server = await serveDir(channels);
  ws = tempDir('cli-resolve');
  writeFileSync(path.join(ws, 'stowage.yml'), SPEC);
});

afterAll(() => server.close());

async function cli(args: string[], fetchFn: FetchFn = fetch) {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: ws,
    env: {},
    ...offline,
    fetch: fetchFn,
  };
  const code = await main(args, io);
  return { code, out, err };
}

const mirrors = () => [
  '--channel-url',
  `conda-forge=${server.url}/cf`,
  '--channel-url',
  `bioconda=${server.url}/bio/`,
];

const planJson = (): Plan => JSON.parse(readFileSync(path.join(ws, '.stowage/plan.json'), 'utf8'));

test('plan solves against the mirror, splits, and writes stowage.lock beside the spec', async () => {
  const { code, out, err } = await cli(['plan', ...mirrors()]);
  // No notice: the conflict was read from the channels' records, and each group solved once.
  expect([code, err]).toEqual([0, '']);
  expect(out).toContain('Wrote stowage.lock: commit it');
  const plan = planJson();
  expect(plan.groups.map((g) => [g.name, g.steps, g.resolution?.status])).toEqual([
    ['conda', ['align'], 'solved'],
    ['conda-2', ['call'], 'solved'],
  ]);
  expect(out).toMatch(
    /stowage\.yml:6:\d+: notice: Step "align" \(bioconda::samtools=1\.17\) cannot share an image with step "call"/,
  );
  const lock = readFileSync(path.join(ws, 'stowage.lock'), 'utf8');
  expect(lock).toContain(`"sources": ["${server.url}/cf","${server.url}/bio"]`);
  expect(lock).toContain(`"url":"${server.url}/bio/linux-64/samtools-1.17-h0_0.conda"`);
  expect(readFileSync(path.join(ws, '.stowage/conda/conda-amd64.lock'), 'utf8')).toContain(
    '@EXPLICIT',
  );
  // The first draft's group, answered by its records: kept, so a rerun needs no channel for it.
  expect(lock).toMatch(
    /"pairs": \[\n\s+\{"specs":\["bcftools=1\.20","samtools=1\.17"\],"explanation":"bcftools=1\.20 needs htslib 1\.20, samtools=1\.17 needs htslib 1\.17: no htslib satisfies both"\}/,
  );
});

test('a rerun with the mirror gone gives the same plan from stowage.lock, quietly', async () => {
  const before = readFileSync(path.join(ws, '.stowage/plan.json'), 'utf8');
  const lock = readFileSync(path.join(ws, 'stowage.lock'), 'utf8');
  const { code, out, err } = await cli(['plan', ...mirrors()], offline.fetch);
  expect([code, err]).toEqual([0, '']);
  expect(out).not.toContain('Wrote stowage.lock');
  const after = readFileSync(path.join(ws, '.stowage/plan.json'), 'utf8');
  expect(after.replace(/"fromLock": true/g, '"fromLock": false')).toBe(before);
  expect(readFileSync(path.join(ws, 'stowage.lock'), 'utf8')).toBe(lock);
});

test('without the lock file and the mirror: a notice, and plan --format json says unverified', async () => {
  const { code, out, err } = await cli(
    [
      'plan',
      '--format',
      'json',
      '--resolve',
      'auto',
      'stowage.yml',
      '--out-dir',
      'other',
      ...mirrors(),
    ],
    offline.fetch,
  ).then(async (r) => r);
  // The lock file still answers: the same plan.
  expect(code).toBe(0);
  expect(
    JSON.parse(out).plan.groups.map((g: { resolution: { status: string } }) => g.resolution.status),
  ).toEqual(['solved', 'solved']);
  expect(err).toBe('');
  const moved = path.join(ws, 'stowage.lock.bak');
  writeFileSync(moved, readFileSync(path.join(ws, 'stowage.lock')));
  writeFileSync(path.join(ws, 'stowage.lock'), '{"lockfileVersion": 1, "solves": {}}\n');
  const cold = await cli(
    ['plan', '--format', 'json', '--out-dir', 'other', ...mirrors()],
    offline.fetch,
  );
  expect(cold.code).toBe(0);
  const doc = JSON.parse(cold.out);
  expect(
    doc.plan.groups.map((g: { name: string; resolution: { status: string } }) => [
      g.name,
      g.resolution.status,
    ]),
  ).toEqual([['conda', 'unverified']]);
  expect(doc.notices).toHaveLength(1);
  expect(cold.err).toMatch(
    /^stowage: notice: Not solved: http:\/\/127\.0\.0\.1:\d+ cannot be reached \(the connection failed, or no answer came within \d+ s\)\./,
  );
  writeFileSync(path.join(ws, 'stowage.lock'), readFileSync(moved));
});

test('the spec can name the mirror; stowage lock solves again', async () => {
  writeFileSync(
    path.join(ws, 'stowage.yml'),
    `${SPEC}containers:\n  channel-urls:\n    conda-forge: ${server.url}/cf\n    bioconda: ${server.url}/bio\n`,
  );
  const calls: string[] = [];
  const realFetch = fetch; // not the global at call time: the solver swaps it during a solve
  const counting: FetchFn = (input, init) => {
    calls.push(String(input instanceof Request ? input.url : input));
    return realFetch(input, init);
  };
  const { code, err } = await cli(['lock'], counting);
  expect(code).toBe(0);
  expect(err).toBe('');
  expect(calls.some((u) => u.endsWith('/bio/linux-64/repodata.json'))).toBe(true);
  expect(
    planJson().groups.every((g) => g.resolution?.status === 'solved' && !g.resolution.fromLock),
  ).toBe(true);
  expect(existsSync(path.join(ws, 'stowage.lock'))).toBe(true);
});

test('bad mirror options are usage errors', async () => {
  expect((await cli(['plan', '--channel-url', 'conda-forge'])).err).toContain(
    '--channel-url takes NAME=URL',
  );
  expect((await cli(['plan', '--resolve', 'sometimes'])).err).toContain(
    '--resolve is "sometimes"; expected one of: auto, update, offline, off',
  );
  expect((await cli(['plan', '--platform', 'linux/s390x'])).err).toContain(
    'solved and locked for linux/amd64 and linux/arm64 only',
  );
});
