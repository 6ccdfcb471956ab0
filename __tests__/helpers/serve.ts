/**
 * A static file server on 127.0.0.1 for the tests' package sources (a conda channel, a PEP 503
 * index, an npm registry's documents): files under `root`, 404 for the rest, every request logged;
 * ETag and Last-Modified on each file, 304 when a request holds the current ETag.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

export interface Served {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function serveDir(
  root: string,
  contentType = 'application/octet-stream',
): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(urlPath);
    let file = path.join(root, path.normalize(urlPath));
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = file.endsWith('.html')
      ? 'text/html'
      : file.endsWith('.json')
        ? 'application/json'
        : contentType;
    // Validators as a CDN gives them; a request that holds the current one gets a 304.
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const validators = { etag, 'last-modified': stat.mtime.toUTCString() };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, validators).end();
      return;
    }
    res.writeHead(200, { ...validators, 'content-type': type, 'content-length': stat.size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
