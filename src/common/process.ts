/**
 * What the use cases ask of the programs they run (builders, solvers, git): one interface for all
 * of them. The real runner is `src/host/process.ts`; tests inject their own to check argv.
 *
 * A program never gets the caller's environment or working folder: it starts in a fresh empty
 * folder with an allow-listed environment (no `INPUT_*`, tokens or passwords), so nothing the
 * checkout holds can replace a tool or read a secret. Secrets go through `input` (stdin).
 */
export interface ProcessOptions {
  /** Bytes for the child's stdin (secrets go here, never in argv or the environment). */
  input?: Buffer;
  /** Added to the allow-listed environment (each variable named by the caller on purpose). */
  env?: Readonly<Record<string, string>>;
  /** Working folder; default: a fresh empty folder, removed afterwards. */
  cwd?: string;
  /**
   * `private` (default): HOME is the fresh folder, so no user configuration is read or written.
   * `user`: the user's own HOME, for tools whose state lives there (rootless container storage).
   */
  home?: 'private' | 'user';
  /** The child is killed when it outlives this; `timedOut` is set in the result. */
  timeoutMs?: number;
  /**
   * The child is killed when it writes nothing (stdout nor stderr) for this long — a stalled build
   * step; `idle` is set in the result.
   */
  idleTimeoutMs?: number;
  /** The child is stopped (SIGTERM) when this aborts (Ctrl-C); `interrupted` is set in the result. */
  signal?: AbortSignal;
  /** Each line of stdout and stderr as it comes. */
  onLine?: (line: string) => void;
}

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the child was killed at `timeoutMs`. */
  timedOut?: boolean;
  /** True when the child was killed for writing nothing for `idleTimeoutMs`. */
  idle?: boolean;
  /** True when the child was stopped because `signal` aborted. */
  interrupted?: boolean;
}

/** Runs a program without a shell (every argument one argv entry); never throws on exit codes. */
export type RunProcess = (
  command: string,
  args: readonly string[],
  options?: ProcessOptions,
) => Promise<ProcessResult>;

/** Thrown when a program cannot be started at all (not installed, not executable). */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
}
