/**
 * The buildah backend, for runners without a daemon: `buildah bud --isolation chroot` (works
 * unprivileged in containers without nested namespaces) and `buildah push --digestfile` per tag.
 */
import type { RunProcess } from '../common/process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BuildError,
  runOrThrow,
  type BuildOutput,
  type BuildRequest,
  type Builder,
  withUserHome,
} from './builder.js';
import { localCommands } from './commands.js';

export interface BuildahOptions {
  exec: RunProcess;
  /** Default `buildah`. */
  binary?: string;
  /** Extra environment (e.g. CONTAINERS_STORAGE_CONF, REGISTRY_AUTH_FILE). */
  env?: Record<string, string>;
}

export async function buildahAvailable(
  exec: RunProcess,
  binary: string,
  env?: Record<string, string>,
): Promise<boolean> {
  try {
    return (await exec(binary, ['version'], { env })).exitCode === 0;
  } catch {
    return false;
  }
}

/** argv of `buildah bud` for a request (pure, for tests). */
export function budArgs(req: BuildRequest): string[] {
  if (req.platforms.length > 1) {
    throw new BuildError(`building ${req.group} for several platforms at once needs docker buildx`);
  }
  const args = ['bud', '--isolation', 'chroot', '--layers', '--file', req.dockerfile];
  for (const tag of req.tags) args.push('--tag', tag);
  for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
  if (req.platforms.length === 1) args.push('--platform', req.platforms[0] ?? '');
  // Only a loopback base is pulled without TLS checks; the push keeps its own setting (pushArgs).
  if (req.insecureBase) args.push('--tls-verify=false');
  if (req.network && req.network !== 'default') args.push('--network', req.network);
  args.push(req.contextDir);
  return args;
}

export function pushArgs(tag: string, digestFile: string, insecure: boolean): string[] {
  const args = ['push', '--digestfile', digestFile];
  if (insecure) args.push('--tls-verify=false');
  args.push(tag, `docker://${tag}`);
  return args;
}

export class BuildahBuilder implements Builder {
  readonly kind = 'buildah';
  readonly description = 'buildah bud (daemonless, chroot isolation)';
  private readonly binary: string;

  private readonly opts: BuildahOptions;

  constructor(opts: BuildahOptions) {
    this.opts = { ...opts, exec: withUserHome(opts.exec) };
    this.binary = opts.binary ?? 'buildah';
  }

  async login(host: string, username: string, password: string, insecure: boolean): Promise<void> {
    const args = ['login', '--username', username, '--password-stdin'];
    if (insecure) args.push('--tls-verify=false');
    args.push(host);
    await runOrThrow(this.opts.exec, `buildah login to ${host} as ${username}`, this.binary, args, {
      input: Buffer.from(password),
      env: this.opts.env,
    });
  }

  async readCommands(image: string): Promise<string[] | undefined> {
    return localCommands(
      this.opts.exec,
      { kind: 'buildah', binary: this.binary, env: this.opts.env },
      image,
    );
  }

  async build(req: BuildRequest): Promise<BuildOutput> {
    await runOrThrow(this.opts.exec, `buildah bud of ${req.group}`, this.binary, budArgs(req), {
      env: this.opts.env,
      onLine: req.log,
      idleTimeoutMs: req.stallTimeoutMs,
    });
    if (!req.push) return {};
    const dir = mkdtempSync(join(tmpdir(), 'stowage-digest-'));
    try {
      let digest: string | undefined;
      for (const tag of req.tags) {
        const file = join(dir, 'digest');
        await runOrThrow(
          this.opts.exec,
          `buildah push of ${tag}`,
          this.binary,
          pushArgs(tag, file, req.insecureRegistry),
          {
            env: this.opts.env,
            onLine: req.log,
          },
        );
        digest = readFileSync(file, 'utf8').trim() || digest;
      }
      return { digest };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
