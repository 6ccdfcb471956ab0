/**
 * A small client for the registry HTTP API v2 (the distribution spec), enough for the build layer:
 * ask whether a tag exists, read a manifest and its config (labels, size), and add tags to an
 * existing image by putting its manifest under a new tag — no layer is pulled or pushed.
 *
 * Auth follows the registry's challenge: `WWW-Authenticate: Bearer realm=…,service=…,scope=…`
 * (GHCR, Docker Hub) gets a token from the realm, with basic credentials when given; `Basic`
 * gets the credentials directly. Transient failures (connection resets, 408, 429, 5xx) are
 * retried with bounded exponential backoff, honouring `Retry-After`.
 */
import { createHash } from 'node:crypto';
import { isLoopbackHost, isValidDigest, isValidTag } from './reference.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const ACCEPT = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerList,
].join(', ');

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryOptions {
  credentials?: Credentials;
  /** Plain HTTP instead of HTTPS. Default: true for loopback hosts only. */
  insecure?: boolean;
  /** Attempts after the first on a transient failure. Default 5. */
  retries?: number;
  /** First backoff delay; doubles per attempt. Default 250 ms. */
  backoffMs?: number;
  /** Upper bound of one delay, also for `Retry-After`. Default 10 s. */
  maxBackoffMs?: number;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
  /**
   * All registry work of this client (requests, retries, waits) must end within this many ms;
   * past it a request fails at once. Default: unbounded (each request still times out).
   */
  budgetMs?: number;
  /**
   * Hosts besides the registry's own that may receive the credentials as its token service
   * (`Bearer realm=https://auth.example/token`). Docker Hub's `auth.docker.io` is known.
   */
  authHosts?: readonly string[];
  /** Called for each retry, with a message saying why. */
  onRetry?: (message: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ManifestRef {
  digest: string;
  mediaType: string;
  size: number;
}

export interface Manifest extends ManifestRef {
  bytes: Buffer;
  json: ManifestJson;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string };
}

export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

export interface ImageInfo {
  /** The digest of what the tag points at (an index digest for a multi-platform image). */
  digest: string;
  mediaType: string;
  /** Bytes to pull: config plus compressed layers (of the linux/amd64 image of an index). */
  size: number;
  labels: Record<string, string>;
  created?: string;
}

type Action = 'pull' | 'pull,push';

/** Token services registries are known to use on another host of their own. */
const KNOWN_AUTH_HOSTS: Record<string, readonly string[]> = {
  'registry-1.docker.io': ['auth.docker.io'],
};

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The network error code of a failed fetch (undici wraps it in `cause`). */
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What went wrong on the network, as the innermost cause says it (`connect ECONNREFUSED …`). */
function networkErrorText(err: unknown): string {
  let e: unknown = err;
  let text = String(err);
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') text = message;
    e = (e as { cause?: unknown }).cause;
  }
  const code = errorCode(err);
  return code === 'ECONNREFUSED'
    ? `${text} (nothing listens there: is the registry running?)`
    : text;
}

function isTransientError(err: unknown): boolean {
  const code = errorCode(err);
  if (code && TRANSIENT_CODES.has(code)) return true;
  const name = (err as { name?: string } | undefined)?.name;
  // A per-attempt timeout, or undici's "other side closed" without a code.
  return name === 'TimeoutError' || /other side closed|socket hang up/i.test(String(err));
}

/** `Retry-After` in ms: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^[0-9]+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"`. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2] ?? ''); p; p = re.exec(m[2] ?? '')) {
    params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

/** The `errors[].message` of a registry error body, when there is one. */
function registryMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const parts = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': '));
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // not JSON: fall through
  }
  return body.trim().slice(0, 200);
}

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function checkRef(ref: string): string {
  if (!isValidTag(ref) && !isValidDigest(ref)) {
    throw new RegistryError(`${JSON.stringify(ref)} is neither a valid tag nor a sha256 digest`);
  }
  return ref;
}

