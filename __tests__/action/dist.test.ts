import { runAction } from '../helpers/run-action.js';

// These run the committed bundle, as GitHub runs it; `npm run bundle` refreshes it.
describe('node dist/index.js, as a runner runs it', () => {
  test('lint mode on a clean example: no annotations of errors, counts output, success', () => {
    const run = runAction({ spec: 'examples/flood/stowage.yml', mode: 'lint' });
    expect(run.status).toBe(0);
    const counts = JSON.parse(run.outputs.findings!);
    expect(counts).toMatchObject({ error: 0 });
    expect(run.commands.filter((c) => c.startsWith('::error'))).toEqual([]);
  });

  test('a schema error fails the step with an annotation at the exact span', () => {
    const run = runAction({ spec: 'examples/broken/unknown-key.yml', mode: 'lint' });
    expect(run.status).toBe(1);
    expect(run.commands).toContain(
      '::error title=STW100 schema,file=examples/broken/unknown-key.yml,line=5,endLine=5,col=5,endColumn=8::unknown key "rnu" (did you mean "run"?)',
    );
    expect(JSON.parse(run.outputs.findings!)).toMatchObject({ error: 1, total: 1 });
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
