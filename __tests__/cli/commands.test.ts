import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import path from 'node:path';

import { main, type Io } from '../../src/cli/main.js';
import { offline } from '../helpers/offline.js';
import { contentHashTag } from '../../src/images/tags.js';
import { FakeRegistry } from '../images/fake-registry.js';
import { closedPort } from '../helpers/ports.js';
import { copyExamples, repoRoot } from '../helpers/run-action.js';
import { tempDir } from '../helpers/temp.js';

async function cli(
  cwd: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env: {}, ...offline };
  const code = await main(args, io);
  return { code, out, err };
}

describe('stowage plan', () => {
  test('writes plan.json and a Dockerfile per group, prints the table', async () => {
    const ws = copyExamples();
    const { code, out } = await cli(ws, ['plan', 'examples/flood/stowage.yml']);
    expect(code).toBe(0);
    expect(out).toContain('No findings.');
    expect(out).toMatch(/^python-gpu\s+python \(GPU\)\s+train/m);
    expect(out).toContain('One image per step: 6 images');
    const plan = JSON.parse(readFileSync(path.join(ws, '.stowage/plan.json'), 'utf8'));
    for (const group of plan.groups) {
      expect(readFileSync(path.join(ws, '.stowage', group.name, 'Dockerfile'), 'utf8')).toBe(
        group.generated.Dockerfile,
      );
    }
  });

  test('--format json prints one object, findings and plan, deterministic across runs', async () => {
    const ws = copyExamples();
    const first = await cli(ws, [
      'plan',
      'examples/variant-calling/stowage.yml',
      '--format',
      'json',
      '--out-dir',
      'a',
    ]);
    const second = await cli(ws, [
      'plan',
      'examples/variant-calling/stowage.yml',
      '--format',
      'json',
      '--out-dir',
      'b',
    ]);
    expect(first.code).toBe(0);
    expect(first.out).toBe(second.out);
    const json = JSON.parse(first.out);
    expect(Array.isArray(json.findings)).toBe(true);
    expect(json.plan.groups.map((g: { family: string }) => g.family).sort()).toEqual([
      'conda',
      'python',
      'r',
    ]);
  });

  test('--base-image points a family at another registry (air-gapped runners)', async () => {
    const ws = copyExamples();
    const { code } = await cli(ws, [
      'plan',
      'examples/flood/stowage.yml',
      '--base-image',
      'native=127.0.0.1:5000/debian:12',
    ]);
    expect(code).toBe(0);
    expect(readFileSync(path.join(ws, '.stowage/native/Dockerfile'), 'utf8')).toMatch(
      /^FROM 127\.0\.0\.1:5000\/debian:12$/m,
    );
  });

  test('an injection attempt gets a finding, and its step no image', async () => {
    const ws = copyExamples();
    writeFileSync(
      path.join(ws, 'evil.yml'),
      'version: 1\nname: evil\nsteps:\n  a:\n    run: python a.py\n    software: { python: "3.12", pip: ["numpy; rm -rf /"] }\n',
    );
    const { code, out } = await cli(ws, ['plan', 'evil.yml']);
    expect(code).toBe(1);
    expect(out).toMatch(/evil\.yml:6:\d+: error: .*\[STW410\]/);
    expect(existsSync(path.join(ws, '.stowage/python'))).toBe(false);
    // The step is accounted for: unplanned, with the reason.
    expect(out).toMatch(
      /Not planned: 1 step .*\n {2}a: pip requirement "numpy; rm -rf \/" is refused/,
    );
    const written = JSON.parse(readFileSync(path.join(ws, '.stowage/plan.json'), 'utf8')) as {
      unplanned: unknown[];
    };
    expect(written.unplanned).toEqual([
      { step: 'a', reason: expect.stringContaining('numpy; rm -rf /') },
    ]);
  });

  test('a spec with errors gets no plan and exit 1', async () => {
    const { code, err } = await cli(repoRoot, [
      'plan',
      'examples/broken/unknown-key.yml',
      '--out-dir',
      os.tmpdir(),
    ]);
    expect(code).toBe(1);
    expect(err).toContain('no plan: examples/broken/unknown-key.yml breaks the schema');
  });
});

