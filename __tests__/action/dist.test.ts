import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyExamples, runAction } from '../helpers/run-action.js';
import { sarifValidator } from '../helpers/sarif.js';

// These run the committed bundle, as GitHub runs it; `npm run bundle` refreshes it.
describe('node dist/index.js, as a runner runs it', () => {
  test('lint mode on a clean example: no error annotations, counts output, success', () => {
    const run = runAction({ spec: 'examples/flood/stowage.yml', mode: 'lint' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.outputs.findings!)).toEqual({
      error: 0,
      warning: 0,
      notice: 0,
      total: 0,
    });
    expect(run.commands.filter((c) => c.startsWith('::error'))).toEqual([]);
    expect(run.outputs.plan).toBeUndefined();
  });

  test('a schema error fails the step with an annotation at the exact span', () => {
    const run = runAction({ spec: 'examples/broken/unknown-key.yml', mode: 'lint' });
    expect(run.status).toBe(1);
    expect(run.commands).toContain(
      '::error title=STW100 schema,file=examples/broken/unknown-key.yml,line=5,endLine=5,col=5,endColumn=8::unknown key "rnu" (did you mean "run"?)',
    );
    expect(JSON.parse(run.outputs.findings!)).toMatchObject({ error: 1 });
    expect(run.stdout).toMatch(/::error::Stowage found 1 error/);
  });

  test('fail-on: never reports but does not fail', () => {
    const run = runAction({
      spec: 'examples/broken/unknown-key.yml',
      mode: 'lint',
      'fail-on': 'never',
    });
    expect(run.status).toBe(0);
    expect(run.commands.some((c) => c.startsWith('::error title=STW100'))).toBe(true);
  });

  test('plan mode: plan, matrix, Dockerfiles in the workspace and the summary with both diagrams', () => {
    const ws = copyExamples();
    const run = runAction({ spec: 'examples/flood/stowage.yml', mode: 'plan' }, { workspace: ws });
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.outputs.plan!);
    expect(plan.groups.map((g: { name: string }) => g.name)).toEqual([
      'python',
      'jvm',
      'native',
      'python-gpu',
    ]);
    expect(JSON.parse(run.outputs.matrix!)).toEqual({
      include: [
        { group: 'python' },
        { group: 'jvm' },
        { group: 'native' },
        { group: 'python-gpu' },
      ],
    });
    const dockerfile = readFileSync(path.join(ws, '.stowage/python/Dockerfile'), 'utf8');
    expect(dockerfile).toBe(plan.groups[0].generated.Dockerfile);
    expect(run.summary).toContain('```mermaid');
    expect(run.summary).toMatch(/subgraph .*python-gpu/);
    expect(run.summary).toContain('| One image per step | 6 |');
    expect(run.stdout).toContain('Lint configuration: defaults');
  });

  test('an export that would run no step in an image fails the step and says what to do', () => {
    // No registry in the spec or the inputs, and no build: nothing can say where an image is.
    const ws = copyExamples();
    const spec = readFileSync(path.join(ws, 'examples/word-count/stowage.yml'), 'utf8');
    writeFileSync(
      path.join(ws, 'no-registry.yml'),
      spec.replace(/^containers:\n\s+registry:.*\n/m, ''),
    );
    const run = runAction(
      { spec: 'no-registry.yml', mode: 'plan', export: 'nextflow', resolve: 'off' },
      { workspace: ws },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /::error::export: the nextflow configuration would run none of the workflow's steps.*build first/,
    );
    expect(run.stdout).toMatch(/nextflow: skipped step clean: /);
    expect(run.outputs.plan).toBeDefined();
  });

  test('broken examples: annotations within the budget, summary with Mermaid, valid SARIF', () => {
    const ws = copyExamples();
    const run = runAction(
      {
        spec: 'examples/broken/lint-smells.yml',
        mode: 'plan',
        'sarif-file': 'out/stowage.sarif',
        'fail-on': 'never',
      },
      { workspace: ws },
    );
    expect(run.status).toBe(0);
    const counts = JSON.parse(run.outputs.findings!);
    expect(counts.total).toBeGreaterThan(10);
    const byLevel = (level: string) =>
      run.commands.filter(
        (c) => c.startsWith(`::${level} `) && c.includes('file=examples/broken/lint-smells.yml'),
      ).length;
    for (const level of ['error', 'warning', 'notice'])
      expect(byLevel(level)).toBe(Math.min(counts[level], 10));
    const omitted =
      counts.total -
      ['error', 'warning', 'notice'].reduce((n, l) => n + Math.min(counts[l], 10), 0);
    if (omitted > 0) expect(run.summary).toContain(`${omitted} finding`);
    expect(run.summary).toContain('```mermaid');
    expect(run.summary).toContain('flowchart LR');
    expect(run.outputs['sarif-file']).toBe('out/stowage.sarif');
    const sarif = JSON.parse(readFileSync(path.join(ws, 'out/stowage.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(counts.total);
  });

  test.each([
    [{ mode: 'deploy' }, 'input "mode" is "deploy"; expected one of: lint, plan, build'],
    [{ 'fail-on': 'sometimes' }, 'input "fail-on" is "sometimes"'],
    [{ parallel: 'many' }, 'input "parallel" is "many"'],
    [{ spec: 'missing.yml' }, 'cannot read missing.yml: no such file'],
  ])('bad input %j fails with a clear message', (inputs, message) => {
    const run = runAction({ spec: 'examples/flood/stowage.yml', ...inputs });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::error::${message}`);
  });
});
