/**
 * The images as applications (issue 20): the shims, modules and compose exports, read back by
 * their own parsers and run against stand-in runtimes.
 *
 * - Shims: every script is read by dash and bash (`sh -n`, `bash -n`, then bash's own reading
 *   against the same export of safe names: hostile names add no command); each shim is run with
 *   a stand-in `docker`, `podman`, `apptainer`, `ch-run`/`ch-image` on PATH that records its argv,
 *   environment and standard input, also through a pipe and from a Makefile.
 * - Modules: the Lua modulefile is run by `lua` and the Tcl one by `tclsh` against stand-ins of the
 *   module commands that record each call (every value read back exact, no other call made); the
 *   real Lmod and Environment Modules show them where installed.
 * - Compose: the `yaml` package reads the services meant, and `docker-compose config` (where
 *   installed) resolves each value exactly as written.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { shellQuote } from '../../src/common/escape/shell.js';
import { exportImages } from '../../src/app/export.js';
import {
  exportCompose,
  exportModules,
  exportShims,
  type ExportInput,
  type GroupImage,
  type SlurmRuntime,
  type StepImages,
} from '../../src/export/index.js';
import { LISTENING } from '../../src/export/compose.js';
import { moduleSegment } from '../../src/export/modules.js';
import { newStep, newWorkflow } from '../../src/workflow/importers/common.js';
import { RecordedSource } from '../../src/workflow/importers/locator.js';
import { hostile, samples } from '../helpers/hostile.js';
import { bashCanonical, hasPyYaml, pyYaml } from '../helpers/parsers.js';
import { tempDir } from '../helpers/temp.js';

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;
const onPath = (tool: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;

interface Groups {
  name: string;
  steps: { id: string; service?: boolean; outputs?: Record<string, string>; inputs?: string[] }[];
  commands: string[];
  gpu?: boolean;
  conflicts?: string[];
}

/** A Stowage workflow whose groups were built: each step's image carries its group. */
function inputOf(workflowName: string, groups: Groups[], outDir?: string): ExportInput {
  const workflow = newWorkflow(workflowName, 'wf/stowage.yml', 'stowage', new RecordedSource('x'));
  const stepImages: StepImages = {};
  groups.forEach((g, i) => {
    const group: GroupImage = {
      name: g.name,
      contentHash: `${(i + 1).toString(16).padStart(2, '0')}`.repeat(32),
      gpu: g.gpu ?? false,
      steps: g.steps.map((s) => s.id),
      commands: g.commands,
      commandsFrom: 'image',
      conflicts: g.conflicts ?? [],
    };
    for (const s of g.steps) {
      const step = newStep(s.id);
      step.service = s.service ?? false;
      step.outputs = s.outputs ?? {};
      step.inputs = s.inputs ?? [];
      workflow.steps.push(step);
      stepImages[s.id] = {
        ref: `127.0.0.1:5000/demo/${i}@${digest(i + 1)}`,
        pinned: 'digest',
        group,
      };
    }
  });
  return { workflow, stepImages, outDir, host: { uid, gid } };
}

/** Writes an export's files under `dir` as the CLI does (executables 0755). */
function writeFiles(
  dir: string,
  result: { files: Record<string, string>; executable?: string[] },
): void {
  for (const [name, text] of Object.entries(result.files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, result.executable?.includes(name) ? 0o755 : 0o644);
  }
}

/** Stand-in runtimes: each call's argv (NUL-separated), environment and stdin, in call order. */
function fakeRuntimes(dir: string): string {
  const bin = join(dir, 'fake');
  mkdirSync(bin, { recursive: true });
  const script = [
    '#!/bin/sh',
    'n=$(cat "$FAKE_DIR/n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$FAKE_DIR/n"',
    'printf \'%s\\0\' "${0##*/}" "$@" > "$FAKE_DIR/call.$n"',
    'env > "$FAKE_DIR/env.$n"',
    'if [ -n "${FAKE_STDIN:-}" ]; then cat > "$FAKE_DIR/stdin.$n"; fi',
    'case "${0##*/}:$*" in *"/bin/sh -c :") [ -e "$FAKE_DIR/pulled" ] || exit 1 ;; esac',
    'if [ "${0##*/}" = ch-image ]; then : > "$FAKE_DIR/pulled"; fi',
    'if [ -n "${FAKE_OUT:-}" ]; then printf \'%s\\n\' "$FAKE_OUT"; fi',
    'exit "${FAKE_EXIT:-0}"',
    '',
  ].join('\n');
  for (const tool of ['docker', 'podman', 'apptainer', 'ch-run', 'ch-image']) {
    writeFileSync(join(bin, tool), script);
    chmodSync(join(bin, tool), 0o755);
  }
  return bin;
}