describe('stowage plan on a pipeline with a file it cannot read', () => {
  const PIPELINE = '__tests__/fixtures/nextflow/groovy-constructs';

  test('plans everything else; --format json prints the findings and the plan', async () => {
    const out = tempDir('unreadable');
    const { code, out: stdout } = await cli(repoRoot, [
      'plan',
      PIPELINE,
      '--format',
      'json',
      '--out-dir',
      out,
    ]);
    expect(code).toBe(1); // STW420 is an error by default
    const json = JSON.parse(stdout);
    expect(json.findings.filter((f: { rule: string }) => f.rule === 'STW420')).toHaveLength(1);
    expect(json.plan.groups.length).toBeGreaterThan(0);
    expect(existsSync(path.join(out, 'plan.json'))).toBe(true);
  });

  test.each([
    ['--fail-on never', ['--fail-on', 'never'], undefined, 'error'],
    ['STW420: warning in the config', [], 'warning', 'warning'],
    ['STW420: off in the config', [], 'off', undefined],
  ])('%s: exit 0, the finding as configured', async (_title, flags, level, severity) => {
    const ws = tempDir('unreadable-config');
    const args = ['plan', path.join(repoRoot, PIPELINE), '--format', 'json', '--out-dir', ws];
    if (level) {
      writeFileSync(path.join(ws, 'config.yml'), `rules:\n  STW420: ${level}\n`);
      args.push('--config', path.join(ws, 'config.yml'));
    }
    const { code, out } = await cli(ws, [...args, ...flags]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    const found = json.findings.filter((f: { rule: string }) => f.rule === 'STW420');
    expect(found.map((f: { severity: string }) => f.severity)).toEqual(severity ? [severity] : []);
    expect(json.plan).not.toBeNull();
  });
});

describe('stowage export', () => {
  const registries: FakeRegistry[] = [];
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.stop()));
  });

  test("asks the registry for the digests of the plan's content-hash tags; the rest by tag", async () => {
    const ws = copyExamples();
    await cli(ws, ['plan', 'examples/flood/stowage.yml']);
    const plan = JSON.parse(readFileSync(path.join(ws, '.stowage/plan.json'), 'utf8'));
    const gpu = plan.groups.find((g: { name: string }) => g.name === 'python-gpu');
    const registry = await new FakeRegistry().start();
    registries.push(registry);
    const digest = registry.addImage('flood/python-gpu', contentHashTag(gpu.contentHash));
    const { code, out, err } = await cli(ws, [
      'export',
      'nextflow',
      'examples/flood/stowage.yml',
      '--registry',
      `${registry.host}/flood`,
    ]);
    expect(code).toBe(0);
    expect(out).toContain(
      'nextflow: 6 step(s), images pinned by digest where pushed, the others named by tag only; use:',
    );
    expect(err).toMatch(
      /not in 127\.0\.0\.1:\d+\/flood yet \(build and push them first\): python, jvm, native/,
    );
    const config = readFileSync(path.join(ws, '.stowage/export/nextflow/stowage.config'), 'utf8');
    expect(config).toContain(
      `withName: 'train' {\n        container = '${registry.host}/flood/python-gpu@${digest}'`,
    );
    expect(config).toMatch(
      /withName: 'regrid' \{\s*container = '127\.0\.0\.1:\d+\/flood\/python:hash-[0-9a-f]{20}'/,
    );
  });

  test('a committed images.json is never trusted', async () => {
    const ws = copyExamples();
    mkdirSync(path.join(ws, '.stowage'), { recursive: true });
    const images = ['python', 'python-gpu', 'jvm', 'native'].map((group) => ({
      group,
      image: 'docker.io/mallory/backdoor',
      tags: ['latest'],
      digest: `sha256:${'b'.repeat(64)}`,
      status: 'built',
    }));
    writeFileSync(path.join(ws, '.stowage/images.json'), JSON.stringify(images));
    const { out } = await cli(ws, [
      'export',
      'slurm',
      'examples/flood/stowage.yml',
      '--registry',
      `127.0.0.1:${await closedPort()}/flood`,
    ]);
    const written = out
      .match(/wrote (\S+)/g)!
      .map((l) => readFileSync(path.join(ws, l.slice(6)), 'utf8'));
    expect(written.join('\n')).not.toContain('mallory');
  });

  test("an unreachable registry: one notice, the plan's tags", async () => {
    const ws = copyExamples();
    const vcHost = `127.0.0.1:${await closedPort()}`;
    const { code, err, out } = await cli(ws, [
      'export',
      'cwl',
      'examples/variant-calling/stowage.yml',
      '--registry',
      `${vcHost}/vc`,
    ]);
    expect(
      err.match(/cannot ask 127\.0\.0\.1:\d+\/vc for the images \(.*ECONNREFUSED/g),
    ).toHaveLength(1);
    // A stowage spec has no CWL tool to override: said, no file written, and the run fails.
    expect(out).toContain(
      'cwl: nothing to override: examples/variant-calling/stowage.yml is a Stowage spec, not CWL.',
    );
    expect(existsSync(path.join(ws, '.stowage/export/cwl'))).toBe(false);
    expect(code).toBe(1);
  });

  test('without a registry: the local images of `build --no-push`', async () => {
    const ws = copyExamples();
    writeFileSync(
      path.join(ws, 'examples/word-count/nore.yml'),
      readFileSync(path.join(ws, 'examples/word-count/stowage.yml'), 'utf8').replace(
        'containers:\n  registry: 127.0.0.1:5000/demo\n',
        '',
      ),
    );
    const { code, err, out } = await cli(ws, ['export', 'slurm', 'examples/word-count/nore.yml']);
    expect(err).toContain('no registry: exporting the local images');
    expect(code).toBe(0);
    const file = out.match(/wrote (\S+\.sbatch)/)![1]!;
    expect(readFileSync(path.join(ws, file), 'utf8')).toMatch(
      /image='localhost\/stowage\/[a-z-]+:hash-[0-9a-f]{20}'/,
    );
  });
});

