/**
 * npm groups resolved by npm itself (`npm install --package-lock-only`) against a registry of
 * package documents served on 127.0.0.1: the lock npm writes is the group's lock, and the
 * Dockerfile runs `npm ci` from it.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../src/host/process.js';
import { resolvePlan, type ResolveSettings } from '../../src/resolve/resolve.js';
import { LockStore } from '../../src/resolve/store.js';
import { loadSpecText } from '../../src/workflow/load.js';
import { serveDir, type Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

// Each solve starts the solver (and npm or pip runs a process): slow on a busy 2-core runner.
jest.setTimeout(90_000);

let server: Served;
let settings: ResolveSettings;

/** A package document as the registry serves it (`GET /<name>`). */
function packument(
  registry: string,
  name: string,
  versions: Record<string, Record<string, string>>,
) {
  const entries = Object.entries(versions).map(([version, dependencies]) => {
    const integrity = `sha512-${createHash('sha512').update(`${name}@${version}`).digest('base64')}`;
    const tarball = `${registry}/${name}/-/${name}-${version}.tgz`;
    return [version, { name, version, dependencies, dist: { tarball, integrity } }];
  });
  const latest = Object.keys(versions).at(-1)!;
  return { name, 'dist-tags': { latest }, versions: Object.fromEntries(entries) };
}

beforeAll(async () => {
  const root = tempDir('npm-registry');
  mkdirSync(path.join(root, 'npm'));
  server = await serveDir(root, 'application/json');
  const registry = `${server.url}/npm`;
  writeFileSync(
    path.join(root, 'npm', 'wordy'),
    JSON.stringify(packument(registry, 'wordy', { '1.0.0': { tally: '^2.0.0' } })),
  );
  writeFileSync(
    path.join(root, 'npm', 'tally'),
    JSON.stringify(packument(registry, 'tally', { '2.0.0': {}, '2.1.0': {} })),
  );
  settings = {
    mode: 'auto',
    channelUrls: {},
    pipIndexUrl: `${server.url}/simple`,
    npmRegistry: registry,
    arches: ['amd64'],
    python: 'python3',
    npm: 'npm',
  };
});

afterAll(() => server.close());

const workflowOf = (npm: string) => {
  const text = `version: 1\nname: js\nsteps:\n  count:\n    run: wordy\n    software: { npm: ['${npm}'] }\n`;
  return loadSpecText(text, 'stowage.yml').workflow!;
};

test('npm locks the group, transitive packages included, and the Dockerfile runs npm ci', async () => {
  const result = await resolvePlan(workflowOf('wordy@1.0.0'), {}, settings, new LockStore(), {
    fetch,
    run: runProcess,
  });
  const g = result.plan.groups[0]!;
  expect(g.resolution).toMatchObject({ status: 'solved', solved: ['npm'] });
  expect(g.resolution!.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
    'tally@2.1.0',
    'wordy@1.0.0',
  ]);
  expect(g.resolution!.packages[1]).toMatchObject({
    url: `${settings.npmRegistry}/wordy/-/wordy-1.0.0.tgz`,
    integrity: expect.stringMatching(/^sha512-/),
  });
  expect(JSON.parse(g.generated['package-lock.json']!).packages['node_modules/tally'].version).toBe(
    '2.1.0',
  );
  expect(JSON.parse(g.generated['package.json']!).dependencies).toEqual({ wordy: '1.0.0' });
  expect(g.generated['Dockerfile']).toContain('RUN cd /opt/stowage-node && npm ci --omit=dev');
  expect(g.generated['Dockerfile']).not.toContain('npm install -g');
});

test('a version the registry does not have is unsolvable', async () => {
  const result = await resolvePlan(workflowOf('wordy@9.9.9'), {}, settings, new LockStore(), {
    fetch,
    run: runProcess,
  });
  expect(result.plan.groups[0]!.resolution?.status).toBe('unsolvable');
  expect(result.findings.find((f) => f.rule === 'STW431')?.message).toContain(
    'No matching version found for wordy@9.9.9',
  );
});
