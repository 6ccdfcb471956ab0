/**
 * zstd decompression for repodata (`repodata.json.zst`, CEP-16 shards): Node's own zlib where it
 * has zstd (Node 22.15 and later; the action runs on Node 24), else fzstd, pure JavaScript and a
 * few times slower on conda-forge's 200 MB.
 */
import * as zlib from 'node:zlib';
import { decompress } from 'fzstd';

type NativeZstd = (
  bytes: Uint8Array,
  options?: { maxOutputLength?: number; chunkSize?: number },
) => Buffer;

const native = (zlib as unknown as { zstdDecompressSync?: NativeZstd }).zstdDecompressSync;

/** What repodata-index.ts takes: a larger output is refused before it is allocated. */
const MAX_OUTPUT = 0x7fffffff;

/** Which decoder this Node uses (for the benchmarks' figures). */
export const zstdDecoder = native ? "Node's zlib" : 'fzstd';

/** The decompressed bytes; throws on bytes that are not zstd, or that grow past 2 GB. */
export function unzstd(bytes: Uint8Array): Uint8Array {
  if (!native) return decompress(bytes);
  // Node's zlib writes into chunks and joins them: output in one chunk of the frame's own size
  // is never held twice (a 190 MB repodata.json: 264 MB peak instead of 458 MB).
  // The header is the sender's word: a chunk is never reserved beyond what JSON compresses from
  // this many bytes (JSON compresses five to ten times; 64 leaves room).
  const size = frameContentSize(bytes);
  const chunk = size === undefined ? undefined : Math.min(size + 1, bytes.length * 64, MAX_OUTPUT);
  return native(bytes, {
    maxOutputLength: MAX_OUTPUT,
    ...(chunk !== undefined ? { chunkSize: Math.max(64, chunk) } : {}),
  });
}

/** The size a zstd frame's header says its content has (Frame_Content_Size), if it says. */
export function frameContentSize(bytes: Uint8Array): number | undefined {
  const magic = [0x28, 0xb5, 0x2f, 0xfd];
  if (bytes.length < 6 || magic.some((b, i) => bytes[i] !== b)) return undefined;
  const descriptor = bytes[4]!;
  const singleSegment = (descriptor >> 5) & 1;
  const fieldSize = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
  if (fieldSize === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]!;
  if (at + fieldSize > bytes.length) return undefined;
  let size = 0;
  for (let k = fieldSize - 1; k >= 0; k--) size = size * 256 + bytes[at + k]!;
  return fieldSize === 2 ? size + 256 : size;
}