describe('stowage plan on imported pipelines and odd inputs', () => {
  test.each([
    '__tests__/fixtures/nextflow/nf-core-mini',
    '__tests__/fixtures/snakemake/calling',
    '__tests__/fixtures/cwl/variant',
    '__tests__/fixtures/cwl/packed',
  ])('%s plans without errors, every group with a Dockerfile', async (pipeline) => {
    const out = tempDir('import');
    const { code, out: printed } = await cli(repoRoot, ['plan', pipeline, '--out-dir', out]);
    expect(printed).toMatch(/^0 errors, /m);
    expect(code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    for (const group of plan.groups) {
      expect(existsSync(path.join(out, group.name, 'Dockerfile'))).toBe(true);
    }
  });

  test('--format sarif prints the SARIF log alone on stdout', async () => {
    const ws = copyExamples();
    const { code, out, err } = await cli(ws, [
      'plan',
      'examples/flood/stowage.yml',
      '--format',
      'sarif',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out).version).toBe('2.1.0');
    expect(err).toContain('python-gpu');
  });

  test('a folder of no known format is a usage error (exit 2)', async () => {
    const empty = tempDir('empty');
    const { code, err } = await cli(empty, ['lint', '.']);
    expect(code).toBe(2);
    expect(err).toContain('cannot tell the workflow format of .');
  });
});

test('a misspelt family in --base-image is a usage error with a suggestion', async () => {
  const ws = copyExamples();
  const { code, err } = await cli(ws, [
    'plan',
    'examples/flood/stowage.yml',
    '--base-image',
    'pyhton=python:3.13',
  ]);
  expect(code).toBe(2);
  expect(err).toContain(
    'base image for "pyhton": no such family or pinned group (did you mean "python"?)',
  );
});

test('re-planning removes the folder of a group that no longer exists', async () => {
  const ws = copyExamples();
  await cli(ws, ['plan', 'examples/flood/stowage.yml']);
  expect(existsSync(path.join(ws, '.stowage/python-gpu/Dockerfile'))).toBe(true);
  const spec = path.join(ws, 'examples/flood/stowage.yml');
  writeFileSync(
    spec,
    readFileSync(spec, 'utf8').replace(
      '  size-budget: 4GB\n',
      '  size-budget: 4GB\n  groups:\n    gpu: { steps: [train] }\n',
    ),
  );
  const { code } = await cli(ws, ['plan', 'examples/flood/stowage.yml']);
  expect(code).toBe(0);
  expect(existsSync(path.join(ws, '.stowage/gpu/Dockerfile'))).toBe(true);
  expect(existsSync(path.join(ws, '.stowage/python-gpu'))).toBe(false);
});

test('a committed stowage.lock linked outside the repository is refused, and never echoed', async () => {
  const ws = tempDir('lock-link');
  const outside = tempDir('lock-secret');
  writeFileSync(path.join(outside, 'env'), 'SECRET_TOKEN=hunter2-do-not-print\n');
  writeFileSync(
    path.join(ws, 'stowage.yml'),
    'version: 1\nname: w\nsteps:\n  a:\n    run: python a.py\n    software: { python: "3.12", pip: [pandas==2.2.2] }\n',
  );
  symlinkSync(path.join(outside, 'env'), path.join(ws, 'stowage.lock'));
  const { code, out, err } = await cli(ws, ['plan', 'stowage.yml']);
  expect(code).toBe(2);
  expect(err).toMatch(/stowage\.lock resolves outside the repository/);
  expect(`${out}${err}`).not.toContain('hunter2');
});

describe('an empty plan', () => {
  test('says there is nothing to build, without the lower-bound lecture or folders', async () => {
    const ws = tempDir('emptyplan');
    writeFileSync(
      path.join(ws, 'stowage.yml'),
      [
        'version: 1',
        'name: ext',
        'outputs: { o: a.out }',
        'steps:',
        '  a:',
        '    run: tool x',
        '    outputs: { out: a.out }',
        '    duration: 1h',
        '    container: "ghcr.io/acme/tool:1.0@sha256:' + 'a'.repeat(64) + '"',
        '',
      ].join('\n'),
    );
    const { code, out } = await cli(ws, ['plan', '--resolve', 'off', 'stowage.yml']);
    expect(code).toBe(0);
    expect(out).toContain('Plan: no image to build');
    expect(out).not.toContain('no plan can use fewer');
    expect(out).not.toContain('a folder per group');
    expect(out).toMatch(/Wrote \.stowage\/plan\.json\.\n/);
  });
});

describe('huge values', () => {
  test('50,000 pip packages on one line: planned, every package in the Dockerfile, no crash', async () => {
    const ws = tempDir('pip50k');
    const packages = Array.from({ length: 50_000 }, (_, i) => `pkg${i}==1.0.${i % 7}`);
    writeFileSync(
      path.join(ws, 'stowage.yml'),
      [
        'version: 1',
        'name: big',
        'outputs: { o: a.out }',
        'steps:',
        '  a:',
        '    run: python x.py',
        '    outputs: { out: a.out }',
        '    duration: 1h',
        `    software: { python: "3.12", pip: [${packages.join(', ')}] }`,
        '',
      ].join('\n'),
    );
    const { code, out, err } = await cli(ws, ['plan', '--resolve', 'off', 'stowage.yml']);
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain('Plan: 1 image');
    const dockerfile = readFileSync(path.join(ws, '.stowage/python/Dockerfile'), 'utf8');
    for (const p of [packages[0]!, packages[25_000]!, packages[49_999]!])
      expect(dockerfile).toContain(p);
  });
});
