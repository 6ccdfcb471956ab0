/**
 * Real parts for the end-to-end tests: a distribution registry and a dockerd on loopback, both in
 * a temporary folder and stopped by PID; a busybox base image made locally (nothing can be
 * pulled); a fault-injecting proxy; a small plan whose Dockerfiles build on that base.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type Io } from '../../src/cli/main.js';
import type { RunProcess } from '../../src/common/process.js';
import { runProcess } from '../../src/host/process.js';
import { plan } from '../../src/plan/plan.js';
import { loadSpecFile } from '../../src/workflow/load.js';
import type { Plan } from '../../src/plan/types.js';
import { tempDir as newTempDir } from '../helpers/temp.js';

export const DOCKER = process.env.STOWAGE_DOCKER_BINARY ?? '/usr/bin/docker';
export const BUSYBOX =
  ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p)) ?? '/bin/busybox';

function onPath(binary: string): boolean {
  if (binary.startsWith('/')) return existsSync(binary);
  return spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
}

/** Tools an e2e file needs that are absent (or why it cannot run here). Empty: run. */
export function missingTools(tools: readonly string[]): string[] {
  const missing = tools.filter(
    (t) => !onPath(t === 'docker' ? DOCKER : t === 'busybox' ? BUSYBOX : t),
  );
  if (process.getuid?.() !== 0) missing.push('root (dockerd and buildah chroot need it)');
  return missing;
}

/** `describe`, or `describe.skip` with a message saying what to install. */
export function describeWithTools(tools: readonly string[]): jest.Describe {
  const missing = missingTools(tools);
  if (missing.length === 0) return describe;
  console.warn(
    `SKIPPING e2e: missing ${missing.join(', ')} (Debian: apt-get install docker.io docker-registry buildah skopeo busybox-static apache2-utils)`,
  );
  return describe.skip;
}

export async function freePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolveP(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return newTempDir(`e2e-${prefix}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

/** Stops a child we started: SIGTERM, then SIGKILL after a grace period; waits for its exit. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid)
      process.kill(child.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export interface Daemon {
  pid: number;
  stop(): Promise<void>;
}

export interface RegistryDaemon extends Daemon {
  /** `127.0.0.1:<port>`. */
  host: string;
  log(): string;
}

export interface RegistryOptions {
  /** htpasswd basic auth for this one user. */
  auth?: { username: string; password: string };
  /** HTTPS with this certificate (Charliecloud pulls over HTTPS only). */
  tls?: { certificate: string; key: string };
  /** Serve this storage (another registry's `data` folder) instead of a new one. */
  dataDir?: string;
}

/** A distribution registry on loopback (plain HTTP unless `tls`); see RegistryOptions. */
export async function startRegistry(
  dir: string,
  authOrOptions?: { username: string; password: string } | RegistryOptions,
): Promise<RegistryDaemon> {
  const options: RegistryOptions =
    authOrOptions && 'username' in authOrOptions ? { auth: authOrOptions } : (authOrOptions ?? {});
  const auth = options.auth;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: { level: warn }',
    'storage:',
    `  filesystem: { rootdirectory: ${JSON.stringify(options.dataDir ?? join(dir, 'data'))} }`,
    '  delete: { enabled: true }',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(options.tls
      ? [
          `  tls: { certificate: ${JSON.stringify(options.tls.certificate)}, key: ${JSON.stringify(options.tls.key)} }`,
        ]
      : []),
  ];
  if (auth) {
    const htpasswd = join(dir, 'htpasswd');
    const r = spawnSync('htpasswd', ['-Bbn', auth.username, auth.password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
    writeFileSync(htpasswd, r.stdout);
    lines.push(
      'auth:',
      '  htpasswd:',
      '    realm: stowage-test',
      `    path: ${JSON.stringify(htpasswd)}`,
    );
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, lines.join('\n') + '\n');
  const logFile = join(dir, 'registry.log');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const host = `127.0.0.1:${port}`;
  const daemon: RegistryDaemon = {
    pid: child.pid ?? -1,
    host,
    log: () => output,
    stop: async () => {
      await stopChild(child);
      writeFileSync(logFile, output);
    },
  };
  try {
    await waitFor(`registry on ${host}`, async () => {
      if (child.exitCode !== null) throw new Error(`registry exited: ${output}`);
      if (options.tls) return /listening on/i.test(output) || (await portOpen(port));
      try {
        const res = await fetch(`http://${host}/v2/`);
        return res.status === 200 || res.status === 401;
      } catch {
        return false;
      }
    });
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return daemon;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolveP) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolveP(true);
    });
    socket.once('error', () => resolveP(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** A self-signed certificate for 127.0.0.1 (openssl), for a registry served over HTTPS. */
export function selfSignedCertificate(dir: string): { certificate: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    certificate,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { certificate, key };
}

export interface DockerDaemon extends Daemon {
  /** Environment for the docker client: DOCKER_HOST and a private DOCKER_CONFIG. */
  env: Record<string, string>;
}

/** A dockerd with its own data root and socket (default bridge, no iptables). */
export async function startDockerd(dir: string): Promise<DockerDaemon> {
  mkdirSync(join(dir, 'config'), { recursive: true });
  // containerd writes its stack dump on shutdown to TMPDIR: keep it in the daemon's folder.
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const socket = join(dir, 'docker.sock');
  const child = spawn(
    'dockerd',
    [
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'docker.pid'),
      '--iptables=false',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: join(dir, 'tmp') } },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const env = { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'config') };
  const daemon: DockerDaemon = {
    pid: child.pid ?? -1,
    env,
    stop: async () => {
      await stopChild(child, 15_000);
      writeFileSync(join(dir, 'dockerd.log'), output);
    },
  };
  try {
    await waitFor('dockerd', () => {
      if (child.exitCode !== null) throw new Error(`dockerd exited: ${output.slice(-2000)}`);
      return (
        spawnSync(DOCKER, ['version', '--format', '{{.Server.Version}}'], {
          env: { ...process.env, ...env },
        }).status === 0
      );
    });
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return daemon;
}

/** A `FROM scratch` context holding busybox with its applets as symlinks and a passwd file. */
export function writeBaseContext(dir: string): string {
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'usr/local/bin'])
    mkdirSync(join(root, d), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  for (const a of applets) if (a !== 'busybox') symlinkSync('busybox', join(root, 'bin', a));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\nCMD ["/bin/sh"]\n',
  );
  return dir;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Builds the busybox base with docker and pushes it: `<registry>/base/busybox:1`. */
