import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cwl from 'cwl-ts-auto';
import { parse } from 'yaml';
import { exportImages } from '../../src/app/export.js';
import {
  EXPORT_ENGINES,
  exportCwl,
  exportNextflow,
  exportSlurm,
  exportSnakemake,
  type StepImages,
} from '../../src/export/index.js';
import { ConfigCheckError, readNextflowConfig } from '../helpers/nextflow-config.js';
import { slurmTime } from '../../src/export/slurm.js';
import { pinningPhrase, pinningSentence } from '../../src/export/common.js';
import type { Pinning } from '../../src/export/types.js';
import type { SlurmRuntime } from '../../src/export/types.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { newStep, newWorkflow } from '../../src/workflow/importers/common.js';
import { RecordedSource } from '../../src/workflow/importers/locator.js';
import { tempDir } from '../helpers/temp.js';

const FIX = '__tests__/fixtures';
const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** Every step gets a digest-pinned image of a group named after its first letter. */
function imagesFor(steps: readonly { id: string }[]): StepImages {
  return Object.fromEntries(
    steps.map((s, i) => [
      s.id,
      {
        ref: `ghcr.io/acme/pipe/g-${s.id[0]!.toLowerCase()}@${digest(i + 1)}`,
        pinned: 'digest' as const,
      },
    ]),
  );
}

describe('Nextflow export', () => {
  const imported = importWorkflow(`${FIX}/nextflow/nf-core-mini`);
  const workflow = imported.workflow!;
  const stepImages = imagesFor(workflow.steps);
  const result = exportNextflow({ workflow, stepImages, origin: imported.origin });
  const text = result.files['stowage.config']!;

  it('round-trips through a Groovy-config-aware reader: one withName container per process', () => {
    const settings = readNextflowConfig(text);
    expect(settings).toHaveLength(13);
    for (const step of workflow.steps) {
      expect(settings).toContainEqual({
        path: ['process', `withName:${step.id}`, 'container'],
        value: stepImages[step.id]!.ref,
      });
    }
    expect(result.pinning).toBe('digest');
    expect(text).toContain('pinned by digest');
  });

  it('escapes quotes, backslashes and regex characters in names', () => {
    const w = newWorkflow("it's", 'x', 'stowage', new RecordedSource('x'));
    w.steps.push(newStep('a-b'), newStep('c'));
    const out = exportNextflow({
      workflow: w,
      stepImages: {
        'a-b': { ref: 'ghcr.io/a/b:1.0', pinned: 'tag' },
        c: { ref: 'ghcr.io/a/c:1.0', pinned: 'tag' },
      },
      origin: { format: 'nextflow', engineNames: { 'a-b': "A'B.C\\D", c: 'C' }, tools: {} },
    });
    const settings = readNextflowConfig(out.files['stowage.config']!);
    expect(settings[0]?.path[1]).toBe("withName:A'B\\.C\\\\D");
    expect(out.pinning).toBe('tag');
  });

  it.each([
    ['an interpolated string', 'process { container = "${x}" }'],
    ['an unclosed scope', "process {\n  withName: A { container = 'x' }\n"],
    ['two values on a line', "a = 'x' 'y'"],
  ])('the reader rejects %s', (_name, bad) => {
    expect(() => readNextflowConfig(bad)).toThrow(ConfigCheckError);
  });

  it('skips steps without a valid image and says why', () => {
    const out = exportNextflow({
      workflow,
      stepImages: {
        ...stepImages,
        FASTQC: { ref: 'not a ref', pinned: 'tag' },
        MULTIQC: { ref: 'ghcr.io/a/b:1', pinned: 'digest' },
      },
      origin: imported.origin,
    });
    expect(out.skipped).toEqual([
      { step: 'FASTQC', reason: '"not a ref" is not a valid image reference' },
      { step: 'MULTIQC', reason: '"ghcr.io/a/b:1" is said to be pinned by digest but has none' },
    ]);
    expect(readNextflowConfig(out.files['stowage.config']!)).toHaveLength(11);
  });
});

