/**
 * zstd decompression for repodata (`repodata.json.zst`, CEP-16 shards): Node's own zlib where it
 * has zstd (Node 22.15 and later; the action runs on Node 24), else fzstd, pure JavaScript and a
 * few times slower on conda-forge's 200 MB.
 */
import * as zlib from 'node:zlib';
import { decompress } from 'fzstd';

type NativeZstd = (bytes: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;

const native = (zlib as unknown as { zstdDecompressSync?: NativeZstd }).zstdDecompressSync;

/** Which decoder this Node uses (for the benchmarks' figures). */
export const zstdDecoder = native ? "Node's zlib" : 'fzstd';

/** The decompressed bytes; throws on bytes that are not zstd, or that grow past 2 GB. */
export function unzstd(bytes: Uint8Array): Uint8Array {
  // The bound repodata-index.ts sets anyway: a small file cannot make this process allocate more.
  return native ? native(bytes, { maxOutputLength: 0x7fffffff }) : decompress(bytes);
}
