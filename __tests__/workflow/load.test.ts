import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSpecFile, loadSpecText } from '../../src/workflow/load.js';
import type { Finding } from '../../src/common/findings.js';

const root = path.resolve(import.meta.dirname, '../..');
const at = (f: Finding) => `${f.span.line}:${f.span.column}-${f.span.endLine}:${f.span.endColumn}`;
const load = (text: string) => loadSpecText(text, 'stowage.yml');

describe('bundled examples', () => {
  test.each([
    'examples/flood/stowage.yml',
    'examples/variant-calling/stowage.yml',
    'examples/word-count/stowage.yml',
  ])('%s loads without findings', (file) => {
    const { workflow, findings } = loadSpecFile(path.join(root, file), { root });
    expect(findings).toEqual([]);
    expect(workflow?.file).toBe(file);
    expect(workflow?.steps.length).toBeGreaterThanOrEqual(3);
  });

  test('the flood example normalises durations, sizes and references', () => {
    const { workflow } = loadSpecFile(path.join(root, 'examples/flood/stowage.yml'), { root });
    const train = workflow!.steps.find((s) => s.id === 'train')!;
    expect(train.duration).toBe(3 * 3600);
    expect(train.resources).toEqual({ cpus: 8, memory: 64e9, time: 8 * 3600, gpus: 1 });
    expect(train.software.python).toBe('3.11');
    expect(train.software.pip).toEqual(['tensorflow[and-cuda]==2.17.0', 'pandas==2.2.2']);
    expect(train.container).toBe('auto');
    expect(workflow!.cluster).toEqual({
      scheduler: 'slurm',
      maxCpus: 128,
      maxMemory: 512e9,
      maxTime: 48 * 3600,
      gpus: 4,
    });
    expect(workflow!.containers.sizeBudget).toBe(4e9);
    expect(workflow!.outputs).toContainEqual({ name: 'model', step: 'train', output: 'model' });
    expect(workflow!.inputs[0]).toEqual({
      name: 'reanalysis',
      path: 'data/era5/*.nc',
      size: 120e9,
    });
    expect(workflow!.steps.map((s) => s.id)).toEqual([
      'regrid',
      'mesh',
      'surge',
      'train',
      'plot',
      'report',
    ]);
  });

  test('every node of the flood example can be located exactly', () => {
    const { workflow } = loadSpecFile(path.join(root, 'examples/flood/stowage.yml'), { root });
    const lines = readFileSync(path.join(root, 'examples/flood/stowage.yml'), 'utf8').split('\n');
    const textAt = (p: (string | number)[], part?: 'key' | 'value') => {
      const { span } = workflow!.source.locate(p, part);
      expect(span.endLine).toBe(span.line);
      return lines[span.line - 1]!.slice(span.column - 1, span.endColumn - 1);
    };
    expect(textAt(['steps', 'train'], 'key')).toBe('train');
    expect(textAt(['steps', 'train', 'inputs', 1])).toBe('gauges');
    expect(textAt(['steps', 'train', 'software', 'pip', 0])).toBe("'tensorflow[and-cuda]==2.17.0'");
    expect(textAt(['steps', 'train', 'resources', 'gpus'])).toBe('1');
    expect(textAt(['outputs', 'model'])).toBe('train.model');
    expect(textAt(['steps', 'regrid', 'duration'])).toBe('40m');
    // A path that does not exist falls back to its nearest ancestor.
    expect(workflow!.source.locate(['steps', 'train', 'nothing-here'])).toEqual(
      workflow!.source.locate(['steps', 'train']),
    );
  });
});

describe('broken examples: one finding per problem, at the exact node', () => {
  const cases: [string, string[]][] = [
    ['unknown-key.yml', ['5:5-5:8 unknown key "rnu" (did you mean "run"?)']],
    ['tab-indent.yml', ['5:1-5:2 YAML syntax error: Tabs are not allowed as indentation']],
    [
      'duplicate-key.yml',
      ['6:5-6:8 YAML syntax error: the key "run" appears twice in the same mapping'],
    ],
    [
      'missing-required.yml',
      [
        '1:1-1:11 the document is missing the required key "name"',
        '7:3-7:17 unknown key "manual-minutes" (did you mean "manual-minutes-per-run"?)',
      ],
    ],
    [
      'bad-values.yml',
      [
        '6:15-6:19 "duration": expected a duration',
        '8:15-8:19 "python" must be a string, not the number 3.1',
        '9:12-9:24 "pip" must be a list',
        '10:35-10:39 "memory": expected a size',
        '11:3-11:11 invalid name "Bad Step"',
        '14:14-14:20 "scheduler" cannot be the string "slurmm" (did you mean "slurm"?)',
      ],
    ],
    [
      'not-a-mapping.yml',
      ['1:1-2:13 a spec is a mapping with version, name and steps; this file is a list'],
    ],
  ];

  test('every broken example has a case here', () => {
    const files = readdirSync(path.join(root, 'examples/broken')).filter(
      (f) => f.endsWith('.yml') && !f.startsWith('lint-') && !f.startsWith('plan-'),
    );
    expect(files.sort()).toEqual(cases.map(([f]) => f).sort());
  });

  test.each(cases)('%s', (file, expected) => {
    const { findings } = loadSpecFile(path.join(root, 'examples/broken', file), { root });
    const got = findings
      .map((f) => `${at(f)} ${f.message}`)
      .sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0]));
    expect(got).toHaveLength(expected.length);
    expected.forEach((prefix, i) => expect(got[i]!.startsWith(prefix)).toBe(true));
    for (const f of findings)
      expect(f).toMatchObject({
        rule: 'STW100',
        name: 'schema',
        severity: 'error',
        file: `examples/broken/${file}`,
      });
  });
});