interface Call {
  argv: string[];
  env: string;
  stdin?: string;
}

function calls(fakeDir: string): Call[] {
  const out: Call[] = [];
  for (let n = 1; existsSync(join(fakeDir, `call.${n}`)); n++) {
    const argv = readFileSync(join(fakeDir, `call.${n}`), 'utf8')
      .split('\0')
      .slice(0, -1);
    const stdin = join(fakeDir, `stdin.${n}`);
    out.push({
      argv,
      env: readFileSync(join(fakeDir, `env.${n}`), 'utf8'),
      ...(existsSync(stdin) ? { stdin: readFileSync(stdin, 'utf8') } : {}),
    });
  }
  return out;
}

/** A shims export written to a workspace, and a way to call its commands against the fakes. */
function shimWorkspace(runtime: SlurmRuntime, groups: Groups[], name = 'demo') {
  const root = tempDir('shims');
  const work = join(root, 'work space');
  mkdirSync(join(work, 'data'), { recursive: true });
  writeFileSync(join(work, 'data/x.sam'), 'reads\n');
  const result = exportShims({ ...inputOf(name, groups), slurmRuntime: runtime });
  const shims = join(work, '.stowage/export/shims');
  writeFiles(shims, result);
  const fake = fakeRuntimes(root);
  let run = 0;
  const call = (
    shell: string,
    env: Record<string, string> = {},
    input?: string,
  ): { status: number | null; stdout: string; stderr: string; calls: Call[] } => {
    const fakeDir = join(root, `calls-${++run}`);
    mkdirSync(fakeDir);
    const r = spawnSync('/bin/sh', ['-c', shell], {
      cwd: work,
      encoding: 'utf8',
      input,
      env: {
        PATH: `${join(shims, 'bin')}:${fake}:/usr/bin:/bin`,
        HOME: root,
        FAKE_DIR: fakeDir,
        ...env,
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: calls(fakeDir) };
  };
  return { root, work, shims, result, call };
}

const TOOLS: Groups[] = [
  {
    name: 'tools',
    steps: [{ id: 'count', outputs: { total: 'work/count.txt' } }],
    commands: ['samtools', 'wgsim', 'bad name', '-x'],
  },
];
const IMAGE = `127.0.0.1:5000/demo/0@${digest(1)}`;

describe('shims: what each runtime is asked to run', () => {
  it('writes one executable shim per command and per step, and their runner', () => {
    const { shims, result } = shimWorkspace('docker', TOOLS);
    expect(readdirSync(join(shims, 'bin')).sort()).toEqual(['samtools', 'stowage-count', 'wgsim']);
    for (const f of result.executable!) expect(statSync(join(shims, f)).mode & 0o777).toBe(0o755);
    expect(result.usage).toContain('left out command "bad name" of group tools');
    expect(result.files['shims.tsv']).toContain(`samtools\tcommand\ttools\t${IMAGE}`);
  });

  it('docker: the folders of the paths given bound at their paths, as the user, no TTY, the rest exact', () => {
    const { root, work, call } = shimWorkspace('docker', TOOLS);
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    const r = call(
      `samtools view -o ${shellQuote(`${elsewhere}/out.bam`)} --ref=/opt/nothere/ref.fa -T/dev/null data/x.sam 'a b' "$(printf 'l1\\nl2')" '$(id)'`,
      { LANG: 'C.UTF-8', SECRET: 'hunter2' },
    );
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.calls.map((c) => c.argv)).toEqual([
      [
        'docker',
        'run',
        '--rm',
        '-i',
        '--init',
        `--user=${uid}:${gid}`,
        '--env=HOME=/tmp',
        `--workdir=${work}`,
        `--volume=${work}:${work}`,
        `--volume=${elsewhere}:${elsewhere}`,
        '--env=LANG',
        '--entrypoint=samtools',
        IMAGE,
        'view',
        '-o',
        `${elsewhere}/out.bam`,
        '--ref=/opt/nothere/ref.fa',
        '-T/dev/null',
        'data/x.sam',
        'a b',
        'l1\nl2',
        '$(id)',
      ],
    ]);
    // The runtime itself sees the caller's environment; the container only what --env names.
    expect(r.calls[0]!.env).toContain('SECRET=hunter2');
  });

  it('the environment by allow-list: STOWAGE_SHIM_ENV adds names, and only names', () => {
    const { call } = shimWorkspace('docker', TOOLS);
    const r = call('samtools', {
      SECRET: 'x',
      OTHER: 'y',
      STOWAGE_SHIM_ENV: 'SECRET a-b *',
    });
    expect(r.status).toBe(0);
    const envs = r.calls[0]!.argv.filter((a) => a.startsWith('--env='));
    expect(envs).toEqual(['--env=HOME=/tmp', '--env=SECRET']);
    expect(r.stderr).toContain('STOWAGE_SHIM_ENV: a-b is not a variable name');
    expect(r.stderr).toContain('STOWAGE_SHIM_ENV: * is not a variable name');
  });

  it('standard input, output and the exit code pass through, also in a pipe', () => {
    const { call } = shimWorkspace('docker', TOOLS);
    const piped = call('printf "r1\\nr2\\n" | samtools view -c - | tr a-z A-Z', {
      FAKE_STDIN: '1',
      FAKE_OUT: 'two reads',
    });
    expect([piped.status, piped.stdout]).toEqual([0, 'TWO READS\n']);
    expect(piped.calls[0]!.stdin).toBe('r1\nr2\n');
    const failed = call('samtools view missing.sam', { FAKE_EXIT: '3' });
    expect(failed.status).toBe(3);
  });

  it('from a Makefile: the recipe runs the shim, and a failing call fails the target', () => {
    const { work, call } = shimWorkspace('docker', TOOLS);
    writeFileSync(join(work, 'Makefile'), 'count.txt: data/x.sam\n\tsamtools view -c $< > $@\n');
    const ok = call('make -s count.txt', { FAKE_OUT: '1' });
    expect([ok.status, readFileSync(join(work, 'count.txt'), 'utf8')]).toEqual([0, '1\n']);
    expect(ok.calls[0]!.argv.slice(-4)).toEqual([IMAGE, 'view', '-c', 'data/x.sam']);
    const failed = call('make -s -B count.txt', { FAKE_EXIT: '1' });
    expect(failed.status).toBe(2);
  });

  (onPath('script') ? it : it.skip)('a TTY only when there is one', () => {
    const { call } = shimWorkspace('docker', TOOLS);
    const tty = call(`script -qec 'samtools' /dev/null`);
    expect(tty.calls[0]!.argv).toContain('-t');
    expect(call('samtools').calls[0]!.argv).not.toContain('-t');
  });

  it("a step's shim makes its output folders and runs the step through the entrypoint", () => {
    const { work, call } = shimWorkspace('docker', TOOLS);
    const r = call('stowage-count --extra');
    expect(r.status).toBe(0);
    expect(existsSync(join(work, 'work'))).toBe(true);
    expect(r.calls[0]!.argv.slice(-3)).toEqual([IMAGE, 'count', '--extra']);
    expect(r.calls[0]!.argv).not.toContainEqual(expect.stringMatching(/^--entrypoint/));
  });

  it('podman: root named outright, a GPU group gets the devices', () => {
    const { work, call } = shimWorkspace('podman', [{ ...TOOLS[0]!, gpu: true }]);
    const r = call('samtools index data/x.sam');
    expect(r.calls.map((c) => c.argv)).toEqual([
      [
        'podman',
        'run',
        '--rm',
        '-i',
        '--init',
        '--quiet',
        uid === 0 ? '--user=0:0' : '--userns=keep-id',
        '--env=HOME=/tmp',
        `--workdir=${work}`,
        `--volume=${work}:${work}`,
        '--device=nvidia.com/gpu=all',
        '--entrypoint=samtools',
        IMAGE,
        'index',
        'data/x.sam',
      ],
    ]);
  });

  it('apptainer: exec for a command, run for a step, a clean environment but the allowed', () => {
    const { work, call } = shimWorkspace('apptainer', TOOLS);
    const r = call('samtools view data/x.sam; stowage-count', { LANG: 'C', SECRET: 's' });
    expect(r.calls.map((c) => c.argv)).toEqual([
      [
        'apptainer',
        'exec',
        '--cleanenv',
        `--pwd=${work}`,
        `--bind=${work}`,
        `docker://${IMAGE}`,
        'samtools',
        'view',
        'data/x.sam',
      ],
      [
        'apptainer',
        'run',
        '--cleanenv',
        `--pwd=${work}`,
        `--bind=${work}`,
        `docker://${IMAGE}`,
        'count',
      ],
    ]);
    expect(r.calls[0]!.env).toMatch(/^APPTAINERENV_LANG=C$/m);
    expect(r.calls[0]!.env).not.toMatch(/^APPTAINERENV_SECRET/m);
  });

  it('charliecloud: pulls once into the storage, then runs with the image environment and the allowed', () => {
    const { work, call } = shimWorkspace('charliecloud', TOOLS);
    const r = call('samtools view data/x.sam', { LANG: 'C' });
    const run = [
      'ch-run',
      `--cd=${work}`,
      '--unset-env=*',
      '--set-env',
      '--env-no-expand',
      '--set-env=LANG=C',
      `--bind=${work}:${work}`,
      IMAGE,
      '--',
      'samtools',
      'view',
      'data/x.sam',
    ];
    expect(r.calls.map((c) => c.argv)).toEqual([
      ['ch-run', IMAGE, '--', '/bin/sh', '-c', ':'],
      ['ch-image', 'pull', IMAGE],
      run,
    ]);
    const step = call('stowage-count');
    expect(step.calls.at(-1)!.argv.slice(-5)).toEqual([
      IMAGE,
      '--',
      '/bin/sh',
      '/usr/local/bin/stowage-entrypoint.sh',
      'count',
    ]);
  });
});

describe('shims: hostile names', () => {
  interface Case {
    workflow: string;
    steps: string[];
    command: string;
  }
  const cases = samples(
    fc.record({
      workflow: hostile(),
      steps: fc.uniqueArray(hostile(), { minLength: 1, maxLength: 3 }),
      command: hostile(),
    }),
    30,
    20,
  );
  const safe = (c: Case): Case => ({
    workflow: 'demo',
    steps: c.steps.map((_, i) => `step${i}`),
    command: 'tool',
  });
  const exportOf = (c: Case) =>
    exportShims({
      ...inputOf(c.workflow, [
        {
          name: 'g',
          steps: c.steps.map((id) => ({ id, outputs: { o: 'results/x.txt' } })),
          commands: ['samtools', c.command],
        },
      ]),
      slurmRuntime: 'docker',
    });

  /** Per command line of bash's reading: its first word, with every quoted value masked. */
  function shape(body: string, values: readonly string[]): string[] {
    let masked = body;
    for (const v of [...values].sort((a, b) => b.length - a.length))
      masked = masked.split(shellQuote(v)).join("'Q'");
    return masked.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '');
  }

  /** The shims to compare: `samtools`, then each step's, then the runner (in export order). */
  const compared = (files: Record<string, string>) =>
    Object.entries(files).filter(
      ([f]) => f === 'bin/samtools' || f.startsWith('bin/stowage-') || f.startsWith('libexec/'),
    );

  it('fuzz: dash and bash read the same commands as for safe names', () => {
    const hostileRuns = cases.map(exportOf);
    const safeRuns = cases.map((c) => exportOf(safe(c)));
    const texts = [
      ...new Set([...hostileRuns, ...safeRuns].flatMap((r) => compared(r.files).map(([, t]) => t))),
    ];
    const read = new Map(bashCanonical(texts, { posix: true }).map((r, i) => [texts[i]!, r]));
    cases.forEach((c, i) => {
      const mine = compared(hostileRuns[i]!.files);
      const theirs = compared(safeRuns[i]!.files);
      expect(mine.map(([f]) => f.split('/')[0])).toEqual(theirs.map(([f]) => f.split('/')[0]));
      mine.forEach(([file, text], k) => {
        const result = read.get(text)!;
        expect({ case: c, file, result }).toEqual({
          case: c,
          file,
          result: { body: expect.any(String) },
        });
        const body = (result as { body: string }).body;
        const safeBody = (read.get(theirs[k]![1]) as { body: string }).body;
        expect(safeBody).toContain('exec ');
        expect({ case: c, file, shape: shape(body, [...c.steps, c.workflow]) }).toEqual({
          case: c,
          file,
          shape: shape(safeBody, safe(c).steps),
        });
      });
    });
  }, 60_000);

  it('fuzz: each step shim hands the runtime exactly the step name, and runs nothing else', () => {
    for (const c of cases.slice(0, 8)) {
      const root = tempDir('hostile-shims');
      const result = exportOf(c);
      writeFiles(join(root, 'x'), result);
      const fake = fakeRuntimes(root);
      for (const file of Object.keys(result.files).filter((f) => f.startsWith('bin/stowage-'))) {
        const fakeDir = join(root, `calls-${file.replace(/\W/g, '_')}`);
        mkdirSync(fakeDir);
        const r = spawnSync(join(root, 'x', file), [], {
          cwd: root,
          encoding: 'utf8',
          env: { PATH: `${fake}:/usr/bin:/bin`, FAKE_DIR: fakeDir },
        });
        expect({ case: c, file, status: r.status, stderr: r.stderr }).toEqual({
          case: c,
          file,
          status: 0,
          stderr: '',
        });
        const argv = calls(fakeDir)[0]!.argv;
        expect(c.steps).toContain(argv.at(-1));
      }
      expect(readdirSync(root).filter((f) => /PWNED|^id$/.test(f))).toEqual([]);
    }
  }, 60_000);
});

