/**
 * The commands an image provides: the executables on its PATH that its base does not have. The
 * Dockerfile lists them as its last layer but one (`COMMANDS_FILE`, src/plan/dockerfile.ts), and
 * they are read back here, the same way whichever builder made the image:
 *
 * - from the registry, for a pushed or unchanged image: the image config's history names the
 *   layer whose `RUN` wrote the list (a few kilobytes), and only that layer is fetched and read;
 * - from the engine, for a local image: `docker run --rm --entrypoint cat` (docker), or a
 *   container `buildah from` makes and `buildah run` reads (buildah, no daemon).
 *
 * A label cannot carry the list: labels are fixed before a build runs, and the list is known
 * only once everything is installed (a second image just to label the first would change its
 * digest). The label `io.stowage.commands` holds what is known before: the commands the steps call.
 */
import { gunzipSync } from 'node:zlib';
import type { RunProcess } from '../common/process.js';
import { COMMANDS_FILE } from '../plan/dockerfile.js';
import type { Manifest, RegistryClient } from './registry.js';

/** A command name as the listing writes it; anything else in the file is ignored. */
export const COMMAND_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
/** Layers larger than this are not read while looking for the list (it is a few kilobytes). */
const MAX_LAYER_BYTES = 16 * 1024 * 1024;
const LAYERS_SEARCHED = 4;

/** The names of a commands file: one a line, plain names only, sorted, once each. */
export function parseCommandsFile(text: string): string[] {
  const names = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => COMMAND_NAME.test(l));
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
}

/**
 * The provided commands of the image `ref` (a tag or digest) names in `path`, or undefined when it
 * has no such list (an image built before Stowage wrote one, or not by Stowage).
 */
export async function registryCommands(
  client: RegistryClient,
  path: string,
  ref: string,
): Promise<string[] | undefined> {
  const image = await platformManifest(client, path, ref);
  const layers = image?.json.layers ?? [];
  if (!image?.json.config || layers.length === 0) return undefined;
  const config = JSON.parse((await client.getBlob(path, image.json.config.digest)).toString()) as {
    history?: HistoryEntry[];
  };
  // The layer of the RUN that wrote the list, by the history (entries without a layer skipped).
  const history = (config.history ?? []).filter((h) => !h.empty_layer);
  const candidates: number[] = [];
  if (history.length === layers.length) {
    const at = history.findLastIndex((h) => (h.created_by ?? '').includes(`> ${COMMANDS_FILE}`));
    // No such step: an image from before Stowage listed its commands, or not Stowage's.
    if (at < 0) return undefined;
    candidates.push(at);
  } else {
    // A history that does not match the layers: the last few layers, from the top.
    for (let i = layers.length - 1; i >= Math.max(0, layers.length - LAYERS_SEARCHED); i -= 1)
      candidates.push(i);
  }
  for (const i of candidates) {
    const layer = layers[i]!;
    if (layer.size > MAX_LAYER_BYTES) continue;
    // gzip (docker, OCI) or a plain tar; zstd layers are not read.
    if (/zstd/.test(layer.mediaType ?? '')) continue;
    const blob = await client.getBlob(path, layer.digest);
    let tar: Buffer;
    try {
      tar = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
    } catch {
      continue;
    }
    const text = fileInTar(tar, COMMANDS_FILE.slice(1));
    if (text !== undefined) return parseCommandsFile(text);
  }
  return undefined;
}

/** The image manifest itself: linux/amd64 of an index (as `imageInfo` reads it), else the first. */
async function platformManifest(
  client: RegistryClient,
  path: string,
  ref: string,
): Promise<Manifest | undefined> {
  const top = await client.getManifest(path, ref);
  if (!top?.json.manifests) return top;
  const children = top.json.manifests.filter((m) => m.platform?.os !== 'unknown');
  const pick =
    children.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
    children[0];
  return pick ? client.getManifest(path, pick.digest) : undefined;
}

/**
 * The text of the regular file `name` (no leading `/` or `./`) in a tar archive, or undefined.
 * Reads ustar headers (with their prefix field), pax `path` records and GNU long names; other
 * entries are skipped.
 */
export function fileInTar(tar: Buffer, name: string): string | undefined {
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number): string => {
      const raw = header.subarray(start, start + length);
      const end = raw.indexOf(0);
      return raw.subarray(0, end < 0 ? length : end).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) return undefined;
    const type = field(156, 1);
    const prefix = field(257, 6) === 'ustar' ? field(345, 155) : '';
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
      continue;
    }
    if (type === 'L') {
      // GNU tar's long name: the next entry's.
      paxPath = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const full = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    paxPath = undefined;
    if ((type === '0' || type === '' || type === '\0') && full.replace(/^\.?\/+/, '') === name)
      return body.toString('utf8');
  }
  return undefined;
}

/**
 * The provided commands of a local image, read by the engine that built it: docker runs `cat` in
 * it (no network, removed after); buildah makes a working container, runs `cat` in it and
 * removes it. Undefined when the image has no list or the engine cannot run it.
 */
export async function localCommands(
  exec: RunProcess,
  engine: { kind: 'docker' | 'buildah'; binary: string; env?: Record<string, string> },
  image: string,
): Promise<string[] | undefined> {
  const { binary, env } = engine;
  if (engine.kind === 'docker') {
    const r = await exec(
      binary,
      ['run', '--rm', '--network', 'none', '--entrypoint', 'cat', image, COMMANDS_FILE],
      { env },
    );
    return r.exitCode === 0 ? parseCommandsFile(r.stdout) : undefined;
  }
  const from = await exec(binary, ['from', '--pull-never', '--quiet', image], { env });
  const container = from.stdout.trim().split('\n').pop() ?? '';
  if (from.exitCode !== 0 || !/^[\w.-]+$/.test(container)) return undefined;
  try {
    const r = await exec(
      binary,
      ['run', '--isolation', 'chroot', '--network', 'none', container, '--', 'cat', COMMANDS_FILE],
      { env },
    );
    return r.exitCode === 0 ? parseCommandsFile(r.stdout) : undefined;
  } finally {
    await exec(binary, ['rm', container], { env });
  }
}
