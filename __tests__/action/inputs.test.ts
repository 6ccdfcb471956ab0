import { list, parseBaseImages, readInputs } from '../../src/action/inputs.js';

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('readInputs', () => {
  test('defaults', () => {
    expect(readInputs(getter({}))).toMatchObject({
      spec: 'stowage.yml',
      mode: 'plan',
      importFormat: 'auto',
      failOn: 'error',
      push: 'auto',
      builder: 'auto',
      cache: 'auto',
      parallel: 2,
      annotations: true,
      summary: true,
      comment: false,
      platforms: [],
      groups: [],
      baseImages: {},
    });
  });

  test.each([
    [{ mode: 'build' }, { mode: 'build' }],
    [{ 'fail-on': 'warning' }, { failOn: 'warning' }],
    [{ groups: 'python, jvm\nnative' }, { groups: ['python', 'jvm', 'native'] }],
    [{ platforms: 'linux/amd64,linux/arm64' }, { platforms: ['linux/amd64', 'linux/arm64'] }],
    [
      { comment: 'true', annotations: 'false' },
      { comment: true, annotations: false },
    ],
    [
      { tags: 'type=raw,value=stable\ntype=sha' },
      {
        tags: [expect.objectContaining({ type: 'raw' }), expect.objectContaining({ type: 'sha' })],
      },
    ],
    [{ parallel: '4' }, { parallel: 4 }],
    [{}, { resolve: 'auto', channelUrls: {} }],
    [{ resolve: 'offline' }, { resolve: 'offline' }],
    [
      {
        'channel-urls':
          'conda-forge=https://mirror.example/cf/\n# a comment\nbioconda = http://10.0.0.5/bioconda',
      },
      {
        channelUrls: {
          'conda-forge': 'https://mirror.example/cf',
          bioconda: 'http://10.0.0.5/bioconda',
        },
      },
    ],
    [
      { 'pip-index-url': 'https://pypi.example/simple/' },
      { pipIndexUrl: 'https://pypi.example/simple' },
    ],
    [{ 'npm-registry': 'https://npm.example' }, { npmRegistry: 'https://npm.example' }],
  ])('%j', (values, expected) => {
    expect(readInputs(getter(values))).toMatchObject(expected);
  });

  test.each([
    [{ mode: 'deploy' }, /input "mode" is "deploy"; expected one of: lint, plan, build/],
    [{ push: 'maybe' }, /input "push"/],
    [{ comment: 'sure' }, /input "comment" is "sure"; expected true or false/],
    [{ parallel: '0' }, /input "parallel"/],
    [{ 'base-images': '{bad json' }, /not valid JSON/],
    [{ 'base-images': 'python' }, /expected family=image/],
    [
      { resolve: 'maybe' },
      /input "resolve" is "maybe"; expected one of: auto, update, offline, off/,
    ],
    [{ 'channel-urls': 'conda-forge' }, /input "channel-urls" takes NAME=URL/],
    [{ 'channel-urls': 'conda-forge=ftp://x/cf' }, /must be an http:\/\/ or https:\/\/ URL/],
    [{ 'pip-index-url': 'https://user:secret@pypi.example/simple' }, /credentials in the URL/],
  ])('%j is refused', (values, message) => {
    expect(() => readInputs(getter(values))).toThrow(message);
  });
});

test('base-images takes JSON or family=image lines', () => {
  expect(parseBaseImages(['{"python": "127.0.0.1:5000/py:3.12"}'])).toEqual({
    python: '127.0.0.1:5000/py:3.12',
  });
  expect(parseBaseImages(['python=127.0.0.1:5000/py:3.12\nnative = debian:12'])).toEqual({
    python: '127.0.0.1:5000/py:3.12',
    native: 'debian:12',
  });
  expect(list([' a,,b \n c '])).toEqual(['a', 'b', 'c']);
});
