/**
 * buildPlan's decisions — skip, build, tag, fail in isolation, moving tags only after full
 * success, concurrency, group filter — with a recording builder that "pushes" into an in-process
 * registry. Real engines are exercised in __tests__/e2e.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { BuildRequest, Builder } from '../../src/images/builder.js';
import { imagesOutput, matrixOutput } from '../../src/images/outputs.js';
import { buildSummaryMarkdown } from '../../src/report/build.js';
import { buildPlan, stageBuildContext, type BuildOptions } from '../../src/images/build.js';
import { contentHashTag, type RunContext } from '../../src/images/tags.js';
import type { Plan, PlannedGroup } from '../../src/plan/types.js';
import { FakeRegistry } from './fake-registry.js';
import { testGroup, testPlan } from '../helpers/plans.js';
import { tempDir } from '../helpers/temp.js';

const dirs: string[] = [];
const registries: FakeRegistry[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await Promise.all(registries.splice(0).map((r) => r.stop()));
});

function group(name: string, hashChar: string, steps = [name]): PlannedGroup {
  return testGroup(name, steps, {
    runtimes: { python: '3.12' },
    estimatedSize: 100_000_000,
    generated: {
      Dockerfile: `FROM python:3.12-slim\n# ${name}\n`,
      'entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
    },
    contentHash: hashChar.repeat(64),
  });
}

function plan(groups: PlannedGroup[]): Plan {
  const b = { images: 1, estimatedTotalSize: 0, conflicts: 0 };
  return testPlan(groups, {
    workflow: 'flood',
    context: 'wf',
    external: [{ step: 'ext', image: 'ghcr.io/x/y:1@sha256:' + 'c'.repeat(64) }],
    baselines: { perStep: b, monolith: b },
  });
}

/** A builder that records requests and stores an image in the fake registry when pushing. */
class RecordingBuilder implements Builder {
  readonly kind = 'docker';
  readonly description = 'recording builder';
  readonly requests: BuildRequest[] = [];
  active = 0;
  maxActive = 0;
  constructor(
    private readonly registry: FakeRegistry,
    private readonly failGroups: string[] = [],
  ) {}
  async login(): Promise<void> {}
  async build(req: BuildRequest): Promise<{ localSize: number }> {
    this.requests.push(req);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setTimeout(r, 20));
    this.active -= 1;
    if (this.failGroups.includes(req.group))
      throw new Error(`RUN pip install failed in ${req.group}`);
    if (req.push) {
      for (const ref of req.tags) {
        const [repo = '', tag = ''] = ref.split(/:(?=[^:]+$)/);
        this.registry.addImage(repo.slice(repo.indexOf('/') + 1), tag, req.labels, 2000);
      }
    }
    return { localSize: 4321 };
  }
}

const ctx: RunContext = {
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  defaultBranch: 'main',
};

async function setup(failGroups: string[] = []): Promise<{
  reg: FakeRegistry;
  builder: RecordingBuilder;
  options: BuildOptions;
  workspace: string;
}> {
  const reg = await new FakeRegistry().start();
  registries.push(reg);
  const workspace = tempDir('run');
  dirs.push(workspace);
  const builder = new RecordingBuilder(reg, failGroups);
  return {
    reg,
    builder,
    workspace,
    options: {
      registry: `${reg.host}/acme`,
      builder,
      workspace,
      context: ctx,
      push: true,
      registryOptions: { backoffMs: 1 },
    },
  };
}

