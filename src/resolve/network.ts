/**
 * The network as one resolve run sees it: every request bounded, an unreachable host asked once,
 * and all the waiting on unreachable hosts together capped (about 30 s), so a channel that is
 * down costs one clear notice, never a hang. Responses are kept for the run: the solver fetches
 * the same repodata for every group it solves, and gets it from memory after the first time.
 */
import { setMaxListeners } from 'node:events';
import type { FetchFn } from './types.js';

export interface NetworkLimits {
  /** All the time spent on requests that failed, together. */
  budgetMs: number;
  /** Until the response headers arrive. */
  requestMs: number;
  /** Reading one response body (repodata can be large). */
  bodyMs: number;
}

export const DEFAULT_LIMITS: NetworkLimits = {
  budgetMs: 30_000,
  requestMs: 15_000,
  bodyMs: 300_000,
};

export interface CachedResponse {
  /** After redirects. */
  url: string;
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
}

export class Unreachable extends Error {
  override name = 'Unreachable';
}

/** The part of a URL an outage is recorded by (`scheme://host:port`). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Rejects after `ms` even when the work ignores its abort signal. */
function bounded<T>(work: Promise<T>, ms: number, abort: () => void, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: aborting makes the work reject too, with a vaguer reason.
      reject(new Unreachable(`no answer within ${Math.round(ms / 1000)} s (${what})`));
      abort();
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Bodies announced larger are read as they come (a header cannot make this process reserve more). */
const MAX_PREALLOCATED = 1_000_000_000;

/**
 * A response's body, read into one buffer of the announced length where the length is known
 * (`arrayBuffer()` holds every chunk and their copy at once: twice a 220 MB repodata.json).
 */
async function readBody(response: Response): Promise<Uint8Array<ArrayBuffer>> {
  const announced = Number(response.headers.get('content-length'));
  const known =
    response.body !== null &&
    !response.headers.has('content-encoding') &&
    Number.isSafeInteger(announced) &&
    announced > 0 &&
    announced <= MAX_PREALLOCATED;
  if (!known) return new Uint8Array(await response.arrayBuffer());
  let body = new Uint8Array(announced);
  let length = 0;
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    if (length + chunk.value.length > body.length) {
      // More than announced: grow (a server that lies about the length still reads as fetch reads).
      const grown = new Uint8Array(Math.max(body.length * 2, length + chunk.value.length));
      grown.set(body.subarray(0, length));
      body = grown;
    }
    body.set(chunk.value, length);
    length += chunk.value.length;
  }
  return length === body.length ? body : body.slice(0, length);
}

/** A GET that may be answered 304 from what the caller keeps (its validators). */
export interface Conditional {
  etag?: string;
  lastModified?: string;
}

export class Network {
  /** origin → why it is down. */
  readonly down = new Map<string, string>();
  /** Requests sent and response bytes read, for the run's figures and the tests. */
  requests = 0;
  bytesFetched = 0;
  private spentMs = 0;
  private readonly cache = new Map<string, Promise<CachedResponse>>();
  /** Aborted when the run stops (its time is up): every request then fails at once. */
  private readonly stopped = new AbortController();
  private stopReason: string | undefined;

  constructor(
    private readonly fetchFn: FetchFn,
    readonly limits: NetworkLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    // One listener per request in flight, and shards are fetched many at once.
    setMaxListeners(0, this.stopped.signal);
  }

  /** A GET, answered from this run's memory after the first time (errors are remembered too). */
  get(url: string): Promise<CachedResponse> {
    let hit = this.cache.get(url);
    if (!hit) {
      hit = this.request(url);
      this.cache.set(url, hit);
    }
    return hit;
  }

  /**
   * A GET not kept in this run's memory (the caller keeps what it needs of large bodies), with
   * the caller's validators: a `304` means its copy is current (and reads no body).
   */
  getFresh(url: string, conditional: Conditional = {}): Promise<CachedResponse> {
    const headers: Record<string, string> = {};
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
    return this.request(url, headers, false);
  }

  /** Stops the run's network: requests in flight are aborted, later ones refused with `reason`. */
  stop(reason: string): void {
    this.stopReason = reason;
    this.stopped.abort();
  }

  /** Why `url`'s host cannot be reached, or undefined when it answers (any HTTP status). */
  async probe(url: string): Promise<string | undefined> {
    try {
      await this.get(url);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private async request(
    url: string,
    requestHeaders: Record<string, string> = {},
    errorBodies = true,
  ): Promise<CachedResponse> {
    if (this.stopReason !== undefined) throw new Unreachable(this.stopReason);
    const origin = originOf(url);
    const known = this.down.get(origin);
    if (known !== undefined) throw new Unreachable(known);
    const left = this.limits.budgetMs - this.spentMs;
    if (left <= 0) {
      const reason = `the ${Math.round(this.limits.budgetMs / 1000)} s allowed for unreachable hosts is spent`;
      this.down.set(origin, reason);
      throw new Unreachable(reason);
    }
    const started = this.now();
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.stopped.signal.addEventListener('abort', onStop);
    try {
      this.requests++;
      // A connection the server closed while this process was busy (a long solve keeps the event
      // loop from seeing it) fails at once: asked again once, on a new connection.
      const send = (): Promise<Response> =>
        this.fetchFn(url, {
          signal: controller.signal,
          redirect: 'follow',
          headers: requestHeaders,
        });
      const response = await bounded(
        send().catch((error: unknown) => {
          if (controller.signal.aborted || this.now() - started > 1000) throw error;
          return send();
        }),
        Math.min(this.limits.requestMs, left),
        () => controller.abort(),
        origin,
      );
      // Only what a caller uses is read: not the page of a 404 that only says "not found".
      const skip = !errorBodies && response.status !== 200;
      if (skip) await response.body?.cancel().catch(() => undefined);
      const body = await bounded(
        skip ? Promise.resolve(new Uint8Array(0)) : readBody(response),
        this.limits.bodyMs,
        () => controller.abort(),
        `reading ${url}`,
      );
      this.bytesFetched += body.byteLength;
      // The body is already decoded: its encoding and length headers no longer apply.
      const headers = [...response.headers].filter(
        ([k]) => k !== 'content-encoding' && k !== 'content-length',
      );
      return {
        url: response.url || url,
        status: response.status,
        headers,
        body,
      };
    } catch {
      if (this.stopReason !== undefined) throw new Unreachable(this.stopReason);
      this.spentMs += this.now() - started;
      // One message for every failure: a refused port and a silent one read alike, so a notice
      // cannot be used to map which ports of a host are open.
      const reason = `${origin} cannot be reached (the connection failed, or no answer came within ${Math.round(this.limits.requestMs / 1000)} s)`;
      this.down.set(origin, reason);
      throw new Unreachable(reason);
    } finally {
      this.stopped.signal.removeEventListener('abort', onStop);
    }
  }

  /** A `fetch` over this network's memory and limits, for a solver that fetches by itself. */
  readonly fetch: FetchFn = async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const r = await this.get(url);
    const empty = r.status === 204 || r.status === 304;
    const response = new Response(empty ? null : r.body, { status: r.status, headers: r.headers });
    // A made-up Response has no URL; the solver resolves relative links against it.
    Object.defineProperty(response, 'url', { value: r.url });
    return response;
  };
}
