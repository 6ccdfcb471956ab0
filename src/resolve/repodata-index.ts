/**
 * A `repodata.json` read once and indexed by package name, without building its 500,000 records as
 * objects: one pass over the bytes finds each record's file name, its text and its `name`; a
 * record is parsed (JSON.parse of its own text) only when a solve reaches its name. The bytes stay
 * as they came (a few hundred MB for conda-forge); the index is four numbers a record.
 *
 * The pass is structural (strings, objects, arrays, scalars) and throws `RepodataError` on a file
 * that is not a JSON object of that shape; what a record holds is checked when it is parsed
 * (`channel-records.ts`).
 */

export class RepodataError extends Error {
  override name = 'RepodataError';
}

export interface RepodataIndex {
  /** The file's `info` object as written (`{}` when it has none). */
  info: string;
  /** `repodata_version` (1 when absent). */
  version: number;
  /** name → indexes into the arrays below, in file order. */
  names: Map<string, number[]>;
  /** For record `i`: its file name, and where its text starts and ends in `bytes`. */
  files: string[];
  start: Int32Array;
  end: Int32Array;
  /** 0: `packages`, 1: `packages.conda`. */
  map: Uint8Array;
  bytes: Uint8Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Indexes a repodata.json. Offsets are 32-bit: a file of 2 GB or more is refused. */
export function indexRepodata(bytes: Uint8Array): RepodataIndex {
  if (bytes.length >= 0x7fffffff) throw new RepodataError('repodata larger than 2 GB');
  const scanner = new Scanner(bytes);
  return scanner.file();
}

class Scanner {
  private i = 0;
  private count = 0;
  private start = new Int32Array(1024);
  private end = new Int32Array(1024);
  private map = new Uint8Array(1024);
  private readonly files: string[] = [];
  private readonly names = new Map<string, number[]>();

  constructor(private readonly bytes: Uint8Array) {}

  file(): RepodataIndex {
    let info = '{}';
    let version = 1;
    this.ws();
    this.expect(OPEN_OBJECT);
    this.members(() => {
      const key = this.memberName();
      if (key === 'packages' || key === 'packages.conda') {
        this.records(key === 'packages' ? 0 : 1);
      } else if (key === 'info') {
        const from = this.i;
        this.value();
        info = decoder.decode(this.bytes.subarray(from, this.i));
        if (!info.startsWith('{')) throw this.error('"info" is not an object');
      } else if (key === 'repodata_version') {
        const from = this.i;
        this.value();
        version = Number(decoder.decode(this.bytes.subarray(from, this.i)));
        if (!Number.isInteger(version)) throw this.error('"repodata_version" is not a number');
      } else {
        this.value();
      }
    });
    this.ws();
    if (this.i !== this.bytes.length) throw this.error('text after the end of the object');
    const n = this.count;
    return {
      info,
      version,
      names: this.names,
      files: this.files,
      start: this.start.subarray(0, n),
      end: this.end.subarray(0, n),
      map: this.map.subarray(0, n),
      bytes: this.bytes,
    };
  }

  /** `{ "file": { … }, … }`: each record's place, file name and `name`. */
  private records(map: 0 | 1): void {
    this.expect(OPEN_OBJECT);
    this.members(() => {
      const file = this.memberName();
      const from = this.i;
      const name = this.record();
      this.add(file, name, from, this.i, map);
    });
  }

  /** One record object; returns its `name`. */
  private record(): string {
    let name: string | undefined;
    this.expect(OPEN_OBJECT);
    this.members(() => {
      // A record has a dozen keys and only `name` is read: the others are not decoded.
      const isName = this.keyIsName();
      this.colon();
      if (isName && this.bytes[this.i] === QUOTE) name = this.string();
      else this.value();
    });
    if (name === undefined || name === '') throw this.error('a record without a name');
    return name;
  }

