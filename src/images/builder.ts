/**
 * The builder interface: what the build layer asks of docker or buildah. A backend builds one
 * Dockerfile into an image with the given tags and labels and pushes it when asked; choosing the
 * tags, skipping unchanged groups and retagging belong to `run.ts`.
 *
 * Commands run through an `ExecFn` so tests can check argv exactly; the real one wraps
 * `@actions/exec` (no shell: every argument reaches the tool as one argv entry).
 */
import * as actionsExec from '@actions/exec';

export interface ExecOptions {
  /** Bytes for the child's stdin (secrets go here, never in argv). */
  input?: Buffer;
  /** Added to the current environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Each line of stdout and stderr as it comes. */
  onLine?: (line: string) => void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type ExecFn = (
  command: string,
  args: readonly string[],
  options?: ExecOptions,
) => Promise<ExecResult>;

/** Thrown when a tool cannot be started at all (not installed). */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
}

export class BuildError extends Error {
  override name = 'BuildError';
}

/** The real ExecFn: `@actions/exec`, silent (output goes to `onLine`), never throwing on exit codes. */
export const execTool: ExecFn = async (command, args, options = {}) => {
  const env = options.env
    ? ({ ...process.env, ...options.env } as Record<string, string>)
    : undefined;
  let partial = '';
  const feed = (data: Buffer): void => {
    if (!options.onLine) return;
    const text = partial + data.toString('utf8');
    const lines = text.split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  };
  try {
    const result = await actionsExec.getExecOutput(command, [...args], {
      input: options.input,
      env,
      cwd: options.cwd,
      silent: true,
      ignoreReturnCode: true,
      listeners: { stdout: feed, stderr: feed },
    });
    if (partial && options.onLine) options.onLine(partial);
    return result;
  } catch (err) {
    // @actions/exec throws when the executable cannot be found or started.
    throw new ToolMissingError(`cannot run ${command}: ${(err as Error).message}`);
  }
};

export type CacheMode = 'gha' | 'registry' | 'inline' | 'none';
export type BuilderKind = 'auto' | 'docker' | 'buildah';
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
  /** Talk plain HTTP / skip TLS checks to the target registry (a loopback registry). */
  insecureRegistry: boolean;
  /**
   * The base image comes from a loopback registry (tests, local mirrors): skip TLS checks when
   * pulling it — and only then; the push keeps `insecureRegistry`'s answer.
   */
  insecureBase?: boolean;
  /** Where build output goes, line by line. */
  log: (line: string) => void;
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
}

/** Runs a tool and throws a BuildError with the tail of its output when it fails. */
export async function runOrThrow(
  exec: ExecFn,
  what: string,
  command: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const result = await exec(command, args, options);
  if (result.exitCode !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-8)
      .join('\n  ');
    throw new BuildError(`${what} failed (exit ${result.exitCode}):\n  ${tail}`);
  }
  return result;
}

/** The digest in `docker push` / `buildah push` output: `latest: digest: sha256:… size: 527`. */
export function digestFromPushOutput(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
  return matches.at(-1)?.[1];
}
