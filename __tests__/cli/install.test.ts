/**
 * The CLI installs outside a checkout, as the README says: `npm pack`, then `npm install -g` of
 * the tarball into a fresh prefix. The package carries the bundled CLI and no runtime
 * dependencies, so the install needs no registry and prints no engine warning on Node 20.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

const npm = (args: string[], cwd: string) =>
  spawnSync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'warn' },
    timeout: 120_000,
  });

describe('the packed CLI', () => {
  test('installs from its tarball into a new prefix and runs there', () => {
    const dir = tempDir('install');
    const packed = npm(['pack', '--pack-destination', dir], repoRoot);
    expect(packed.status).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const prefix = path.join(dir, 'prefix');
    const installed = npm(
      ['install', '-g', '--offline', '--prefix', prefix, path.join(dir, tarball)],
      dir,
    );
    expect(installed.status).toBe(0);
    expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/EBADENGINE|npm warn/i);

    const bin = path.join(prefix, 'bin', 'stowage');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout).toMatch(/^stowage \d+\.\d+\.\d+\n$/);

    const work = path.join(dir, 'work');
    cpSync(path.join(repoRoot, 'examples'), path.join(work, 'examples'), { recursive: true });
    const plan = spawnSync(bin, ['plan', 'examples/word-count/stowage.yml', '--no-color'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: \d+ images?/m);
  }, 180_000);
});
