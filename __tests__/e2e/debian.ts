/**
 * A real Debian base image without Docker Hub: `debootstrap --variant=minbase bookworm` from
 * deb.debian.org (~2 min, ~200 MB), kept as a tarball under `node_modules/.cache/stowage/` so
 * later runs (and other suites) import it in seconds, then `docker import`ed and pushed to the
 * test's registry. Needs root, debootstrap, and the Debian archive (the one network the tests may
 * use besides loopback).
 *
 *   const ref = await pushDebianBase(registry.host, dockerd.env);  // 127.0.0.1:P/base/debian:bookworm
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DOCKER } from './harness.js';

const SUITE = 'bookworm';
const MIRROR = process.env.STOWAGE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
export const DEBIAN_CACHE_DIR = path.resolve(
  import.meta.dirname,
  '../../node_modules/.cache/stowage',
);
export const DEBIAN_TARBALL = path.join(DEBIAN_CACHE_DIR, `debian-${SUITE}-minbase.tar`);

/** Runs a command, its output collected; rejects with the output's tail when it fails. */
function run(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 600_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${output.slice(-2000)}`));
    });
  });
}

/**
 * The rootfs tarball, made once: debootstrap into a temporary folder, tar it next to the cache
 * file, rename it into place (atomic, so a concurrent run never reads half a tarball).
 */
export async function debianRootfsTarball(): Promise<string> {
  if (existsSync(DEBIAN_TARBALL) && statSync(DEBIAN_TARBALL).size > 0) return DEBIAN_TARBALL;
  mkdirSync(DEBIAN_CACHE_DIR, { recursive: true });
  const work = mkdtempSync(path.join(DEBIAN_CACHE_DIR, 'debootstrap-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    await run('debootstrap', ['--variant=minbase', SUITE, rootfs, MIRROR]);
    // The apt lists debootstrap leaves are stale by the time a test builds: drop them, so a
    // build that forgets `apt-get update` fails at once instead of retrying for minutes.
    rmSync(path.join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    mkdirSync(path.join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
    const tarball = path.join(work, 'rootfs.tar');
    await run('tar', ['-C', rootfs, '-cf', tarball, '.']);
    renameSync(tarball, DEBIAN_TARBALL);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return DEBIAN_TARBALL;
}

/** Imports the rootfs into the engine and pushes it: `<registry>/base/debian:bookworm`. */
export async function pushDebianBase(
  registryHost: string,
  dockerEnv: Record<string, string>,
): Promise<string> {
  const tarball = await debianRootfsTarball();
  const ref = `${registryHost}/base/debian:${SUITE}`;
  await run(DOCKER, ['import', '--change', 'CMD ["/bin/bash"]', tarball, ref], dockerEnv);
  await run(DOCKER, ['push', ref], dockerEnv);
  return ref;
}

/** Why a Debian base cannot be made here (not root, no debootstrap), or undefined. */
export function debianBaseUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'debootstrap needs root';
  if (existsSync(DEBIAN_TARBALL)) return undefined;
  const found = ['/usr/sbin/debootstrap', '/usr/bin/debootstrap'].some((p) => existsSync(p));
  return found ? undefined : 'debootstrap is not installed (apt-get install debootstrap)';
}
