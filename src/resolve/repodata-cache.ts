/**
 * conda repodata kept on disk between runs, so the next run's cold resolve asks the channel only
 * whether its copy is current (a `304` reads no body), and needs no shard it already has:
 *
 *   <dir>/v1/entries/<key>.json   what was fetched: URL, ETag, Last-Modified, size, sha256
 *   <dir>/v1/entries/<key>.body   the bytes (a `.zst` is kept decompressed, ready to index)
 *   <dir>/v1/shards/<ab>/<sha256>.msgpack.zst   CEP-16 shards, named by the sha256 of their bytes
 *
 * The folder is `$STOWAGE_CACHE/repodata`, else `$XDG_CACHE_HOME/stowage/repodata`, else
 * `~/.cache/stowage/repodata`: a CI cache of it (actions/cache) makes the next cold run warm.
 *
 * A cache is untrusted input (another job, a restored archive, a full disk can leave anything
 * there). What is read back is checked before it is used: regular files only (no links), the entry
 * names exactly the URL asked for, its validators are plain header values, its body has the size
 * and sha256 the entry says, a shard's bytes hash to its name; anything else is deleted, noted,
 * and fetched again. An entry can still be one a writer of the folder forged with a matching
 * hash: a mutable file (repodata.json, the shard index) is therefore not read from the cache when
 * `mutable` is false (runs that publish images); shards are checked against the index fetched now.
 * Writes go to a temporary file renamed into place, so a reader never sees half a file; they run
 * in the background (off the main thread), and a run waits for them before it returns (`flush`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, rmSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The folder a run uses when it is given none (see the file comment). */
export function defaultCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  if (env.STOWAGE_CACHE) return path.join(env.STOWAGE_CACHE, 'repodata');
  const base = env.XDG_CACHE_HOME || path.join(home, '.cache');
  return path.join(base, 'stowage', 'repodata');
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

interface EntryMeta extends Validators {
  version: 1;
  url: string;
  size: number;
  sha256: string;
}

