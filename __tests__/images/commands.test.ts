/**
 * The commands an image provides, read back after a build (src/images/commands.ts): from the
 * registry (the one layer the image config's history names, a real tar made by `tar`), from a
 * local engine (the argv docker and buildah are given), and the list's own format.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  fileInTar,
  localCommands,
  parseCommandsFile,
  registryCommands,
} from '../../src/images/commands.js';
import { RegistryClient } from '../../src/images/registry.js';
import { COMMANDS_FILE } from '../../src/plan/dockerfile.js';
import type { ProcessOptions } from '../../src/common/process.js';
import { FakeRegistry, sha256 } from './fake-registry.js';
import { tempDir } from '../helpers/temp.js';

/** A real tar (GNU tar, ustar and pax) of `files`, made in a temporary folder. */
function tarOf(files: Record<string, string>, format = 'pax'): Buffer {
  const dir = tempDir('tar');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'root', name, '..'), { recursive: true });
    writeFileSync(join(dir, 'root', name), text);
  }
  const out = join(dir, 'layer.tar');
  const r = spawnSync('tar', [`--format=${format}`, '-C', join(dir, 'root'), '-cf', out, '.']);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return readFileSync(out);
}

describe('parseCommandsFile', () => {
  it('keeps plain names, sorted, once each', () => {
    expect(
      parseCommandsFile('samtools\nwgsim\n\nsamtools\nbad name\n-x\n.hidden\nbcftools\n'),
    ).toEqual(['bcftools', 'samtools', 'wgsim']);
  });
});

describe('fileInTar', () => {
  it.each(['pax', 'ustar', 'gnu'])('finds the list in a %s archive, at ./ or not', (format) => {
    const long = `usr/local/share/${'abcdefghij/'.repeat(12)}y`;
    const tar = tarOf(
      { 'usr/local/share/stowage/commands.txt': 'samtools\n', [long]: 'z' },
      format,
    );
    expect(fileInTar(tar, 'usr/local/share/stowage/commands.txt')).toBe('samtools\n');
    expect(fileInTar(tar, long)).toBe('z');
    expect(fileInTar(tar, 'usr/local/share/stowage/base-commands.txt')).toBeUndefined();
  });

  it('stops at a truncated or corrupt archive', () => {
    expect(fileInTar(Buffer.alloc(100), 'x')).toBeUndefined();
    expect(fileInTar(Buffer.alloc(1024, 0x41), 'x')).toBeUndefined();
  });
});

describe('registryCommands', () => {
  let registry: FakeRegistry;
  beforeAll(async () => {
    registry = await new FakeRegistry().start();
  });
  afterAll(async () => {
    await registry.stop();
  });

  /** An image of three layers; `history` says which RUN made each (or nothing). */
  function addImage(
    path: string,
    history: { created_by: string; empty_layer?: boolean }[] | undefined,
  ): string {
    const layers = [
      gzipSync(tarOf({ 'bin/sh': '#' })),
      gzipSync(tarOf({ [COMMANDS_FILE.slice(1)]: 'samtools\nwgsim\n' })),
      gzipSync(tarOf({ 'opt/stowage/x': 'y' })),
    ];
    const config = Buffer.from(JSON.stringify({ config: {}, ...(history ? { history } : {}) }));
    for (const blob of [config, ...layers]) registry.blobs.set(sha256(blob), blob);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: layers.map((l) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256(l),
          size: l.length,
        })),
      }),
    );
    return registry.putManifest(
      path,
      'hash-1',
      'application/vnd.oci.image.manifest.v1+json',
      manifest,
    );
  }

  it('reads only the layer whose RUN wrote the list', async () => {
    addImage('demo/tools', [
      { created_by: 'FROM x' },
      { created_by: 'LABEL a=b', empty_layer: true },
      { created_by: `RUN /bin/sh -c IFS=:; … | sort -u > ${COMMANDS_FILE}` },
      { created_by: 'RUN /bin/sh /usr/local/bin/stowage-entrypoint.sh --stowage-smoke-test' },
    ]);
    const client = new RegistryClient(registry.host, { insecure: true });
    registry.requests.length = 0;
    expect(await registryCommands(client, 'demo/tools', 'hash-1')).toEqual(['samtools', 'wgsim']);
    expect(registry.requests.filter((r) => r.url.includes('/blobs/'))).toHaveLength(2);
  });

  it('an image from before the list (its history has no such RUN): undefined, no layer read', async () => {
    addImage('demo/old', [
      { created_by: 'FROM x' },
      { created_by: 'RUN a' },
      { created_by: 'RUN b' },
    ]);
    const client = new RegistryClient(registry.host, { insecure: true });
    registry.requests.length = 0;
    expect(await registryCommands(client, 'demo/old', 'hash-1')).toBeUndefined();
    expect(registry.requests.filter((r) => r.url.includes('/blobs/'))).toHaveLength(1);
  });

  it('without a history that matches the layers: the last layers, from the top', async () => {
    addImage('demo/nohistory', undefined);
    const client = new RegistryClient(registry.host, { insecure: true });
    expect(await registryCommands(client, 'demo/nohistory', 'hash-1')).toEqual([
      'samtools',
      'wgsim',
    ]);
  });
});

describe('localCommands', () => {
  const fake = (answers: Record<string, { exitCode: number; stdout: string }>) => {
    const calls: { command: string; args: readonly string[]; options?: ProcessOptions }[] = [];
    const exec = async (command: string, args: readonly string[], options?: ProcessOptions) => {
      calls.push({ command, args, options });
      const a = answers[args[0]!] ?? { exitCode: 0, stdout: '' };
      return { ...a, stderr: '' };
    };
    return { calls, exec };
  };

  it('docker: cat in the image, no network, removed after', async () => {
    const { calls, exec } = fake({ run: { exitCode: 0, stdout: 'samtools\n' } });
    const found = await localCommands(
      exec,
      { kind: 'docker', binary: '/usr/bin/docker', env: { DOCKER_HOST: 'x' } },
      'img:t',
    );
    expect(found).toEqual(['samtools']);
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      [
        '/usr/bin/docker',
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'cat',
        'img:t',
        COMMANDS_FILE,
      ],
    ]);
    expect(calls[0]!.options?.env).toEqual({ DOCKER_HOST: 'x' });
  });

  it('buildah: a working container, cat in it, removed even when cat fails', async () => {
    const { calls, exec } = fake({
      from: { exitCode: 0, stdout: 'img-working-container\n' },
      run: { exitCode: 1, stdout: '' },
    });
    expect(
      await localCommands(exec, { kind: 'buildah', binary: 'buildah' }, 'img:t'),
    ).toBeUndefined();
    expect(calls.map((c) => c.args)).toEqual([
      ['from', '--pull-never', '--quiet', 'img:t'],
      [
        'run',
        '--isolation',
        'chroot',
        '--network',
        'none',
        'img-working-container',
        '--',
        'cat',
        COMMANDS_FILE,
      ],
      ['rm', 'img-working-container'],
    ]);
  });
});