describe('schema rules', () => {
  const minimal = 'version: 1\nname: demo\nsteps:\n  a:\n    run: echo\n';

  test('a minimal spec is valid and gets defaults', () => {
    const { workflow, findings } = load(minimal);
    expect(findings).toEqual([]);
    expect(workflow!.steps[0]).toMatchObject({
      id: 'a',
      run: 'echo',
      inputs: [],
      outputs: {},
      container: 'auto',
      service: false,
    });
    expect(workflow!.containers).toEqual({ baseImages: {}, groups: [], packageSizes: {} });
    expect(workflow!.basedOn).toBeUndefined();
  });

  test.each([
    ['version: 2\nname: demo\nsteps: { a: { run: echo } }\n', '1:10-1:11', 'version must be 1'],
    ['version: 1\nname: demo\nsteps: {}\n', '3:8-3:10', '"steps" must not be empty'],
    [
      'version: 1\nname: demo\nsteps: { a: { run: echo, inputs: [x.y.z] } }\n',
      '3:35-3:40',
      'an input is a workflow input name',
    ],
    [
      'version: 1\nname: demo\noutputs: { m: model }\nsteps: { a: { run: echo } }\n',
      '3:15-3:20',
      'write a step output as `step.output`',
    ],
    [
      'version: 1\nname: demo\nsteps: { a: { run: echo, service: yes } }\n',
      '3:35-3:38',
      '"service" must be true or false',
    ],
    [
      'version: 1\nname: demo\ncontainers: { groups: { Py: { steps: [a] } } }\nsteps: { a: { run: echo } }\n',
      '3:25-3:27',
      'invalid name "Py"',
    ],
    [
      'version: 1\nname: demo\ncontainers: { groups: { py: { base: x } } }\nsteps: { a: { run: echo } }\n',
      '3:25-3:27',
      '"py" is missing the required key "steps"',
    ],
    [
      'version: 1\nname: demo\nsteps: { a: { run: echo, resources: { gpus: 1.5 } } }\n',
      '3:45-3:48',
      '"gpus" must be a whole number',
    ],
    [
      'version: 1\nname: demo\nlint: { rules: { STW202: of } }\nsteps: { a: { run: echo } }\n',
      '3:26-3:28',
      '"STW202" cannot be the string "of" (did you mean "off"?)',
    ],
    [
      'version: 1\nname: demo\nsteps: { a: { run: echo, software: { pyhton: "3.12" } } }\n',
      '3:38-3:44',
      'unknown key "pyhton" (did you mean "python"?)',
    ],
  ])('%#: %j is reported at %s', (text, span, message) => {
    const { findings } = load(text);
    expect(findings).toHaveLength(1);
    expect(at(findings[0]!)).toBe(span);
    expect(findings[0]!.message).toContain(message);
  });

  test.each([['data/$(id).csv'], ['my data.csv'], ["it's.csv"], ['a;b']])(
    'a data path with shell characters (%j) is refused: it reaches run commands',
    (bad) => {
      const { findings } = load(
        `version: 1\nname: demo\ninputs: { raw: { path: ${JSON.stringify(bad)} } }\nsteps: { a: { run: echo, outputs: { o: ${JSON.stringify(bad)} } } }\n`,
      );
      expect(findings.map((f) => [f.span.line, f.message.split(':')[0]])).toEqual([
        [3, '"path"'],
        [4, '"o"'],
      ]);
    },
  );

  test('a union (anyOf) gives one message, not one per branch', () => {
    const { findings } = load(
      'version: 1\nname: demo\nsteps: { a: { run: echo, duration: [1] } }\n',
    );
    expect(findings.map((f) => f.message)).toEqual([
      '"duration": expected a duration such as 30m, 2h, 1d or 1h30m, or a number of seconds',
    ]);
  });

  test('anchors and merge keys are resolved', () => {
    const text =
      'version: 1\nname: demo\nsteps:\n  a: &base\n    run: echo\n    duration: 5m\n  b:\n    <<: *base\n    run: echo b\n';
    const { workflow, findings } = load(text);
    expect(findings).toEqual([]);
    expect(workflow!.steps[1]).toMatchObject({ id: 'b', run: 'echo b', duration: 300 });
  });

  test('a bad node is left out of the model but the rest still loads', () => {
    const { workflow, findings } = load(
      'version: 1\nname: demo\nsteps:\n  a: { run: echo, duration: soon }\n  b: { run: echo, duration: 2m }\n',
    );
    expect(findings).toHaveLength(1);
    expect(workflow!.steps.map((s) => [s.id, s.duration])).toEqual([
      ['a', undefined],
      ['b', 120],
    ]);
  });

  test.each(['', '# only a comment\n', '42\n'])('%j is reported, not thrown', (text) => {
    const { workflow, findings } = load(text);
    expect(workflow).toBeUndefined();
    expect(findings).toHaveLength(1);
    expect(findings[0]!.span.line).toBe(1);
  });

  test('the schema is published with a $schema id editors can use', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'src/workflow/schema.json'), 'utf8'));
    expect(schema.$id).toMatch(/schema\.json$/);
    const example = readFileSync(path.join(root, 'examples/flood/stowage.yml'), 'utf8');
    expect(example).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/src\/workflow\/schema\.json/,
    );
  });
});
