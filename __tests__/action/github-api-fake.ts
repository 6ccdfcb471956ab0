/**
 * A small HTTP server on 127.0.0.1 that answers the three GitHub REST endpoints the sticky comment
 * uses, over real HTTP, so octokit runs unmodified against it:
 *   GET   /repos/:owner/:repo/issues/:number/comments   (paginated with a Link header)
 *   POST  /repos/:owner/:repo/issues/:number/comments
 *   PATCH /repos/:owner/:repo/issues/comments/:id
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: { body?: string };
}

export class FakeGitHub {
  comments: FakeComment[] = [];
  requests: RecordedRequest[] = [];
  /** Comments per page of the list endpoint (small, to exercise pagination). */
  pageSize = 2;
  /** Force a status for a method, e.g. `{ POST: 403 }`. */
  failWith: Partial<Record<string, number>> = {};
  private server: Server | undefined;
  private nextId = 1000;

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.comments = [];
    this.requests = [];
    this.failWith = {};
    this.pageSize = 2;
  }

  addComment(body: string, user: FakeComment['user'] = { login: 'someone', type: 'User' }) {
    const comment = { id: this.nextId++, body, user };
    this.comments.push(comment);
    return comment;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      authorization: req.headers.authorization,
      body: raw ? (JSON.parse(raw) as { body?: string }) : undefined,
    });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(data));
    };
    const forced = this.failWith[method];
    if (forced) {
      return send(forced, {
        message: forced === 404 ? 'Not Found' : 'Resource not accessible by integration',
      });
    }

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const update = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const start = (page - 1) * this.pageSize;
      const items = this.comments.slice(start, start + this.pageSize).map((c) => this.view(c));
      const headers: Record<string, string> = {};
      if (start + this.pageSize < this.comments.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return send(200, items, headers);
    }
    if (list && method === 'POST') {
      const comment = this.addComment(String((JSON.parse(raw) as { body: string }).body), {
        login: 'github-actions[bot]',
        type: 'Bot',
      });
      return send(201, this.view(comment));
    }
    if (update && method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(update[3]));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = String((JSON.parse(raw) as { body: string }).body);
      return send(200, this.view(comment));
    }
    return send(404, { message: 'Not Found' });
  }

  private view(comment: FakeComment) {
    return {
      ...comment,
      html_url: `https://github.com/acme/flood/pull/7#issuecomment-${comment.id}`,
    };
  }
}