/** What a modulefile asked of the module system, each value decoded from hex. */
type ModuleCall = string[];

function decodeCalls(out: string): ModuleCall[] {
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').map((h) => Buffer.from(h, 'hex').toString('utf8')));
}

/** Runs a Lua modulefile against stand-ins of Lmod's functions. */
function luaCalls(file: string): ModuleCall[] {
  const driver = [
    'local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end',
    'local function rec(...) local t = {} for i, v in ipairs({...}) do t[i] = hex(tostring(v)) end print(table.concat(t, " ")) end',
    'function whatis(s) rec("whatis", s) end',
    'function help(...) rec("help", ...) end',
    'function conflict(...) rec("conflict", ...) end',
    'function prepend_path(k, v) rec("prepend_path", k, v) end',
    'function setenv(k, v) rec("setenv", k, v) end',
    'function pathJoin(...) return table.concat({...}, "/") end',
    `function myFileName() return ${JSON.stringify(file)} end`,
    `dofile(${JSON.stringify(file)})`,
  ].join('\n');
  const r = spawnSync('lua', ['-'], { input: driver, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return decodeCalls(r.stdout);
}

/** Runs a Tcl modulefile against stand-ins of Environment Modules' commands. */
function tclCalls(file: string): ModuleCall[] {
  const driver = [
    'proc hex {s} { binary scan [encoding convertto utf-8 $s] H* h; return $h }',
    'rename puts real_puts',
    'proc rec {args} { set t {}; foreach a $args { lappend t [hex $a] }; real_puts [join $t " "] }',
    'proc puts {args} { rec help [lindex $args end] }',
    'proc module-whatis {s} { rec module-whatis $s }',
    'proc conflict {args} { rec conflict {*}$args }',
    'proc prepend-path {k v} { rec prepend-path $k $v }',
    'proc setenv {k v} { rec setenv $k $v }',
    `set ModulesCurrentModulefile {${file}}`,
    `source {${file}}`,
    'ModulesHelp',
  ].join('\n');
  const r = spawnSync('tclsh', [], { input: driver, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr + r.stdout);
  return decodeCalls(r.stdout);
}

const hasLua = onPath('lua');
const hasTcl = onPath('tclsh');

describe('modules', () => {
  const groups: Groups[] = [
    { name: 'python', steps: [{ id: 'fit' }], commands: ['python3', 'pip'] },
    {
      name: 'python-2',
      steps: [{ id: 'old' }],
      commands: ['python3'],
      conflicts: ['python'],
    },
  ];
  const result = exportModules({ ...inputOf('flood', groups), slurmRuntime: 'docker' });

  it('lays out one module per group for Lmod and Environment Modules, with its shims', () => {
    const v1 = '01'.repeat(6);
    const v2 = '02'.repeat(6);
    expect(Object.keys(result.files).sort()).toEqual(
      [
        `groups/flood/python-2/${v2}/bin/python3`,
        `groups/flood/python-2/${v2}/bin/stowage-old`,
        `groups/flood/python-2/${v2}/libexec/stowage-run`,
        `groups/flood/python/${v1}/bin/pip`,
        `groups/flood/python/${v1}/bin/python3`,
        `groups/flood/python/${v1}/bin/stowage-fit`,
        `groups/flood/python/${v1}/libexec/stowage-run`,
        `lmod/stowage/flood/python-2/.modulerc.lua`,
        `lmod/stowage/flood/python-2/${v2}.lua`,
        `lmod/stowage/flood/python/.modulerc.lua`,
        `lmod/stowage/flood/python/${v1}.lua`,
        `tcl/stowage/flood/python-2/${v2}`,
        `tcl/stowage/flood/python-2/.modulerc`,
        `tcl/stowage/flood/python/${v1}`,
        `tcl/stowage/flood/python/.modulerc`,
      ].sort(),
    );
    expect(result.usage).toContain('module load stowage/flood/python');
  });

  (hasLua && hasTcl ? it : it.skip)(
    'the Lua and Tcl modulefiles ask the same of the module system: whatis, help, conflict, PATH',
    () => {
      const root = tempDir('modules');
      writeFiles(root, result);
      const v2 = '02'.repeat(6);
      const lua = luaCalls(join(root, `lmod/stowage/flood/python-2/${v2}.lua`));
      const tcl = tclCalls(join(root, `tcl/stowage/flood/python-2/${v2}`));
      const bin = join(root, `groups/flood/python-2/${v2}/bin`);
      expect(lua.filter((c) => c[0] !== 'help')).toEqual([
        ['whatis', 'Name: stowage/flood/python-2'],
        ['whatis', `Version: ${v2} (the content hash of the image's inputs)`],
        [
          'whatis',
          'Description: the commands of group python-2 of workflow flood, run in its container image with docker',
        ],
        ['whatis', 'Commands: python3'],
        ['whatis', `Image: 127.0.0.1:5000/demo/1@${digest(2)}`],
        ['conflict', 'stowage/flood/python'],
        ['prepend_path', 'PATH', bin],
      ]);
      expect(tcl.filter((c) => c[0] !== 'help').map((c) => c.slice(1))).toEqual(
        lua.filter((c) => c[0] !== 'help').map((c) => c.slice(1)),
      );
      expect(lua.find((c) => c[0] === 'help')![1]).toBe(
        `${tcl
          .filter((c) => c[0] === 'help')
          .map((c) => c[1])
          .join('\n')}\n`,
      );
      expect(lua.find((c) => c[0] === 'help')![1]).toContain(
        `Image: 127.0.0.1:5000/demo/1@${digest(2)}`,
      );
    },
  );

  (hasLua && hasTcl ? it : it.skip)(
    'fuzz: hostile workflow, group and step names reach each modulefile as values only',
    () => {
      const cases = samples(
        fc.record({ workflow: hostile(), group: hostile(), step: hostile() }),
        25,
        21,
      );
      for (const c of cases) {
        const out = exportModules({
          ...inputOf(c.workflow, [{ name: c.group, steps: [{ id: c.step }], commands: ['tool'] }]),
          slurmRuntime: 'podman',
        });
        const root = tempDir('hostile-modules');
        writeFiles(root, out);
        const dir = `${moduleSegment(c.workflow)}/${moduleSegment(c.group)}`;
        const lua = luaCalls(join(root, `lmod/stowage/${dir}/${'01'.repeat(6)}.lua`));
        const tcl = tclCalls(join(root, `tcl/stowage/${dir}/${'01'.repeat(6)}`));
        const expected = ['whatis', 'whatis', 'whatis', 'whatis', 'whatis', 'help', 'prepend_path'];
        expect({ c, calls: lua.map((x) => x[0]) }).toEqual({ c, calls: expected });
        expect(lua[0]).toEqual(['whatis', `Name: stowage/${dir}`]);
        expect(lua[2]![1]).toBe(
          `Description: the commands of group ${c.group} of workflow ${c.workflow}, run in its container image with podman`,
        );
        expect(lua.at(-1)).toEqual([
          'prepend_path',
          'PATH',
          join(root, `groups/${dir}/${'01'.repeat(6)}/bin`),
        ]);
        expect(tcl.filter((x) => x[0] !== 'help').map((x) => x.slice(1))).toEqual(
          lua.filter((x) => x[0] !== 'help').map((x) => x.slice(1)),
        );
        expect(lua[5]![1]).toContain(`Group ${c.group} of workflow ${c.workflow}`);
      }
    },
    60_000,
  );

  const lmod = '/usr/share/lmod/lmod/libexec/lmod';
  (existsSync(lmod) ? it : it.skip)('the real Lmod lists, shows and loads a hostile module', () => {
    const out = exportModules({
      ...inputOf('wf"$(touch PWNED)', [
        { name: 'g]]; os.exit(3) --', steps: [{ id: "s'`x`" }], commands: ['tool'] },
      ]),
      slurmRuntime: 'docker',
    });
    const root = tempDir('lmod');
    writeFiles(root, out);
    const env = { ...process.env, MODULEPATH: join(root, 'lmod'), HOME: root, LMOD_PAGER: 'none' };
    const avail = spawnSync(lmod, ['bash', '--terse', 'avail'], {
      env,
      encoding: 'utf8',
      cwd: root,
    });
    const name = `stowage/${moduleSegment('wf"$(touch PWNED)')}/${moduleSegment('g]]; os.exit(3) --')}`;
    expect(avail.stderr).toContain(`${name}/${'01'.repeat(6)}`);
    const load = spawnSync(lmod, ['bash', 'load', name], { env, encoding: 'utf8', cwd: root });
    expect([load.status, load.stderr]).toEqual([0, '']);
    expect(load.stdout).toContain(join(root, `groups/${moduleSegment('wf"$(touch PWNED)')}`));
    expect(existsSync(join(root, 'PWNED'))).toBe(false);
  });

  const modulecmd = [
    '/usr/lib/x86_64-linux-gnu/modulecmd.tcl',
    '/opt/environment-modules/usr/lib/x86_64-linux-gnu/modulecmd.tcl',
  ].find((p) => existsSync(p));
  (modulecmd && hasTcl ? it : it.skip)(
    'the real Environment Modules loads it and knows the conflict',
    () => {
      const root = tempDir('envmodules');
      writeFiles(root, result);
      const env = { ...process.env, MODULEPATH: join(root, 'tcl'), HOME: root };
      const mc = (...args: string[]) =>
        spawnSync('tclsh', [modulecmd!, 'bash', ...args], { env, encoding: 'utf8', cwd: root });
      const load = mc('load', 'stowage/flood/python');
      expect(load.status).toBe(0);
      expect(load.stdout).toContain(join(root, `groups/flood/python/${'01'.repeat(6)}/bin`));
      const loaded = /_LMFILES_=([^;]*)/.exec(load.stdout)?.[1] ?? '';
      const both = spawnSync('tclsh', [modulecmd!, 'bash', 'load', 'stowage/flood/python-2'], {
        env: {
          ...env,
          LOADEDMODULES: `stowage/flood/python/${'01'.repeat(6)}`,
          _LMFILES_: loaded.replace(/^'|'$/g, ''),
        },
        encoding: 'utf8',
        cwd: root,
      });
      expect(both.stderr).toMatch(/conflict/i);
    },
  );
});

describe('compose', () => {
  const groups: Groups[] = [
    {
      name: 'web',
      steps: [
        { id: 'serve', service: true },
        { id: 'ask', outputs: { answer: 'work/answer.txt' }, inputs: ['prep.o'] },
        { id: 'prep', outputs: { o: 'work/prep.txt' } },
      ],
      commands: ['busybox'],
    },
  ];
  const input = inputOf('site', groups, '.stowage/export/compose');
  const result = exportCompose(input);
  const doc = parse(result.files['compose.yaml']!) as {
    services: Record<string, Record<string, unknown>>;
    networks: Record<string, unknown>;
  };

  it('one service per step: services healthy-checked, batch steps after them and their inputs', () => {
    expect(Object.keys(doc.services)).toEqual(['serve', 'ask', 'prep']);
    expect(doc.services.serve).toMatchObject({
      image: `127.0.0.1:5000/demo/0@${digest(1)}`,
      command: ['serve'],
      restart: 'unless-stopped',
      healthcheck: { test: ['CMD-SHELL', LISTENING] },
      networks: ['private'],
      working_dir: '/workflow',
      volumes: [{ type: 'bind', source: '${STOWAGE_WORKDIR:-../../../wf}', target: '/workflow' }],
      user: `\${STOWAGE_UID:-${uid}}:\${STOWAGE_GID:-${gid}}`,
    });
    expect(doc.services.ask).toMatchObject({
      restart: 'no',
      depends_on: {
        serve: { condition: 'service_healthy' },
        prep: { condition: 'service_completed_successfully' },
      },
    });
    expect(doc.services.ask!.entrypoint).toEqual([
      '/bin/sh',
      '-c',
      `mkdir -p 'work' && exec /bin/sh /usr/local/bin/stowage-entrypoint.sh "$$@"`,
      'stowage',
    ]);
    expect(doc.services.serve!.healthcheck).not.toHaveProperty('disable');
    expect(Object.keys(doc.networks)).toEqual(['private']);
    expect(result.usage).toContain('1 service(s), 2 batch step(s)');
  });

  it('the health check finds a listening socket in /proc/net/tcp and nothing else', () => {
    const dir = tempDir('listen');
    const table = (state: string) =>
      `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n`;
    for (const [state, status] of [
      ['0A', 0],
      ['01', 1],
    ] as const) {
      writeFileSync(join(dir, 'tcp'), table(state));
      const check = LISTENING.replace('/proc/net/tcp /proc/net/tcp6', `${dir}/tcp ${dir}/none`);
      expect(spawnSync('/bin/sh', ['-c', check]).status).toBe(status);
    }
  });

  it('an imported pipeline, or a spec without services, is not composed: the export says why', () => {
    const imported = { ...input, workflow: { ...input.workflow, format: 'cwl' as const } };
    const out = exportCompose(imported);
    expect(out.files).toEqual({});
    expect(out.notApplicable).toMatch(/run under its engine, not as composed services/);
    const batchOnly = {
      ...input,
      workflow: {
        ...input.workflow,
        steps: input.workflow.steps.map((s) => ({ ...s, service: false })),
      },
    };
    expect(exportCompose(batchOnly).notApplicable).toMatch(/no step is a service/);
  });

  const cases = samples(
    fc.record({
      workflow: hostile(),
      steps: fc.uniqueArray(hostile(), { minLength: 2, maxLength: 3 }),
    }),
    30,
    22,
  );
  const hostileExport = (c: { workflow: string; steps: string[] }) =>
    exportCompose(
      inputOf(c.workflow, [
        {
          name: 'g',
          steps: c.steps.map((id, i) => ({ id, service: i === 0, outputs: { o: `out/${i}.txt` } })),
          commands: [],
        },
      ]),
    );

  it('fuzz: the yaml package reads exactly the services meant, every value exact once Compose unescapes it', () => {
    for (const c of cases) {
      const text = hostileExport(c).files['compose.yaml']!;
      const read = parse(text) as { services: Record<string, { command: string[] }> };
      expect({ c, keys: Object.keys(read) }).toEqual({ c, keys: ['services', 'networks'] });
      expect(Object.keys(read.services)).toHaveLength(c.steps.length);
      const commands = Object.values(read.services).map((s) => s.command[0]!.replace(/\$\$/g, '$'));
      expect(commands).toEqual(c.steps);
      for (const s of Object.values(read.services))
        expect(Object.keys(s).every((k) => /^[a-z_]+$/.test(k))).toBe(true);
    }
  });

  (onPath('docker-compose') && hasPyYaml ? it : it.skip)(
    'docker-compose config resolves each hostile step name exactly',
    () => {
      const dir = tempDir('compose');
      for (const c of cases.slice(0, 6)) {
        const file = join(dir, 'compose.yaml');
        writeFileSync(file, hostileExport(c).files['compose.yaml']!);
        const r = spawnSync('docker-compose', ['-f', file, '-p', 'x', 'config'], {
          encoding: 'utf8',
          env: { ...process.env, STOWAGE_WORKDIR: dir },
        });
        expect({ c, status: r.status, stderr: r.stderr }).toEqual({ c, status: 0, stderr: '' });
        // Compose prints with PyYAML, in YAML 1.1 (where U+2028/U+2029 are line breaks): read so.
        const [resolved] = pyYaml([r.stdout]) as [
          { services: Record<string, { command: string[] }> },
        ];
        const commands = Object.values(resolved.services)
          // `config` prints a Compose file again: `$` doubled as written.
          .map((s) => s.command[0]!.replace(/\$\$/g, '$'))
          .sort();
        expect({ c, commands }).toEqual({ c, commands: [...c.steps].sort() });
      }
    },
    60_000,
  );
});

describe('exportImages writes the shims executable, in folders', () => {
  it('bin/ and libexec/ files are 0755, the index 0644', () => {
    const root = tempDir('export-apps');
    const input = inputOf('demo', TOOLS);
    const outcome = exportImages({
      engines: ['shims', 'modules'],
      workflow: input.workflow,
      stepImages: input.stepImages,
      outDir: '.stowage/export',
      root,
      slurmRuntime: 'docker',
    });
    expect(outcome.empty).toEqual([]);
    const shims = join(root, '.stowage/export/shims');
    expect(statSync(join(shims, 'bin/samtools')).mode & 0o777).toBe(0o755);
    expect(statSync(join(shims, 'libexec/stowage-run')).mode & 0o777).toBe(0o755);
    expect(statSync(join(shims, 'shims.tsv')).mode & 0o777).toBe(0o644);
    expect(outcome.lines).toContain('wrote .stowage/export/shims/bin/samtools');
    expect(
      existsSync(join(root, `.stowage/export/modules/lmod/stowage/demo/tools/.modulerc.lua`)),
    ).toBe(true);
  });
});
