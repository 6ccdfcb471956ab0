/**
 * The docker backend. Two paths, detected rather than assumed:
 * - buildx present (GitHub runners): `docker buildx build` with cache export (`gha`, `registry`,
 *   `inline`), `--platform`, `--metadata-file` for the digest and a provenance option;
 * - only an engine with built-in BuildKit (e.g. Debian's dockerd 20.10): `DOCKER_BUILDKIT=1
 *   docker build` with inline cache, then `docker push` per tag.
 */
import type { RunProcess } from '../common/process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BuildError,
  digestFromPushOutput,
  runOrThrow,
  type BuildOutput,
  type BuildRequest,
  type Builder,
  type Provenance,
  withUserHome,
} from './builder.js';
import { localCommands } from './commands.js';

export interface DockerOptions {
  exec: RunProcess;
  /** The docker client. Default `docker`. */
  binary?: string;
  provenance?: Provenance;
  /** Extra environment for every call (e.g. DOCKER_HOST, DOCKER_CONFIG). */
  env?: Record<string, string>;
}

/** True when a docker daemon answers. */
export async function dockerDaemonAnswers(
  exec: RunProcess,
  binary: string,
  env?: Record<string, string>,
): Promise<boolean> {
  try {
    const r = await exec(binary, ['version', '--format', '{{.Server.Version}}'], { env });
    return r.exitCode === 0 && r.stdout.trim() !== '';
  } catch {
    return false;
  }
}