/** A validator goes back into a request header: printable ASCII, not too long. */
const HEADER_VALUE = /^[\x20-\x7e]{1,512}$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Nothing a channel serves is larger (conda-forge's linux-64 repodata.json is ~300 MB). */
const MAX_BODY = 2_000_000_000;

export class RepodataCache {
  /** What was wrong with entries read back (each then deleted and fetched again). */
  readonly problems: string[] = [];
  private writable = true;
  private readonly pending = new Set<Promise<void>>();
  /** Folders made by this run. */
  private readonly folders = new Set<string>();

  /**
   * @param dir the cache folder
   * @param mutable read back mutable files (repodata, shard index); false: only shards, which are
   *   checked against an index fetched in this run
   */
  constructor(
    readonly dir: string,
    readonly mutable = true,
  ) {}

  private entryPaths(url: string): { meta: string; body: string } {
    const key = createHash('sha256').update(url).digest('hex').slice(0, 40);
    const dir = path.join(this.dir, 'v1', 'entries');
    return { meta: path.join(dir, `${key}.json`), body: path.join(dir, `${key}.body`) };
  }

  private shardPath(sha256: string): string {
    return path.join(this.dir, 'v1', 'shards', sha256.slice(0, 2), `${sha256}.msgpack.zst`);
  }

  /** The kept copy of `url`, checked; undefined when there is none (or it was refused). */
  async read(url: string): Promise<{ validators: Validators; body: Uint8Array } | undefined> {
    if (!this.mutable) return undefined;
    const paths = this.entryPaths(url);
    const metaText = await readRegular(paths.meta, 64_000);
    if (metaText === undefined) return undefined;
    const refuse = (why: string) => {
      this.problems.push(`the cached copy of ${url} ${why}; it was fetched again`);
      remove(paths.meta);
      remove(paths.body);
      return undefined;
    };
    let meta: EntryMeta;
    try {
      meta = JSON.parse(metaText.toString('utf8')) as EntryMeta;
    } catch {
      return refuse('has an entry that is not JSON');
    }
    if (
      typeof meta !== 'object' ||
      meta === null ||
      meta.version !== 1 ||
      meta.url !== url ||
      !Number.isInteger(meta.size) ||
      meta.size < 0 ||
      meta.size > MAX_BODY ||
      typeof meta.sha256 !== 'string' ||
      !HEX64.test(meta.sha256) ||
      (meta.etag !== undefined &&
        (typeof meta.etag !== 'string' || !HEADER_VALUE.test(meta.etag))) ||
      (meta.lastModified !== undefined &&
        (typeof meta.lastModified !== 'string' || !HEADER_VALUE.test(meta.lastModified))) ||
      (meta.etag === undefined && meta.lastModified === undefined)
    )
      return refuse('has an entry of the wrong form');
    const body = await readRegular(paths.body, MAX_BODY);
    if (body === undefined) return refuse('has no body');
    if (body.length !== meta.size) return refuse('has a body of the wrong size');
    if (createHash('sha256').update(body).digest('hex') !== meta.sha256)
      return refuse('does not match its sha256');
    const validators: Validators = {};
    if (meta.etag !== undefined) validators.etag = meta.etag;
    if (meta.lastModified !== undefined) validators.lastModified = meta.lastModified;
    return { validators, body };
  }

  /** Keeps `body` as the copy of `url` (only with a validator to ask the channel about it later). */
  write(url: string, validators: Validators, body: Uint8Array): void {
    const etag = validators.etag !== undefined && HEADER_VALUE.test(validators.etag);
    const modified =
      validators.lastModified !== undefined && HEADER_VALUE.test(validators.lastModified);
    if ((!etag && !modified) || body.length > MAX_BODY) return;
    const meta: EntryMeta = {
      version: 1,
      url,
      ...(etag ? { etag: validators.etag } : {}),
      ...(modified ? { lastModified: validators.lastModified } : {}),
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    const paths = this.entryPaths(url);
    // Body first: an entry is only ever read with the body it describes. In the background, as
    // shards are (a repodata.json is a few hundred MB).
    this.background(async () => {
      if (!(await this.putAsync(paths.body, body))) return;
      // A body without its entry is never read: not left behind to fill the folder.
      if (!(await this.putAsync(paths.meta, Buffer.from(JSON.stringify(meta))))) remove(paths.body);
    });
  }

  /**
   * A shard by the sha256 the index gives for it; refused (and deleted) when its bytes differ.
   * Shards are read and written off the main thread: a solve reaches a thousand of them.
   */
  async readShard(sha256: string): Promise<Uint8Array | undefined> {
    if (!HEX64.test(sha256)) return undefined;
    const file = this.shardPath(sha256);
    const body = await readRegular(file, 64_000_000);
    if (body === undefined) return undefined;
    if (createHash('sha256').update(body).digest('hex') !== sha256) {
      this.problems.push(
        `the cached shard ${sha256.slice(0, 12)}… does not match its name; it was fetched again`,
      );
      remove(file);
      return undefined;
    }
    return body;
  }

  /** Keeps a shard; the write finishes in the background (`flush` waits for it). */
  writeShard(sha256: string, body: Uint8Array): void {
    if (HEX64.test(sha256)) this.background(() => this.putAsync(this.shardPath(sha256), body));
  }

  private background(write: () => Promise<unknown>): void {
    if (!this.writable) return;
    const work: Promise<void> = write().then(
      () => void this.pending.delete(work),
      () => void this.pending.delete(work),
    );
    this.pending.add(work);
  }

  /** Waits for the writes in the background. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Writes atomically, off the main thread; a cache that cannot be written is not written again. */
  private async putAsync(file: string, body: Uint8Array): Promise<boolean> {
    if (!this.writable) return false;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const dir = path.dirname(file);
      if (!this.folders.has(dir)) {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        this.folders.add(dir);
      }
      await writeFile(tmp, body, { mode: 0o600, flag: 'wx' });
      await rename(tmp, file);
      return true;
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      if (this.writable)
        this.problems.push(
          `cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so the next run is as cold as this one`,
        );
      this.writable = false;
      return false;
    }
  }
}

/**
 * A regular file's bytes (never through a link), or undefined when absent, odd or too large; read
 * off the main thread.
 */
async function readRegular(file: string, max: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > max) return undefined;
    const body = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < body.length) {
      const { bytesRead } = await handle.read(body, read, body.length - read, read);
      if (bytesRead === 0) return undefined; // shrank under us
      read += bytesRead;
    }
    return body;
  } catch {
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function remove(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Left for the next run to refuse again.
  }
}
