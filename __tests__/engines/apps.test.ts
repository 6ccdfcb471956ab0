/**
 * The images as applications (issue 20), for real: a workflow whose tools are Debian packages
 * (samtools in one group; busybox's httpd as a service and a batch step that asks it in another)
 * is built FROM a real Debian base into a loopback registry. Then
 *
 * - shims and modules are exported for Docker, Podman and Charliecloud, and in a fresh login shell
 *   (`bash -lc`) `module use` the folder, `module load stowage/apps-demo/tools` (with Lmod and with
 *   Environment Modules) and call samtools — alone, in a pipe, on standard input, from a Makefile,
 *   failing — asserting its output, its exit code, the owner of the files it wrote, and that it
 *   ran in the image (samtools is not on this machine; Docker's and Podman's events name the
 *   pinned image);
 * - the Compose export is brought up by the real docker-compose: the service becomes healthy, the
 *   batch step's answer from it is asserted, and everything is taken down.
 *
 * Apptainer is not in Debian 12: its command lines are checked in __tests__/export/apps.test.ts.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pushDebianBase } from '../e2e/debian.js';
import {
  DOCKER,
  selfSignedCertificate,
  startDockerd,
  startRegistry,
  stopAll,
  tempDir,
  type DockerDaemon,
  type RegistryDaemon,
} from '../e2e/harness.js';
import { repoRoot } from '../helpers/run-action.js';
import { requireTools, seconds } from './engines.js';

jest.setTimeout(900_000);

const FIXTURE = join(repoRoot, '__tests__/fixtures/apps');
const MODULE = 'stowage/apps-demo/tools';

/** Where Environment Modules is: installed, or unpacked beside Lmod by install-system-deps.sh. */
const ENVIRONMENT_MODULES = ['', '/opt/environment-modules'].find((root) =>
  existsSync(`${root}/usr/lib/x86_64-linux-gnu/modulecmd.tcl`),
);

/**
 * Runs a program without blocking the event loop: the daemons this file starts write their logs
 * into pipes the test process drains, and a dockerd whose log pipe fills stops answering (its
 * containers' exits are then never reported). So nothing long here uses spawnSync.
 */