/** The buildx version, or undefined when buildx is not installed. */
export async function detectBuildx(
  exec: RunProcess,
  binary: string,
  env?: Record<string, string>,
): Promise<string | undefined> {
  try {
    const r = await exec(binary, ['buildx', 'version'], { env });
    if (r.exitCode !== 0) return undefined;
    return /v?([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
  } catch {
    return undefined;
  }
}

function labelArgs(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/** argv of `docker buildx build` for a request (pure, for tests). */
export function buildxArgs(
  req: BuildRequest,
  metadataFile: string,
  provenance: Provenance,
): string[] {
  // Plain progress: one line per event, which the build's progress view reads (images/progress.ts).
  const args = ['buildx', 'build', '--progress=plain', '--file', req.dockerfile];
  for (const tag of req.tags) args.push('--tag', tag);
  args.push(...labelArgs(req.labels));
  if (req.platforms.length > 0) args.push('--platform', req.platforms.join(','));
  switch (req.cache) {
    case 'gha':
      args.push('--cache-from', `type=gha,scope=${req.group}`);
      if (req.push) args.push('--cache-to', `type=gha,mode=max,scope=${req.group}`);
      break;
    case 'registry':
      args.push('--cache-from', `type=registry,ref=${req.image}:buildcache`);
      if (req.push) args.push('--cache-to', `type=registry,ref=${req.image}:buildcache,mode=max`);
      break;
    case 'inline':
      for (const ref of req.cacheFrom) args.push('--cache-from', `type=registry,ref=${ref}`);
      args.push('--cache-to', 'type=inline');
      break;
    case 'none':
      break;
  }
  if (req.network && req.network !== 'default') {
    args.push('--network', req.network);
    if (req.network === 'host') args.push('--allow', 'network.host');
  }
  args.push('--metadata-file', metadataFile);
  args.push(`--provenance=${provenance === 'false' ? 'false' : `mode=${provenance}`}`);
  if (req.push) args.push('--push');
  else if (req.platforms.length <= 1) args.push('--load');
  args.push(req.contextDir);
  return args;
}

/** argv of the plain engine's `docker build` (BuildKit via DOCKER_BUILDKIT=1; pure, for tests). */
export function engineBuildArgs(req: BuildRequest): string[] {
  if (req.platforms.length > 1) {
    throw new BuildError(
      `building ${req.group} for ${req.platforms.join(', ')} needs docker buildx; this engine builds one platform`,
    );
  }
  const args = ['build', '--progress=plain', '--file', req.dockerfile];
  for (const tag of req.tags) args.push('--tag', tag);
  args.push(...labelArgs(req.labels));
  if (req.platforms.length === 1) args.push('--platform', req.platforms[0] ?? '');
  if (req.network && req.network !== 'default') args.push('--network', req.network);
  if (req.cache !== 'none') {
    // The engine can only export inline cache; gha/registry need buildx.
    args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
    for (const ref of req.cacheFrom) args.push('--cache-from', ref);
  }
  args.push(req.contextDir);
  return args;
}

export class DockerBuilder implements Builder {
  readonly kind = 'docker';
  readonly description: string;

  private constructor(
    private readonly opts: Required<Omit<DockerOptions, 'env'>> & Pick<DockerOptions, 'env'>,
    private readonly buildx: string | undefined,
  ) {
    this.description = buildx
      ? `docker buildx ${buildx} (BuildKit: cache export, platforms, metadata file)`
      : 'docker engine with built-in BuildKit (DOCKER_BUILDKIT=1, no buildx: inline cache, docker push)';
  }

  static async create(options: DockerOptions): Promise<DockerBuilder> {
    const opts = {
      binary: 'docker',
      provenance: 'false' as Provenance,
      ...options,
      exec: withUserHome(options.exec),
    };
    const buildx = await detectBuildx(opts.exec, opts.binary, opts.env);
    return new DockerBuilder(opts, buildx);
  }

  get usesBuildx(): boolean {
    return this.buildx !== undefined;
  }

  async login(host: string, username: string, password: string): Promise<void> {
    await runOrThrow(
      this.opts.exec,
      `docker login to ${host} as ${username}`,
      this.opts.binary,
      ['login', '--username', username, '--password-stdin', host],
      { input: Buffer.from(password), env: this.opts.env },
    );
  }

  async build(req: BuildRequest): Promise<BuildOutput> {
    return this.buildx ? this.buildWithBuildx(req) : this.buildWithEngine(req);
  }

  private async buildWithBuildx(req: BuildRequest): Promise<BuildOutput> {
    const dir = mkdtempSync(join(tmpdir(), 'stowage-meta-'));
    try {
      const metadataFile = join(dir, 'metadata.json');
      await runOrThrow(
        this.opts.exec,
        `docker buildx build of ${req.group}`,
        this.opts.binary,
        buildxArgs(req, metadataFile, this.opts.provenance),
        {
          env: this.opts.env,
          onLine: req.log,
          idleTimeoutMs: req.stallTimeoutMs,
        },
      );
      let digest: string | undefined;
      try {
        const meta = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
        const d = meta['containerimage.digest'];
        digest = typeof d === 'string' ? d : undefined;
      } catch {
        digest = undefined;
      }
      return { digest, localSize: req.push ? undefined : await this.localSize(req.tags[0]) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async buildWithEngine(req: BuildRequest): Promise<BuildOutput> {
    const env = { ...this.opts.env, DOCKER_BUILDKIT: '1' };
    await runOrThrow(
      this.opts.exec,
      `docker build of ${req.group}`,
      this.opts.binary,
      engineBuildArgs(req),
      {
        env,
        onLine: req.log,
        idleTimeoutMs: req.stallTimeoutMs,
      },
    );
    let digest: string | undefined;
    if (req.push) {
      for (const tag of req.tags) {
        const r = await runOrThrow(
          this.opts.exec,
          `docker push of ${tag}`,
          this.opts.binary,
          ['push', tag],
          {
            env,
            onLine: req.log,
          },
        );
        digest = digestFromPushOutput(r.stdout) ?? digest;
      }
    }
    return { digest, localSize: await this.localSize(req.tags[0]) };
  }

  async readCommands(image: string): Promise<string[] | undefined> {
    return localCommands(
      this.opts.exec,
      { kind: 'docker', binary: this.opts.binary, env: this.opts.env },
      image,
    );
  }

  private async localSize(ref: string | undefined): Promise<number | undefined> {
    if (!ref) return undefined;
    const r = await this.opts.exec(
      this.opts.binary,
      ['image', 'inspect', '--format', '{{.Size}}', ref],
      {
        env: this.opts.env,
      },
    );
    const n = Number(r.stdout.trim());
    return r.exitCode === 0 && Number.isFinite(n) && n > 0 ? n : undefined;
  }
}