export class RegistryClient {
  readonly host: string;
  private readonly base: string;
  private readonly opts: Required<
    Pick<RegistryOptions, 'retries' | 'backoffMs' | 'maxBackoffMs' | 'timeoutMs'>
  > &
    RegistryOptions;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Authorization header per scope (`path|action`), once the registry asked for one. */
  private readonly auth = new Map<string, string>();
  /** The scheme the registry challenged with last, reused before asking again. */
  private challenge: Challenge | undefined;
  /** Milliseconds of registry work so far, against `budgetMs`. */
  private spentMs = 0;
  /** Content addressed, so never stale: manifests and blobs by `path@digest`. */
  private readonly manifestCache = new Map<string, Manifest>();
  private readonly blobCache = new Map<string, Buffer>();

  constructor(host: string, options: RegistryOptions = {}) {
    this.host = host;
    const insecure = options.insecure ?? isLoopbackHost(host);
    const apiHost = host === 'docker.io' ? 'registry-1.docker.io' : host;
    this.base = `${insecure ? 'http' : 'https'}://${apiHost}`;
    this.opts = { retries: 5, backoffMs: 250, maxBackoffMs: 10_000, timeoutMs: 60_000, ...options };
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The manifest a tag or digest points at, or undefined when there is none. */
  async headManifest(path: string, ref: string): Promise<ManifestRef | undefined> {
    const res = await this.request('HEAD', path, `manifests/${checkRef(ref)}`, 'pull', {
      headers: { accept: ACCEPT },
      missingOk: true,
    });
    if (!res) return undefined;
    const digest = res.headers.get('docker-content-digest');
    if (!digest) {
      // Some registries omit the digest on HEAD: read the manifest instead.
      return (await this.getManifest(path, ref)) ?? undefined;
    }
    return {
      digest,
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0] ?? '',
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  async getManifest(path: string, ref: string): Promise<Manifest | undefined> {
    const cached = this.manifestCache.get(`${path}@${ref}`);
    if (cached) return cached;
    const res = await this.request('GET', path, `manifests/${checkRef(ref)}`, 'pull', {
      headers: { accept: ACCEPT },
      missingOk: true,
    });
    if (!res) return undefined;
    const bytes = res.body;
    const json = JSON.parse(bytes.toString('utf8')) as ManifestJson;
    const digest = digestOf(bytes);
    const mediaType =
      json.mediaType ??
      (res.headers.get('content-type') ?? '').split(';')[0] ??
      MEDIA_TYPES.ociManifest;
    const manifest = { digest, mediaType, size: bytes.length, bytes, json };
    if (isValidDigest(ref) && ref !== digest) {
      throw new RegistryError(
        `registry ${this.host} sent a manifest for ${path}@${ref} with digest ${digest}`,
      );
    }
    this.manifestCache.set(`${path}@${digest}`, manifest);
    return manifest;
  }

  /** Puts a manifest under a tag; returns its digest. The blobs it names must be in `path`. */
  async putManifest(
    path: string,
    tag: string,
    manifest: Pick<Manifest, 'bytes' | 'mediaType'>,
  ): Promise<string> {
    if (!isValidTag(tag)) throw new RegistryError(`${JSON.stringify(tag)} is not a valid tag`);
    const res = await this.request('PUT', path, `manifests/${tag}`, 'pull,push', {
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
    });
    return res?.headers.get('docker-content-digest') ?? digestOf(manifest.bytes);
  }

  /**
   * Points each tag at the manifest `from` (a tag or digest) names, by putting a copy of the
   * manifest under the tag: the layers stay where they are, nothing is pulled. Returns its digest.
   */
  async addTags(path: string, from: string, tags: readonly string[]): Promise<string> {
    const manifest = await this.getManifest(path, from);
    if (!manifest) {
      throw new RegistryError(
        `${this.host}/${path}:${from} does not exist, so it cannot be retagged`,
        404,
      );
    }
    // A PUT of the same manifest is idempotent, so no HEAD first: one request per tag.
    for (const tag of tags) await this.putManifest(path, tag, manifest);
    return manifest.digest;
  }

  async getBlob(path: string, digest: string): Promise<Buffer> {
    if (!isValidDigest(digest))
      throw new RegistryError(`${JSON.stringify(digest)} is not a sha256 digest`);
    const res = await this.request('GET', path, `blobs/${digest}`, 'pull', {});
    if (!res) throw new RegistryError(`blob ${digest} of ${path} is missing`, 404);
    if (digestOf(res.body) !== digest) {
      throw new RegistryError(`blob ${digest} of ${this.host}/${path} does not match its digest`);
    }
    this.blobCache.set(`${path}@${digest}`, res.body);
    return res.body;
  }

  async listTags(path: string): Promise<string[]> {
    const res = await this.request('GET', path, 'tags/list', 'pull', { missingOk: true });
    if (!res) return [];
    const parsed = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
    return [...(parsed.tags ?? [])].sort();
  }

  /** Digest, pull size and labels of the image a tag names (linux/amd64 of an index). */
  async imageInfo(path: string, ref: string): Promise<ImageInfo | undefined> {
    const top = await this.getManifest(path, ref);
    if (!top) return undefined;
    let image: Manifest = top;
    if (top.json.manifests) {
      const children = top.json.manifests.filter(
        (m) => m.platform?.os !== 'unknown', // attestation manifests of buildx provenance
      );
      const pick =
        children.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
        children[0];
      if (!pick) throw new RegistryError(`${this.host}/${path}:${ref} is an empty image index`);
      const child = await this.getManifest(path, pick.digest);
      if (!child) throw new RegistryError(`${this.host}/${path}@${pick.digest} is missing`, 404);
      image = child;
    }
    const config = image.json.config;
    if (!config) throw new RegistryError(`${this.host}/${path}:${ref} has no image config`);
    const size = config.size + (image.json.layers ?? []).reduce((sum, l) => sum + l.size, 0);
    const parsed = JSON.parse((await this.getBlob(path, config.digest)).toString('utf8')) as {
      config?: { Labels?: Record<string, string> | null };
      created?: string;
    };
    return {
      digest: top.digest,
      mediaType: top.mediaType,
      size,
      labels: parsed.config?.Labels ?? {},
      created: parsed.created,
    };
  }

  /**
   * One API call with auth and retries. Returns undefined for 404 when `missingOk`; throws a
   * RegistryError that says what to fix for any other failure.
   */
  private async request(
    method: string,
    path: string,
    suffix: string,
    action: Action,
    init: { headers?: Record<string, string>; body?: Buffer; missingOk?: boolean },
  ): Promise<{ status: number; headers: Headers; body: Buffer } | undefined> {
    const url = `${this.base}/v2/${path}/${suffix}`;
    const scopeKey = `${path}|${action}`;
    let authTried = false;
    for (;;) {
      const headers: Record<string, string> = { ...init.headers };
      const authorization =
        this.auth.get(scopeKey) ?? (await this.preemptiveAuth(path, action, scopeKey));
      if (authorization) headers.authorization = authorization;
      const res = await this.followRedirects(method, url, headers, init.body, suffix);
      if (res.status === 401 && !authTried) {
        authTried = true;
        const challenge = parseChallenge(res.headers.get('www-authenticate'));
        if (!challenge) throw this.statusError(res.status, method, path, action, res.body);
        this.challenge = challenge;
        this.auth.set(scopeKey, await this.authorize(challenge, path, action));
        continue;
      }
      // A 404 where the registry sent us is no answer about the tag: not "not built yet".
      if (res.status === 404 && init.missingOk && !res.redirected) return undefined;
      if (res.status >= 200 && res.status < 300) return res;
      throw this.statusError(res.status, method, path, action, res.body);
    }
  }

  /** After one challenge, other scopes get their auth before the first request (saves a 401). */
  private async preemptiveAuth(
    path: string,
    action: Action,
    key: string,
  ): Promise<string | undefined> {
    if (!this.challenge) return undefined;
    const authorization = await this.authorize(this.challenge, path, action);
    this.auth.set(key, authorization);
    return authorization;
  }

  private async authorize(challenge: Challenge, path: string, action: Action): Promise<string> {
    const creds = this.opts.credentials;
    if (challenge.scheme === 'basic') {
      if (!creds) {
        throw new RegistryError(
          `registry ${this.host} needs a login for ${path}: set the username and password inputs`,
          401,
        );
      }
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RegistryError(
        `registry ${this.host} asked for unsupported auth "${challenge.scheme}"`,
        401,
      );
    }
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm);
    } catch {
      throw new RegistryError(`registry ${this.host} sent an invalid token realm`, 401);
    }
    if (
      realm.protocol !== 'https:' &&
      !(realm.protocol === 'http:' && isLoopbackHost(realm.host))
    ) {
      throw new RegistryError(
        `registry ${this.host} sent a token realm that is not https: ${realm.origin}`,
        401,
      );
    }
    if (creds && !this.mayReceiveCredentials(realm.hostname, realm.host)) {
      throw new RegistryError(
        `registry ${this.host} sent its token service at ${realm.host}, another host: the credentials are not sent there. ` +
          "If that host is the registry's own token service, add it to registry-auth-hosts (--registry-auth-host)",
        401,
      );
    }
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', `repository:${path}:${action}`);
    const headers: Record<string, string> = {};
    if (creds) {
      headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const res = await this.fetchWithRetry('GET', realm.toString(), headers, undefined);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        creds
          ? `registry ${this.host} refused the credentials of "${creds.username}" (${res.status} from the token service): check the username and password (a token needs permission to ${action === 'pull' ? 'read' : 'write'} ${path})`
          : `registry ${this.host} needs a login to ${action === 'pull' ? 'read' : 'push to'} ${path}: set the username and password inputs`,
        res.status,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new RegistryError(
        `token service of ${this.host} answered ${res.status}: ${registryMessage(res.body.toString('utf8'))}`,
        res.status,
      );
    }
    const body = JSON.parse(res.body.toString('utf8')) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token service of ${this.host} returned no token`, 401);
    return `Bearer ${token}`;
  }

  private statusError(
    status: number,
    method: string,
    path: string,
    action: Action,
    body: Buffer,
  ): RegistryError {
    const detail = registryMessage(body.toString('utf8'));
    const what = `${method} ${this.host}/${path}`;
    const creds = this.opts.credentials;
    switch (status) {
      case 401:
        return new RegistryError(
          creds
            ? `registry ${this.host} refused the credentials of "${creds.username}" for ${path} (401): check the username and password`
            : `registry ${this.host} needs a login to ${action === 'pull' ? 'read' : 'push to'} ${path} (401): set the username and password inputs`,
          status,
        );
      case 403:
        return new RegistryError(
          `registry ${this.host} denied ${action === 'pull' ? 'reading' : 'pushing to'} ${path} (403): give the credentials ${action === 'pull' ? 'read' : 'write'} access to the repository (on GHCR: permissions: packages: write)${detail ? ` — ${detail}` : ''}`,
          status,
        );
      case 404:
        return new RegistryError(`${what}: not found (404)${detail ? ` — ${detail}` : ''}`, status);
      default:
        return new RegistryError(
          `${what} failed with ${status}${detail ? `: ${detail}` : ''}`,
          status,
        );
    }
  }

  /** The registry's own host, a known token service of it, or a host the user listed. */
  private mayReceiveCredentials(hostname: string, host: string): boolean {
    const own = new URL(this.base);
    const allowed = [
      own.host,
      own.hostname,
      ...(KNOWN_AUTH_HOSTS[own.hostname] ?? []),
      ...(this.opts.authHosts ?? []),
    ].map((h) => h.toLowerCase());
    return allowed.includes(host.toLowerCase()) || allowed.includes(hostname.toLowerCase());
  }

  /**
   * One request, following redirects by hand: on the same origin as asked; to another host only
   * for a blob (content-addressed, its digest is checked), and then without the credentials.
   * Any other cross-host redirect is refused: it would carry the credentials elsewhere, and its
   * answer (a 404, say) says nothing about this registry.
   */
  private async followRedirects(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    suffix: string,
  ): Promise<{ status: number; headers: Headers; body: Buffer; redirected: boolean }> {
    let current = url;
    let sent = headers;
    for (let hops = 0; ; hops += 1) {
      const res = await this.fetchWithRetry(method, current, sent, body);
      if (res.status < 300 || res.status > 399 || res.status === 304) {
        return { ...res, redirected: hops > 0 };
      }
      const location = res.headers.get('location');
      if (!location || hops >= 5) {
        throw new RegistryError(
          `${method} ${this.host}: ${location ? 'too many redirects' : `${res.status} without a location`}`,
          res.status,
        );
      }
      const next = new URL(location, current);
      if (next.origin !== new URL(current).origin) {
        const blob = method === 'GET' && suffix.startsWith('blobs/');
        if (!blob) {
          throw new RegistryError(
            `registry ${this.host} redirected ${method} ${suffix} to another host (${next.host}): refused, the request carries credentials and the answer would not be the registry's`,
            res.status,
          );
        }
        const { authorization: _dropped, ...rest } = sent;
        sent = rest;
      }
      current = next.toString();
    }
  }

  /** Milliseconds left of the registry time budget; a RegistryError when none is left. */
  private remainingMs(method: string, url: string): number {
    const budget = this.opts.budgetMs;
    if (budget === undefined) return Number.MAX_SAFE_INTEGER;
    const left = budget - this.spentMs;
    if (left <= 0) {
      throw new RegistryError(
        `${method} ${url}: registry work took longer than its time limit (${Math.round(budget / 1000)} s, registry-timeout); the registry is slow or not answering`,
      );
    }
    return left;
  }

  /** fetch with a timeout, retrying transient failures with bounded exponential backoff. */
  private async fetchWithRetry(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
  ): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const { retries, backoffMs, maxBackoffMs, timeoutMs } = this.opts;
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let retryAfter: number | undefined;
      const started = Date.now();
      try {
        const res = await this.fetchImpl(url, {
          method,
          headers,
          body: body ? new Uint8Array(body) : undefined,
          redirect: 'manual',
          signal: AbortSignal.timeout(
            Math.max(1, Math.floor(Math.min(timeoutMs, this.remainingMs(method, url)))),
          ),
        });
        const bytes = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
        if (!isTransientStatus(res.status) || attempt >= retries) {
          return { status: res.status, headers: res.headers, body: bytes };
        }
        reason = `${res.status}`;
        retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        if (err instanceof RegistryError) throw err;
        if (!isTransientError(err)) {
          throw new RegistryError(`${method} ${url}: ${networkErrorText(err)}`);
        }
        if (attempt >= retries) {
          throw new RegistryError(
            `${method} ${url} failed after ${retries + 1} attempts: ${errorCode(err) ?? String(err)}`,
          );
        }
        reason = errorCode(err) ?? (err as Error).name;
      } finally {
        this.spentMs += Date.now() - started;
      }
      const exponential = backoffMs * 2 ** attempt;
      const jittered = exponential / 2 + Math.random() * (exponential / 2);
      const delay = Math.min(maxBackoffMs, retryAfter ?? jittered, this.remainingMs(method, url));
      this.opts.onRetry?.(
        `${method} ${this.host}: ${reason}, retry ${attempt + 1}/${retries} in ${Math.round(delay)} ms`,
      );
      await this.sleep(delay);
      this.spentMs += delay;
    }
  }
}
