export const id = 849;
export const ids = [849];
export const modules = {

/***/ 3849:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  lockFilePath: () => (/* binding */ lockFilePath),
  resolveWorkflow: () => (/* binding */ resolveWorkflow)
});

// UNUSED EXPORTS: archesOf

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/option-names.ts
var option_names = __webpack_require__(2169);
// EXTERNAL MODULE: ./src/common/paths.ts
var paths = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/rules.ts
var rules = __webpack_require__(3258);
// EXTERNAL MODULE: ./src/common/units.ts
var units = __webpack_require__(8570);
// EXTERNAL MODULE: ./src/plan/plan.ts + 7 modules
var plan = __webpack_require__(3056);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
;// CONCATENATED MODULE: ./src/resolve/network.ts
/**
 * The network as one resolve run sees it: every request bounded, an unreachable host asked once,
 * and all the waiting on unreachable hosts together capped (about 30 s), so a channel that is
 * down costs one clear notice, never a hang. Responses are kept for the run: the solver fetches
 * the same repodata for every group it solves, and gets it from memory after the first time.
 */

const DEFAULT_LIMITS = {
    budgetMs: 30_000,
    requestMs: 15_000,
    bodyMs: 300_000,
};
class Unreachable extends Error {
    name = 'Unreachable';
}
/** The part of a URL an outage is recorded by (`scheme://host:port`). */
function originOf(url) {
    try {
        return new URL(url).origin;
    }
    catch {
        return url;
    }
}
/** Rejects after `ms` even when the work ignores its abort signal. */
function bounded(work, ms, abort, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
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
async function readBody(response) {
    const announced = Number(response.headers.get('content-length'));
    const known = response.body !== null &&
        !response.headers.has('content-encoding') &&
        Number.isSafeInteger(announced) &&
        announced > 0 &&
        announced <= MAX_PREALLOCATED;
    if (!known)
        return new Uint8Array(await response.arrayBuffer());
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
class Network {
    fetchFn;
    limits;
    now;
    /** origin → why it is down. */
    down = new Map();
    /** Requests sent and response bytes read, for the run's figures and the tests. */
    requests = 0;
    bytesFetched = 0;
    spentMs = 0;
    cache = new Map();
    /** Aborted when the run stops (its time is up): every request then fails at once. */
    stopped = new AbortController();
    stopReason;
    constructor(fetchFn, limits = DEFAULT_LIMITS, now = Date.now) {
        this.fetchFn = fetchFn;
        this.limits = limits;
        this.now = now;
        // One listener per request in flight, and shards are fetched many at once.
        (0,external_node_events_.setMaxListeners)(0, this.stopped.signal);
    }
    /** A GET, answered from this run's memory after the first time (errors are remembered too). */
    get(url) {
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
    getFresh(url, conditional = {}) {
        const headers = {};
        if (conditional.etag)
            headers['if-none-match'] = conditional.etag;
        if (conditional.lastModified)
            headers['if-modified-since'] = conditional.lastModified;
        return this.request(url, headers, false);
    }
    /** Stops the run's network: requests in flight are aborted, later ones refused with `reason`. */
    stop(reason) {
        this.stopReason = reason;
        this.stopped.abort();
    }
    /** Why `url`'s host cannot be reached, or undefined when it answers (any HTTP status). */
    async probe(url) {
        try {
            await this.get(url);
            return undefined;
        }
        catch (error) {
            return error.message;
        }
    }
    async request(url, requestHeaders = {}, errorBodies = true) {
        if (this.stopReason !== undefined)
            throw new Unreachable(this.stopReason);
        const origin = originOf(url);
        const known = this.down.get(origin);
        if (known !== undefined)
            throw new Unreachable(known);
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
            const send = () => this.fetchFn(url, {
                signal: controller.signal,
                redirect: 'follow',
                headers: requestHeaders,
            });
            const response = await bounded(send().catch((error) => {
                if (controller.signal.aborted || this.now() - started > 1000)
                    throw error;
                return send();
            }), Math.min(this.limits.requestMs, left), () => controller.abort(), origin);
            // Only what a caller uses is read: not the page of a 404 that only says "not found".
            const skip = !errorBodies && response.status !== 200;
            if (skip)
                await response.body?.cancel().catch(() => undefined);
            const body = await bounded(skip ? Promise.resolve(new Uint8Array(0)) : readBody(response), this.limits.bodyMs, () => controller.abort(), `reading ${url}`);
            this.bytesFetched += body.byteLength;
            // The body is already decoded: its encoding and length headers no longer apply.
            const headers = [...response.headers].filter(([k]) => k !== 'content-encoding' && k !== 'content-length');
            return {
                url: response.url || url,
                status: response.status,
                headers,
                body,
            };
        }
        catch {
            if (this.stopReason !== undefined)
                throw new Unreachable(this.stopReason);
            this.spentMs += this.now() - started;
            // One message for every failure: a refused port and a silent one read alike, so a notice
            // cannot be used to map which ports of a host are open.
            const reason = `${origin} cannot be reached (the connection failed, or no answer came within ${Math.round(this.limits.requestMs / 1000)} s)`;
            this.down.set(origin, reason);
            throw new Unreachable(reason);
        }
        finally {
            this.stopped.signal.removeEventListener('abort', onStop);
        }
    }
    /** A `fetch` over this network's memory and limits, for a solver that fetches by itself. */
    fetch = async (input) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const r = await this.get(url);
        const empty = r.status === 204 || r.status === 304;
        const response = new Response(empty ? null : r.body, { status: r.status, headers: r.headers });
        // A made-up Response has no URL; the solver resolves relative links against it.
        Object.defineProperty(response, 'url', { value: r.url });
        return response;
    };
}

// EXTERNAL MODULE: ./src/common/pool.ts
var pool = __webpack_require__(3211);
;// CONCATENATED MODULE: ./src/resolve/file-sizes.ts
/**
 * The size of each file a pip or npm answer names, for the plan's size estimate: neither pip's
 * `--report` nor npm's lock carries it, so the source is asked with a `HEAD` of each file
 * (`Content-Length`). A conda record has its `size` already. Best effort: a file whose size
 * cannot be had (no answer within the time, no length) is left without one, and the plan counts
 * that package by name instead. What is found is kept in the lock file with the answer.
 */

/** Files asked for at once. */
const PARALLEL = 8;
/** Waiting on one answer, and on all of them together. */
const REQUEST_MS = 5_000;
const TOTAL_MS = 30_000;
/** The outcome with `size` on each pip or npm package whose file's length the source tells. */
async function withFileSizes(outcome, fetch, 
/** What is left of the resolve stage's time. */
timeLeftMs = TOTAL_MS) {
    if (outcome.kind !== 'solved')
        return outcome;
    const missing = outcome.packages.filter((p) => p.size === undefined && p.ecosystem !== 'conda');
    if (missing.length === 0)
        return outcome;
    const sizes = new Map();
    const deadline = Date.now() + Math.min(TOTAL_MS, timeLeftMs);
    const urls = [...new Set(missing.map((p) => p.url))];
    await (0,pool/* pool */.d)(urls, PARALLEL, async (url) => {
        // Past the deadline, what is left is not asked (contentLength answers at once).
        const bytes = await contentLength(url, fetch, Math.min(REQUEST_MS, deadline - Date.now()));
        if (bytes !== undefined)
            sizes.set(url, bytes);
    });
    const packages = outcome.packages.map((p) => {
        const size = p.size ?? sizes.get(p.url);
        if (size === undefined)
            return p;
        // `arch` last, as the lock file is read back: a plan from the lock is the solver's to the byte.
        const { arch, ...rest } = p;
        return { ...rest, size, arch };
    });
    return { ...outcome, packages };
}
async function contentLength(url, fetch, timeoutMs) {
    if (timeoutMs <= 0 || !/^https?:\/\//.test(url))
        return undefined;
    try {
        const response = await fetch(url, {
            method: 'HEAD',
            redirect: 'follow',
            signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel().catch(() => undefined);
        const length = Number(response.headers.get('content-length') ?? NaN);
        return response.ok && Number.isSafeInteger(length) && length > 0 ? length : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/resolve/repodata-cache.ts
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




/** The folder a run uses when it is given none (see the file comment). */
function defaultCacheDir(env, home) {
    if (env.STOWAGE_CACHE)
        return external_node_path_default().join(env.STOWAGE_CACHE, 'repodata');
    const base = env.XDG_CACHE_HOME || external_node_path_default().join(home, '.cache');
    return external_node_path_default().join(base, 'stowage', 'repodata');
}
/** A validator goes back into a request header: printable ASCII, not too long. */
const HEADER_VALUE = /^[\x20-\x7e]{1,512}$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Nothing a channel serves is larger (conda-forge's linux-64 repodata.json is ~300 MB). */
const MAX_BODY = 2_000_000_000;
class RepodataCache {
    dir;
    mutable;
    /** What was wrong with entries read back (each then deleted and fetched again). */
    problems = [];
    writable = true;
    pending = new Set();
    /** Folders made by this run. */
    folders = new Set();
    /**
     * @param dir the cache folder
     * @param mutable read back mutable files (repodata, shard index); false: only shards, which are
     *   checked against an index fetched in this run
     */
    constructor(dir, mutable = true) {
        this.dir = dir;
        this.mutable = mutable;
    }
    entryPaths(url) {
        const key = (0,external_node_crypto_.createHash)('sha256').update(url).digest('hex').slice(0, 40);
        const dir = external_node_path_default().join(this.dir, 'v1', 'entries');
        return { meta: external_node_path_default().join(dir, `${key}.json`), body: external_node_path_default().join(dir, `${key}.body`) };
    }
    shardPath(sha256) {
        return external_node_path_default().join(this.dir, 'v1', 'shards', sha256.slice(0, 2), `${sha256}.msgpack.zst`);
    }
    /** The kept copy of `url`, checked; undefined when there is none (or it was refused). */
    async read(url) {
        if (!this.mutable)
            return undefined;
        const paths = this.entryPaths(url);
        const metaText = await readRegular(paths.meta, 64_000);
        if (metaText === undefined)
            return undefined;
        const refuse = (why) => {
            this.problems.push(`the cached copy of ${url} ${why}; it was fetched again`);
            remove(paths.meta);
            remove(paths.body);
            return undefined;
        };
        let meta;
        try {
            meta = JSON.parse(metaText.toString('utf8'));
        }
        catch {
            return refuse('has an entry that is not JSON');
        }
        if (typeof meta !== 'object' ||
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
            (meta.etag === undefined && meta.lastModified === undefined))
            return refuse('has an entry of the wrong form');
        const body = await readRegular(paths.body, MAX_BODY);
        if (body === undefined)
            return refuse('has no body');
        if (body.length !== meta.size)
            return refuse('has a body of the wrong size');
        if ((0,external_node_crypto_.createHash)('sha256').update(body).digest('hex') !== meta.sha256)
            return refuse('does not match its sha256');
        const validators = {};
        if (meta.etag !== undefined)
            validators.etag = meta.etag;
        if (meta.lastModified !== undefined)
            validators.lastModified = meta.lastModified;
        return { validators, body };
    }
    /** Keeps `body` as the copy of `url` (only with a validator to ask the channel about it later). */
    write(url, validators, body) {
        const etag = validators.etag !== undefined && HEADER_VALUE.test(validators.etag);
        const modified = validators.lastModified !== undefined && HEADER_VALUE.test(validators.lastModified);
        if ((!etag && !modified) || body.length > MAX_BODY)
            return;
        const meta = {
            version: 1,
            url,
            ...(etag ? { etag: validators.etag } : {}),
            ...(modified ? { lastModified: validators.lastModified } : {}),
            size: body.length,
            sha256: (0,external_node_crypto_.createHash)('sha256').update(body).digest('hex'),
        };
        const paths = this.entryPaths(url);
        // Body first: an entry is only ever read with the body it describes. In the background, as
        // shards are (a repodata.json is a few hundred MB).
        this.background(async () => {
            if (!(await this.putAsync(paths.body, body)))
                return;
            // A body without its entry is never read: not left behind to fill the folder.
            if (!(await this.putAsync(paths.meta, Buffer.from(JSON.stringify(meta)))))
                remove(paths.body);
        });
    }
    /**
     * A shard by the sha256 the index gives for it; refused (and deleted) when its bytes differ.
     * Shards are read and written off the main thread: a solve reaches a thousand of them.
     */
    async readShard(sha256) {
        if (!HEX64.test(sha256))
            return undefined;
        const file = this.shardPath(sha256);
        const body = await readRegular(file, 64_000_000);
        if (body === undefined)
            return undefined;
        if ((0,external_node_crypto_.createHash)('sha256').update(body).digest('hex') !== sha256) {
            this.problems.push(`the cached shard ${sha256.slice(0, 12)}… does not match its name; it was fetched again`);
            remove(file);
            return undefined;
        }
        return body;
    }
    /** Keeps a shard; the write finishes in the background (`flush` waits for it). */
    writeShard(sha256, body) {
        if (HEX64.test(sha256))
            this.background(() => this.putAsync(this.shardPath(sha256), body));
    }
    background(write) {
        if (!this.writable)
            return;
        const work = write().then(() => void this.pending.delete(work), () => void this.pending.delete(work));
        this.pending.add(work);
    }
    /** Waits for the writes in the background. */
    async flush() {
        while (this.pending.size > 0)
            await Promise.all([...this.pending]);
    }
    /** Writes atomically, off the main thread; a cache that cannot be written is not written again. */
    async putAsync(file, body) {
        if (!this.writable)
            return false;
        const tmp = `${file}.${process.pid}.${(0,external_node_crypto_.randomBytes)(4).toString('hex')}.tmp`;
        try {
            const dir = external_node_path_default().dirname(file);
            if (!this.folders.has(dir)) {
                await (0,promises_.mkdir)(dir, { recursive: true, mode: 0o700 });
                this.folders.add(dir);
            }
            await (0,promises_.writeFile)(tmp, body, { mode: 0o600, flag: 'wx' });
            await (0,promises_.rename)(tmp, file);
            return true;
        }
        catch (error) {
            await (0,promises_.rm)(tmp, { force: true }).catch(() => undefined);
            if (this.writable)
                this.problems.push(`cannot be written (${error.code ?? error.message}), so the next run is as cold as this one`);
            this.writable = false;
            return false;
        }
    }
}
/**
 * A regular file's bytes (never through a link), or undefined when absent, odd or too large; read
 * off the main thread.
 */
async function readRegular(file, max) {
    let handle;
    try {
        handle = await (0,promises_.open)(file, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW);
    }
    catch {
        return undefined;
    }
    try {
        const stat = await handle.stat();
        if (!stat.isFile() || stat.size > max)
            return undefined;
        const body = Buffer.allocUnsafe(stat.size);
        let read = 0;
        while (read < body.length) {
            const { bytesRead } = await handle.read(body, read, body.length - read, read);
            if (bytesRead === 0)
                return undefined; // shrank under us
            read += bytesRead;
        }
        return body;
    }
    catch {
        return undefined;
    }
    finally {
        await handle.close().catch(() => undefined);
    }
}
function remove(file) {
    try {
        (0,external_node_fs_.rmSync)(file, { force: true });
    }
    catch {
        // Left for the next run to refuse again.
    }
}

// EXTERNAL MODULE: ./src/software/requirements.ts + 1 modules
var requirements = __webpack_require__(7092);
// EXTERNAL MODULE: ./src/resolve/sources.ts
var sources = __webpack_require__(4394);
;// CONCATENATED MODULE: ./src/resolve/answer-check.ts


/** Why `outcome` cannot be the answer to `request`, or undefined when it can. */
function answerProblem(request, outcome, shape) {
    if (outcome.kind !== 'solved')
        return undefined;
    const packages = outcome.packages;
    for (const p of packages) {
        if (p.arch !== request.arch)
            return `${p.name} is locked for ${p.arch}, not ${request.arch}`;
        if (!request.sources.includes(p.source))
            return `${p.name} names the source ${p.source}, which is not one of the request's`;
        const expected = shape.expectedFile(p, request);
        const problem = (0,sources/* fileUrlProblem */.z)(p.url, p.source, shape.files) ??
            (expected === undefined ? undefined : `"${p.url}" is not ${expected}`);
        if (problem)
            return `${p.name}: ${problem}`;
        if (!p[shape.digest])
            return `${p.name} has no ${shape.digest}`;
    }
    return requestedProblem(request, packages, shape) ?? shape.extraProblem(request, outcome);
}
/** Every requested package present, at a version its requirement allows. */
function requestedProblem(request, packages, shape) {
    for (const spec of request.specs) {
        const requirement = (0,requirements/* parseRequirement */.pP)(request.ecosystem, spec);
        if (!requirement.ok)
            return `the request "${spec}" is not valid: ${requirement.reason}`;
        const found = packages.filter((p) => shape.nameKey(p.name) === requirement.name);
        if (found.length === 0)
            return `${requirement.name}, requested as "${spec}", is not in it`;
        const outside = found.find((p) => !(0,requirements/* allows */.NB)(requirement, p.version));
        if (outside)
            return `${outside.name} ${outside.version} is outside the requested "${spec}"`;
    }
    return undefined;
}
/**
 * Every package is requested or needed by one that is, through the dependencies recorded with
 * each (conda's and pip's `extraProblem`).
 */
function unneededProblem(request, packages, key) {
    const unrecorded = packages.find((p) => p.depends === undefined);
    if (unrecorded)
        return `${unrecorded.name} has no recorded dependencies (a lock of an earlier Stowage): it cannot be checked`;
    const byName = new Map(packages.map((p) => [key(p.name), p]));
    const reached = new Set();
    const queue = request.specs.map((s) => {
        const r = (0,requirements/* parseRequirement */.pP)(request.ecosystem, s);
        return r.ok ? r.name : '';
    });
    while (queue.length > 0) {
        const name = queue.pop();
        if (reached.has(name))
            continue;
        reached.add(name);
        for (const dep of byName.get(name)?.depends ?? [])
            queue.push(key(dep));
    }
    const extra = packages.find((p) => !reached.has(key(p.name)));
    return extra ? `${extra.name} is in it, but nothing requested needs it` : undefined;
}

// EXTERNAL MODULE: ./src/software/conda-spec.ts
var conda_spec = __webpack_require__(4792);
// EXTERNAL MODULE: ./node_modules/@msgpack/msgpack/dist.cjs/index.cjs
var dist_cjs = __webpack_require__(6435);
;// CONCATENATED MODULE: ./src/resolve/conda-needs.ts
/** Deeper dependency chains are cut at the package's own records (a bound on the stack). */
const MAX_DEPTH = 400;
/** Needs kept per spec and record, the narrowest first (a bound on memory; fewer is still sound). */
const MAX_NEEDS = 64;
/** Pairs reported per request (a bound on time; the solver finds any others). */
const MAX_PAIRS = 10_000;
/** Specs read a request, at most (cycles are read again from each place they are reached). */
const MAX_STEPS = 1_000_000;
class NeedsAnalysis {
    records;
    matches;
    nameOf;
    bySpec = new Map();
    byRecord = new Map();
    /** The specs being read, by their depth. */
    active = new Map();
    low = Number.POSITIVE_INFINITY;
    /** Specs read in the current request (a bound on cycles read again and again). */
    steps = 0;
    ids = new Map();
    constructor(
    /** Every record of a name, across the request's channels and subdirs. */
    records, matches, nameOf) {
        this.records = records;
        this.matches = matches;
        this.nameOf = nameOf;
    }
    /**
     * The conflicting pairs among `specs`, each with the first package (by name) that shows it;
     * sorted, at most `MAX_PAIRS`. Specs with the same need on a package are compared once.
     */
    conflicts(specs) {
        this.steps = 0;
        const sorted = [...new Set(specs)].sort();
        const needs = sorted.map((s) => this.needsOf(s, 0));
        // name → the distinct record sets needed of it → the specs needing each
        const kinds = new Map();
        needs.forEach((n, i) => {
            for (const [name, set] of n ?? []) {
                const ofName = kinds.get(name) ?? new Map();
                kinds.set(name, ofName);
                const key = this.fingerprint(set);
                const kind = ofName.get(key) ?? { set, holders: [] };
                ofName.set(key, kind);
                kind.holders.push(i);
            }
        });
        const found = new Map();
        for (const name of [...kinds.keys()].sort()) {
            const list = [...kinds.get(name).values()];
            for (let x = 0; x < list.length; x++) {
                for (let y = x + 1; y < list.length; y++) {
                    if (!disjoint(list[x].set, list[y].set))
                        continue;
                    for (const p of list[x].holders) {
                        for (const q of list[y].holders) {
                            const [i, j] = p < q ? [p, q] : [q, p];
                            const key = `${i}\0${j}`;
                            if (found.has(key))
                                continue;
                            if (found.size >= MAX_PAIRS)
                                return ordered(found);
                            found.set(key, {
                                specs: [sorted[i], sorted[j]],
                                explanation: explain(sorted[i], sorted[j], name, needs[i].get(name), needs[j].get(name)),
                            });
                        }
                    }
                }
            }
        }
        return ordered(found);
    }
    /** The same records, the same text. */
    fingerprint(set) {
        const ids = [];
        for (const r of set) {
            let id = this.ids.get(r);
            if (id === undefined)
                this.ids.set(r, (id = this.ids.size));
            ids.push(id);
        }
        return ids.sort((a, b) => a - b).join(',');
    }
    /**
     * A spec's needs; null when no record it matches can be installed.
     *
     * A result is kept only when no dependency cycle runs through it and nothing under it was cut
     * (`low`, as in Tarjan's algorithm, is the shallowest spec still being read that a cut referred
     * to): a cycle member's needs depend on where the cycle was entered, and a kept one would make
     * the answer depend on the order of earlier requests. Members of a cycle are read again from
     * each place they are reached, within `MAX_STEPS` a request.
     */
    needsOf(spec, depth) {
        const memo = this.bySpec.get(spec);
        if (memo !== undefined)
            return memo;
        const name = this.nameOf(spec);
        if (name === '' || name.startsWith('__'))
            return EMPTY; // the target's virtual packages
        const all = this.records(name);
        const candidates = all.filter((r) => this.matches(spec, r));
        if (candidates.length === 0)
            return this.remember(spec, null);
        // In a cycle, too deep or out of steps: the package's own records only (fewer needs, never
        // wrong ones), and nothing read above it is kept.
        const cycle = this.active.get(spec);
        if (cycle !== undefined || depth > MAX_DEPTH || ++this.steps > MAX_STEPS) {
            this.low = Math.min(this.low, cycle ?? Number.NEGATIVE_INFINITY);
            return ownRecordsOnly(name, candidates, all.length);
        }
        const outer = this.low;
        this.low = Number.POSITIVE_INFINITY;
        this.active.set(spec, depth);
        let shared;
        const installable = [];
        for (const record of candidates) {
            const needs = this.recordNeeds(record, depth);
            if (needs === null)
                continue;
            installable.push(record);
            shared = shared === undefined ? copy(needs) : unionOfCandidates(shared, needs, this.records);
        }
        this.active.delete(spec);
        const complete = this.low > depth;
        this.low = Math.min(outer, this.low >= depth ? Number.POSITIVE_INFINITY : this.low);
        let result = null;
        if (installable.length > 0) {
            const needs = shared ?? new Map();
            if (installable.length < all.length)
                needs.set(name, new Set(installable));
            result = trim(needs);
        }
        return complete ? this.remember(spec, result) : result;
    }
    /** What one record needs: the needs of all its dependencies at once; null if it cannot be installed. */
    recordNeeds(record, depth) {
        const memo = this.byRecord.get(record);
        if (memo !== undefined)
            return memo;
        const outer = this.low;
        this.low = Number.POSITIVE_INFINITY;
        let all = new Map();
        for (const dependency of record.depends) {
            const needs = this.needsOf(dependency, depth + 1);
            all = needs === null ? null : intersectionOfDependencies(all, needs);
            if (all === null)
                break;
        }
        const needs = all && trim(all);
        // Kept only when nothing it read was cut at its own spec or above (see `needsOf`).
        if (this.low > depth)
            this.byRecord.set(record, needs);
        this.low = Math.min(outer, this.low);
        return needs;
    }
    remember(spec, needs) {
        this.bySpec.set(spec, needs);
        return needs;
    }
}
const EMPTY = new Map();
/** At most `MAX_NEEDS` needs: the narrowest (fewest records), then by name. */
function trim(needs) {
    if (needs.size <= MAX_NEEDS)
        return needs;
    const kept = [...needs]
        .sort(([a, x], [b, y]) => x.size - y.size || (a < b ? -1 : 1))
        .slice(0, MAX_NEEDS);
    return new Map(kept);
}
function ordered(found) {
    return [...found.values()].sort((p, q) => `${p.specs[0]}\0${p.specs[1]}` < `${q.specs[0]}\0${q.specs[1]}` ? -1 : 1);
}
function ownRecordsOnly(name, records, total) {
    return records.length < total ? new Map([[name, new Set(records)]]) : EMPTY;
}
function copy(needs) {
    return new Map([...needs].map(([name, set]) => [name, new Set(set)]));
}
/** Needs of one record or another: the names both need, with the records of either. */
function unionOfCandidates(into, other, records) {
    for (const [name, set] of into) {
        const more = other.get(name);
        if (!more) {
            into.delete(name);
            continue;
        }
        for (const r of more)
            set.add(r);
        if (set.size >= records(name).length)
            into.delete(name);
    }
    return into;
}
/** Needs of one dependency and another: every name, with the records both allow; null if none. */
function intersectionOfDependencies(into, other) {
    for (const [name, set] of other) {
        const held = into.get(name);
        if (!held) {
            into.set(name, new Set(set));
            continue;
        }
        for (const r of held)
            if (!set.has(r))
                held.delete(r);
        if (held.size === 0)
            return null;
    }
    return into;
}
function disjoint(a, b) {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    for (const r of small)
        if (large.has(r))
            return false;
    return true;
}
function explain(a, b, name, as, bs) {
    return `${a} needs ${describe(name, as)}, ${b} needs ${describe(name, bs)}: no ${name} satisfies both`;
}
/** `htslib 1.17`, `python 3.11.0 … 3.13.7 (24 versions)`. */
function describe(name, records) {
    const versions = [...new Set([...records].map((r) => r.version))].sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
    if (versions.length <= 3)
        return `${name} ${versions.join(' or ')}`;
    return `${name} ${versions[0]} … ${versions[versions.length - 1]} (${versions.length} versions)`;
}

;// CONCATENATED MODULE: ./src/resolve/repodata-index.ts
/**
 * A `repodata.json` read once and indexed by package name, without building its 500,000 records as
 * objects: one pass over the bytes finds each record's file name, its text and its `name`; a
 * record is parsed (JSON.parse of its own text) only when a solve reaches its name. The bytes stay
 * as they came (a few hundred MB for conda-forge); the index is four numbers a record.
 *
 * The pass is structural (strings, objects, arrays, scalars) and throws `RepodataError` on a file
 * that is not a JSON object of that shape; what a record holds is checked when it is parsed
 * (`channel-records.ts`).
 */
class RepodataError extends Error {
    name = 'RepodataError';
}
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const decoder = new TextDecoder('utf-8', { fatal: true });
/** Indexes a repodata.json. Offsets are 32-bit: a file of 2 GB or more is refused. */
function indexRepodata(bytes) {
    if (bytes.length >= 0x7fffffff)
        throw new RepodataError('repodata larger than 2 GB');
    const scanner = new Scanner(bytes);
    return scanner.file();
}
class Scanner {
    bytes;
    i = 0;
    count = 0;
    start = new Int32Array(1024);
    end = new Int32Array(1024);
    map = new Uint8Array(1024);
    files = [];
    names = new Map();
    constructor(bytes) {
        this.bytes = bytes;
    }
    file() {
        let info = '{}';
        let version = 1;
        this.ws();
        this.expect(OPEN_OBJECT);
        this.members(() => {
            const key = this.memberName();
            if (key === 'packages' || key === 'packages.conda') {
                this.records(key === 'packages' ? 0 : 1);
            }
            else if (key === 'info') {
                const from = this.i;
                this.value();
                info = decoder.decode(this.bytes.subarray(from, this.i));
                if (!info.startsWith('{'))
                    throw this.error('"info" is not an object');
            }
            else if (key === 'repodata_version') {
                const from = this.i;
                this.value();
                version = Number(decoder.decode(this.bytes.subarray(from, this.i)));
                if (!Number.isInteger(version))
                    throw this.error('"repodata_version" is not a number');
            }
            else {
                this.value();
            }
        });
        this.ws();
        if (this.i !== this.bytes.length)
            throw this.error('text after the end of the object');
        const n = this.count;
        return {
            info,
            version,
            names: this.names,
            files: this.files,
            start: this.start.subarray(0, n),
            end: this.end.subarray(0, n),
            map: this.map.subarray(0, n),
            bytes: this.bytes,
        };
    }
    /** `{ "file": { … }, … }`: each record's place, file name and `name`. */
    records(map) {
        this.expect(OPEN_OBJECT);
        this.members(() => {
            const file = this.memberName();
            const from = this.i;
            const name = this.record();
            this.add(file, name, from, this.i, map);
        });
    }
    /** One record object; returns its `name`. */
    record() {
        let name;
        this.expect(OPEN_OBJECT);
        this.members(() => {
            // A record has a dozen keys and only `name` is read: the others are not decoded.
            const isName = this.keyIsName();
            this.colon();
            if (isName && this.bytes[this.i] === QUOTE)
                name = this.string();
            else
                this.value();
        });
        if (name === undefined || name === '')
            throw this.error('a record without a name');
        return name;
    }
    add(file, name, from, to, map) {
        if (this.count === this.start.length) {
            const grow = (a, make) => {
                const b = make(a.length * 2);
                b.set(a);
                return b;
            };
            this.start = grow(this.start, (n) => new Int32Array(n));
            this.end = grow(this.end, (n) => new Int32Array(n));
            this.map = grow(this.map, (n) => new Uint8Array(n));
        }
        const i = this.count++;
        this.start[i] = from;
        this.end[i] = to;
        this.map[i] = map;
        this.files.push(file);
        const key = name.toLowerCase();
        const list = this.names.get(key);
        if (list)
            list.push(i);
        else
            this.names.set(key, [i]);
    }
    /** An object member's name and its `:`, up to the value. */
    memberName() {
        const name = this.string();
        this.colon();
        return name;
    }
    /** The `:` after a member's name, with the spaces around it. */
    colon() {
        this.ws();
        this.expect(COLON);
        this.ws();
    }
    /** The members of an object or elements of an array after its opening bracket, to its close. */
    members(each, close = CLOSE_OBJECT) {
        this.ws();
        if (this.bytes[this.i] === close) {
            this.i++;
            return;
        }
        for (;;) {
            this.ws();
            each();
            this.ws();
            const c = this.bytes[this.i++];
            if (c === COMMA)
                continue;
            if (c === close)
                return;
            throw this.error(`"," or "${String.fromCharCode(close)}" expected`);
        }
    }
    /** Skips any JSON value. */
    value() {
        const c = this.bytes[this.i];
        if (c === QUOTE) {
            this.skipString();
        }
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
            this.skipNested();
        }
        else {
            // A number, true, false or null: up to the next delimiter.
            const from = this.i;
            while (this.i < this.bytes.length) {
                const d = this.bytes[this.i];
                if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d <= 0x20)
                    break;
                this.i++;
            }
            if (this.i === from)
                throw this.error('a value expected');
        }
    }
    /** An object or array, by depth; strings skipped whole (so brackets inside them do not count). */
    skipNested() {
        let depth = 0;
        const bytes = this.bytes;
        while (this.i < bytes.length) {
            const c = bytes[this.i];
            if (c === QUOTE) {
                this.skipString();
                continue;
            }
            this.i++;
            if (c === OPEN_OBJECT || c === OPEN_ARRAY)
                depth++;
            else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
                depth--;
                if (depth === 0)
                    return;
            }
        }
        throw this.error('unterminated object or array');
    }
    /** Past the closing quote of the string at `i`; returns where its content ends. */
    skipString() {
        if (this.bytes[this.i] !== QUOTE)
            throw this.error('a string expected');
        let j = this.i + 1;
        for (;;) {
            j = this.bytes.indexOf(QUOTE, j);
            if (j < 0)
                throw this.error('unterminated string');
            let backslashes = 0;
            for (let k = j - 1; this.bytes[k] === BACKSLASH; k--)
                backslashes++;
            if (backslashes % 2 === 0)
                break;
            j++;
        }
        this.i = j + 1;
        return j;
    }
    /** Whether the member name at `i` is `"name"`; leaves `i` past it. */
    keyIsName() {
        const from = this.i;
        const to = this.skipString();
        const b = this.bytes;
        if (to - from === 5)
            return (b[from + 1] === 0x6e && b[from + 2] === 0x61 && b[from + 3] === 0x6d && b[from + 4] === 0x65);
        // Written with escapes (`"na\u006de"`): read as JSON.parse reads it.
        if (!b.subarray(from + 1, to).includes(BACKSLASH))
            return false;
        return JSON.parse(decoder.decode(b.subarray(from, to + 1))) === 'name';
    }
    string() {
        const from = this.i;
        const to = this.skipString();
        const raw = this.bytes.subarray(from + 1, to);
        // Escapes are rare in keys and names: JSON.parse reads them exactly.
        return raw.includes(BACKSLASH)
            ? JSON.parse(decoder.decode(this.bytes.subarray(from, to + 1)))
            : decoder.decode(raw);
    }
    ws() {
        const bytes = this.bytes;
        while (this.i < bytes.length) {
            const c = bytes[this.i];
            if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)
                return;
            this.i++;
        }
    }
    expect(c) {
        if (this.bytes[this.i] !== c)
            throw this.error(`"${String.fromCharCode(c)}" expected`);
        this.i++;
    }
    error(what) {
        return new RepodataError(`not valid repodata at byte ${this.i}: ${what}`);
    }
}
/** Record `i`'s text. */
function recordText(index, i) {
    return decoder.decode(index.bytes.subarray(index.start[i], index.end[i]));
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./node_modules/fzstd/esm/index.mjs
var esm = __webpack_require__(8339);
;// CONCATENATED MODULE: ./src/resolve/zstd.ts
/**
 * zstd decompression for repodata (`repodata.json.zst`, CEP-16 shards): Node's own zlib where it
 * has zstd (Node 22.15 and later; the action runs on Node 24), else fzstd, pure JavaScript and a
 * few times slower on conda-forge's 200 MB.
 */


const zstd_native = external_node_zlib_.zstdDecompressSync;
/** What repodata-index.ts takes: a larger output is refused before it is allocated. */
const MAX_OUTPUT = 0x7fffffff;
/** Which decoder this Node uses (for the benchmarks' figures). */
const zstdDecoder = (/* unused pure expression or super */ null && (zstd_native ? "Node's zlib" : 'fzstd'));
/** The decompressed bytes; throws on bytes that are not zstd, or that grow past 2 GB. */
function unzstd(bytes) {
    if (!zstd_native)
        return (0,esm/* decompress */.mF)(bytes);
    // Node's zlib writes into chunks and joins them: output in one chunk of the frame's own size
    // is never held twice (a 190 MB repodata.json: 264 MB peak instead of 458 MB).
    // The header is the sender's word: a chunk is never reserved beyond what JSON compresses from
    // this many bytes (JSON compresses five to ten times; 64 leaves room).
    const size = frameContentSize(bytes);
    const chunk = size === undefined ? undefined : Math.min(size + 1, bytes.length * 64, MAX_OUTPUT);
    return zstd_native(bytes, {
        maxOutputLength: MAX_OUTPUT,
        ...(chunk !== undefined ? { chunkSize: Math.max(64, chunk) } : {}),
    });
}
/** The size a zstd frame's header says its content has (Frame_Content_Size), if it says. */
function frameContentSize(bytes) {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    if (bytes.length < 6 || magic.some((b, i) => bytes[i] !== b))
        return undefined;
    const descriptor = bytes[4];
    const singleSegment = (descriptor >> 5) & 1;
    const fieldSize = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6];
    if (fieldSize === 0)
        return undefined;
    const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3];
    if (at + fieldSize > bytes.length)
        return undefined;
    let size = 0;
    for (let k = fieldSize - 1; k >= 0; k--)
        size = size * 256 + bytes[at + k];
    return fieldSize === 2 ? size + 256 : size;
}

;// CONCATENATED MODULE: ./src/resolve/conda-gateway.ts
/**
 * Stowage as rattler's gateway: each conda channel is read once per run, and each solver call is
 * served a small `repodata.json` holding only the records its specs can reach.
 *
 * rattler's bindings (`simpleSolve`) keep nothing between calls: each call fetches and parses the
 * whole repodata of every channel again (hundreds of MB of JSON for conda-forge). They fetch with
 * the global `fetch`, which the conda solver swaps for the length of a call (conda.ts), so this
 * gateway answers those requests itself:
 *
 * 1. A channel's subdir is opened once per run, in the best form it offers: sharded repodata
 *    (CEP-16: `repodata_shards.msgpack.zst`, then only the shards of the names a solve reaches),
 *    else `repodata.json.zst`, else `repodata.json`; a repodata file is indexed by package name
 *    in one pass (repodata-index.ts), its records parsed only when a solve reaches their name.
 * 2. For a solve, the records it could install are found by walking from its specs through the
 *    dependencies of the records they match, name by name, through every channel and subdir (the
 *    walk rattler's own gateway makes over sharded repodata), and each subdir is served as a
 *    repodata.json of just those records. Sharded and .zst requests of the solver are answered
 *    404, so it reads that file. The solver sees every record it could choose from the whole
 *    channel, so it chooses what it would choose from the whole channel.
 * 3. Before a solve, the records walked are read for conflicts no solve could get past
 *    (conda-needs.ts): a group whose requirements need versions of one package that no record
 *    offers together is answered with every such pair at once, and not solved.
 * 4. What was fetched is kept on disk (repodata-cache.ts) by the channel's ETag/Last-Modified;
 *    shards by their sha256.
 */







const NONE = [];
/** Shards fetched at once from one channel (each is a few KB). */
const SHARD_CONCURRENCY = 32;
class CondaGateway {
    network;
    cache;
    subdirs = new Map();
    views = new Map();
    shared;
    /** `<channel>/<subdir>` → the form it was read in (for the run's figures and the tests). */
    forms = new Map();
    constructor(network, cache) {
        this.network = network;
        this.cache = cache;
    }
    /**
     * What a solve of `specs` from `channels` × `subdirs` is given: the pairs of specs no
     * installation can hold together, read from the records (conda-needs.ts) — then there is
     * nothing to solve — else the `repodata.json` each channel subdir serves the solver. Throws
     * `Unreachable` when a channel cannot be reached and `RepodataError` when what it serves cannot
     * be read.
     */
    async forSolve(specs, channels, subdirs) {
        const { sources, kept, analysis } = await this.reach(specs, channels, subdirs);
        const conflicts = analysis.conflicts(specs);
        if (conflicts.length > 0)
            return { conflicts };
        return { served: repodataFiles(sources, kept) };
    }
    /**
     * The records a solve of `specs` could install, per channel × subdir.
     *
     * A record can be installed only if a spec naming its package matches it — a requested spec, or
     * a dependency of a record that can itself be installed — so the walk starts from the requested
     * specs and follows the dependencies of the records they match, until no new spec comes up
     * (matched by the solver's own version reading). Every other record could not be chosen, and is
     * left out; the names are visited in rounds, each round's shards fetched at once. Every name
     * visited is kept with all its records, for the needs analysis.
     */
    async reach(specs, channels, subdirs) {
        const sources = await Promise.all(channels.flatMap((c) => subdirs.map((s) => this.subdir(`${c.replace(/\/+$/, '')}/${s}`))));
        const matcher = await this.matcher();
        const view = this.view(sources, matcher);
        const kept = sources.map(() => new Set());
        const seen = new Map(); // name → the specs on it applied so far
        let pending = new Map(); // name → specs on it not yet applied
        const add = (spec) => {
            const name = specName(spec);
            if (name === '' || name.startsWith('__'))
                return; // virtual packages are the target's
            const known = seen.get(name) ?? new Set();
            seen.set(name, known);
            if (known.has(spec))
                return;
            known.add(spec);
            pending.set(name, [...(pending.get(name) ?? []), spec]);
        };
        specs.forEach(add);
        while (pending.size > 0) {
            const round = [...pending];
            pending = new Map();
            const lists = await (0,pool/* pool */.d)(sources.flatMap((source) => round.map(([name]) => [source, name])), SHARD_CONCURRENCY, ([source, name]) => source.records(name));
            round.forEach(([name], i) => {
                if (!view.loaded.has(name))
                    view.loaded.set(name, sources.flatMap((_, k) => lists[k * round.length + i]));
            });
            lists.forEach((records, k) => {
                const into = kept[Math.floor(k / round.length)];
                const fresh = round[k % round.length][1];
                for (const record of records) {
                    if (into.has(record) || !fresh.some((spec) => matcher.matches(spec, record)))
                        continue;
                    into.add(record);
                    record.depends.forEach(add);
                }
            });
        }
        return { sources, kept, analysis: view.analysis };
    }
    /** One matcher for the run (its parsed specs and versions are reused by every walk). */
    matcher() {
        if (!this.shared) {
            this.shared = Matcher.load();
            this.shared.catch(() => (this.shared = undefined)); // asked again by the next solve
        }
        return this.shared;
    }
    /** The records read so far of one list of channel subdirs, and their needs analysis. */
    view(sources, matcher) {
        const key = sources.map((s) => s.url).join('\n');
        let hit = this.views.get(key);
        if (!hit) {
            const loaded = new Map();
            const analysis = new NeedsAnalysis((name) => loaded.get(name) ?? NONE, (spec, record) => matcher.matches(spec, record), specName);
            hit = { loaded, analysis };
            this.views.set(key, hit);
        }
        return hit;
    }
    /** A `fetch` for the solver that answers from `served` (404 for every other form it tries). */
    static fetchFor(served) {
        return async (input) => {
            const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
            const hit = served.get(url);
            const response = new Response(hit?.body ?? null, {
                status: hit?.status ?? 404,
                headers: { 'content-type': 'application/json' },
            });
            Object.defineProperty(response, 'url', { value: url });
            return response;
        };
    }
    subdir(url) {
        let hit = this.subdirs.get(url);
        if (!hit) {
            hit = this.open(url);
            this.subdirs.set(url, hit);
            // A failure is not kept: the next solve asks again (the Network remembers outages).
            hit.catch(() => this.subdirs.delete(url));
        }
        return hit;
    }
    /** Reads a subdir in the best form it offers. */
    async open(url) {
        const index = await this.get(`${url}/repodata_shards.msgpack.zst`);
        if (index.status === 200)
            return this.remember(shardedSubdir(url, index.body, this));
        const zst = await this.get(`${url}/repodata.json.zst`, unzstd);
        if (zst.status === 200)
            return this.remember(jsonSubdir(url, zst.body, 'zst'));
        const json = await this.get(`${url}/repodata.json`);
        if (json.status === 200)
            return this.remember(jsonSubdir(url, json.body, 'json'));
        return this.remember({
            url,
            form: 'missing',
            status: json.status,
            info: '{}',
            version: 1,
            records: async () => NONE,
        });
    }
    remember(subdir) {
        this.forms.set(subdir.url, subdir.form);
        return subdir;
    }
    /**
     * A GET through the disk cache: the kept copy when the channel says it is current (304), else
     * the fresh body, `decoded` (a .zst decompressed) and kept. Any status but 200 passes through.
     */
    async get(url, decoded = (b) => b) {
        const kept = await this.cache?.read(url);
        const response = await this.network.getFresh(url, kept?.validators);
        if (response.status === 304 && kept)
            return { status: 200, body: kept.body };
        if (response.status !== 200)
            return { status: response.status };
        let body;
        try {
            body = decoded(response.body);
        }
        catch (error) {
            throw new RepodataError(`${url} cannot be decompressed: ${error.message}`);
        }
        this.cache?.write(url, validatorsOf(response), body);
        return { status: 200, body };
    }
    /** A shard by its sha256: from the disk cache (checked), else fetched and checked. */
    async shard(url, sha256) {
        const kept = await this.cache?.readShard(sha256);
        if (kept)
            return kept;
        const response = await this.network.getFresh(url);
        if (response.status !== 200)
            throw new RepodataError(`${url}: the channel answers ${response.status} for a shard its index lists`);
        if ((0,external_node_crypto_.createHash)('sha256').update(response.body).digest('hex') !== sha256)
            throw new RepodataError(`${url} is not the shard its index names (sha256 differs)`);
        this.cache?.writeShard(sha256, response.body);
        return response.body;
    }
}
/** Each channel subdir as a `repodata.json` of just the records kept from it. */
function repodataFiles(sources, kept) {
    const served = new Map();
    sources.forEach((source, k) => {
        const url = `${source.url}/repodata.json`;
        if (source.status !== 200) {
            served.set(url, { status: source.status });
            return;
        }
        const maps = [[], []];
        for (const r of kept[k])
            maps[r.conda ? 1 : 0].push(`${JSON.stringify(r.file)}:${r.json}`);
        const body = `{"info":${source.info},"packages":{${maps[0].join(',')}},"packages.conda":{${maps[1].join(',')}},"repodata_version":${source.version}}`;
        served.set(url, { status: 200, body });
    });
    return served;
}
function validatorsOf(response) {
    const header = (name) => response.headers.find(([k]) => k.toLowerCase() === name)?.[1];
    const v = {};
    const etag = header('etag');
    const modified = header('last-modified');
    if (etag)
        v.etag = etag;
    if (modified)
        v.lastModified = modified;
    return v;
}
/** A repodata.json (or its .zst, decompressed), indexed once; records parsed by name on demand. */
function jsonSubdir(url, bytes, form) {
    const index = indexRepodata(bytes);
    const byName = new Map();
    return {
        url,
        form,
        status: 200,
        info: index.info,
        version: index.version,
        records: async (name) => {
            let hit = byName.get(name);
            if (!hit) {
                hit = fromJson(index, name);
                byName.set(name, hit);
            }
            return hit;
        },
    };
}
function fromJson(index, name) {
    const list = index.names.get(name);
    if (!list)
        return NONE;
    const out = [];
    for (const i of list) {
        const text = recordText(index, i);
        let record;
        try {
            record = JSON.parse(text);
        }
        catch {
            continue; // not JSON: rattler could not read it either; the others still serve
        }
        const usable = usableRecord(record, name);
        if (usable)
            out.push({
                file: index.files[i],
                conda: index.map[i] === 1,
                json: served(record),
                ...usable,
            });
    }
    return out;
}
/** CEP-16: the index maps names to the sha256 of their shard; shards are fetched as reached. */
function shardedSubdir(url, compressed, gateway) {
    const indexUrl = `${url}/repodata_shards.msgpack.zst`;
    let index;
    try {
        index = (0,dist_cjs/* decode */.D4)(unzstd(compressed));
    }
    catch (error) {
        throw new RepodataError(`${indexUrl} cannot be read: ${error.message}`);
    }
    if (typeof index !== 'object' ||
        index === null ||
        typeof index.shards !== 'object' ||
        index.shards === null)
        throw new RepodataError(`${indexUrl} has no shards`);
    const info = index.info ?? {};
    const base = (value, what) => {
        if (value === undefined || value === '')
            return new URL('./', indexUrl);
        if (typeof value !== 'string')
            throw new RepodataError(`${indexUrl}: ${what} is not a string`);
        const resolved = new URL(value.endsWith('/') ? value : `${value}/`, indexUrl);
        if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:')
            throw new RepodataError(`${indexUrl}: ${what} is not http(s)`);
        return resolved;
    };
    const shardsBase = base(info.shards_base_url, 'shards_base_url');
    const packagesBase = base(info.base_url, 'base_url');
    const hashes = new Map();
    for (const [name, hash] of Object.entries(index.shards)) {
        if (hash instanceof Uint8Array && hash.length === 32)
            hashes.set(name.toLowerCase(), Buffer.from(hash).toString('hex'));
    }
    // Packages live beside the index unless it says otherwise (CEP-15's base_url).
    const own = packagesBase.href === new URL('./', indexUrl).href;
    const subdir = typeof info.subdir === 'string' ? info.subdir : url.slice(url.lastIndexOf('/') + 1);
    const byName = new Map();
    return {
        url,
        form: 'sharded',
        status: 200,
        info: JSON.stringify({ subdir, ...(own ? {} : { base_url: packagesBase.href }) }),
        version: own ? 1 : 2,
        records: (name) => {
            let hit = byName.get(name);
            if (!hit) {
                const sha256 = hashes.get(name);
                hit =
                    sha256 === undefined
                        ? Promise.resolve(NONE)
                        : gateway
                            .shard(new URL(`${sha256}.msgpack.zst`, shardsBase).href, sha256)
                            .then((bytes) => fromShard(bytes, name, indexUrl));
                byName.set(name, hit);
            }
            return hit;
        },
    };
}
function fromShard(bytes, name, indexUrl) {
    let shard;
    try {
        shard = (0,dist_cjs/* decode */.D4)(unzstd(bytes));
    }
    catch (error) {
        throw new RepodataError(`a shard of ${indexUrl} (${name}) cannot be read: ${error.message}`);
    }
    const out = [];
    for (const map of ['packages', 'packages.conda']) {
        const records = shard[map];
        if (typeof records !== 'object' || records === null)
            continue;
        for (const [file, raw] of Object.entries(records)) {
            const usable = usableRecord(raw, name);
            if (!usable)
                continue;
            // CEP-16 keeps hashes as bytes: repodata.json writes them in hex.
            const record = {};
            for (const [k, v] of Object.entries(raw))
                record[k] = v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
            out.push({ file, conda: map === 'packages.conda', json: served(record), ...usable });
        }
    }
    return out;
}
/**
 * Fields neither the solver's choice nor Stowage's lock reads: left out of what the solver is
 * served (it parses every byte it gets, in WebAssembly; these are a third of a record).
 */
const UNREAD = new Set([
    'license',
    'license_family',
    'legacy_bz2_md5',
    'legacy_bz2_size',
    'purls',
    'arch',
    'platform',
]);
/** A record as the solver is served it. */
function served(record) {
    const kept = {};
    for (const [k, v] of Object.entries(record))
        if (!UNREAD.has(k))
            kept[k] = v;
    return JSON.stringify(kept);
}
/** What the walk needs of a record the solver can read, filed under its own name. */
function usableRecord(record, name) {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
        return undefined;
    const r = record;
    if (typeof r.name !== 'string' ||
        r.name.toLowerCase() !== name ||
        typeof r.version !== 'string' ||
        typeof r.build !== 'string')
        return undefined;
    const depends = r.depends ?? [];
    if (!Array.isArray(depends) || !depends.every((d) => typeof d === 'string'))
        return undefined;
    return { version: r.version, build: r.build, depends: depends };
}
/**
 * Whether a record matches a match spec (`name`, `name >=1.2,<2`, `name 3.12.* *_cp312`), by the
 * solver's own version reading (rattler's `VersionSpec`). A spec it cannot read (brackets, an odd
 * version) matches every record: the walk may then keep more than needed, never less.
 */
class Matcher {
    rattler;
    specs = new Map();
    versions = new Map();
    constructor(rattler) {
        this.rattler = rattler;
    }
    static async load() {
        return new Matcher(await (0,conda_spec/* loadRattler */.n_)());
    }
    matches(spec, record) {
        let parsed = this.specs.get(spec);
        if (parsed === undefined) {
            parsed = this.parse(spec);
            this.specs.set(spec, parsed);
        }
        if (parsed === null)
            return true;
        if (parsed.build && !parsed.build.test(record.build))
            return false;
        if (!parsed.version)
            return true;
        let version = this.versions.get(record.version);
        if (version === undefined) {
            try {
                version = new this.rattler.Version(record.version);
            }
            catch {
                version = null;
            }
            this.versions.set(record.version, version);
        }
        return version === null || parsed.version.matches(version);
    }
    /**
     * The version and build a spec asks for, split as conda splits it (conda-spec.ts); null
     * (matches every record) for a spec it refuses. Channel, subdir and bracket keys are not read:
     * they could only rule out more records.
     */
    parse(spec) {
        const split = (0,conda_spec/* splitCondaSpec */.XD)(spec);
        if (!split.ok)
            return null;
        const { version, build } = split.parts;
        const out = {};
        if (version !== undefined && version !== '*') {
            try {
                // A bare version is exact to conda; rattler's strict reading wants the `==` said.
                const text = /^[^=*,|<>!~]+$/.test(version) ? `==${version}` : version;
                out.version = new this.rattler.VersionSpec(text, 'lenient');
            }
            catch {
                return null;
            }
        }
        if (build !== undefined && build !== '*') {
            if (!/^[A-Za-z0-9_.+*!-]+$/.test(build))
                return null;
            out.build = new RegExp(`^${build.replace(/[.+!-]/g, '\\$&').replace(/\*/g, '.*')}$`);
        }
        return out;
    }
}
/** The package name a match spec starts with, lower case. */
function specName(spec) {
    const text = spec.trim();
    const after = text.includes('::') ? text.slice(text.lastIndexOf('::') + 2) : text;
    return (/^[^\s=<>!~[(,|]+/.exec(after)?.[0] ?? '').toLowerCase();
}


;// CONCATENATED MODULE: ./src/resolve/conda.ts





const CONDA_SUBDIR = {
    amd64: 'linux-64',
    arm64: 'linux-aarch64',
};
/**
 * The virtual packages of the target: Linux with the glibc of the default micromamba image
 * (Debian bookworm), a conservative cluster kernel, and a CUDA driver for GPU groups.
 */
function virtualPackages(arch, gpu) {
    const subdir = CONDA_SUBDIR[arch];
    const v = (name, version, build = '0') => ({
        url: `https://virtual.invalid/${subdir}/${name}-${version}-${build}.conda`,
        packageName: name,
        build,
        buildNumber: 0,
        version,
        filename: `${name}-${version}-${build}.conda`,
        subdir,
        depends: [],
    });
    const list = [
        v('__unix', '0'),
        v('__linux', '4.18'),
        v('__glibc', '2.36'),
        v('__archspec', '1', arch === 'amd64' ? 'x86_64' : 'aarch64'),
    ];
    if (gpu)
        list.push(v('__cuda', '12.4'));
    return list;
}
let solver;
/**
 * The bindings load on first use (a few MB of WebAssembly), never for a name-level plan; the
 * requirement grammar shares them (conda-spec.ts).
 */
function loadSolver() {
    solver ??= (0,conda_spec/* loadRattler */.n_)().then((m) => m.simpleSolve);
    return solver;
}
let queue = Promise.resolve();
/** Runs `work` with `fetch` as the global fetch, one at a time. */
function withGlobalFetch(fetchFn, work) {
    const run = queue.then(async () => {
        const saved = globalThis.fetch;
        globalThis.fetch = fetchFn;
        try {
            return await work();
        }
        finally {
            globalThis.fetch = saved;
        }
    });
    queue = run.catch(() => undefined);
    return run;
}
/**
 * A conda requirement as the solver takes it. The channel goes (`channel::` or `[channel=…]`):
 * the channel is in the channel list, and the bindings cannot parse a channel without a file
 * system (they abort). A spec only conda's grammar reads is passed in conda's canonical form.
 */
function matchSpecOf(text) {
    return (0,requirements/* condaForms */.rS)(text).solver;
}
/** The channel a requirement names (`bioconda::samtools=1.20` → `bioconda`). */
function channelOf(text) {
    const parsed = (0,requirements/* parseRequirement */.pP)('conda', text);
    if (parsed.ok && parsed.constraint.kind === 'conda')
        return parsed.constraint.channel;
    const i = text.indexOf('::');
    return i > 0 ? text.slice(0, i) : undefined;
}
async function solveConda(request, network, gateway) {
    const simpleSolve = await loadSolver();
    const platforms = [CONDA_SUBDIR[request.arch], 'noarch'];
    let prepared;
    try {
        prepared = await gateway.forSolve(request.specs, request.sources, platforms);
    }
    catch (error) {
        if (error instanceof Unreachable)
            return { kind: 'unreachable', reason: error.message };
        if (error instanceof RepodataError)
            return {
                kind: 'unreachable',
                reason: `a channel's repodata cannot be read: ${error.message}`,
            };
        throw error;
    }
    if ('conflicts' in prepared) {
        const pairs = prepared.conflicts;
        return {
            kind: 'conflict',
            // The pairs carry every reason; the explanation, a few (the lock keeps both).
            explanation: [
                ...pairs.slice(0, 3).map((p) => p.explanation),
                ...(pairs.length > 3 ? [`and ${pairs.length - 3} more pairs`] : []),
            ].join('\n'),
            names: [...new Set(pairs.flatMap((p) => p.specs.map(specName)))].sort(),
            pairs,
        };
    }
    let records;
    try {
        const fetchFn = CondaGateway.fetchFor(prepared.served);
        records = await withGlobalFetch(fetchFn, () => simpleSolve(request.specs, request.sources, platforms, virtualPackages(request.arch, request.gpu === true)));
    }
    catch (error) {
        const text = String(error?.message ?? error);
        const down = request.sources
            .map((url) => [...network.down.entries()].find(([origin]) => url.startsWith(origin)))
            .find((hit) => hit !== undefined);
        if (down)
            return { kind: 'unreachable', reason: down[1] };
        if (!/Cannot solve the request/.test(text))
            return { kind: 'unreachable', reason: `the conda solver failed: ${text.split('\n')[0]}` };
        return { kind: 'conflict', explanation: explanationOf(text), names: namesInExplanation(text) };
    }
    const chosen = records.filter((r) => !r.packageName.startsWith('__'));
    const unhashed = chosen.filter((r) => !r.sha256).map((r) => r.packageName);
    // A lock must pin each file by sha256 (md5 alone is not enough to trust a mirror's file).
    if (unhashed.length > 0)
        return {
            kind: 'unreachable',
            reason: `the channel gives no sha256 for ${unhashed.slice(0, 5).join(', ')}${unhashed.length > 5 ? ', …' : ''}: a lock needs them`,
        };
    const packages = installOrder(chosen).map((r) => ({
        ecosystem: 'conda',
        name: r.packageName,
        version: r.version,
        build: r.build,
        source: sourceOf(r, request.sources),
        url: r.url,
        ...(r.sha256 ? { sha256: r.sha256 } : {}),
        ...(r.md5 ? { md5: r.md5 } : {}),
        depends: dependencyNames(r.depends ?? []),
        ...(r.size !== undefined && r.size !== null ? { size: Number(r.size) } : {}),
        arch: request.arch,
    }));
    return { kind: 'solved', packages };
}
/** `htslib >=1.17,<1.18` → `htslib`: the names a record depends on, sorted, once each. */
function dependencyNames(depends) {
    return [...new Set(depends.map((d) => d.trim().split(/[\s=<>!~]/)[0]).filter(Boolean))].sort();
}
/** The configured channel URL a record came from (the solver reports it with a trailing slash). */
function sourceOf(record, channels) {
    const repo = (0,sources/* normalizeUrl */.l2)(record.repoName ?? '');
    return channels.find((c) => (0,sources/* normalizeUrl */.l2)(c) === repo || record.url.startsWith(`${c}/`)) ?? repo;
}
/**
 * Dependencies before the packages that need them (python before the noarch packages compiled
 * against it), ties by name: the order conda's explicit files use.
 */
function installOrder(records) {
    const byName = new Map(records.map((r) => [r.packageName, r]));
    const sorted = [];
    const state = new Map();
    const visit = (r) => {
        if (state.has(r.packageName))
            return; // done, or a cycle (conda allows them): break it here
        state.set(r.packageName, 'visiting');
        const deps = (r.depends ?? []).map((d) => d.split(/[\s=<>!~]/)[0]).sort();
        for (const name of deps) {
            const dep = byName.get(name);
            if (dep)
                visit(dep);
        }
        state.set(r.packageName, 'done');
        sorted.push(r);
    };
    for (const r of [...records].sort((a, b) => (a.packageName < b.packageName ? -1 : 1)))
        visit(r);
    return sorted;
}
/** The requested packages an explanation starts from: the tree's top-level entries. */
function namesInExplanation(text) {
    const names = new Set();
    for (const line of text.split('\n')) {
        const top = /^[├└]─ (\S+)/.exec(line) ?? /because of: (\S+) \S+ cannot be installed/.exec(line);
        if (top)
            names.add(top[1].toLowerCase());
        const none = /No candidates were found for (\S+)/.exec(line);
        if (none)
            names.add(none[1].toLowerCase());
    }
    return [...names].sort();
}
/** The explanation without its preamble, as the solver wrote it. */
function explanationOf(text) {
    return text.replace(/^Cannot solve the request because of:\s*/, '').trim();
}

;// CONCATENATED MODULE: ./src/resolve/solvers/conda.ts




function request(group, arch, { settings }) {
    const texts = group.packages.filter((p) => p.ecosystem === 'conda').map((p) => p.spec);
    const specs = new Set(texts.map(matchSpecOf));
    // pip installs into the conda environment: it must be part of the solve.
    if (group.packages.some((p) => p.ecosystem === 'pip') &&
        !group.packages.some((p) => p.ecosystem === 'conda' && p.name === 'pip'))
        specs.add('pip');
    const named = texts
        .map(channelOf)
        .filter((c) => c !== undefined)
        .sort();
    // The environment files' channels in their order (else the defaults), then those specs name.
    const channels = [...new Set([...(group.channels ?? sources/* DEFAULT_CHANNELS */.DM), ...named])].map((c) => (0,sources/* channelUrl */.p8)(c, settings.channelUrls));
    return {
        ecosystem: 'conda',
        arch,
        specs: [...specs].sort(),
        sources: [...new Set(channels)],
        ...(group.gpu ? { gpu: true } : {}),
    };
}
const nameKey = (name) => name.toLowerCase();
const conda = {
    ecosystem: 'conda',
    arches: 'each',
    request,
    specs: (texts) => texts.map(matchSpecOf),
    open(io) {
        const gateway = new CondaGateway(io.network, io.cache);
        return (r) => solveConda(r, io.network, gateway);
    },
    answer: {
        files: 'under-source',
        expectedFile(p, r) {
            // `<subdir>/<name>-<version>-<build>.conda`: a URL under the channel names this package's file.
            const file = p.url.slice(p.url.lastIndexOf('/') + 1);
            const folder = p.url.slice(0, p.url.lastIndexOf('/'));
            const subdirs = [CONDA_SUBDIR[r.arch], 'noarch'].map((d) => `${p.source}/${d}`);
            const stem = `${p.name}-${p.version}-${p.build ?? ''}`;
            return subdirs.includes(folder) && (file === `${stem}.conda` || file === `${stem}.tar.bz2`)
                ? undefined
                : `${stem}.conda (or .tar.bz2) in ${CONDA_SUBDIR[r.arch]}/ or noarch/`;
        },
        digest: 'sha256',
        nameKey,
        extraProblem: (r, outcome) => unneededProblem(r, outcome.packages, nameKey),
    },
};

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/resolve/npm.ts



const NPM_TIMEOUT_MS = 300_000;
/** `name@range` (the spec grammar) → package.json's `dependencies`. */
function npmDependencies(specs) {
    const deps = {};
    for (const spec of specs) {
        const at = spec.indexOf('@', 1);
        deps[at > 0 ? spec.slice(0, at) : spec] = at > 0 ? spec.slice(at + 1).trim() : '*';
    }
    return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
}
function npmArgs(registry, cache) {
    return [
        'install',
        // A cache of its own: nothing of the user's is changed, nothing stale is read.
        `--cache=${cache}`,
        '--package-lock-only',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
        '--omit-lockfile-registry-resolved=false',
        '--fetch-timeout=10000',
        '--fetch-retries=1',
        `--registry=${registry}/`,
    ];
}
async function solveNpm(request, run, npm, 
/** What is left of the resolve stage's time (resolve-timeout), when less than npm's own limit. */
timeoutMs = NPM_TIMEOUT_MS) {
    const limit = Math.min(NPM_TIMEOUT_MS, timeoutMs);
    const dir = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join((0,external_node_os_.tmpdir)(), 'stowage-npm-'));
    try {
        const manifest = {
            name: 'stowage-resolve',
            private: true,
            dependencies: npmDependencies(request.specs),
        };
        (0,external_node_fs_.writeFileSync)(external_node_path_default().join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        let result;
        try {
            result = await run(npm, npmArgs(request.sources[0], external_node_path_default().join(dir, 'cache')), {
                cwd: dir,
                timeoutMs: limit,
            });
        }
        catch (error) {
            return { kind: 'unreachable', reason: `cannot run npm: ${error.message}` };
        }
        if (result.timedOut)
            return {
                kind: 'unreachable',
                reason: `npm did not finish within ${Math.round(limit / 1000)} s`,
            };
        if (result.exitCode !== 0)
            return failureOf(`${result.stdout}\n${result.stderr}`);
        const text = (0,external_node_fs_.readFileSync)(external_node_path_default().join(dir, 'package-lock.json'), 'utf8');
        return {
            kind: 'solved',
            packages: packagesOf(JSON.parse(text), request),
            npmLockfile: text,
        };
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
}
function packagesOf(lock, request) {
    const out = [];
    for (const [where, entry] of Object.entries(lock.packages ?? {})) {
        if (where === '' || !entry.version)
            continue;
        const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
        out.push({
            ecosystem: 'npm',
            name,
            version: entry.version,
            source: request.sources[0],
            url: entry.resolved ??
                `${request.sources[0]}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`,
            ...(entry.integrity ? { integrity: entry.integrity } : {}),
            arch: request.arch,
        });
    }
    return out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1);
}
function failureOf(output) {
    const lines = output.split('\n').map((l) => l.replace(/^npm (?:error|ERR!) /, '').trim());
    const code = /^code (\S+)/.exec(lines.find((l) => l.startsWith('code ')) ?? '')?.[1];
    const names = new Set();
    for (const l of lines) {
        const m = /No matching version found for ((?:@[^/\s]+\/)?[^@\s]+)@/.exec(l) ??
            /404 Not Found - GET \S+\/((?:@[^/\s]+\/)?[^/\s]+) /.exec(l) ??
            /peer (?:dep )?((?:@[^/\s]+\/)?[^@\s]+)@/.exec(l);
        if (m)
            names.add(decodeURIComponent(m[1]));
    }
    const fetchFailed = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i;
    if (code === undefined ||
        (fetchFailed.test(code) && names.size === 0) ||
        (code !== 'ETARGET' && code !== 'E404' && code !== 'ERESOLVE'))
        return {
            kind: 'unreachable',
            reason: `npm failed: ${lines.filter(Boolean).slice(0, 3).join(' ')}`,
        };
    const explanation = lines
        .filter((l) => l !== '' && !/complete log|^code /.test(l))
        .slice(0, 8)
        .join('\n');
    return { kind: 'conflict', explanation, names: [...names].sort() };
}

;// CONCATENATED MODULE: ./src/resolve/solvers/solver.ts
/** The group's requirements of one ecosystem, as written, once each, sorted. */
function groupSpecs(group, ecosystem) {
    return [
        ...new Set(group.packages.filter((p) => p.ecosystem === ecosystem).map((p) => p.spec)),
    ].sort();
}

;// CONCATENATED MODULE: ./src/resolve/solvers/npm.ts
/**
 * npm: npm itself (npm.ts), `npm install --package-lock-only` once for all architectures (npm's
 * lock is the same for every one); its `package-lock.json` is kept as the group's lock, and an
 * answer from the lock file is trusted only when that lock installs registry tarballs of exactly
 * what was requested.
 */



/** Where a registry keeps a version's tarball: `<registry>/@scope/name/-/name-1.0.0.tgz`. */
function npmTarball(registry, name, version) {
    return `${registry}/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}
/** npm: the lock `npm ci` installs from asks for the request and installs registry tarballs only. */
function npmLockfileProblem(request, text) {
    if (text === undefined)
        return 'it has no npm lock file';
    let lock;
    try {
        lock = JSON.parse(text);
    }
    catch {
        return 'its npm lock file is not JSON';
    }
    const entries = Object.entries(lock.packages ?? {});
    const nameOf = (where) => where.slice(where.lastIndexOf('node_modules/') + 13);
    const root = lock.packages?.[''];
    const asked = JSON.stringify(npmDependencies(request.specs));
    const rootDeps = JSON.stringify(sortedKeys(root?.dependencies ?? {}));
    if (rootDeps !== asked)
        return `its npm lock file asks for ${rootDeps}, not for the requested ${asked}`;
    for (const [where, entry] of entries) {
        if (where === '')
            continue;
        if (!/^(?:node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/?)+$/.test(where) || where.endsWith('/'))
            return `its npm lock file installs "${where}", which is not a registry package`;
        if (entry.link !== undefined)
            return `its npm lock file links "${where}"`;
        if (typeof entry.resolved !== 'string' ||
            typeof entry.integrity !== 'string' ||
            typeof entry.version !== 'string')
            return `its npm lock file has no registry tarball, version and integrity for "${where}"`;
        const problem = (0,sources/* fileUrlProblem */.z)(entry.resolved, request.sources[0], 'under-source');
        if (problem)
            return `its npm lock file: ${where}: ${problem}`;
        const tarball = npmTarball(request.sources[0], nameOf(where), entry.version);
        if (entry.resolved !== tarball)
            return `its npm lock file installs "${entry.resolved}" as ${where}, not ${tarball}`;
    }
    // Every installed package is reached from the root through dependencies, by name.
    const reached = new Set();
    const byName = new Map();
    for (const [where, entry] of entries)
        if (where !== '')
            byName.set(nameOf(where), [...(byName.get(nameOf(where)) ?? []), entry]);
    const queue = Object.keys(root?.dependencies ?? {});
    while (queue.length > 0) {
        const name = queue.pop();
        if (reached.has(name))
            continue;
        reached.add(name);
        for (const entry of byName.get(name) ?? [])
            queue.push(...Object.keys({
                ...entry.dependencies,
                ...entry.optionalDependencies,
                ...entry.peerDependencies,
            }));
    }
    const extra = [...byName.keys()].find((n) => !reached.has(n));
    return extra ? `its npm lock file installs ${extra}, which nothing requested needs` : undefined;
}
function sortedKeys(record) {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
const npm = {
    ecosystem: 'npm',
    arches: 'first',
    request: (group, arch, { settings }) => ({
        ecosystem: 'npm',
        arch,
        specs: groupSpecs(group, 'npm'),
        sources: [settings.npmRegistry],
    }),
    specs: (texts) => [...texts],
    probe(r) {
        const first = r.specs[0];
        const at = first.indexOf('@', 1);
        return `${r.sources[0]}/${encodeURIComponent(first.slice(0, at > 0 ? at : undefined)).replace('%40', '@')}`;
    },
    open: (io) => (r) => solveNpm(r, io.run, io.settings.npm, io.timeLeft()),
    answer: {
        files: 'under-source',
        expectedFile: (p) => p.url === npmTarball(p.source, p.name, p.version)
            ? undefined
            : npmTarball(p.source, p.name, p.version),
        digest: 'integrity',
        nameKey: (name) => name.toLowerCase(),
        extraProblem: (r, outcome) => npmLockfileProblem(r, outcome.npmLockfile),
    },
};

;// CONCATENATED MODULE: ./src/resolve/pip.ts




const MACHINE = { amd64: 'x86_64', arm64: 'aarch64' };
/**
 * Wheel platforms an image of Debian bookworm (the default bases) runs: manylinux 2.17 (alias
 * manylinux2014, which pip widens to 2010 and 1) up to glibc 2.28, the widely built targets.
 */
function pipPlatforms(arch) {
    const m = MACHINE[arch];
    const platforms = [`manylinux2014_${m}`];
    for (let minor = 17; minor <= 28; minor++)
        platforms.push(`manylinux_2_${minor}_${m}`);
    return platforms;
}
/** Waiting on one pip run; pip's own `--timeout` bounds each connection inside it. */
const PIP_TIMEOUT_MS = 300_000;
/** argv of pip's dry run for a request (pure, for tests). */
function pipArgs(request, reportFile, targetDir) {
    return [
        // Isolated: neither the working folder nor PYTHON* variables nor the user's site-packages
        // can put a module of their own in front of pip.
        '-I',
        '-m',
        'pip',
        'install',
        '--isolated',
        '--no-input',
        '--disable-pip-version-check',
        '--progress-bar',
        'off',
        '--dry-run',
        '--ignore-installed',
        '--report',
        reportFile,
        '--target',
        targetDir,
        '--timeout',
        '10',
        '--retries',
        '1',
        '--python-version',
        request.python ?? '3.12',
        '--implementation',
        'cp',
        ...pipPlatforms(request.arch).flatMap((p) => ['--platform', p]),
        '--only-binary=:all:',
        '--index-url',
        request.sources[0],
        ...request.specs,
    ];
}
async function solvePip(request, run, settings) {
    const limit = Math.min(PIP_TIMEOUT_MS, settings.timeoutMs ?? PIP_TIMEOUT_MS);
    const dir = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join((0,external_node_os_.tmpdir)(), 'stowage-pip-'));
    try {
        const reportFile = external_node_path_default().join(dir, 'report.json');
        let result;
        try {
            result = await run(settings.python, pipArgs(request, reportFile, external_node_path_default().join(dir, 'target')), {
                timeoutMs: limit,
            });
        }
        catch (error) {
            return { kind: 'unreachable', reason: `cannot run pip: ${error.message}` };
        }
        if (result.timedOut)
            return {
                kind: 'unreachable',
                reason: `pip did not finish within ${Math.round(limit / 1000)} s`,
            };
        if (result.exitCode === 0) {
            const packages = pip_packagesOf(reportFile, request);
            // A lock without hashes could not be installed with --require-hashes: such an index
            // (some mirrors, a flat folder) leaves the group unverified rather than half-locked.
            const unhashed = packages.filter((p) => !p.sha256).map((p) => p.name);
            if (unhashed.length > 0)
                return {
                    kind: 'unreachable',
                    reason: `${request.sources[0]} gives no sha256 for ${unhashed.slice(0, 5).join(', ')}${unhashed.length > 5 ? ', …' : ''}: a lock needs hashes (use an index that gives them, e.g. a PEP 503 page with #sha256= links)`,
                };
            return { kind: 'solved', packages };
        }
        return pip_failureOf(`${result.stdout}\n${result.stderr}`, request);
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
}
function pip_packagesOf(reportFile, request) {
    const report = JSON.parse((0,external_node_fs_.readFileSync)(reportFile, 'utf8'));
    return (report.install ?? [])
        .map((item) => {
        const info = item.download_info ?? {};
        const sha256 = info.archive_info?.hashes?.sha256 ??
            /^sha256=(\w+)$/.exec(info.archive_info?.hash ?? '')?.[1];
        return {
            ecosystem: 'pip',
            name: (0,requirements/* normalizePipName */.aB)(item.metadata?.name ?? ''),
            version: item.metadata?.version ?? '',
            source: request.sources[0],
            url: info.url ?? '',
            ...(sha256 ? { sha256 } : {}),
            depends: [...new Set((item.metadata?.requires_dist ?? []).map(nameOf))]
                .filter(Boolean)
                .sort(),
            arch: request.arch,
        };
    })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
/** A conflict or a missing release (with the names pip blames), else an error of the tool. */
function pip_failureOf(output, request) {
    const lines = output.split('\n').map((l) => l.replace(/^ERROR: /, '').trimEnd());
    const cannot = lines.find((l) => /^Cannot install .* because/.test(l));
    const cause = lines.indexOf('The conflict is caused by:');
    const missing = lines.filter((l) => /^(Could not find a version|No matching distribution)/.test(l));
    if (cannot || cause >= 0) {
        const causes = [];
        for (let i = cause + 1; cause >= 0 && i < lines.length && /^\s+\S/.test(lines[i]); i++)
            causes.push(lines[i].trim());
        const names = new Set();
        const listed = /^Cannot install (.*) because/.exec(cannot ?? '')?.[1] ?? '';
        for (const req of listed.split(/, | and /))
            names.add(nameOf(req));
        for (const c of causes) {
            const requested = /^The user requested (\S+)/.exec(c);
            if (requested)
                names.add(nameOf(requested[1]));
        }
        names.delete('');
        return {
            kind: 'conflict',
            explanation: [cannot, ...causes].filter(Boolean).join('\n'),
            names: [...names].sort(),
        };
    }
    if (missing.length > 0) {
        const names = missing
            .map((l) => /requirement (\S+)|found for (\S+)/.exec(l))
            .map((m) => nameOf(m?.[1] ?? m?.[2] ?? ''))
            .filter(Boolean);
        return {
            kind: 'conflict',
            explanation: `${missing.join('\n')}\n(on ${request.sources[0]} for Python ${request.python}, ${request.arch})`,
            names: [...new Set(names)].sort(),
        };
    }
    const reason = lines
        .filter((l) => l.trim() !== '')
        .slice(-3)
        .join(' ');
    return { kind: 'unreachable', reason: `pip failed: ${reason || 'no output'}` };
}
function nameOf(requirement) {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement.trim());
    return m ? (0,requirements/* normalizePipName */.aB)(m[1]) : '';
}

;// CONCATENATED MODULE: ./src/resolve/solvers/pip.ts
/**
 * pip: pip's own resolver (pip.ts) for the image's Python and platform, per architecture, in
 * python groups and in conda groups (with the Python the conda solve chose); in groups of other
 * families pip packages stay name-level (their base's Python is not known).
 */





/** `3.12` from the solved `python` package of one architecture. */
function condaPython(packages, arch) {
    const python = packages.find((p) => p.ecosystem === 'conda' && p.arch === arch && p.name === 'python');
    return python ? python.version.split('.').slice(0, 2).join('.') : (0,plan/* defaultRuntime */.KD)('python');
}
const pip = {
    ecosystem: 'pip',
    solves: (group) => group.family === 'python' || group.family === 'conda',
    arches: 'each',
    request: (group, arch, { settings, solved }) => ({
        ecosystem: 'pip',
        arch,
        specs: groupSpecs(group, 'pip'),
        sources: [settings.pipIndexUrl],
        python: group.family === 'conda'
            ? condaPython(solved, arch)
            : (group.runtimes.python ?? (0,plan/* defaultRuntime */.KD)('python')),
    }),
    specs: (texts) => [...texts],
    probe: (r) => `${r.sources[0]}/${(0,requirements/* normalizePipName */.aB)(r.specs[0].split(/[\s[<>=!~,]/)[0])}/`,
    open: (io) => (r) => {
        const left = io.timeLeft();
        return solvePip(r, io.run, {
            python: io.settings.python,
            ...(left !== undefined ? { timeoutMs: left } : {}),
        });
    },
    answer: {
        files: 'on-host',
        expectedFile(p) {
            // A wheel `<name>-<version>-….whl` of this package.
            const file = p.url.slice(p.url.lastIndexOf('/') + 1);
            const [name = '', version = ''] = file.split('-');
            return file.endsWith('.whl') &&
                (0,requirements/* normalizePipName */.aB)(name) === (0,requirements/* normalizePipName */.aB)(p.name) &&
                version === p.version
                ? undefined
                : `a wheel of ${p.name} ${p.version}`;
        },
        digest: 'sha256',
        nameKey: requirements/* normalizePipName */.aB,
        extraProblem: (r, outcome) => unneededProblem(r, outcome.packages, requirements/* normalizePipName */.aB),
    },
};

;// CONCATENATED MODULE: ./src/resolve/solvers/index.ts



/** One per SolvedEcosystem (the compiler checks), in this order. */
const SOLVERS = Object.values({
    conda: conda,
    pip: pip,
    npm: npm,
});
/** The solver of an ecosystem, or undefined when it has none (apt, CRAN, Maven: name-level). */
function solverOf(ecosystem) {
    return SOLVERS.find((s) => s.ecosystem === ecosystem);
}

;// CONCATENATED MODULE: ./src/resolve/resolve.ts








/** Conflicts through dependencies after which a step gets an image of its own (see `learn`). */
const HUB_CONFLICTS = 3;
/** Plenty for real pipelines (each round learns at least one conflict); a guard against loops. */
const MAX_ROUNDS = 200;
async function resolvePlan(workflow, options, settings, store, deps) {
    const resolver = new Resolver(settings, store, deps);
    try {
        return await resolveWith(resolver, workflow, options, settings);
    }
    finally {
        await resolver.close();
    }
}
async function resolveWith(resolver, workflow, options, settings) {
    const conflicts = [];
    const isolated = [];
    let locks = {};
    let rounds = 0;
    for (let learned = true; learned;) {
        rounds++;
        learned = false;
        locks = {};
        // The last round may not learn: the final plan must group exactly as this draft does.
        const frozen = rounds >= MAX_ROUNDS;
        const draft = (0,plan.plan)(workflow, { ...options, solverConflicts: conflicts, isolated });
        for (const group of draft.plan.groups) {
            // Once this draft is known to change, its other groups wait for the next one.
            if (group.blocked || learned)
                continue;
            const result = await resolver.group(group);
            if ('lock' in result) {
                locks[group.name] = result.lock;
                continue;
            }
            // Out of time: no more splitting; the group stays as planned, unverified.
            if (resolver.timedOut) {
                locks[group.name] = unverified(group, settings, resolver.timeoutReason);
                continue;
            }
            const lesson = await resolver.learn(group, result.conflict, conflicts, isolated, frozen);
            if (lesson === 'learned')
                learned = true;
            else
                locks[group.name] = lesson;
        }
    }
    const final = (0,plan.plan)(workflow, { ...options, solverConflicts: conflicts, isolated, locks });
    await resolver.cache?.flush(); // what it could not write is among the notes
    return {
        plan: final.plan,
        findings: [
            ...final.findings,
            ...splitFindings(workflow, final.plan, conflicts),
            ...unsolvableFindings(workflow, final.plan, isolated),
        ],
        notes: [...resolver.notes(final.plan), ...callsNote(resolver.calls, final.plan, rounds)],
        lockMismatches: resolver.mismatches,
        stats: {
            solverCalls: resolver.calls,
            recordChecks: resolver.recordChecks,
            fromLock: resolver.hits,
            rounds,
            requests: resolver.network.requests,
            bytesFetched: resolver.network.bytesFetched,
        },
    };
}
class Resolver {
    settings;
    store;
    deps;
    network;
    cache;
    /** Each solver as opened for this run (on its first call). */
    opened = new Map();
    memo = new Map();
    /** Lock-file answers that could not be the answer to their request, and why. */
    refusals = [];
    /** Lock-file answers that were verified and differ from the solver's (see `verify`). */
    mismatches = [];
    calls = 0;
    /** Requests answered by their records' conflicts (conda-needs.ts), not solved. */
    recordChecks = 0;
    hits = 0;
    /** When the stage's time (settings.timeoutMs) is up; set from then on. */
    timedOut = false;
    deadline;
    timer;
    constructor(settings, store, deps) {
        this.settings = settings;
        this.store = store;
        this.deps = deps;
        this.network = new Network(deps.fetch, deps.limits ?? DEFAULT_LIMITS);
        // A run that verifies lock answers before publishing does not take mutable repodata from a
        // cache a writer of the folder could have forged; content-addressed shards are checked anyway.
        this.cache =
            settings.cacheDir === undefined
                ? undefined
                : new RepodataCache(settings.cacheDir, settings.verify === undefined);
        this.deadline = Date.now() + (settings.timeoutMs ?? Number.POSITIVE_INFINITY);
        if (settings.timeoutMs !== undefined) {
            this.timer = setTimeout(() => {
                this.timedOut = true;
                this.network.stop(this.timeoutReason);
            }, settings.timeoutMs);
            this.timer.unref();
        }
    }
    /** Why groups are left unverified when the stage runs out of time. */
    get timeoutReason() {
        return `the resolve stage stopped at its time limit (resolve-timeout ${(0,units/* formatDuration */.a3)((this.settings.timeoutMs ?? 0) / 1000)})`;
    }
    /** What is left of the stage's time, in ms (Infinity without a limit). */
    left() {
        return this.deadline - Date.now();
    }
    /** Stops the timer; the repodata cache's writes in the background are finished. */
    async close() {
        if (this.timer)
            clearTimeout(this.timer);
        await this.cache?.flush();
    }
    /** Solves every ecosystem of a group that has a solver, per architecture. */
    async group(group) {
        const present = [...new Set(group.packages.map((p) => p.ecosystem))].sort();
        const solvers = SOLVERS.filter((s) => present.includes(s.ecosystem) && (s.solves?.(group) ?? true));
        const base = {
            solved: solvers.map((s) => s.ecosystem),
            nameLevel: present.filter((e) => !solvers.some((s) => s.ecosystem === e)),
            arches: [...this.settings.arches],
        };
        if (solvers.length === 0) {
            return {
                lock: {
                    resolution: { status: 'name-level', fromLock: false, ...base, solved: [], packages: [] },
                },
            };
        }
        const packages = [];
        let fromLock = true;
        let npmLockfile;
        const step = async (request) => {
            const { outcome, fromLock: hit } = await this.solve(request);
            fromLock &&= hit;
            if (outcome.kind === 'solved') {
                packages.push(...outcome.packages);
                if (outcome.npmLockfile !== undefined)
                    npmLockfile = outcome.npmLockfile;
                return undefined;
            }
            if (outcome.kind === 'conflict')
                return { conflict: { ecosystem: request.ecosystem, request, outcome } };
            const resolution = {
                status: 'unverified',
                fromLock: false,
                ...base,
                solved: [],
                reason: outcome.reason,
                packages: [],
            };
            return { lock: { resolution } };
        };
        // Each architecture in turn (a solver reads what those before it chose), then the solvers
        // whose one answer serves every architecture.
        const context = { settings: this.settings, solved: packages };
        const rounds = [
            ...this.settings.arches.map((arch) => ({ arch, arches: 'each' })),
            { arch: this.settings.arches[0], arches: 'first' },
        ];
        for (const { arch, arches } of rounds) {
            for (const solver of solvers.filter((s) => s.arches === arches)) {
                const stop = await step(solver.request(group, arch, context));
                if (stop)
                    return stop;
            }
        }
        const lock = { resolution: { status: 'solved', fromLock, ...base, packages } };
        if (npmLockfile !== undefined)
            lock.npmLockfile = npmLockfile;
        return { lock };
    }
    /** One solver call: this run's memory, then the lock file, then the solver itself. */
    solve(request) {
        const key = JSON.stringify(request);
        let hit = this.memo.get(key);
        if (!hit) {
            hit = this.solveOnce(request);
            this.memo.set(key, hit);
        }
        return hit;
    }
    async solveOnce(request) {
        if (this.settings.mode !== 'update') {
            const stored = this.store.get(request);
            if (stored && this.settings.verify?.(request))
                return this.verified(request, stored);
            if (stored) {
                this.hits++;
                return { outcome: stored, fromLock: true };
            }
        }
        const refusal = this.store.refusal(request);
        if (refusal !== undefined)
            this.refusals.push(`${describeRequest(request)}: ${refusal}`);
        if (this.timedOut || this.left() <= 0) {
            this.timedOut = true;
            return { outcome: { kind: 'unreachable', reason: this.timeoutReason }, fromLock: false };
        }
        if (this.settings.mode === 'offline') {
            const reason = refusal !== undefined
                ? `offline, and the lock file's answer cannot be used (${refusal}); run \`stowage lock\` where the sources are reachable`
                : 'offline: the lock file has no answer for this group (run `stowage lock` where the sources are reachable)';
            return { outcome: { kind: 'unreachable', reason }, fromLock: false };
        }
        const outcome = await this.callSolver(request);
        if (outcome.kind !== 'unreachable')
            this.store.set(request, outcome);
        // A request cut short by the time limit is not the source's fault: say so.
        if (outcome.kind === 'unreachable' && this.timedOut)
            return { outcome: { kind: 'unreachable', reason: this.timeoutReason }, fromLock: false };
        return { outcome, fromLock: false };
    }
    /**
     * A lock answer that must be checked before it is trusted (it changed since the base revision):
     * the solver is asked again, and an answer that differs is a mismatch. The run goes on with the
     * solver's answer; the adapters fail it.
     */
    async verified(request, stored) {
        const fresh = await this.callSolver(request);
        const what = describeRequest(request);
        if (fresh.kind === 'unreachable') {
            this.mismatches.push(`${what}: cannot be verified, the solver could not run (${fresh.reason})`);
            return { outcome: stored, fromLock: true };
        }
        const difference = answerDifference(stored, fresh);
        if (difference !== undefined)
            this.mismatches.push(`${what}: ${difference}`);
        this.store.set(request, fresh);
        return { outcome: fresh, fromLock: false };
    }
    /**
     * The solver's answer with the sizes of the files it names, counted: a solve, or (with `pairs`)
     * the conflicts its records showed without one; an unreachable source is neither.
     */
    async callSolver(request) {
        const outcome = await withFileSizes(await this.solverAnswer(request), this.deps.fetch, this.left());
        // A source that could not be reached was not solved against: not a call.
        if (outcome.kind === 'conflict' && outcome.pairs)
            this.recordChecks++;
        else if (outcome.kind !== 'unreachable')
            this.calls++;
        return outcome;
    }
    async solverAnswer(request) {
        const solver = solverOf(request.ecosystem);
        // A solver that fetches by itself: ask the source once first, within the run's limits.
        if (solver.probe) {
            const down = await this.network.probe(solver.probe(request));
            if (down)
                return { kind: 'unreachable', reason: down };
        }
        let solve = this.opened.get(solver);
        if (!solve) {
            solve = solver.open(this.io());
            this.opened.set(solver, solve);
        }
        return solve(request);
    }
    /** What a solver may use of the run: its network, cache, program runner, settings and time. */
    io() {
        return {
            network: this.network,
            cache: this.cache,
            run: this.deps.run,
            settings: this.settings,
            timeLeft: () => {
                const left = Math.max(1, this.left());
                return Number.isFinite(left) ? left : undefined;
            },
        };
    }
    /**
     * What a failed group teaches: a conflict between the requirements the solver names (checked by
     * solving just them), or a step to isolate when one step holds them all. Returns the group's
     * lock when nothing new can be learned (it cannot be split further).
     */
    async learn(group, failure, conflicts, isolated, frozen) {
        const { ecosystem, request, outcome } = failure;
        const solver = `the ${ecosystem} solver${this.settings.arches.length > 1 ? ` (${request.arch})` : ''}`;
        if (frozen) {
            const reason = `${solver} still finds conflicts after ${MAX_ROUNDS} rounds of splitting: ${summary(outcome.explanation, 3).join(' ')}`;
            return unsolvable(this.settings, reason);
        }
        const mine = group.packages.filter((p) => p.ecosystem === ecosystem);
        if (outcome.pairs && learnPairs(group, ecosystem, outcome.pairs, conflicts))
            return 'learned';
        // Otherwise (no new pair, or each held by one step) as a solver's conflict: the path below
        // checks the named requirements alone and isolates a step that holds them all.
        const all = [...new Set(mine.map((p) => p.spec))].sort();
        let texts = [
            ...new Set(mine.filter((p) => outcome.names.includes(p.name)).map((p) => p.spec)),
        ].sort();
        let explanation = outcome.explanation;
        if (texts.length === 0)
            texts = all;
        else if (texts.length < all.length) {
            // The named requirements alone must fail too, or the conflict needs more of the group.
            const specs = solverOf(ecosystem).specs(texts);
            const core = await this.solve({ ...request, specs: [...new Set(specs)].sort() });
            if (core.outcome.kind === 'unreachable')
                return unverified(group, this.settings, core.outcome.reason);
            if (core.outcome.kind === 'solved')
                texts = all;
            else
                explanation = core.outcome.explanation;
        }
        const holders = group.steps.filter((s) => texts.every((t) => mine.some((p) => p.spec === t && p.steps.includes(s))));
        const alone = holders[0];
        if (alone !== undefined && !isolated.includes(alone) && group.steps.length > 1) {
            isolated.push(alone);
            return 'learned';
        }
        const known = conflicts.some((c) => c.ecosystem === ecosystem && c.requirements.join('\n') === texts.join('\n'));
        if (alone === undefined && !known) {
            // Pinned groups are not split, but the conflict still counts: STW404 then names the pin.
            conflicts.push({ ecosystem, requirements: texts, explanation });
            // A step whose software conflicts with that of many others (a Python 2 tool among Python 3
            // ones) would be found apart from each of them one round at a time: after HUB_CONFLICTS
            // such conflicts it gets an image of its own (one image more, instead of a round each).
            // Conflicts read from the records came all at once and cost no round: they do not count.
            const hub = group.steps.find((step) => !isolated.includes(step) &&
                conflicts.filter((c) => c.ecosystem === ecosystem &&
                    c.by !== 'records' &&
                    c.requirements.some((t) => mine.some((p) => p.spec === t && p.steps.includes(step)))).length >= HUB_CONFLICTS);
            if (hub !== undefined && !group.pinned)
                isolated.push(hub);
            return 'learned';
        }
        const reason = `${solver} cannot install ${texts.join(', ')} together: ${summary(explanation, 3).join(' ')}`;
        return unsolvable(this.settings, reason);
    }
    /** One notice per reason (a source down, a tool missing), naming the groups left unverified. */
    notes(plan) {
        const byReason = new Map();
        for (const g of plan.groups) {
            if (g.resolution?.status !== 'unverified')
                continue;
            const reason = g.resolution.reason ?? 'unknown';
            byReason.set(reason, [...(byReason.get(reason) ?? []), g.name]);
        }
        const refused = this.refusals.map((r) => `The lock file's answer to ${r}. It was not used${this.settings.mode === 'offline' ? '' : ' (solved again)'}: a lock entry must be what the solver answered.`);
        const cache = [...new Set(this.cache?.problems ?? [])].map((p) => `The repodata cache (${this.cache.dir}): ${p}.`);
        return [
            ...refused,
            ...cache,
            ...[...byReason].map(([reason, groups]) => reason === this.timeoutReason
                ? `Not solved: ${reason}. Group${groups.length === 1 ? '' : 's'} ${groups.join(', ')} keep${groups.length === 1 ? 's' : ''} the name-level plan (unverified, installs not locked). Raise resolve-timeout, or commit a lock file made with more time (stowage lock): its answers need no solver.`
                : `Not solved: ${reason}. Group${groups.length === 1 ? '' : 's'} ${groups.join(', ')} keep${groups.length === 1 ? 's' : ''} the name-level plan (unverified, installs not locked). Run again when the source answers, point Stowage at a mirror (${(0,option_names/* optionRef */.$)('channelUrls')}, ${(0,option_names/* optionRef */.$)('pipIndexUrl')}), or commit a lock file made where it answers (stowage lock).`),
        ];
    }
}
/**
 * The pairs a request's records showed in conflict, as conflicts between the group's
 * requirements: all learned at once, no solve needed. A pair one step holds alone is left to the
 * usual path (that step's software does not install by itself). True when one was new.
 */
function learnPairs(group, ecosystem, pairs, conflicts) {
    const solver = solverOf(ecosystem);
    const textsOf = new Map(); // spec as the solver takes it → texts
    const stepsOf = new Map(); // text → steps holding it
    for (const p of group.packages) {
        if (p.ecosystem !== ecosystem)
            continue;
        const spec = solver.specs([p.spec])[0];
        textsOf.set(spec, (textsOf.get(spec) ?? new Set()).add(p.spec));
        const steps = stepsOf.get(p.spec) ?? new Set();
        p.steps.forEach((s) => steps.add(s));
        stepsOf.set(p.spec, steps);
    }
    const keyOf = (requirements) => requirements.join('\n');
    const known = new Set(conflicts.filter((c) => c.ecosystem === ecosystem).map((c) => keyOf(c.requirements)));
    let learned = false;
    for (const pair of pairs) {
        for (const a of textsOf.get(pair.specs[0]) ?? []) {
            for (const b of textsOf.get(pair.specs[1]) ?? []) {
                const inA = stepsOf.get(a);
                if (a === b || [...stepsOf.get(b)].some((s) => inA.has(s)))
                    continue;
                const requirements = [a, b].sort();
                if (known.has(keyOf(requirements)))
                    continue;
                known.add(keyOf(requirements));
                conflicts.push({ ecosystem, requirements, explanation: pair.explanation, by: 'records' });
                learned = true;
            }
        }
    }
    return learned;
}
/**
 * When the solvers were asked more than once per group: how often, and why (the conflicts they
 * found, each checked by solving just its requirements, and the rounds of planning again).
 */
function callsNote(calls, plan, rounds) {
    const groups = plan.groups.filter((g) => g.resolution && g.resolution.solved.length > 0).length;
    if (calls <= Math.max(groups, 1))
        return [];
    const found = plan.solverConflicts ?? [];
    const byRecords = found.filter((c) => c.by === 'records').length;
    const bySolver = found.length - byRecords;
    const how = [
        ...(byRecords > 0 ? [`${byRecords} read from the channels' records before solving`] : []),
        ...(bySolver > 0
            ? [`${bySolver} named by the solver, each checked by solving just its requirements`]
            : []),
    ];
    return [
        `Resolving took ${calls} solver calls for ${groups} solved group${groups === 1 ? '' : 's'}: ${found.length} conflict${found.length === 1 ? '' : 's'} found through dependencies${how.length > 0 ? ` (${how.join('; ')})` : ''} in ${rounds} round${rounds === 1 ? '' : 's'} of planning again. A committed stowage.lock answers them all on the next run.`,
    ];
}
/** How the lock's answer and the solver's differ (package by package), or undefined when alike. */
function answerDifference(stored, fresh) {
    if (stored.kind !== fresh.kind)
        return `the lock says ${stored.kind}, the solver says ${fresh.kind}`;
    if (stored.kind === 'conflict' || fresh.kind === 'conflict') {
        // A conflict read from the records names its pairs: a lock cannot add or drop one unseen.
        const pairs = (o) => o.kind === 'conflict' ? (o.pairs ?? []).map((p) => p.specs.join(' with ')).sort() : [];
        const [was, is] = [pairs(stored), pairs(fresh)];
        if (was.join('\n') === is.join('\n'))
            return undefined;
        const only = (a, b) => a.filter((x) => !b.includes(x)).slice(0, 3);
        return `the lock's conflicts differ from the records': only in the lock ${only(was, is).join('; ') || 'none'}, only in the records ${only(is, was).join('; ') || 'none'}`;
    }
    const line = (p) => [p.name, p.version, p.build ?? '', p.url, p.sha256 ?? '', p.integrity ?? ''].join(' ');
    const mine = new Set(stored.packages.map(line));
    const theirs = new Set(fresh.packages.map(line));
    const onlyLock = [...mine].filter((l) => !theirs.has(l));
    const onlySolver = [...theirs].filter((l) => !mine.has(l));
    const lockfileChanged = (stored.npmLockfile ?? '') !== (fresh.npmLockfile ?? '');
    if (onlyLock.length === 0 && onlySolver.length === 0 && !lockfileChanged)
        return undefined;
    const short = (l) => l.split(' ').slice(0, 2).join(' ');
    const list = (ls) => ls.length === 0
        ? 'nothing'
        : `${ls.slice(0, 5).map(short).join(', ')}${ls.length > 5 ? ', …' : ''}`;
    if (onlyLock.length === 0 && onlySolver.length === 0)
        return 'its npm lock file is not the one npm writes for the request';
    return `the lock installs ${list(onlyLock)} where the solver installs ${list(onlySolver)}`;
}
/** `conda linux-64 [samtools 1.17.*, …]` for messages. */
function describeRequest(request) {
    const specs = request.specs.slice(0, 4).join(', ');
    return `${request.ecosystem} (${request.arch}) [${specs}${request.specs.length > 4 ? ', …' : ''}]`;
}
function unsolvable(settings, reason) {
    const resolution = { status: 'unsolvable', fromLock: false, solved: [], nameLevel: [] };
    return { resolution: { ...resolution, arches: [...settings.arches], reason, packages: [] } };
}
function unverified(group, settings, reason) {
    const present = [...new Set(group.packages.map((p) => p.ecosystem))].sort();
    return {
        resolution: {
            status: 'unverified',
            fromLock: false,
            solved: [],
            nameLevel: present.filter((e) => solverOf(e) === undefined),
            arches: [...settings.arches],
            reason,
            packages: [],
        },
    };
}
/**
 * The lines of an explanation that carry the reason, at most `max`: for conda's tree, each
 * "X would require" joined with what it requires, and the clash; for pip and npm, their own
 * "depends on" / "requested" / "not found" lines.
 */
function summary(explanation, max = 6) {
    const lines = explanation
        .split('\n')
        .map((l) => l.replace(/^[\s│├└─]+/, '').trimEnd())
        .filter((l) => l !== '');
    const out = [];
    lines.forEach((line, i) => {
        if (/ would require$/.test(line) && lines[i + 1] !== undefined) {
            out.push(`${line} ${lines[i + 1].replace(/, (?:which|for which) .*$/, '')}`);
        }
        else if (/conflicts with|no candidates|depends on|requested|cannot install|no matching|could not find|peer|not found/i.test(line)) {
            out.push(line);
        }
    });
    return (out.length > 0 ? out : lines)
        .filter((l, i, all) => all.indexOf(l) === i)
        .slice(0, max)
        .map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l));
}
const RUNTIME_PACKAGES = {
    python: 'python',
    'r-base': 'r',
    openjdk: 'java',
};
/** Where a requirement of a step is written: its list item, or the runtime it came from. */
function requirementPath(workflow, stepId, ecosystem, text) {
    const step = workflow.steps.find((s) => s.id === stepId);
    const i = step?.software[ecosystem].indexOf(text) ?? -1;
    if (i >= 0)
        return ['steps', stepId, 'software', ecosystem, i];
    const runtime = RUNTIME_PACKAGES[text.split(/[=<>\s]/)[0]];
    if (runtime && step?.software[runtime] !== undefined)
        return ['steps', stepId, 'software', runtime];
    return ['steps', stepId, 'software'];
}
function listSteps(ids) {
    const quoted = ids.slice(0, 4).map((s) => `"${s}"`);
    const more = ids.length > 4 ? ` and ${ids.length - 4} more` : '';
    return `step${ids.length === 1 ? '' : 's'} ${quoted.join(', ')}${more}`;
}
/** STW430 at every step a solver conflict kept apart from others. */
function splitFindings(workflow, plan, conflicts) {
    const findings = [];
    const groupOf = new Map(plan.groups.flatMap((g) => g.steps.map((s) => [s, g])));
    for (const c of conflicts) {
        const holders = c.requirements.map((text) => plan.groups.flatMap((g) => g.packages
            .filter((p) => p.ecosystem === c.ecosystem && p.spec === text)
            .flatMap((p) => p.steps)));
        const involved = [...new Set(holders.flat())];
        if (involved.some((s) => groupOf.get(s)?.pinned))
            continue; // STW404 reports pins
        const explanation = summary(c.explanation)
            .map((l) => `    ${l}`)
            .join('\n');
        const held = (step) => c.requirements.filter((_, i) => holders[i].includes(step));
        for (const step of involved) {
            const own = held(step);
            // The steps holding a requirement of the conflict this step does not hold.
            const others = involved.filter((o) => o !== step && held(o).some((t) => !own.includes(t)));
            if (others.length === 0)
                continue;
            const groups = [...new Set([step, ...others].map((s) => groupOf.get(s)?.name ?? '?'))];
            const says = c.by === 'records' ? "The channels' records show" : 'The solver says';
            const message = `Step "${step}" (${own.join(', ')}) cannot share an image with ${listSteps(others)}: the ${c.ecosystem} solver cannot install ` +
                `${c.requirements.join(' with ')} — they conflict through their dependencies — so the plan keeps them in different groups (${groups.join(', ')}). ` +
                `${says}:\n${explanation}`;
            findings.push((0,rules/* finding */.gk)('STW430', workflow.source.locate(requirementPath(workflow, step, c.ecosystem, own[0])), message));
        }
    }
    return findings;
}
/** STW431 at a step whose software does not solve on its own, and at a pin that does not solve. */
function unsolvableFindings(workflow, plan, isolated) {
    const findings = [];
    for (const g of plan.groups) {
        if (g.resolution?.status !== 'unsolvable')
            continue;
        const reason = g.resolution.reason ?? 'the solver says no';
        const alone = g.steps.length === 1 ? g.steps[0] : undefined;
        if (alone !== undefined && (isolated.includes(alone) || !g.pinned)) {
            findings.push((0,rules/* finding */.gk)('STW431', workflow.source.locate(['steps', alone, 'software']), `Step "${alone}": its software does not solve, even in an image of its own, so group "${g.name}" is not rendered: ${reason}. Change the versions it asks for.`));
        }
        else if (g.pinned) {
            findings.push((0,rules/* finding */.gk)('STW431', workflow.source.locate(['containers', 'groups', g.name]), `Pinned group "${g.name}" does not solve, so it is not rendered: ${reason}. Take a step out of the pin or align the versions.`));
        }
    }
    return findings;
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./src/resolve/store.ts
/**
 * The lock file (`stowage.lock`, committed beside the spec): every solver call of the last
 * resolve, keyed by exactly what was asked (ecosystem, architecture, requirements, sources, Python
 * version), with what the solver answered — the packages it chose, or the conflict it explained.
 * A rerun asks the same questions, finds the answers here and needs neither network nor solver;
 * a changed group asks a new question and only that one is solved.
 *
 * The file is read as untrusted input (a pull request can edit it): every field is checked as it
 * is read, and an answer is used only when it can be the answer to its request (answer-check.ts). It is written in a stable order, one package a line, so a change of
 * the spec shows as a readable diff.
 */





const LOCKFILE_VERSION = 1;
/** The key of a request: sha256 over its canonical JSON, 24 hex digits. */
function requestKey(request) {
    const canonical = JSON.stringify([
        request.ecosystem,
        request.arch,
        [...request.specs].sort(),
        request.sources,
        request.python ?? null,
        // Absent for CPU groups, so their keys are what they were before GPU groups had one.
        ...(request.gpu ? ['gpu'] : []),
    ]);
    return (0,external_node_crypto_.createHash)('sha256').update(canonical).digest('hex').slice(0, 24);
}
class LockStore {
    entries = new Map();
    /** Keys asked for in this run: written back, with the entries of architectures not asked. */
    used = new Set();
    /** Architectures this run solved for: their unused entries are stale and dropped. */
    arches = new Set();
    /** Keys whose stored answers were refused, and why. */
    refused = new Map();
    /**
     * The stored answer to `request`, if there is one that can be its answer (marks it used). An
     * answer that cannot (see answer-check.ts) is not returned; `refusal` tells why.
     */
    get(request) {
        this.arches.add(request.arch);
        const key = requestKey(request);
        const hit = this.entries.get(key);
        if (!hit)
            return undefined;
        const problem = answerProblem(request, hit.outcome, solverOf(request.ecosystem).answer);
        if (problem !== undefined) {
            this.refused.set(key, problem);
            return undefined;
        }
        this.used.add(key);
        return hit.outcome;
    }
    /** Why the stored answer to `request` was not used, when it was refused. */
    refusal(request) {
        return this.refused.get(requestKey(request));
    }
    set(request, outcome) {
        this.arches.add(request.arch);
        const key = requestKey(request);
        this.entries.set(key, { request, outcome });
        this.used.add(key);
    }
    /** True when `base` holds the same entry for `request` (key and answer), as it was committed. */
    sameEntryIn(base, request) {
        const key = requestKey(request);
        const mine = this.entries.get(key);
        const theirs = base.entries.get(key);
        return mine !== undefined && theirs !== undefined && (0,external_node_util_.isDeepStrictEqual)(mine, theirs);
    }
    get size() {
        return this.entries.size;
    }
    /**
     * The file, sorted by key: the entries this run used, and those of architectures it did not
     * solve for (a run for amd64 keeps the arm64 locks another run made).
     */
    serialize() {
        const keys = [...this.entries.keys()]
            .filter((k) => this.used.has(k) || !this.arches.has(this.entries.get(k).request.arch))
            .sort();
        const out = [
            '{',
            `  "lockfileVersion": ${LOCKFILE_VERSION},`,
            '  "comment": "Generated by Stowage: the solver results the plan was made from. Commit it; refresh with `stowage lock`.",',
            '  "solves": {',
        ];
        keys.forEach((key, i) => {
            const { request, outcome } = this.entries.get(key);
            const head = {
                ecosystem: request.ecosystem,
                arch: request.arch,
                specs: [...request.specs].sort(),
                sources: request.sources,
                ...(request.python !== undefined ? { python: request.python } : {}),
                ...(request.gpu ? { gpu: true } : {}),
            };
            const fields = Object.entries(head).map(([k, v]) => `      ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
            if (outcome.kind === 'solved') {
                fields.push('      "result": "solved"');
                const lines = outcome.packages.map((p) => `        ${JSON.stringify(storedPackage(p))}`);
                fields.push(`      "packages": [\n${lines.join(',\n')}\n      ]`);
                if (outcome.npmLockfile !== undefined)
                    fields.push(`      "npmLockfile": ${JSON.stringify(outcome.npmLockfile)}`);
            }
            else {
                fields.push('      "result": "conflict"');
                fields.push(`      "names": ${JSON.stringify(outcome.names)}`);
                fields.push(`      "explanation": ${JSON.stringify(outcome.explanation)}`);
                if (outcome.pairs !== undefined) {
                    const lines = outcome.pairs.map((p) => `        ${JSON.stringify(p)}`);
                    fields.push(`      "pairs": [\n${lines.join(',\n')}\n      ]`);
                }
            }
            out.push(`    ${JSON.stringify(key)}: {\n${fields.join(',\n')}\n    }${i < keys.length - 1 ? ',' : ''}`);
        });
        out.push('  }', '}', '');
        return out.join('\n');
    }
    /** Reads a lock file; anything malformed is an InputError that names the file and the entry. */
    static parse(text, file) {
        const store = new LockStore();
        let doc;
        try {
            doc = JSON.parse(text);
        }
        catch {
            // The parser's message quotes the text: never echo a file's content into a log.
            throw new errors/* InputError */.d(`${file} is not valid JSON; fix it or delete it and run \`stowage lock\``);
        }
        const d = doc;
        if (d.lockfileVersion !== LOCKFILE_VERSION || typeof d.solves !== 'object' || d.solves === null)
            throw new errors/* InputError */.d(`${file}: not a Stowage lock file of version ${LOCKFILE_VERSION}; delete it and run \`stowage lock\``);
        for (const [key, raw] of Object.entries(d.solves)) {
            const entry = readEntry(raw, `${file}: entry ${key}`);
            store.entries.set(requestKey(entry.request), entry);
        }
        return store;
    }
}
/** What a line of the file holds: the entry says the ecosystem and architecture. */
function storedPackage(p) {
    const out = { name: p.name, version: p.version };
    if (p.build !== undefined)
        out.build = p.build;
    out.source = p.source;
    out.url = p.url;
    if (p.sha256)
        out.sha256 = p.sha256;
    if (p.md5)
        out.md5 = p.md5;
    if (p.integrity)
        out.integrity = p.integrity;
    if (p.depends)
        out.depends = p.depends;
    if (p.size !== undefined)
        out.size = p.size;
    return out;
}
const ECOSYSTEMS = SOLVERS.map((s) => s.ecosystem);
const ARCHES = ['amd64', 'arm64'];
const URL_LINE = /^https?:\/\/[^\s#"'\\]+$/;
const CHECKS = {
    name: /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[A-Za-z0-9_][A-Za-z0-9._~-]*$/,
    version: /^[A-Za-z0-9][A-Za-z0-9._+!~-]*$/,
    build: /^[A-Za-z0-9_.+-]*$/,
    sha256: /^[0-9a-f]{64}$/,
    md5: /^[0-9a-f]{32}$/,
    integrity: /^sha(?:1|256|384|512)-[A-Za-z0-9+/=]+(?: sha(?:1|256|384|512)-[A-Za-z0-9+/=]+)*$/,
};
function readEntry(raw, where) {
    const bad = (what) => {
        throw new errors/* InputError */.d(`${where}: ${what}; fix it or delete the entry and run \`stowage lock\``);
    };
    if (typeof raw !== 'object' || raw === null)
        return bad('not an object');
    const e = raw;
    const strings = (v, what) => Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? v
        : bad(`${what} must be a list of strings`);
    if (!ECOSYSTEMS.includes(e.ecosystem))
        bad(`unknown ecosystem ${String(e.ecosystem)}`);
    if (!ARCHES.includes(e.arch))
        bad(`unknown arch ${String(e.arch)}`);
    const request = {
        ecosystem: e.ecosystem,
        arch: e.arch,
        specs: strings(e.specs, 'specs'),
        sources: strings(e.sources, 'sources'),
    };
    if (e.python !== undefined) {
        if (typeof e.python !== 'string' || !/^\d+(?:\.\d+){0,2}$/.test(e.python))
            bad('python must be a version');
        request.python = e.python;
    }
    if (e.gpu !== undefined) {
        if (e.gpu !== true)
            bad('gpu must be true when present');
        request.gpu = true;
    }
    if (e.result === 'conflict') {
        if (typeof e.explanation !== 'string')
            bad('a conflict needs its explanation');
        const outcome = {
            kind: 'conflict',
            explanation: e.explanation,
            names: strings(e.names, 'names'),
        };
        if (e.pairs !== undefined) {
            if (request.ecosystem !== 'conda')
                bad('only conda conflicts are read from records (pairs)');
            outcome.pairs = readPairs(e.pairs, request, bad);
        }
        return { request, outcome };
    }
    if (e.result !== 'solved' || !Array.isArray(e.packages))
        return bad('result must be "solved" (with packages) or "conflict"');
    const packages = e.packages.map((p, i) => readPackage(p, request, `${where}, package ${i + 1}`));
    const outcome = { kind: 'solved', packages };
    if (e.npmLockfile !== undefined) {
        if (typeof e.npmLockfile !== 'string')
            bad('npmLockfile must be a string');
        outcome.npmLockfile = e.npmLockfile;
    }
    return { request, outcome };
}
/** A conflict's pairs: two of the request's specs each, and why they cannot be installed together. */
function readPairs(value, request, bad) {
    if (!Array.isArray(value) || value.length === 0)
        return bad('pairs must be a list, not empty');
    return value.map((p) => {
        const pair = p;
        if (typeof pair !== 'object' ||
            pair === null ||
            !Array.isArray(pair.specs) ||
            pair.specs.length !== 2 ||
            pair.specs[0] === pair.specs[1] ||
            !pair.specs.every((s) => typeof s === 'string' && request.specs.includes(s)) ||
            typeof pair.explanation !== 'string')
            return bad("each pair needs two different specs of the request's and an explanation");
        return {
            specs: [pair.specs[0], pair.specs[1]],
            explanation: pair.explanation,
        };
    });
}
function readPackage(raw, request, where) {
    const bad = (what) => {
        throw new errors/* InputError */.d(`${where}: ${what}; fix it or delete the entry and run \`stowage lock\``);
    };
    if (typeof raw !== 'object' || raw === null)
        return bad('not an object');
    const p = raw;
    for (const [field, pattern] of Object.entries(CHECKS)) {
        const v = p[field];
        if (v === undefined && field !== 'name' && field !== 'version')
            continue;
        if (typeof v !== 'string' || !pattern.test(v))
            bad(`${field} ${JSON.stringify(v)} is not valid`);
    }
    for (const field of ['url', 'source']) {
        if (typeof p[field] !== 'string' || !URL_LINE.test(p[field]))
            bad(`${field} ${JSON.stringify(p[field])} is not a plain http(s) URL`);
    }
    const depends = p.depends;
    if (depends !== undefined &&
        !(Array.isArray(depends) && depends.every((d) => typeof d === 'string' && CHECKS.name.test(d))))
        bad('depends must be a list of package names');
    if (p.size !== undefined && !(Number.isSafeInteger(p.size) && p.size >= 0))
        bad('size must be a number of bytes');
    // Whether the entry can answer its request (sources, URLs, hashes) is checked where it is used.
    // The order the solvers write, so a plan from the lock file is byte for byte the solver's.
    const out = {
        ecosystem: request.ecosystem,
        name: p.name,
        version: p.version,
        ...(p.build !== undefined ? { build: p.build } : {}),
        source: p.source,
        url: p.url,
        ...(p.sha256 !== undefined ? { sha256: p.sha256 } : {}),
        ...(p.md5 !== undefined ? { md5: p.md5 } : {}),
        ...(p.integrity !== undefined ? { integrity: p.integrity } : {}),
        ...(depends !== undefined ? { depends: depends } : {}),
        ...(p.size !== undefined ? { size: p.size } : {}),
        arch: request.arch,
    };
    return out;
}

;// CONCATENATED MODULE: ./src/app/resolve.ts









/** `stowage.yml` → `stowage.lock`; another file or a folder → `stowage.lock` in its folder. */
function lockFilePath(specPath, isFolder) {
    if (isFolder)
        return external_node_path_default().join(specPath, 'stowage.lock');
    if (/\.ya?ml$/i.test(specPath))
        return specPath.replace(/\.ya?ml$/i, '.lock');
    return external_node_path_default().join(external_node_path_default().dirname(specPath), 'stowage.lock');
}
/** `linux/amd64`, `linux/arm64/v8` → the architectures to lock for. */
function archesOf(platforms) {
    // Not this machine's architecture: a lock made on an arm64 laptop must still serve the amd64
    // runners most images are built on (and a run for one arch keeps the other's entries).
    if (!platforms || platforms.length === 0)
        return ['amd64'];
    const arches = new Set();
    for (const p of platforms) {
        const arch = /^linux\/(amd64|arm64)(?:\/v\d+)?$/.exec(p.trim())?.[1];
        if (!arch)
            throw new errors/* InputError */.d(`platform "${p}": packages are solved and locked for linux/amd64 and linux/arm64 only; plan by name for other platforms (resolve: off, --resolve off)`);
        arches.add(arch);
    }
    return ['amd64', 'arm64'].filter((a) => arches.has(a));
}
/** A lock file is small: a generous cap keeps a committed link to a device from being read. */
const LOCK_FILE_MAX_BYTES = 64_000_000;
async function resolveWorkflow(workflow, planOptions, lockPath, options, root) {
    if (options.mode === 'off')
        throw new Error('resolveWorkflow: mode off means a name-level plan');
    const mode = options.mode;
    const shown = external_node_path_default().basename(lockPath);
    const before = (0,external_node_fs_.existsSync)(lockPath)
        ? (0,paths/* readWorkspaceFile */.sL)(root, lockPath, { maxBytes: LOCK_FILE_MAX_BYTES, shown })
        : undefined;
    const store = before === undefined ? new LockStore() : LockStore.parse(before, shown);
    const { spec, ignored } = specSourcesOf(workflow, options.specSources ?? true);
    const verification = options.verifyLock === undefined || before === undefined
        ? undefined
        : await lockVerification(store, options.verifyLock.since, lockPath, root, options.run);
    const result = await resolvePlan(workflow, planOptions, {
        mode,
        channelUrls: {
            ...(0,sources/* parseChannelUrls */.nb)(Object.entries(spec.channelUrls ?? {}).map(([n, u]) => `${n}=${u}`), 'containers.channel-urls'),
            ...options.channelUrls,
        },
        pipIndexUrl: (0,sources/* checkedSourceUrl */.K)(options.pipIndexUrl ?? spec.pipIndexUrl ?? sources/* DEFAULT_PIP_INDEX */.p$, 'pip index'),
        npmRegistry: (0,sources/* checkedSourceUrl */.K)(options.npmRegistry ?? spec.npmRegistry ?? sources/* DEFAULT_NPM_REGISTRY */.aF, 'npm registry'),
        arches: archesOf(options.platforms),
        python: options.python ?? 'python3',
        npm: options.npm ?? 'npm',
        ...(verification ? { verify: verification.verify } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.repodataCache
            ? {
                cacheDir: 'dir' in options.repodataCache
                    ? options.repodataCache.dir
                    : defaultCacheDir(options.repodataCache.env, options.repodataCache.home),
            }
            : {}),
    }, store, { fetch: options.fetch, run: options.run, limits: options.limits });
    const text = store.serialize();
    const changed = store.size > 0 && text !== before && mode !== 'offline';
    const notes = [
        ...(ignored.length
            ? [
                `The spec's ${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} not used on a pull request: a pull request cannot choose where packages come from. Give mirrors through ${(0,option_names/* optionRef */.$)('channelUrls')}, ${(0,option_names/* optionRef */.$)('pipIndexUrl')} and ${(0,option_names/* optionRef */.$)('npmRegistry')}.`,
            ]
            : []),
        ...(verification?.note ? [verification.note] : []),
        ...result.notes,
    ];
    return {
        plan: result.plan,
        findings: result.findings,
        outcome: {
            notes,
            lockMismatches: result.lockMismatches,
            stats: result.stats,
            ...(changed ? { lockFile: { path: lockPath, text } } : {}),
        },
    };
}
/**
 * Which lock answers to verify: those not in the lock file as committed at `revision` (read with
 * `git show`); every answer when that file cannot be read there (a shallow clone), with a note.
 */
async function lockVerification(store, revision, lockPath, root, run) {
    const shown = external_node_path_default().relative(root, lockPath).split((external_node_path_default()).sep).join('/');
    const everything = (why) => ({
        verify: () => true,
        note: `Every answer of ${shown} is verified by solving it again: ${why}.`,
    });
    if (revision === undefined)
        return everything('no earlier revision to compare with was given');
    if (!/^[0-9A-Za-z._/~^-]{1,200}$/.test(revision) || revision.startsWith('-'))
        return everything(`"${revision}" is not a git revision`);
    const git = (args) => run('git', ['-C', root, ...args], { timeoutMs: 30_000 });
    let result;
    try {
        const known = await git(['cat-file', '-e', `${revision}^{commit}`]);
        if (known.exitCode !== 0)
            return everything(`${revision} is not in this clone (a shallow clone? fetch-depth: 2 in actions/checkout fetches it)`);
        result = await git(['show', `${revision}:./${shown}`]);
    }
    catch (error) {
        return everything(`git cannot run (${error.message})`);
    }
    // No lock file at that revision: every answer is new.
    if (result.exitCode !== 0)
        return { verify: () => true };
    let base;
    try {
        base = LockStore.parse(result.stdout, `${shown} at ${revision}`);
    }
    catch {
        return { verify: () => true };
    }
    return { verify: (request) => !store.sameEntryIn(base, request) };
}
/** The spec's own package sources, or none (with the keys left out) where it may be an attacker's. */
function specSourcesOf(workflow, trusted) {
    const spec = workflow.containers;
    if (trusted)
        return { spec, ignored: [] };
    const ignored = [
        spec.channelUrls && Object.keys(spec.channelUrls).length > 0 ? 'containers.channel-urls' : '',
        spec.pipIndexUrl ? 'containers.pip-index-url' : '',
        spec.npmRegistry ? 'containers.npm-registry' : '',
    ].filter(Boolean);
    const { channelUrls: _c, pipIndexUrl: _p, npmRegistry: _n, ...rest } = spec;
    return { spec: rest, ignored };
}


/***/ }),

/***/ 3211:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ pool)
/* harmony export */ });
/**
 * Work on a list, at most `limit` items at once (builds, shard fetches, HEAD requests).
 */
/**
 * Runs `task` on each item with at most `limit` running at once; results in input order. After a
 * task fails no other starts, and the failure is thrown once those running have ended (nothing
 * is left working after the call returns).
 */
async function pool(items, limit, task) {
    const results = new Array(items.length);
    let next = 0;
    let failure;
    const worker = async () => {
        while (next < items.length && !failure) {
            const i = next++;
            try {
                results[i] = await task(items[i], i);
            }
            catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failure)
        throw failure.error;
    return results;
}


/***/ })

};
