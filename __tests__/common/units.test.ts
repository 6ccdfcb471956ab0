import { formatDuration, formatBytes, parseDuration, parseSize } from '../../src/common/units.js';

describe('parseDuration', () => {
  test.each([
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86400],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['90 s', 90],
    ['2 hours', 7200],
    ['10min', 600],
    ['1w', 604800],
    ['1d 6h', 108000],
    ['2.h', 7200],
    ['500ms', 0.5],
    ['30:00', 1800],
    ['02:30:00', 9000],
    ['1-12:00', 129600],
    ['1-00:00:30', 86430],
    [45, 45],
    [0, 0],
  ])('%p is %p seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  test.each([['soon'], ['5'], ['-1h'], ['3x'], ['m'], [''], [null], [-5], [Number.NaN], [{}]])(
    '%p is not a duration',
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );
});

describe('parseSize', () => {
  test.each([
    ['512MB', 512e6],
    ['2GB', 2e9],
    ['2 gb', 2e9],
    ['1.5TiB', 1.5 * 1024 ** 4],
    ['1KiB', 1024],
    ['100k', 100e3],
    ['7B', 7],
    ['300', 300],
    [4096, 4096],
  ])('%p is %p bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  test.each([['lots'], ['2 GBs'], ['iB'], ['1.2.3GB'], [''], [-1], [true]])(
    '%p is not a size',
    (input) => {
      expect(parseSize(input)).toBeUndefined();
    },
  );
});

test('formatters read back as people write them', () => {
  expect(formatDuration(5400)).toBe('1h30m');
  expect(formatDuration(45)).toBe('45s');
  expect(formatDuration(90061)).toBe('1d1h1m');
  expect(parseSize(formatBytes(3.5e9).replace(' ', ''))).toBe(3.5e9);
});

test.each([
  [0, '0 B'],
  [999, '999 B'],
  [1500, '1.5 KB'],
  [260e6, '260 MB'],
  [9.96e6, '10 MB'],
  [2e9, '2.0 GB'],
  [2.44e9, '2.4 GB'],
  [12.3e9, '12 GB'],
])('formatBytes(%p) is %p', (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});
