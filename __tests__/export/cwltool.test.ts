/**
 * The CWL overrides export against the real cwltool (Debian's `cwltool`): cwltool asks docker
 * for the image the overrides name. A stand-in `docker` on PATH records what cwltool asks for —
 * which image it pulls and runs — so no engine or image is needed; the keys are what is tested.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportImages } from '../../src/app/export.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { tempDir } from '../helpers/temp.js';

const hasCwltool = spawnSync('cwltool', ['--version']).status === 0;
const PLANNED = `127.0.0.1:5000/acme/echo@sha256:${'a'.repeat(64)}`;

/** A repository whose main workflow sits in a folder and whose tool sits in another. */
function repository(): string {
  const root = tempDir('cwltool');
  const files: Record<string, string> = {
    'pipelines/main.cwl': [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs: { message: string }',
      'outputs: { out: { type: File, outputSource: say/out } }',
      'steps:',
      '  say:',
      '    run: ../tools/echo.cwl',
      '    in: { message: message }',
      '    out: [out]',
    ].join('\n'),
    'tools/echo.cwl': [
      'cwlVersion: v1.2',
      'class: CommandLineTool',
      'baseCommand: echo',
      'requirements:',
      '  DockerRequirement: { dockerPull: "docker.io/library/busybox:1.36" }',
      'inputs: { message: { type: string, inputBinding: { position: 1 } } }',
      'outputs: { out: stdout }',
      'stdout: said.txt',
    ].join('\n'),
    'job.yml': 'message: hello\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), `${text}\n`);
  }
  return root;
}

/** Runs cwltool in `root` with a stand-in docker; returns what cwltool asked docker to do. */
function runCwltool(root: string, overrides: string): { calls: string[]; stderr: string } {
  const bin = join(root, 'bin');
  const log = join(root, 'docker.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'docker'),
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      // cwltool waits for the container id file of `docker run --cidfile=…`.
      'for a in "$@"; do case "$a" in --cidfile=*) echo 0123456789ab > "${a#--cidfile=}" ;; esac; done',
      'exit 0',
    ].join('\n'),
  );
  chmodSync(join(bin, 'docker'), 0o755);
  writeFileSync(log, '');
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const run = spawnSync(
    'cwltool',
    [
      '--overrides',
      overrides,
      '--tmpdir-prefix',
      `${tmp}/`,
      '--tmp-outdir-prefix',
      `${tmp}/`,
      '--outdir',
      join(root, 'out'),
      'pipelines/main.cwl',
      'job.yml',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
    },
  );
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { calls, stderr: run.stderr };
}

(hasCwltool ? describe : describe.skip)('cwltool --overrides with the exported file', () => {
  it('runs the planned image: the key names the tool relative to the main workflow', () => {
    const root = repository();
    const imported = importWorkflow('pipelines/main.cwl', { root });
    const outcome = exportImages({
      engines: ['cwl'],
      workflow: imported.workflow!,
      stepImages: { say: { ref: PLANNED, pinned: 'digest' } },
      outDir: '.stowage/export',
      origin: imported.origin,
      root,
    });
    const file = join(root, '.stowage/export/cwl/stowage-overrides.yml');
    expect(readFileSync(file, 'utf8')).toContain('"../tools/echo.cwl":');
    expect(outcome.lines.at(-1)).toContain(
      'cwltool --overrides .stowage/export/cwl/stowage-overrides.yml pipelines/main.cwl',
    );
    const { calls } = runCwltool(root, '.stowage/export/cwl/stowage-overrides.yml');
    expect(calls).toContain(`pull ${PLANNED}`);
    expect(calls.some((c) => c.startsWith('run ') && c.includes(` ${PLANNED} echo hello`))).toBe(
      true,
    );
    expect(calls.join('\n')).not.toContain('busybox');
  });

  it('ignores a key relative to the overrides file (the old export): the original image runs', () => {
    const root = repository();
    mkdirSync(join(root, '.stowage/export/cwl'), { recursive: true });
    const old = join(root, '.stowage/export/cwl/old.yml');
    writeFileSync(
      old,
      `cwltool:overrides:\n  ../../../tools/echo.cwl:\n    requirements:\n      DockerRequirement:\n        dockerPull: ${PLANNED}\n`,
    );
    const { calls } = runCwltool(root, '.stowage/export/cwl/old.yml');
    expect(calls).toContain('pull docker.io/library/busybox:1.36');
    expect(calls.join('\n')).not.toContain(PLANNED);
  });
});