  private add(file: string, name: string, from: number, to: number, map: 0 | 1): void {
    if (this.count === this.start.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start, (n) => new Int32Array(n));
      this.end = grow(this.end, (n) => new Int32Array(n));
      this.map = grow(this.map, (n) => new Uint8Array(n));
    }
    const i = this.count++;
    this.start[i] = from;
    this.end[i] = to;
    this.map[i] = map;
    this.files.push(file);
    const key = name.toLowerCase();
    const list = this.names.get(key);
    if (list) list.push(i);
    else this.names.set(key, [i]);
  }

  /** An object member's name and its `:`, up to the value. */
  private memberName(): string {
    const name = this.string();
    this.colon();
    return name;
  }

  /** The `:` after a member's name, with the spaces around it. */
  private colon(): void {
    this.ws();
    this.expect(COLON);
    this.ws();
  }

  /** The members of an object or elements of an array after its opening bracket, to its close. */
  private members(each: () => void, close = CLOSE_OBJECT): void {
    this.ws();
    if (this.bytes[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      each();
      this.ws();
      const c = this.bytes[this.i++];
      if (c === COMMA) continue;
      if (c === close) return;
      throw this.error(`"," or "${String.fromCharCode(close)}" expected`);
    }
  }

  /** Skips any JSON value. */
  private value(): void {
    const c = this.bytes[this.i];
    if (c === QUOTE) {
      this.skipString();
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      this.skipNested();
    } else {
      // A number, true, false or null: up to the next delimiter.
      const from = this.i;
      while (this.i < this.bytes.length) {
        const d = this.bytes[this.i]!;
        if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d <= 0x20) break;
        this.i++;
      }
      if (this.i === from) throw this.error('a value expected');
    }
  }

  /** An object or array, by depth; strings skipped whole (so brackets inside them do not count). */
  private skipNested(): void {
    let depth = 0;
    const bytes = this.bytes;
    while (this.i < bytes.length) {
      const c = bytes[this.i]!;
      if (c === QUOTE) {
        this.skipString();
        continue;
      }
      this.i++;
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return;
      }
    }
    throw this.error('unterminated object or array');
  }

  /** Past the closing quote of the string at `i`; returns where its content ends. */
  private skipString(): number {
    if (this.bytes[this.i] !== QUOTE) throw this.error('a string expected');
    let j = this.i + 1;
    for (;;) {
      j = this.bytes.indexOf(QUOTE, j);
      if (j < 0) throw this.error('unterminated string');
      let backslashes = 0;
      for (let k = j - 1; this.bytes[k] === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) break;
      j++;
    }
    this.i = j + 1;
    return j;
  }

  /** Whether the member name at `i` is `"name"`; leaves `i` past it. */
  private keyIsName(): boolean {
    const from = this.i;
    const to = this.skipString();
    const b = this.bytes;
    if (to - from === 5)
      return (
        b[from + 1] === 0x6e && b[from + 2] === 0x61 && b[from + 3] === 0x6d && b[from + 4] === 0x65
      );
    // Written with escapes (`"na\u006de"`): read as JSON.parse reads it.
    if (!b.subarray(from + 1, to).includes(BACKSLASH)) return false;
    return JSON.parse(decoder.decode(b.subarray(from, to + 1))) === 'name';
  }

  private string(): string {
    const from = this.i;
    const to = this.skipString();
    const raw = this.bytes.subarray(from + 1, to);
    // Escapes are rare in keys and names: JSON.parse reads them exactly.
    return raw.includes(BACKSLASH)
      ? (JSON.parse(decoder.decode(this.bytes.subarray(from, to + 1))) as string)
      : decoder.decode(raw);
  }

  private ws(): void {
    const bytes = this.bytes;
    while (this.i < bytes.length) {
      const c = bytes[this.i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  private expect(c: number): void {
    if (this.bytes[this.i] !== c) throw this.error(`"${String.fromCharCode(c)}" expected`);
    this.i++;
  }

  private error(what: string): RepodataError {
    return new RepodataError(`not valid repodata at byte ${this.i}: ${what}`);
  }
}

/** Record `i`'s text. */
export function recordText(index: RepodataIndex, i: number): string {
  return decoder.decode(index.bytes.subarray(index.start[i]!, index.end[i]!));
}