export function pushBaseWithDocker(
  dir: string,
  registryHost: string,
  env: Record<string, string>,
): string {
  const ref = `${registryHost}/base/busybox:1`;
  writeBaseContext(dir);
  run(DOCKER, ['build', '--tag', ref, dir], { ...env, DOCKER_BUILDKIT: '1' });
  run(DOCKER, ['push', ref], env);
  return ref;
}

/** The same base built and pushed with buildah (no daemon needed). */
export function pushBaseWithBuildah(
  dir: string,
  registryHost: string,
  env: Record<string, string>,
): string {
  const ref = `${registryHost}/base/busybox:1`;
  writeBaseContext(dir);
  run('buildah', ['bud', '--isolation', 'chroot', '--tag', ref, dir], env);
  run('buildah', ['push', '--tls-verify=false', ref, `docker://${ref}`], env);
  return ref;
}

/** Environment that keeps buildah's storage and auth inside `dir`. */
export function buildahEnv(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'storage.conf');
  writeFileSync(
    conf,
    `[storage]\ndriver = "${process.env.STOWAGE_E2E_BUILDAH_DRIVER ?? 'overlay'}"\nrunroot = ${JSON.stringify(join(dir, 'run'))}\ngraphroot = ${JSON.stringify(join(dir, 'root'))}\n`,
  );
  // buildah refuses an auth file that does not exist yet.
  const auth = join(dir, 'auth.json');
  writeFileSync(auth, '{"auths":{}}\n');
  return { CONTAINERS_STORAGE_CONF: conf, REGISTRY_AUTH_FILE: auth };
}

/** Stops daemons in reverse order, never throwing (afterAll must clean up even after a failure). */
export async function stopAll(daemons: readonly (Daemon | undefined)[]): Promise<void> {
  for (const d of [...daemons].reverse()) {
    try {
      await d?.stop();
    } catch {
      // keep stopping the rest
    }
  }
}

/**
 * The CLI in this process (not a child: the test's package sources are served by this process),
 * in `workspace`, its programs talking to the test's dockerd.
 */
export async function cliInProcess(
  workspace: string,
  dockerEnv: Record<string, string> | undefined,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const run: RunProcess = (command, argv, opts = {}) =>
    runProcess(command, argv, { ...opts, env: { ...dockerEnv, ...opts.env } });
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: workspace,
    env: { STOWAGE_DOCKER: DOCKER, NO_COLOR: '1' },
    run,
  };
  const code = await main(args, io);
  return { code, out, err };
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// --- the workflow under test --------------------------------------------------------------------

export const FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'word-count',
);

/** A fresh copy of the tiny fixture workflow (spec + scripts) as a repository at `dir`. */
export function copyFixture(dir: string): string {
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

/** Every family of the fixture built on the local busybox base (as INPUT_BASE-IMAGES would say). */
export function baseImagesFor(base: string): Record<string, string> {
  return { native: base, python: base };
}

/** Edits the workspace's spec (or a file in it): replaces `from` with `to`, which must be there. */
export function editFile(workspace: string, file: string, from: string, to: string): void {
  const path = join(workspace, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

/** Loads and plans the workspace's spec the way the action does. */
export function planWorkspace(workspace: string, baseImages: Record<string, string>): Plan {
  const loaded = loadSpecFile(join(workspace, 'stowage.yml'), { root: workspace });
  if (!loaded.workflow) {
    throw new Error(
      `fixture spec does not load: ${loaded.findings.map((f) => f.message).join('; ')}`,
    );
  }
  return plan(loaded.workflow, {
    baseImages,
    readFile: (path) => readFileSync(join(workspace, path)),
  }).plan;
}

// --- a fault-injecting proxy ---------------------------------------------------------------------

export interface FaultProxy {
  host: string;
  /** Connections that got a fault. */
  faults(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy to `target` whose first `failures` connections fail: alternately an HTTP 503 (with
 * Retry-After: 0) and a connection reset. Later connections are piped through.
 */
export async function startFaultProxy(target: string, failures: number): Promise<FaultProxy> {
  const [targetHost, targetPort] = target.split(':');
  let faulted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (faulted < failures) {
      const kind = faulted % 2;
      faulted += 1;
      client.once('data', () => {
        if (kind === 0) {
          client.end(
            'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          );
        } else {
          client.resetAndDestroy();
        }
      });
      return;
    }
    const upstream = new Socket();
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.connect(Number(targetPort), targetHost ?? '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    host: `127.0.0.1:${port}`,
    faults: () => faulted,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
