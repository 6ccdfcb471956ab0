/**
 * The one real program runner handed to the use cases (builders, solvers, git). A pull request is
 * an attacker, so a program starts
 *
 * - without a shell: every argument reaches it as one argv entry;
 * - in a fresh empty folder, never in the checkout (where `pip/__main__.py` would replace pip);
 * - with an environment built from an allow-list: the path, locale, temp folder, proxies and CA
 *   bundles — never `INPUT_*` (the action's inputs, passwords among them), `GITHUB_TOKEN`,
 *   `ACTIONS_*` or anything else of the runner's. HOME is the fresh folder unless the tool keeps
 *   its state in the user's (`home: 'user'`: container builders' image stores and settings).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ToolMissingError, type RunProcess } from '../common/process.js';

/** Passed to every program when set. */
const ALWAYS = [
  'PATH',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
];
const ALWAYS_PREFIXES = ['LC_'];

/** Passed with `home: 'user'`: where the user's container tools keep their state and settings. */
const USER_STATE = ['HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME'];
const USER_STATE_PREFIXES = [
  'DOCKER_',
  'BUILDX_',
  'BUILDKIT_',
  'CONTAINERS_',
  'BUILDAH_',
  'STORAGE_',
];
const USER_STATE_EXTRA = ['REGISTRY_AUTH_FILE'];

/** The environment a program gets from `from` (the runner's), before the caller's additions. */
export function allowedEnvironment(
  from: NodeJS.ProcessEnv,
  home: 'private' | 'user',
  privateHome: string,
): Record<string, string> {
  const names = home === 'user' ? [...ALWAYS, ...USER_STATE, ...USER_STATE_EXTRA] : ALWAYS;
  const prefixes = home === 'user' ? [...ALWAYS_PREFIXES, ...USER_STATE_PREFIXES] : ALWAYS_PREFIXES;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    if (names.includes(name) || prefixes.some((p) => name.startsWith(p))) env[name] = value;
  }
  if (home === 'private') env.HOME = privateHome;
  return env;
}

export const runProcess: RunProcess = async (command, args, options = {}) => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'stowage-run-'));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        cwd: options.cwd ?? scratch,
        env: {
          ...allowedEnvironment(process.env, options.home ?? 'private', scratch),
          ...options.env,
        },
        stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        // A process group of its own: a stop reaches the program's own children too (a shell's
        // `sleep`, pip's workers), so its output closes; and a terminal's Ctrl-C reaches it only
        // through the run's signal, which stops it in order.
        detached: true,
      });
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          child.kill(signal);
        }
      };
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let idle = false;
      let interrupted = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              kill('SIGKILL');
            }, options.timeoutMs);
      // Restarted by every chunk of output: silence for idleTimeoutMs stops the child.
      let idleTimer: NodeJS.Timeout | undefined;
      const quiet = () => {
        if (options.idleTimeoutMs === undefined) return;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => {
          idle = true;
          kill('SIGKILL');
        }, options.idleTimeoutMs);
      };
      quiet();
      const stop = () => {
        interrupted = true;
        kill('SIGTERM');
      };
      if (options.signal?.aborted) stop();
      else options.signal?.addEventListener('abort', stop, { once: true });
      const outLines = lineSplitter(options.onLine);
      const errLines = lineSplitter(options.onLine);
      child.stdout!.on('data', (d: Buffer) => (out.push(d), outLines.feed(d), quiet()));
      child.stderr!.on('data', (d: Buffer) => (err.push(d), errLines.feed(d), quiet()));
      if (options.input && child.stdin) {
        // A child that exits before reading all of stdin is not an error of ours.
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input);
      }
      const settle = () => {
        clearTimeout(timer);
        clearTimeout(idleTimer);
        options.signal?.removeEventListener('abort', stop);
      };
      child.once('error', (error) => {
        settle();
        reject(new ToolMissingError(`cannot run ${command}: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        settle();
        outLines.flush();
        errLines.flush();
        resolve({
          exitCode: code ?? (signal ? 128 + signalNumber(signal) : -1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ...(timedOut ? { timedOut } : {}),
          ...(idle ? { idle } : {}),
          ...(interrupted ? { interrupted } : {}),
        });
      });
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

/** Whole lines of the child's output, as they come (a line split across chunks is joined). */
function lineSplitter(onLine: ((line: string) => void) | undefined) {
  let partial = '';
  return {
    feed(data: Buffer): void {
      if (!onLine) return;
      const parts = (partial + data.toString('utf8')).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) onLine(line);
    },
    flush(): void {
      if (onLine && partial) onLine(partial);
      partial = '';
    },
  };
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function signalNumber(signal: NodeJS.Signals): number {
  return SIGNALS[signal] ?? 0;
}
