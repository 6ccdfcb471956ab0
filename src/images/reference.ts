/**
 * Image references in the docker reference grammar (distribution/reference): the registry host,
 * the repository path and tags. Every piece of a spec or an input that ends up in a tag, an
 * argv or a registry URL goes through these checks first.
 */
import { registryHostOf } from '../common/image-name.js';

/** A host name or IP, with an optional port: `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`. */
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;
/** One path component of a repository name. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A tag: at most 128 characters, never starting with `.` or `-`. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export const DOCKER_HUB = 'registry-1.docker.io';

export class ImageReferenceError extends Error {
  override name = 'ImageReferenceError';
}

/** A repository in a registry: `host` (as written, with port) and `path` (`acme/flood/python`). */
export interface Repository {
  host: string;
  path: string;
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

export function assertTag(tag: string, what = 'tag'): string {
  if (!isValidTag(tag)) {
    throw new ImageReferenceError(
      `${what} ${JSON.stringify(tag)} is not a valid image tag: use letters, digits, '_', '.' and '-', ` +
        `start with a letter, digit or '_', at most 128 characters`,
    );
  }
  return tag;
}

/**
 * Parses a repository name such as `ghcr.io/acme/flood` or `127.0.0.1:5000/demo/python`. A first
 * component without `.` or `:` (and not `localhost`) is a Docker Hub path, as the docker CLI
 * reads it; `library/` is added to one-component Docker Hub names.
 */
export function parseRepository(name: string): Repository {
  const parts = name.split('/');
  const named = registryHostOf(name);
  const hasHost = named !== undefined;
  const host = named ?? DOCKER_HUB;
  const pathParts = hasHost ? parts.slice(1) : parts;
  if (hasHost && !DOMAIN.test(host)) {
    throw new ImageReferenceError(
      `registry host ${JSON.stringify(host)} in ${JSON.stringify(name)} is not a valid host[:port]`,
    );
  }
  if (pathParts.length === 0 || pathParts.some((p) => !PATH_COMPONENT.test(p))) {
    throw new ImageReferenceError(
      `repository ${JSON.stringify(name)} is not a valid image name: path components are lower-case ` +
        `letters and digits separated by '.', '_', '__' or '-' (e.g. ghcr.io/acme/flood)`,
    );
  }
  if (!hasHost && pathParts.length === 1) pathParts.unshift('library');
  return { host, path: pathParts.join('/') };
}

/**
 * The `registry` input as an image name prefix: trailing slashes dropped and the path lower-cased
 * (GitHub owners and repositories may have capitals, image names may not), the host left alone.
 */
export function normaliseRegistry(registry: string): string {
  const trimmed = registry.trim().replace(/\/+$/, '');
  const hasHost = registryHostOf(trimmed) !== undefined;
  return trimmed
    .split('/')
    .map((p, i) => (hasHost && i === 0 ? p : p.toLowerCase()))
    .join('/');
}

/** The repository of a group's image: `<registry>/<group>`. */
export function groupRepository(registry: string, group: string): Repository {
  if (!PATH_COMPONENT.test(group)) {
    throw new ImageReferenceError(
      `group name ${JSON.stringify(group)} cannot be an image name component: use lower-case letters, ` +
        `digits and single '-', '_' or '.' between them`,
    );
  }
  return parseRepository(`${registry.replace(/\/+$/, '')}/${group}`);
}

/** The name as docker and buildah want it (Docker Hub written as `docker.io`). */
export function repositoryName(repo: Repository): string {
  const host = repo.host === DOCKER_HUB ? 'docker.io' : repo.host;
  return `${host}/${repo.path}`;
}

/** Loopback registries are plain HTTP by default, as dockerd treats 127.0.0.0/8 as insecure. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(bare);
}