describe('Snakemake export', () => {
  const imported = importWorkflow(`${FIX}/snakemake/calling`);
  const workflow = imported.workflow!;
  const stepImages = imagesFor(workflow.steps);
  stepImages.score_gpu = { ref: 'ghcr.io/acme/variant-scorer:2.0.1', pinned: 'tag' };
  const result = exportSnakemake({
    workflow,
    stepImages,
    origin: imported.origin,
    outDir: '.stowage/export/snakemake',
  });
  const text = result.files['stowage-images.yaml']!;

  it('parses back as YAML mapping each rule to a docker:// image', () => {
    const config = parse(text) as {
      stowage_images: Record<string, string>;
      stowage_pinning: string;
    };
    expect(Object.keys(config.stowage_images)).toEqual(workflow.steps.map((s) => s.id));
    expect(config.stowage_images.bwa_map).toBe(`docker://${stepImages.bwa_map!.ref}`);
    expect(config.stowage_pinning).toBe('mixed');
    expect(result.pinning).toBe('mixed');
  });

  it('documents the two Snakefile lines, pointing at the config', () => {
    expect(text).toContain('#   configfile: ".stowage/export/snakemake/stowage-images.yaml"');
    expect(result.usage.split('\n').slice(1)).toEqual([
      'configfile: ".stowage/export/snakemake/stowage-images.yaml"',
      'for _rule in workflow.rules: _rule.container_img = config["stowage_images"].get(_rule.name, _rule.container_img)',
    ]);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  (python ? it : it.skip)('the loop line is valid Python', () => {
    const line = result.usage.split('\n')[2]!;
    const check = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], {
      input: line,
    });
    expect(check.status).toBe(0);
  });
});