function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The bundled CLI, as engines.ts's `stowage`, without blocking (see `run`). */
function stowage(args: string[], cwd: string, env: Record<string, string> = {}) {
  return run(process.execPath, [join(repoRoot, 'dist/cli/index.js'), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
}

/** The lines `key=value` a check script printed. */
function results(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .split('\n')
      .filter((l) => /^\w+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('the images as applications: shims, modules and Compose', () => {
  let dir: string;
  let registry: RegistryDaemon | undefined;
  let secure: RegistryDaemon | undefined;
  let dockerd: DockerDaemon | undefined;
  let workspace: string;
  let base: string;
  let images: { group: string; digest: string; commands?: string[] }[];
  let podmanStorage: string | undefined;
  const timings: string[] = [];

  beforeAll(async () => {
    requireTools([
      'dockerd',
      'docker-registry',
      'podman',
      'ch-run',
      'ch-image',
      'docker-compose',
      'make',
      'tclsh',
      '/usr/share/lmod/lmod/libexec/lmod',
    ]);
    if (ENVIRONMENT_MODULES === undefined)
      throw new Error(
        'Environment Modules is missing: run scripts/install-system-deps.sh (as root)',
      );
    dir = tempDir('apps');
    registry = await startRegistry(join(dir, 'registry'));
    dockerd = await startDockerd(join(dir, 'docker'));
    let since = Date.now();
    base = await pushDebianBase(registry.host, dockerd.env);
    timings.push(`Debian base image: ${seconds(since)}`);
    workspace = join(dir, 'workspace');
    cpSync(FIXTURE, workspace, { recursive: true });
    writeFileSync(
      join(workspace, 'Makefile'),
      [
        'OUT ?= out',
        '$(OUT)/mapped.txt: data/reads.sam',
        '\tsamtools view -c -F 4 $< > $@',
        'broken:',
        '\tsamtools view missing.sam > /dev/null',
        '',
      ].join('\n'),
    );
    since = Date.now();
    const built = await stowage(
      [
        'build',
        '.',
        '--registry',
        `${registry.host}/apps`,
        '--base-image',
        `native=${base}`,
        '--network',
        'host',
      ],
      workspace,
      { ...dockerd.env, STOWAGE_DOCKER: DOCKER },
    );
    expect([built.status, built.stdout + built.stderr]).toEqual([
      0,
      expect.stringMatching(/2 built/),
    ]);
    timings.push(`stowage build (samtools, busybox from deb.debian.org): ${seconds(since)}`);
    images = JSON.parse(
      readFileSync(join(workspace, '.stowage/images.json'), 'utf8'),
    ) as typeof images;
    // This machine has no samtools: whatever answers below ran in an image.
    expect(spawnSync('sh', ['-c', 'command -v samtools']).status).not.toBe(0);
  }, 900_000);

  afterAll(async () => {
    for (const line of timings) console.log(line);
    await stopAll([secure, dockerd, registry]);
    if (podmanStorage) rmSync(podmanStorage, { recursive: true, force: true });
  });

  test('the build read back what each image provides: samtools and its scripts, busybox', () => {
    const byGroup = Object.fromEntries(images.map((i) => [i.group, i.commands]));
    expect(byGroup.tools).toEqual(expect.arrayContaining(['samtools', 'wgsim']));
    expect(byGroup.web).toEqual(['busybox']);
    // Nothing of the base system: no shell, no coreutils.
    expect(byGroup.tools).not.toContain('sh');
    expect(byGroup.tools).not.toContain('cat');
  });

  /** Exports shims and modules for a runtime into `.stowage-<runtime>/export/`. */
  async function exportFor(
    runtime: string,
    env: Record<string, string>,
    registryHost = registry!.host,
  ): Promise<string> {
    const out = `.stowage-${runtime}`;
    const r = await stowage(
      [
        'export',
        'shims',
        '.',
        '--registry',
        `${registryHost}/apps`,
        '--base-image',
        `native=${base}`,
        '--runtime',
        runtime,
        '--out-dir',
        out,
      ],
      workspace,
      env,
    );
    expect([r.status, r.stdout + r.stderr]).toEqual([
      0,
      expect.stringContaining('shims: 3 step(s), images pinned by digest'),
    ]);
    const m = await stowage(
      [
        'export',
        'modules',
        '.',
        '--registry',
        `${registryHost}/apps`,
        '--base-image',
        `native=${base}`,
        '--runtime',
        runtime,
        '--out-dir',
        out,
      ],
      workspace,
      env,
    );
    expect([m.status, m.stdout + m.stderr]).toEqual([
      0,
      expect.stringContaining('modules: 3 step(s), images pinned by digest'),
    ]);
    return join(workspace, out, 'export');
  }

  /**
   * In a fresh login shell: `module use` (Lmod, or Environment Modules from its own init), load
   * the tools module, and call samtools every way a user would.
   */
  async function check(
    runtime: string,
    modules: 'lmod' | 'tcl' | 'path',
    exported: string,
    env: Record<string, string>,
  ): Promise<{ out: Record<string, string>; stderr: string }> {
    const out = `out-${runtime}-${modules}`;
    const setup =
      modules === 'path'
        ? [`PATH=${join(exported, 'shims/bin')}:$PATH`]
        : modules === 'lmod'
          ? [`module use ${join(exported, 'modules/lmod')}`, `module load ${MODULE}`]
          : [
              // Environment Modules' own `module`, from its init script, in place of Lmod's.
              `source <(sed 's#/usr/lib/x86_64-linux-gnu/modulecmd.tcl#${ENVIRONMENT_MODULES}/usr/lib/x86_64-linux-gnu/modulecmd.tcl#' ${ENVIRONMENT_MODULES}/usr/share/modules/init/bash)`,
              'unset MODULEPATH LOADEDMODULES _LMFILES_',
              `module use ${join(exported, 'modules/tcl')}`,
              `module load ${MODULE}`,
            ];
    const script = [
      ...setup,
      'echo "which=$(command -v samtools)"',
      modules === 'path' ? ':' : `module list 2>&1 | grep -q ${MODULE} && echo listed=yes`,
      modules === 'path'
        ? ':'
        : `module help ${MODULE} 2>&1 | grep -q 'Commands (' && echo help=yes`,
      'echo "count=$(samtools view -c data/reads.sam)"',
      'echo "pipe=$(samtools view data/reads.sam | wc -l)"',
      'echo "stdin=$(cat data/reads.sam | samtools view -c -)"',
      'samtools view missing.sam 2>/dev/null; echo "fail=$?"',
      `rm -rf ${out} && mkdir ${out}`,
      `samtools view -b -o ${out}/x.bam data/reads.sam && echo "bam=$(samtools view -c ${out}/x.bam)"`,
      `make -s OUT=${out} && echo "make=$(cat ${out}/mapped.txt)"`,
      'make -s broken 2>/dev/null; echo "makefail=$?"',
      'echo "version=$(samtools --version | head -1)"',
      modules === 'path' ? ':' : `module unload ${MODULE}`,
      'echo "after=$(command -v samtools || echo none)"',
    ].join('\n');
    const r = await run('bash', ['-lc', script], {
      cwd: workspace,
      env: { ...process.env, ...env, LMOD_PAGER: 'none' },
      timeoutMs: 300_000,
    });
    const results_ = results(r.stdout);
    if (results_.count !== '3')
      console.log(`${runtime} ${modules} (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return { out: results_, stderr: r.stderr };
  }

  function expectApplication(
    found: Record<string, string>,
    exported: string,
    modules: 'lmod' | 'tcl' | 'path',
    runtime: string,
  ): void {
    expect(found).toEqual({
      which: expect.stringMatching(
        modules === 'path'
          ? `^${join(exported, 'shims/bin/samtools')}$`
          : `^${join(exported, 'modules/groups/apps-demo/tools')}/[0-9a-f]{12}/bin/samtools$`,
      ),
      ...(modules === 'path' ? {} : { listed: 'yes', help: 'yes' }),
      count: '3',
      pipe: '3',
      stdin: '3',
      fail: '1',
      bam: '3',
      make: '2',
      makefail: '2',
      version: 'samtools 1.16.1',
      after: modules === 'path' ? found.which : 'none',
    });
    // Written as the caller, never as the image's uid 10001.
    const owner = statSync(join(workspace, `out-${runtime}-${modules}/x.bam`)).uid;
    expect(owner).toBe(process.getuid!());
    expect(owner).not.toBe(10001);
  }

  test('docker: shims on PATH, then Lmod and Environment Modules; the daemon ran the pinned image', async () => {
    const env = { ...dockerd!.env, PATH: `/usr/bin:${process.env.PATH}` };
    const exported = await exportFor('docker', env);
    const since = Math.floor(Date.now() / 1000) - 1;
    for (const modules of ['path', 'lmod', 'tcl'] as const) {
      const started = Date.now();
      const { out } = await check('docker', modules, exported, env);
      expectApplication(out, exported, modules, 'docker');
      timings.push(`docker, ${modules}: ${seconds(started)}`);
    }
    const events = await run(
      DOCKER,
      [
        'events',
        '--since',
        String(since),
        '--until',
        String(Math.ceil(Date.now() / 1000) + 1),
        '--filter',
        'event=start',
        '--format',
        '{{.From}}',
      ],
      { env: { ...process.env, ...dockerd!.env }, timeoutMs: 30_000 },
    );
    const tools = images.find((i) => i.group === 'tools')!;
    const started = events.stdout.split('\n').filter(Boolean);
    // 3 ways × 9 calls (the failing one included), each in the tools image pinned by digest.
    expect(started.length).toBeGreaterThanOrEqual(27);
    expect(new Set(started)).toEqual(new Set([`${registry!.host}/apps/tools@${tools.digest}`]));
  });

  test("docker: as another user, the files are that user's", async () => {
    const exported = join(workspace, '.stowage-docker/export');
    const home = join(dir, 'nobody');
    mkdirSync(join(home, 'out'), { recursive: true });
    cpSync(join(workspace, 'data'), join(home, 'data'), { recursive: true });
    for (const p of [home, join(home, 'out'), join(home, 'data'), join(home, 'data/reads.sam')])
      chownSync(p, 65534, 65534);
    // The test's own daemon: its socket opened to the other user for this test, and the test's
    // own folders (made 0700) passable, so the user reaches the shims.
    chmodSync(join(dir, 'docker/docker.sock'), 0o666);
    for (const d of [dirname(dir), dir]) chmodSync(d, 0o711);
    const r = await run(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        'bash',
        '-c',
        'samtools view -b -o out/x.bam data/reads.sam && samtools view -c out/x.bam',
      ],
      {
        cwd: home,
        env: {
          PATH: `${join(exported, 'shims/bin')}:/usr/bin:/bin`,
          HOME: home,
          DOCKER_HOST: dockerd!.env.DOCKER_HOST!,
          DOCKER_CONFIG: join(home, '.docker'),
        },
      },
    );
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '3\n', '']);
    expect(statSync(join(home, 'out/x.bam')).uid).toBe(65534);
  });

  test('podman: Lmod and Environment Modules; podman ran the pinned image', async () => {
    const podman = join(dir, 'podman');
    mkdirSync(podman, { recursive: true });
    // Podman's storage at a short path: under a deep one (this file's folder) conmon's socket
    // path is too long and every `podman run` waits out conmon's 20 s timeout before it returns.
    podmanStorage = mkdtempSync(join(tmpdir(), 'p'));
    writeFileSync(
      join(podman, 'storage.conf'),
      `[storage]\ndriver = "overlay"\nrunroot = "${join(podmanStorage, 'u')}"\ngraphroot = "${join(podmanStorage, 'r')}"\n`,
    );
    writeFileSync(
      join(podman, 'registries.conf'),
      `[[registry]]\nlocation = "${registry!.host}"\ninsecure = true\n`,
    );
    // This VM's limits and a container network Podman can set up as root (../../shared/ENGINES.md);
    // events in a file, to read which image ran.
    writeFileSync(
      join(podman, 'containers.conf'),
      `[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\nnetns = "none"\n[engine]\nevents_logger = "file"\nevents_logfile_path = "${join(podman, 'events.log')}"\n`,
    );
    const env = {
      PATH: `/usr/bin:${process.env.PATH}`,
      CONTAINERS_STORAGE_CONF: join(podman, 'storage.conf'),
      CONTAINERS_REGISTRIES_CONF: join(podman, 'registries.conf'),
      CONTAINERS_CONF: join(podman, 'containers.conf'),
    };
    const exported = await exportFor('podman', env);
    for (const modules of ['lmod', 'tcl'] as const) {
      const started = Date.now();
      const { out } = await check('podman', modules, exported, env);
      expectApplication(out, exported, modules, 'podman');
      timings.push(`podman, ${modules}: ${seconds(started)}`);
    }
    const tools = images.find((i) => i.group === 'tools')!;
    const ran = readFileSync(join(podman, 'events.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"Status":"start"'))
      .map((l) => (JSON.parse(l) as { Image: string }).Image);
    expect(ran.length).toBeGreaterThanOrEqual(18);
    expect(new Set(ran)).toEqual(new Set([`${registry!.host}/apps/tools@${tools.digest}`]));
  });

  test('charliecloud: Lmod and Environment Modules, from images pulled over HTTPS into its storage', async () => {
    // ch-image pulls over HTTPS only: the same storage served again with a certificate, each image
    // pulled under the name the export pins (what a site does from its own mirror).
    const tls = selfSignedCertificate(join(dir, 'tls'));
    secure = await startRegistry(join(dir, 'registry-tls'), {
      tls,
      dataDir: join(dir, 'registry', 'data'),
    });
    const env = {
      PATH: `/usr/bin:${process.env.PATH}`,
      USER: process.env.USER || 'root',
      CH_IMAGE_STORAGE: join(dir, 'charliecloud'),
      REQUESTS_CA_BUNDLE: tls.certificate,
    };
    for (const image of images) {
      const pulled = await run(
        'ch-image',
        [
          'pull',
          `${secure.host}/apps/${image.group}@${image.digest}`,
          `${registry!.host}/apps/${image.group}@${image.digest}`,
        ],
        { env: { ...process.env, ...env }, timeoutMs: 300_000 },
      );
      expect([pulled.status, pulled.stderr.slice(-500)]).toEqual([0, expect.any(String)]);
    }
    const exported = await exportFor('charliecloud', env);
    for (const modules of ['lmod', 'tcl'] as const) {
      const started = Date.now();
      const { out } = await check('charliecloud', modules, exported, env);
      expectApplication(out, exported, modules, 'charliecloud');
      timings.push(`charliecloud, ${modules}: ${seconds(started)}`);
    }
  });

  test('compose: the service comes up healthy, the batch step gets its answer, all is taken down', async () => {
    const env = { ...process.env, ...dockerd!.env, PATH: `/usr/bin:${process.env.PATH}` };
    const exported = await stowage(
      [
        'export',
        'compose',
        '.',
        '--registry',
        `${registry!.host}/apps`,
        '--base-image',
        `native=${base}`,
      ],
      workspace,
      dockerd!.env,
    );
    expect([exported.status, exported.stdout]).toEqual([
      0,
      expect.stringContaining('compose: 3 step(s), images pinned by digest'),
    ]);
    const file = join(workspace, '.stowage/export/compose/compose.yaml');
    const compose = (...args: string[]) =>
      run('docker-compose', ['-f', file, '-p', 'appsdemo', ...args], {
        cwd: dir,
        env,
        timeoutMs: 300_000,
      });
    const since = Date.now();
    try {
      const up = await compose('up', '-d');
      expect([up.status, up.stderr]).toEqual([0, expect.any(String)]);
      const id = async (service: string) => (await compose('ps', '-q', service)).stdout.trim();
      const waited = await run(DOCKER, ['wait', await id('ask'), await id('count')], {
        env,
        timeoutMs: 120_000,
      });
      expect(waited.stdout.trim().split('\n')).toEqual(['0', '0']);
      const health = await run(
        DOCKER,
        ['inspect', '--format', '{{.State.Health.Status}}', await id('serve')],
        { env },
      );
      expect(health.stdout.trim()).toBe('healthy');
      expect(readFileSync(join(workspace, 'work/answer.txt'), 'utf8')).toBe(
        'hello from the service\n',
      );
      expect(readFileSync(join(workspace, 'work/count.txt'), 'utf8')).toBe('3\n');
      expect(statSync(join(workspace, 'work/answer.txt')).uid).toBe(process.getuid!());
      timings.push(`docker-compose up, answer: ${seconds(since)}`);
    } finally {
      const down = await compose('down', '-v', '--remove-orphans');
      expect(down.status).toBe(0);
    }
    const left = await run(DOCKER, ['ps', '-aq'], { env });
    expect(left.stdout.trim()).toBe('');
  });
});
