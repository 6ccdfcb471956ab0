/**
 * The one-pass index of a repodata.json (repodata-index.ts) against JSON.parse of the same
 * bytes: every record found under its name, with its own text, whatever the file's spacing,
 * escapes and key order.
 */
import { describe, expect, test } from '@jest/globals';
import { indexRepodata, recordText, RepodataError } from '../../src/resolve/repodata-index.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('indexRepodata', () => {
  test('reads each record as JSON.parse does: names by their key, escaped or not', () => {
    const file = `{
      "info": {"subdir": "linux-64"},
      "packages": {
        "a-1-0.tar.bz2": {"build": "h[0]_0", "depends": ["b >=1", "c {x}"], "name": "A"},
        "n-1-0.tar.bz2": {"names": "not-this", "na\\u006de": "escaped", "nam": "x"}
      },
      "packages.conda" : { "b-2-0.conda" : { "version" : "2", "name" : "b\\"q" } },
      "repodata_version": 2
    }`;
    const index = indexRepodata(text(file));
    const parsed = JSON.parse(file) as Record<string, Record<string, Record<string, unknown>>>;
    expect([...index.names.keys()].sort()).toEqual(['a', 'b"q', 'escaped']);
    expect(index.version).toBe(2);
    expect(JSON.parse(index.info)).toEqual({ subdir: 'linux-64' });
    for (const [name, list] of index.names)
      for (const i of list) {
        const map = index.map[i] === 1 ? 'packages.conda' : 'packages';
        const record = JSON.parse(recordText(index, i)) as Record<string, unknown>;
        expect(record).toEqual(parsed[map]![index.files[i]!]);
        expect(String(record.name ?? record['na\u006de']).toLowerCase()).toBe(name);
      }
  });

  test('a record without a name, and a file that is not JSON, are refused', () => {
    expect(() => indexRepodata(text('{"packages": {"x": {"version": "1"}}}'))).toThrow(
      RepodataError,
    );
    expect(() => indexRepodata(text('{"packages": {"x": {"name": "a"}'))).toThrow(
      /not valid repodata/,
    );
  });
});
