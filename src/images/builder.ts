/**
 * The builder interface: what the build layer asks of docker or buildah. A backend builds one
 * Dockerfile into an image with the given tags and labels and pushes it when asked; choosing the
 * tags, skipping unchanged groups and retagging belong to `build.ts`.
 *
 * Commands run through an injected `RunProcess`, so tests can check argv exactly; the adapters
 * pass the real one (src/host/process.ts: no shell, a fresh folder, an allow-listed environment).
 */
import type { ProcessOptions, ProcessResult, RunProcess } from '../common/process.js';

/**
 * The runner as builders use it: container tools keep their image store and settings in the
 * user's home (rootless storage, docker's config and plugins), so they run with it.
 */
export function withUserHome(run: RunProcess): RunProcess {
  return (command, args, options = {}) => run(command, args, { home: 'user', ...options });
}

export class BuildError extends Error {
  override name = 'BuildError';
}

/** A tool that ran and failed: its output is already in the group's log, the message leads with why. */
export class ToolFailure extends BuildError {
  override name = 'ToolFailure';
  /** The tool was stopped for writing nothing for its idle time (a stalled build step). */
  stalled = false;
  /** The tool was stopped because the run was interrupted (Ctrl-C, SIGTERM). */
  interrupted = false;
}

export const CACHE_MODES = ['gha', 'registry', 'inline', 'none'] as const;
/**
 * The network of the build's RUN steps: the engine's `default` (a bridge), the `host`'s (where
 * the bridge has no route out, e.g. a dockerd without iptables), or `none`.
 */
export const BUILD_NETWORKS = ['default', 'host', 'none'] as const;
export type BuildNetwork = (typeof BUILD_NETWORKS)[number];
export type CacheMode = (typeof CACHE_MODES)[number];
export const BUILDER_KINDS = ['auto', 'docker', 'buildah'] as const;
export type BuilderKind = (typeof BUILDER_KINDS)[number];
export type Provenance = 'false' | 'min' | 'max';

export interface BuildRequest {
  /** The group, for cache scopes and messages. */
  group: string;
  /** Absolute path of the build context. */
  contextDir: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** `host/path` of the group's image. */
  image: string;
  /** Full references to give the image (`host/path:tag`); pushed when `push`. */
  tags: readonly string[];
  labels: Readonly<Record<string, string>>;
  push: boolean;
  /** `linux/amd64` etc.; empty: the engine's own platform. */
  platforms: readonly string[];
  cache: CacheMode;
  /** Earlier images of the same group to take inline cache from (may not exist). */
  cacheFrom: readonly string[];
  /** The network of RUN steps; default: the engine's default. */
  network?: BuildNetwork;
  /** Talk plain HTTP / skip TLS checks to the target registry (a loopback registry). */
  insecureRegistry: boolean;
  /**
   * The base image comes from a loopback registry (tests, local mirrors): skip TLS checks when
   * pulling it — and only then; the push keeps `insecureRegistry`'s answer.
   */
  insecureBase?: boolean;
  /** Where build output goes, line by line. */
  log: (line: string) => void;
  /** Stop a build that writes nothing for this long (a RUN step that waits on a network, say). */
  stallTimeoutMs?: number;
}

export interface BuildOutput {
  /** The pushed manifest's digest, when the tool reported one. */
  digest?: string;
  /** Image size in the local store, when known (used when nothing is pushed). */
  localSize?: number;
}

export interface Builder {
  readonly kind: 'docker' | 'buildah';
  /** Which path was taken, for the log: e.g. `docker buildx 0.17 (BuildKit)`. */
  readonly description: string;
  /** Logs in with the password on stdin. */
  login(host: string, username: string, password: string, insecure: boolean): Promise<void>;
  build(request: BuildRequest): Promise<BuildOutput>;
  /**
   * The commands a local image it built provides (src/images/commands.ts), or undefined when
   * they cannot be read. Used when nothing was pushed: otherwise the registry is read.
   */
  readCommands?(image: string): Promise<string[] | undefined>;
}

/** Runs a tool and throws a BuildError that leads with the reason, then the tail of its output. */
export async function runOrThrow(
  exec: RunProcess,
  what: string,
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const result = await exec(command, args, options);
  if (result.idle || result.interrupted) {
    const failure = new ToolFailure(
      result.idle
        ? `${what} made no progress: no output for ${Math.round((options.idleTimeoutMs ?? 0) / 1000)} s`
        : `${what} was interrupted`,
    );
    failure.stalled = result.idle === true;
    failure.interrupted = result.interrupted === true;
    throw failure;
  }
  if (result.exitCode !== 0) {
    const lines = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const reason = reasonLine(lines) ?? `exit ${result.exitCode}`;
    throw new ToolFailure(
      `${what} failed: ${reason}\n  (exit ${result.exitCode}; last lines:)\n  ${lines.slice(-8).join('\n  ')}`,
    );
  }
  return result;
}

/** Causes worth naming before the generic "failed to solve" wrapper that follows them. */
const ROOT_CAUSES = [
  /temporary failure resolving|could not resolve|name resolution|no such host|network is unreachable|connection refused|timed out/i,
  /unable to locate package|no matching distribution|could not find a version|package .* has no installation candidate|not found|no such file|manifest unknown/i,
  /denied|unauthorized|forbidden|permission/i,
  /^E: |error:|fatal:/i,
];

/**
 * The line of a tool's output that says why it failed: the first line naming a root cause (a
 * name-resolution failure, a missing package, a refused login…), else the last line saying
 * "error", else undefined. Build-step prefixes (`#5 0.52 `) are dropped.
 */
export function reasonLine(lines: readonly string[]): string | undefined {
  const clean = lines.map((l) => l.replace(/^#\d+\s+(?:\d+\.\d+\s+)?/, '').trim()).filter(Boolean);
  for (const pattern of ROOT_CAUSES) {
    const hit = clean.find((l) => pattern.test(l) && !/^ERROR: failed to solve/i.test(l));
    if (hit) return hit.length > 240 ? `${hit.slice(0, 239)}…` : hit;
  }
  const last = [...clean].reverse().find((l) => /error/i.test(l));
  return last && last.length > 240 ? `${last.slice(0, 239)}…` : last;
}

/** The digest in `docker push` / `buildah push` output: `latest: digest: sha256:… size: 527`. */
export function digestFromPushOutput(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
  return matches.at(-1)?.[1];
}