describe('buildPlan', () => {
  test('builds new groups, skips unchanged ones, and tags both', async () => {
    const { reg, builder, options } = await setup();
    const existing = reg.addImage('acme/jvm', contentHashTag('b'.repeat(64)), {}, 3000);
    const results = await buildPlan(plan([group('python', 'a'), group('jvm', 'b')]), options);
    expect(results.map((r) => [r.group, r.status])).toEqual([
      ['python', 'built'],
      ['jvm', 'skipped'],
    ]);
    expect(builder.requests.map((r) => r.group)).toEqual(['python']);
    expect(results[1]?.digest).toBe(existing);
    for (const r of results) {
      expect(r.tags).toEqual([expect.stringMatching(/^hash-/), 'sha-aaaaaaa', 'main', 'latest']);
      expect(reg.tags.get(`acme/${r.group}:latest`)).toBe(r.digest);
      // What a pull downloads, from the registry; the unpacked size is the engine's (none here).
      expect(r.pullSize).toBeGreaterThan(2000);
      expect(r.pushed).toBe(true);
    }
    expect(builder.requests[0]?.tags).toEqual([
      `${reg.host}/acme/python:${contentHashTag('a'.repeat(64))}`,
    ]);
    expect(builder.requests[0]?.labels['io.stowage.steps']).toBe('python');
  });

  test('one failed group keeps the others and holds back the moving tags', async () => {
    const { reg, options } = await setup(['jvm']);
    const results = await buildPlan(
      plan([group('python', 'a'), group('jvm', 'b'), group('r', 'd')]),
      options,
    );
    expect(results.map((r) => r.status)).toEqual(['built', 'failed', 'built']);
    expect(results[1]?.error).toMatch(/RUN pip install failed in jvm/);
    expect(reg.tags.has('acme/python:sha-aaaaaaa')).toBe(true);
    expect(reg.tags.has('acme/python:latest')).toBe(false);
    expect(reg.tags.has('acme/python:main')).toBe(false);
    expect(results[0]?.tags).not.toContain('latest');
  });

  test('a matrix job (groups filter) pushes its group but moves no tag', async () => {
    const { reg, options } = await setup();
    const p = plan([group('python', 'a'), group('jvm', 'b')]);
    const results = await buildPlan(p, { ...options, groups: ['jvm'] });
    expect(results.map((r) => r.status)).toEqual(['built']);
    expect(reg.tags.has('acme/jvm:sha-aaaaaaa')).toBe(true);
    expect(reg.tags.has('acme/jvm:latest')).toBe(false);
    expect(results[0]?.tags).not.toContain('latest');
    // The final job without a filter finds every group built and moves the tags.
    await buildPlan(p, options);
    expect(reg.tags.has('acme/jvm:latest')).toBe(true);
    expect(reg.tags.has('acme/python:latest')).toBe(true);
  });

  test('pushes nothing when push is false, and reports the engine size', async () => {
    const { reg, builder, options } = await setup();
    const results = await buildPlan(plan([group('python', 'a')]), { ...options, push: false });
    expect(results[0]).toMatchObject({ status: 'built', pushed: false, size: 4321 });
    expect(results[0]?.digest).toBeUndefined();
    expect(builder.requests[0]?.push).toBe(false);
    expect(reg.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  test('runs at most `parallel` builds at once', async () => {
    const { builder, options } = await setup();
    const groups = ['a1', 'b2', 'c3', 'd4', 'e5'].map((n, i) => group(n, 'abcde'[i] ?? 'a'));
    await buildPlan(plan(groups), { ...options, parallel: 2 });
    expect(builder.maxActive).toBe(2);
    expect(builder.requests).toHaveLength(5);
  });

  test('the groups filter builds only those, and names unknown ones', async () => {
    const { builder, options } = await setup();
    const p = plan([group('python', 'a'), group('jvm', 'b')]);
    const results = await buildPlan(p, { ...options, groups: ['jvm'] });
    expect(results.map((r) => r.group)).toEqual(['jvm']);
    expect(builder.requests.map((r) => r.group)).toEqual(['jvm']);
    await expect(buildPlan(p, { ...options, groups: ['gpu'] })).rejects.toThrow(
      /gpu not in the plan \(its groups: python, jvm\)/,
    );
  });

  test('stages generated and context files in a temporary folder per group and builds there', async () => {
    const { options, workspace } = await setup();
    mkdirSync(join(workspace, 'wf/scripts'), { recursive: true });
    writeFileSync(join(workspace, 'wf/scripts/regrid.py'), 'print(1)\n');
    writeFileSync(join(workspace, 'wf/secret.env'), 'TOKEN=x\n');
    const g = { ...group('python', 'a'), contextFiles: ['scripts/regrid.py'] };
    const staged: Record<string, string> = {};
    const seen: { contextDir?: string; dockerfile?: string } = {};
    const recording = {
      description: 'staging check',
      login: async () => {},
      build: async (req: { contextDir: string; dockerfile: string }) => {
        Object.assign(seen, req);
        staged.dockerfile = readFileSync(join(req.contextDir, 'Dockerfile'), 'utf8');
        staged.script = readFileSync(join(req.contextDir, 'scripts/regrid.py'), 'utf8');
        staged.executable = String(
          (statSync(join(req.contextDir, 'entrypoint.sh')).mode & 0o111) !== 0,
        );
        staged.secret = String(existsSync(join(req.contextDir, 'secret.env')));
        return { digest: undefined, localSize: 1 };
      },
    };
    await buildPlan(plan([g]), { ...options, builder: recording as never, push: false });
    expect(staged).toEqual({
      dockerfile: expect.stringContaining('FROM python:3.12-slim'),
      script: 'print(1)\n',
      executable: 'true',
      secret: 'false',
    });
    expect(seen.contextDir!.startsWith(join(workspace, 'wf'))).toBe(false);
    expect(seen.dockerfile).toBe(join(seen.contextDir!, 'Dockerfile'));
    expect(existsSync(seen.contextDir!)).toBe(false); // cleaned up after the build
    expect(existsSync(join(workspace, 'wf/.stowage'))).toBe(false);
  });

  test('a context file that links outside the repository is refused', async () => {
    const { options, workspace } = await setup();
    const outside = tempDir('outside');
    dirs.push(outside);
    writeFileSync(join(outside, 'secret.txt'), 'host secret\n');
    mkdirSync(join(workspace, 'wf'), { recursive: true });
    symlinkSync(outside, join(workspace, 'wf/h'));
    const g = { ...group('python', 'a'), contextFiles: ['h/secret.txt'] };
    const results = await buildPlan(plan([g]), options);
    expect(results[0]?.status).toBe('failed');
    expect(results[0]?.error).toMatch(/h\/secret\.txt resolves outside the repository/);
  });

  test('a blocked group fails with its reasons and builds nothing', async () => {
    const { builder, options } = await setup();
    const blocked = {
      ...group('python', 'a'),
      generated: {},
      contentHash: '',
      blocked: ['base image "x y" is not a valid image reference'],
    };
    const results = await buildPlan(plan([blocked, group('jvm', 'b')]), options);
    expect(results.map((r) => r.status)).toEqual(['failed', 'built']);
    expect(results[0]?.error).toMatch(/python cannot be built: base image "x y"/);
    expect(builder.requests.map((r) => r.group)).toEqual(['jvm']);
  });

  test('logs progress per group and the builder path', async () => {
    const { options } = await setup();
    const lines: string[] = [];
    const groups: string[] = [];
    await buildPlan(plan([group('python', 'a')]), {
      ...options,
      log: {
        info: (m) => lines.push(m),
        warning: (m) => lines.push(m),
        group: (t) => groups.push(t),
      },
    });
    expect(lines).toContain('builder: recording builder');
    expect(lines.some((l) => /^\[1\/1\] python: built sha256:/.test(l))).toBe(true);
    expect(groups).toEqual(['python: built']);
  });
});

test.each([
  ['generated', '../escape'],
  ['generated', '/abs/path'],
  ['generated', 'a/../../b'],
  ['context', '../outside.txt'],
  ['context', '/etc/passwd'],
])('stageBuildContext refuses a %s file %j', (kind, name) => {
  const dir = tempDir('gen');
  dirs.push(dir);
  const g = group('python', 'a');
  if (kind === 'generated') g.generated = { Dockerfile: 'FROM x\n', [name]: 'x' };
  else g.contextFiles = [name];
  expect(() => stageBuildContext(dir, g, join(dir, 'staging'))).toThrow(/leaves /);
  expect(existsSync(join(dir, 'escape'))).toBe(false);
});

describe('outputs', () => {
  const results = [
    {
      group: 'python',
      steps: ['regrid', 'plot'],
      image: 'ghcr.io/acme/python',
      tags: ['hash-1', 'latest'],
      digest: `sha256:${'1'.repeat(64)}`,
      status: 'built' as const,
      pushed: true,
      size: 123_456_789,
      estimatedSize: 200_000_000,
      pullSize: 45_600_000,
      durationMs: 12_300,
    },
    {
      group: 'jvm',
      steps: ['mesh'],
      image: 'ghcr.io/acme/jvm',
      tags: [],
      status: 'failed' as const,
      pushed: false,
      estimatedSize: 1,
      durationMs: 1,
      error: 'pip | broke\nbadly',
    },
  ];
  const p = plan([group('python', 'a', ['regrid', 'plot']), group('jvm', 'b', ['mesh'])]);

  test('images', () => {
    expect(imagesOutput(results)[1]).toEqual({
      group: 'jvm',
      image: 'ghcr.io/acme/jvm',
      tags: [],
      digest: null,
      status: 'failed',
      pushed: false,
      size: null,
      estimatedSize: 1,
      pullSize: null,
      durationMs: 1,
      error: 'pip | broke\nbadly',
    });
  });
  test('matrix, with and without a filter', () => {
    expect(matrixOutput(p)).toEqual({ include: [{ group: 'python' }, { group: 'jvm' }] });
    expect(matrixOutput(p, ['jvm'])).toEqual({ include: [{ group: 'jvm' }] });
  });
  test('summary: a row per group, failures escaped', () => {
    const md = buildSummaryMarkdown(results);
    expect(md).toContain(
      '| python | 🔨 built | <code>ghcr.io/acme/python</code> <code>hash-1</code> <code>latest</code> | <code>sha256:111111111111…</code> | 123 MB (est. 200 MB, +62%) | 46 MB | — | 12.3 s |',
    );
    expect(md).toContain('- <strong>jvm</strong>: pip \\| broke');
    expect(md).toContain('1 built, 0 skipped, 1 failed.');
  });
});