describe('CWL export', () => {
  const imported = importWorkflow(`${FIX}/cwl/variant`);
  const workflow = imported.workflow!;
  const stepImages = imagesFor(workflow.steps);
  const result = exportCwl({
    workflow,
    stepImages,
    origin: imported.origin,
    outDir: '.stowage/export/cwl',
  });
  const overrides = (
    parse(result.files['stowage-overrides.yml']!) as Record<string, Record<string, unknown>>
  )['cwltool:overrides']!;

  it('names each tool relative to the main workflow, as cwltool resolves keys', () => {
    expect(Object.keys(overrides)).toEqual([
      'tools/bwa-mem.cwl',
      'tools/samtools-sort.cwl',
      'tools/bcftools-call.cwl',
      'tools/score-gpu.cwl',
    ]);
    expect(overrides['tools/bwa-mem.cwl']).toEqual({
      requirements: { DockerRequirement: { dockerPull: stepImages.align!.ref } },
    });
  });

  it('gives requirements that the CWL schema accepts (checked with cwl-ts-auto)', async () => {
    for (const [tool, entry] of Object.entries(overrides)) {
      const doc = {
        cwlVersion: 'v1.2',
        class: 'CommandLineTool',
        baseCommand: 'true',
        inputs: [],
        outputs: [],
        ...(entry as object),
      };
      const loaded = await cwl.loadDocumentByString(
        JSON.stringify(doc),
        `file:///check/${encodeURIComponent(tool)}.cwl`,
      );
      const docker = (loaded as cwl.CommandLineTool).requirements?.find(
        (r) => r instanceof cwl.DockerRequirement,
      ) as cwl.DockerRequirement;
      expect(docker.dockerPull).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
  });

  it('the schema check itself fails on a misspelt field', async () => {
    const doc = {
      cwlVersion: 'v1.2',
      class: 'CommandLineTool',
      baseCommand: 'true',
      inputs: [],
      outputs: [],
      requirements: { DockerRequirement: { dockerPul: 'x' } },
    };
    await expect(
      cwl.loadDocumentByString(JSON.stringify(doc), 'file:///check/bad.cwl'),
    ).rejects.toBeDefined();
  });

  it('keys a packed tool by file#id', () => {
    const packed = importWorkflow(`${FIX}/cwl/packed/workflow.packed.cwl`);
    const out = exportCwl({
      workflow: packed.workflow!,
      stepImages: imagesFor(packed.workflow!.steps),
      origin: packed.origin,
      outDir: `${FIX}/cwl/packed`,
    });
    const keys = Object.keys(
      (parse(out.files['stowage-overrides.yml']!) as Record<string, object>)['cwltool:overrides']!,
    );
    expect(keys).toEqual([
      'workflow.packed.cwl#bwa-mem.cwl',
      'workflow.packed.cwl#samtools-sort.cwl',
    ]);
  });

  it.each([
    ['nextflow/nf-core-mini', 'main.nf is a Nextflow pipeline', 'the nextflow export'],
    ['snakemake/calling', 'Snakefile is a Snakemake workflow', 'the snakemake export'],
  ])('writes nothing for a workflow that is not CWL (%s), saying why', (fixture, what, instead) => {
    const imported = importWorkflow(`${FIX}/${fixture}`);
    const out = exportCwl({
      workflow: imported.workflow!,
      stepImages: imagesFor(imported.workflow!.steps),
      origin: imported.origin,
    });
    expect([out.files, out.steps, out.skipped, out.usage]).toEqual([{}, [], [], '']);
    expect(out.notApplicable).toContain(`${what}, not CWL.`);
    expect(out.notApplicable).toContain('has no CWL tool');
    expect(out.notApplicable).toContain(instead);
  });
});

describe('Slurm export', () => {
  const w = newWorkflow('flood', 'wf/stowage.yml', 'stowage', new RecordedSource('wf/stowage.yml'));
  w.inputs.push({ name: 'reanalysis', path: 'data/era5/*.nc' });
  const regrid = newStep('regrid');
  regrid.run = 'python scripts/regrid.py --in {inputs.reanalysis} --out work/grid.zarr';
  regrid.inputs = ['reanalysis'];
  regrid.outputs = { grid: 'work/grid/out.zarr' };
  regrid.resources = { cpus: 8, memory: 32 * 1024 ** 3, time: 2 * 3600 + 1 };
  const train = newStep('train');
  train.run = 'python train.py --grid {regrid.grid} $(rm -rf /)';
  train.inputs = ['regrid.grid'];
  train.outputs = { model: 'results/*.keras' };
  train.resources = { gpus: 1, time: 86400 * 2 };
  const plot = newStep("plot's");
  plot.inputs = ['regrid.grid', 'train.model'];
  // Out of order in the document: the submit script still runs it last.
  w.steps.push(plot, train, regrid);
  const stepImages: StepImages = {
    regrid: { ref: `ghcr.io/acme/flood/python@${digest(1)}`, pinned: 'digest' },
    train: { ref: 'ghcr.io/acme/flood/gpu:abc', pinned: 'tag' },
    "plot's": { ref: `ghcr.io/acme/flood/python@${digest(1)}`, pinned: 'digest' },
  };
  const exported = (slurmRuntime?: SlurmRuntime) =>
    exportSlurm({ workflow: w, stepImages, slurmRuntime, outDir: '.stowage/export/slurm' });

  it('writes #SBATCH lines from the step resources', () => {
    const result = exported();
    expect(
      result.files['regrid.sbatch']!.split('\n').filter((l) => l.startsWith('#SBATCH')),
    ).toEqual([
      '#SBATCH --job-name=stowage-regrid',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --mem=32768M',
      '#SBATCH --time=0-02:01:00',
    ]);
    expect(result.files['train.sbatch']).toContain('#SBATCH --gres=gpu:1');
    expect(result.pinning).toBe('mixed');
  });

  /** Runs a script with a recording stand-in for `tool` on PATH; returns the argv it got. */
  function runWith(
    script: string,
    tools: string[],
    cwd: string,
    args: string[] = [],
    env: Record<string, string> = {},
  ): string[][] {
    const bin = join(cwd, '.bin');
    mkdirSync(bin, { recursive: true });
    const log = join(cwd, 'calls.txt');
    for (const tool of tools) {
      writeFileSync(
        join(bin, tool),
        `#!/bin/sh\nprintf '%s\\0' ${JSON.stringify(tool)} "$@" >> ${JSON.stringify(log)}\nprintf '\\n' >> ${JSON.stringify(log)}\n[ "$1" = --parsable ] || exit 0\necho "$$;cluster"\n`,
        { mode: 0o755 },
      );
    }
    const file = join(cwd, 'script.sh');
    writeFileSync(file, script);
    const run = spawnSync('bash', [file, ...args], {
      cwd,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: cwd, ...env },
      encoding: 'utf8',
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\0').filter(Boolean));
  }

  const uid = `${process.getuid?.()}:${process.getgid?.()}`;
  it.each<[SlurmRuntime, (cwd: string) => string[]]>([
    [
      'apptainer',
      (cwd) => [
        'apptainer',
        'run',
        '--bind',
        cwd,
        '--pwd',
        cwd,
        `docker://ghcr.io/acme/flood/python@${digest(1)}`,
        'regrid',
        'extra arg',
      ],
    ],
    [
      'docker',
      (cwd) => [
        'docker',
        'run',
        '--rm',
        '--user',
        uid,
        '--volume',
        `${cwd}:${cwd}`,
        '--workdir',
        cwd,
        `ghcr.io/acme/flood/python@${digest(1)}`,
        'regrid',
        'extra arg',
      ],
    ],
    [
      'podman',
      (cwd) => [
        'podman',
        'run',
        '--rm',
        ...(process.getuid?.() === 0 ? ['--user', '0:0'] : ['--userns=keep-id']),
        '--volume',
        `${cwd}:${cwd}`,
        '--workdir',
        cwd,
        `ghcr.io/acme/flood/python@${digest(1)}`,
        'regrid',
        'extra arg',
      ],
    ],
    [
      'charliecloud',
      (cwd) => [
        'ch-run',
        '--bind',
        `${cwd}:${cwd}`,
        '--cd',
        cwd,
        `ghcr.io/acme/flood/python@${digest(1)}`,
        '--',
        '/bin/sh',
        '/usr/local/bin/stowage-entrypoint.sh',
        'regrid',
        'extra arg',
      ],
    ],
  ])(
    '%s: runs the step by name in its image, in the workflow folder, as the user',
    (runtime, argv) => {
      const cwd = tempDir('slurm-runtime');
      const tools = ['apptainer', 'docker', 'podman', 'ch-image', 'ch-run'];
      const calls = runWith(exported(runtime).files['regrid.sbatch']!, tools, cwd, ['extra arg']);
      expect(calls.at(-1)).toEqual(argv(cwd));
      if (runtime === 'charliecloud')
        expect(calls[0]).toEqual(['ch-image', 'pull', `ghcr.io/acme/flood/python@${digest(1)}`]);
      expect(existsSync(join(cwd, 'work/grid'))).toBe(true); // the output folder, made before the run
    },
  );

  it("GPU steps get the runtime's GPU flag", () => {
    expect(exported('apptainer').files['train.sbatch']).toContain('apptainer run --nv');
    expect(exported('docker').files['train.sbatch']).toContain('docker run --rm --gpus all');
    expect(exported('podman').files['train.sbatch']).toContain('--device nvidia.com/gpu=all');
    // a glob's folder is made, not the glob
    const cwd = tempDir('slurm-glob');
    runWith(exported('docker').files['train.sbatch']!, ['docker'], cwd);
    expect(existsSync(join(cwd, 'results'))).toBe(true);
  });

  it('submit.sh submits in dependency order from the workflow folder, each after what it reads', () => {
    const cwd = tempDir('slurm-submit');
    const result = exported();
    const calls = runWith(result.files['submit.sh']!, ['sbatch'], cwd, [], {
      STOWAGE_WORKDIR: cwd,
    });
    const names = calls.map((c) => c.at(-1)!.split('/').pop());
    expect(names).toEqual(['regrid.sbatch', 'train.sbatch', 'plot_s.sbatch']);
    for (const call of calls) {
      expect(call.slice(1, 5)).toEqual(['--parsable', '--kill-on-invalid-dep=yes', '--chdir', cwd]);
    }
    const ids = calls.map(() => undefined);
    expect(ids).toHaveLength(3);
    expect(calls[1]).toContainEqual(expect.stringMatching(/^--dependency=afterok:\d+$/));
    expect(calls[2]).toContainEqual(expect.stringMatching(/^--dependency=afterok:\d+:\d+$/));
    expect(result.files['submit.sh']).toContain(`$(cd "$here"/'../../../wf' && pwd)`);
  });

  it('every script is valid bash, and a command substitution in a spec stays text', () => {
    for (const runtime of ['apptainer', 'docker', 'podman', 'charliecloud'] as const) {
      for (const text of Object.values(exported(runtime).files))
        expect(spawnSync('bash', ['-n'], { input: text }).status).toBe(0);
    }
    expect(JSON.stringify(exported().files)).not.toContain('rm -rf');
  });

  it('for an imported pipeline, passes the command through as arguments and writes no submit.sh', () => {
    const nf = importWorkflow(`${FIX}/nextflow/nf-core-mini`);
    // Its GPU count comes from a profile ternary, unknown until run: give it one here.
    const gpu = nf.workflow!.steps.find((s) => s.id === 'DEEPVARIANT_GPU')!;
    gpu.resources = { ...gpu.resources, gpus: 1 };
    const out = exportSlurm({ workflow: nf.workflow!, stepImages: imagesFor(nf.workflow!.steps) });
    expect(out.files['DEEPVARIANT_GPU.sbatch']).toContain('apptainer run --nv');
    expect(out.files['DEEPVARIANT_GPU.sbatch']).toMatch(/"docker:\/\/\$image" "\$@"$/m);
    expect(out.files['GATK4_HAPLOTYPECALLER.sbatch']).toContain('#SBATCH --time=1-06:00:00');
    expect(out.files['submit.sh']).toBeUndefined();
  });

  it.each([
    [59, '0-00:01:00'],
    [3600, '0-01:00:00'],
    [90000, '1-01:00:00'],
  ])('slurmTime(%d) = %s', (seconds, text) => expect(slurmTime(seconds)).toBe(text));

  it('a loop gets no submit script, and says why', () => {
    const loop = newWorkflow('loop', 'stowage.yml', 'stowage', new RecordedSource('stowage.yml'));
    const a = newStep('a');
    const b = newStep('b');
    a.inputs = ['b.o'];
    a.outputs = { o: 'a.txt' };
    b.inputs = ['a.o'];
    b.outputs = { o: 'b.txt' };
    loop.steps.push(a, b);
    const image = { ref: `r/x@${digest(2)}`, pinned: 'digest' as const };
    const out = exportSlurm({ workflow: loop, stepImages: { a: image, b: image } });
    expect(out.files['submit.sh']).toBeUndefined();
    expect(out.skipped).toContainEqual({ step: 'a → b', reason: expect.stringContaining('loop') });
  });
});

describe('exportImages', () => {
  it('writes every engine under outDir/<engine> and reports pinning', () => {
    const root = tempDir('export');
    const imported = importWorkflow(`${FIX}/cwl/variant`);
    const result = exportImages({
      // The engines' exports; shims, modules and compose need Stowage's own images (apps.test.ts).
      engines: EXPORT_ENGINES.filter((e) => !['shims', 'modules', 'compose'].includes(e)),
      workflow: imported.workflow!,
      stepImages: imagesFor(imported.workflow!.steps),
      origin: imported.origin,
      outDir: '.stowage/export',
      root,
    });
    expect(result.written).toEqual([
      '.stowage/export/nextflow/stowage.config',
      '.stowage/export/snakemake/stowage-images.yaml',
      '.stowage/export/cwl/stowage-overrides.yml',
      '.stowage/export/slurm/align.sbatch',
      '.stowage/export/slurm/sort.sbatch',
      '.stowage/export/slurm/call.sbatch',
      '.stowage/export/slurm/score.sbatch',
    ]);
    for (const f of result.written) expect(existsSync(join(root, f))).toBe(true);
    expect(readFileSync(join(root, '.stowage/export/cwl/stowage-overrides.yml'), 'utf8')).toContain(
      'dockerPull',
    );
    expect(result.lines).toContain(
      'cwl: 4 step(s), images pinned by digest; use: cwltool --overrides .stowage/export/cwl/stowage-overrides.yml __tests__/fixtures/cwl/variant/workflow.cwl <job.yml>',
    );
    expect(result.empty).toEqual([]);
  });

  it('fails when no step could be exported', () => {
    const root = tempDir('export');
    const imported = importWorkflow(`${FIX}/snakemake/calling`);
    const result = exportImages({
      engines: ['snakemake'],
      workflow: imported.workflow!,
      stepImages: {},
      origin: imported.origin,
      outDir: 'out',
      root,
    });
    expect(result.empty).toEqual(['snakemake']);
    expect(result.lines.some((l) => l.startsWith('snakemake: skipped step bwa_map'))).toBe(true);
  });

  it('an export that does not apply writes nothing and says why, and is not "empty"', () => {
    const root = tempDir('export');
    const imported = importWorkflow(`${FIX}/snakemake/calling`);
    const result = exportImages({
      engines: ['cwl', 'snakemake'],
      workflow: imported.workflow!,
      stepImages: imagesFor(imported.workflow!.steps),
      origin: imported.origin,
      outDir: 'out',
      root,
    });
    expect(result.empty).toEqual([]);
    expect(result.notApplicable.map((n) => n.engine)).toEqual(['cwl']);
    expect(result.lines[0]).toMatch(
      /^cwl: nothing to override: .*Snakefile is a Snakemake workflow/,
    );
    expect(existsSync(join(root, 'out/cwl'))).toBe(false);
    expect(result.lines).toContain(
      'snakemake: 6 step(s), images pinned by digest; use: append to the Snakefile:',
    );
  });

  it.each<[Pinning, string]>([
    ['digest', 'images pinned by digest'],
    ['tag', 'images named by tag only, no digest (a tag can be moved)'],
    ['mixed', 'images pinned by digest where pushed, the others named by tag only'],
    ['none', 'no image'],
  ])('says how images are pinned in plain words: %s', (pinning, phrase) => {
    expect(pinningPhrase(pinning)).toBe(phrase);
    expect(pinningSentence(pinning)).not.toMatch(/pinned by (mixed|none|tag)\b/);
  });
});

describe('Nextflow export: processes of one name', () => {
  const w = newWorkflow('nf', 'main.nf', 'nextflow', new RecordedSource('main.nf'));
  const a = newStep('modules/a/FASTQC');
  const b = newStep('modules/b/FASTQC');
  const c = newStep('MULTIQC');
  w.steps.push(a, b, c);
  const origin = {
    format: 'nextflow' as const,
    engineNames: { [a.id]: 'FASTQC', [b.id]: 'FASTQC', [c.id]: 'MULTIQC' },
    tools: {},
  };
  const image = (n: number) => ({ ref: `r/g${n}@${digest(n)}`, pinned: 'digest' as const });

  it('with different images: both left out, with the reason; never the last one for both', () => {
    const out = exportNextflow({
      workflow: w,
      origin,
      stepImages: { [a.id]: image(1), [b.id]: image(2), [c.id]: image(3) },
    });
    const text = out.files['stowage.config']!;
    expect(text.match(/withName: 'FASTQC'/g)).toBeNull();
    expect(text).toContain("withName: 'MULTIQC'");
    expect(out.skipped.map((s) => s.step)).toEqual([a.id, b.id]);
    expect(out.skipped[0]!.reason).toContain('withName cannot tell them apart');
  });

  it('with one image: written once', () => {
    const out = exportNextflow({
      workflow: w,
      origin,
      stepImages: { [a.id]: image(1), [b.id]: image(1), [c.id]: image(3) },
    });
    expect(out.files['stowage.config']!.match(/withName: 'FASTQC'/g)).toHaveLength(1);
    expect(out.skipped).toEqual([]);
  });
});

test('Slurm: steps whose names clean to one file name get a file each', () => {
  const w = newWorkflow('n', 'stowage.yml', 'stowage', new RecordedSource('stowage.yml'));
  w.steps.push(newStep('a/b'), newStep('a_b'), newStep('submit.sh'));
  const image = { ref: `r/x@${digest(4)}`, pinned: 'digest' as const };
  const out = exportSlurm({
    workflow: w,
    stepImages: { 'a/b': image, a_b: image, 'submit.sh': image },
  });
  expect(Object.keys(out.files).sort()).toEqual([
    'a_b-2.sbatch',
    'a_b.sbatch',
    'submit.sh',
    'submit.sh.sbatch',
  ]);
  expect(out.files['a_b.sbatch']).toContain("'a/b'");
  expect(out.files['a_b-2.sbatch']).toContain("'a_b'");
  expect(out.files['submit.sh']).toContain("'a_b-2.sbatch'");
});
