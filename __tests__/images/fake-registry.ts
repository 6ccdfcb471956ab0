/**
 * An in-process HTTP server speaking enough of the registry API v2 to test the client's auth
 * flows, retries and manifest handling: manifests and blobs kept in memory, a bearer token
 * service or basic auth, and a queue of faults to serve before real answers.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Fault = { status: number; headers?: Record<string, string> } | { reset: true };

export interface FakeRegistryOptions {
  auth?: 'none' | 'basic' | 'bearer';
  username?: string;
  password?: string;
  /** Paths (repositories) the user may only pull from (push gets 403). */
  readOnly?: string[];
  /** The token realm to announce (default: this server's `/token` on its own host). */
  realm?: (host: string) => string;
  /** Answers a request with a fault before the registry sees it (e.g. a 500 on one tag's PUT). */
  intercept?: (request: { method: string; path: string }) => Fault | undefined;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class FakeRegistry {
  readonly manifests = new Map<string, { mediaType: string; bytes: Buffer }>(); // `path@digest`
  readonly tags = new Map<string, string>(); // `path:tag` → digest
  readonly blobs = new Map<string, Buffer>(); // digest → bytes
  readonly requests: RecordedRequest[] = [];
  readonly tokenRequests: string[] = [];
  faults: Fault[] = [];
  private server: Server | undefined;
  host = '';

  constructor(private readonly opts: FakeRegistryOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Stores an image (config with labels, one layer) under `path:tag`; returns the manifest digest. */
  addImage(
    path: string,
    tag: string,
    labels: Record<string, string> = {},
    layerSize = 1000,
  ): string {
    const config = Buffer.from(
      JSON.stringify({ config: { Labels: labels }, created: '2026-01-01T00:00:00Z' }),
    );
    const layer = Buffer.alloc(layerSize, 7);
    this.blobs.set(sha256(config), config);
    this.blobs.set(sha256(layer), layer);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: sha256(layer),
            size: layer.length,
          },
        ],
      }),
    );
    return this.putManifest(path, tag, 'application/vnd.oci.image.manifest.v1+json', manifest);
  }

  /** Stores an index pointing at the given manifests with platforms. */
  addIndex(
    path: string,
    tag: string,
    children: { digest: string; os: string; architecture: string }[],
  ): string {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: children.map((c) => ({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: c.digest,
          size: this.manifests.get(`${path}@${c.digest}`)?.bytes.length ?? 0,
          platform: { os: c.os, architecture: c.architecture },
        })),
      }),
    );
    return this.putManifest(path, tag, 'application/vnd.oci.image.index.v1+json', index);
  }

  putManifest(path: string, tag: string, mediaType: string, bytes: Buffer): string {
    const digest = sha256(bytes);
    this.manifests.set(`${path}@${digest}`, { mediaType, bytes });
    this.tags.set(`${path}:${tag}`, digest);
    return digest;
  }

  private authorized(
    req: IncomingMessage,
    path: string,
    push: boolean,
  ): 'ok' | 'challenge' | 'denied' {
    const mode = this.opts.auth ?? 'none';
    const header = req.headers.authorization;
    if (mode === 'none') return 'ok';
    const basic = `Basic ${Buffer.from(`${this.opts.username}:${this.opts.password}`).toString('base64')}`;
    if (mode === 'basic') return header === basic ? 'ok' : 'challenge';
    const wanted = `Bearer token:${path}:${push ? 'pull,push' : 'pull'}`;
    if (header === wanted || (!push && header === `Bearer token:${path}:pull,push`)) return 'ok';
    if (push && header === `Bearer token:${path}:pull`) return 'denied';
    return 'challenge';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);

    if (url.pathname === '/token') {
      this.tokenRequests.push(url.search);
      const basic = `Basic ${Buffer.from(`${this.opts.username}:${this.opts.password}`).toString('base64')}`;
      if (req.headers.authorization !== basic)
        return this.send(res, 401, {}, '{"details":"bad credentials"}');
      const scope = url.searchParams.get('scope') ?? '';
      const [, path = '', actions = ''] = scope.split(':');
      const granted = this.opts.readOnly?.includes(path) ? 'pull' : actions;
      return this.send(res, 200, {}, JSON.stringify({ token: `token:${path}:${granted}` }));
    }

    this.requests.push({
      method: req.method ?? '',
      url: url.pathname,
      authorization: req.headers.authorization,
    });
    const fault =
      this.faults.shift() ??
      this.opts.intercept?.({ method: req.method ?? '', path: url.pathname });
    if (fault) {
      if ('reset' in fault) {
        req.socket.resetAndDestroy();
        return;
      }
      return this.send(res, fault.status, fault.headers ?? {}, '');
    }

    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (!m) return this.send(res, 404, {}, '');
    const [, path = '', kind, ref = ''] = m;
    const auth = this.authorized(req, path, req.method === 'PUT');
    if (auth === 'challenge') {
      const challenge =
        this.opts.auth === 'basic'
          ? 'Basic realm="fake"'
          : `Bearer realm="${this.opts.realm?.(this.host) ?? `http://${this.host}/token`}",service="fake-registry",scope="repository:${path}:pull"`;
      return this.send(
        res,
        401,
        { 'www-authenticate': challenge },
        '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
      );
    }
    if (auth === 'denied') {
      return this.send(
        res,
        403,
        {},
        '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}',
      );
    }

    if (kind === 'tags') {
      const tags = [...this.tags.keys()]
        .filter((k) => k.startsWith(`${path}:`))
        .map((k) => k.slice(path.length + 1));
      return this.send(res, 200, {}, JSON.stringify({ name: path, tags }));
    }
    if (kind === 'blobs') {
      const blob = this.blobs.get(ref);
      return blob
        ? this.send(res, 200, {}, blob)
        : this.send(res, 404, {}, '{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    }
    if (req.method === 'PUT') {
      const digest = this.putManifest(path, ref, String(req.headers['content-type']), body);
      return this.send(res, 201, { 'docker-content-digest': digest }, '');
    }
    const digest = ref.startsWith('sha256:') ? ref : this.tags.get(`${path}:${ref}`);
    const manifest = digest ? this.manifests.get(`${path}@${digest}`) : undefined;
    if (!manifest || !digest)
      return this.send(res, 404, {}, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    return this.send(
      res,
      200,
      { 'content-type': manifest.mediaType, 'docker-content-digest': digest },
      req.method === 'HEAD' ? Buffer.alloc(0) : manifest.bytes,
      manifest.bytes.length,
    );
  }

  private send(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer | string,
    length?: number,
  ): void {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'content-length': String(length ?? bytes.length), ...headers });
    res.end(bytes);
  }
}
