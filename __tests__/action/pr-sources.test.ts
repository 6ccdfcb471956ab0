/**
 * A pull request cannot point the solvers at a host of its choosing: on `pull_request` events the
 * spec's `containers.channel-urls`, `pip-index-url` and `npm-registry` are not used (a notice
 * says so), while on a push they are. Through the bundled action, with a server on 127.0.0.1 that
 * counts what reaches it.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runActionAsync } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

jest.setTimeout(120_000);

let server: Server;
let port: number;
let requests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A port nothing listens on: the sources the action's inputs name here. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const p = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return p;
}

function workspace(): string {
  const ws = tempDir('ws');
  const attacker = `http://127.0.0.1:${port}`;
  writeFileSync(
    path.join(ws, 'stowage.yml'),
    [
      'version: 1',
      'name: sources',
      'containers:',
      `  channel-urls: { conda-forge: ${attacker}/cf, bioconda: ${attacker}/bc }`,
      `  pip-index-url: ${attacker}/simple`,
      `  npm-registry: ${attacker}/npm`,
      'steps:',
      '  align:',
      '    run: samtools index x.bam',
      '    software: { conda: [samtools=1.20] }',
      '  fit:',
      '    run: python fit.py',
      "    software: { python: '3.12', pip: [numpy==2.0.1] }",
      '  page:',
      '    run: node page.js',
      '    software: { npm: [left-pad@1.3.0] }',
      '',
    ].join('\n'),
  );
  return ws;
}

describe('package sources named by the spec', () => {
  test('on a pull request: not asked, and a notice says which were left out', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    requests = 0;
    const result = await runActionAsync(
      {
        spec: 'stowage.yml',
        resolve: 'auto',
        'channel-urls': `conda-forge=${closed}/cf\nbioconda=${closed}/bc`,
        'pip-index-url': `${closed}/simple`,
        'npm-registry': `${closed}/npm`,
        'fail-on': 'never',
      },
      { workspace: workspace(), env: { GITHUB_EVENT_NAME: 'pull_request' } },
    );
    expect(result.status).toBe(0);
    expect(requests).toBe(0);
    const notices = result.commands.filter((l) => l.startsWith('::notice'));
    expect(notices.join('\n')).toMatch(
      /The spec's containers\.channel-urls, containers\.pip-index-url, containers\.npm-registry are not used on a pull request/,
    );
  });

  test('on a push to the default branch: the spec is the maintainers’, and its sources are asked', async () => {
    requests = 0;
    const result = await runActionAsync(
      { spec: 'stowage.yml', resolve: 'auto', 'fail-on': 'never' },
      { workspace: workspace() },
    );
    expect(result.status).toBe(0);
    expect(requests).toBeGreaterThan(0);
    expect(result.stdout).not.toMatch(/not used on a pull request/);
  });
});
