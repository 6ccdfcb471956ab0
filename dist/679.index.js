export const id = 679;
export const ids = [679];
export const modules = {

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


/***/ }),

/***/ 9679:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  wo: () => (/* binding */ LOCAL_REGISTRY),
  Gg: () => (/* binding */ buildPlan)
});

// UNUSED EXPORTS: DEFAULT_STALL_TIMEOUT_MS, smokeTestOf, stageBuildContext

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/common/option-names.ts
var option_names = __webpack_require__(2169);
;// CONCATENATED MODULE: ./src/images/progress.ts
/**
 * A group's build as it goes, for people watching it: a line when the builder starts each step of
 * the Dockerfile (`[python] step 3/9 RUN micromamba install … (42 s)`), every line of the build's
 * output in verbose mode, and a line now and then when a step runs long without finishing. Reads
 * the builders' own progress lines: BuildKit's plain progress (`#8 [stage-1 3/9] RUN …`), buildah's
 * (`STEP 3/9: RUN …`) and the classic engine's (`Step 3/9 : RUN …`).
 */
/** The Dockerfile step a builder's output line says it started, e.g. `3/9 RUN apt-get …`. */
function stepStarted(line) {
    const buildkit = /^#\d+ \[(?:[^\]\s]+ )?(\d+\/\d+)\] (.+)$/.exec(line.trim());
    const buildah = /^STEP (\d+\/\d+): (.+)$/.exec(line.trim());
    const classic = /^Step (\d+\/\d+) : (.+)$/.exec(line.trim());
    const m = buildkit ?? buildah ?? classic;
    return m ? { step: m[1], instruction: m[2] } : undefined;
}
/** Seconds as `42 s` or `3m 05s`. */
function elapsed(ms) {
    const s = Math.round(ms / 1000);
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
class BuildProgress {
    options;
    started;
    current;
    now;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? Date.now;
        this.started = this.now();
    }
    /** One line of the builder's output. */
    feed(line) {
        const step = stepStarted(line);
        if (step) {
            this.current = { ...step, since: this.now() };
            if (!this.options.verbose)
                this.say(`step ${step.step} ${shorten(step.instruction)} (${this.elapsed()})`);
        }
        if (this.options.verbose)
            this.say(line);
    }
    /** The step the build is on, and for how long: for a heartbeat or a stall's reason. */
    get step() {
        return this.current && { ...this.current, runningMs: this.now() - this.current.since };
    }
    /** A line that the build is still on its step (called now and then while nothing happens). */
    heartbeat() {
        const step = this.step;
        if (step)
            this.say(`still on step ${step.step} ${shorten(step.instruction, 60)} (${elapsed(step.runningMs)} on it, ${this.elapsed()} in all)`);
    }
    elapsed() {
        return elapsed(this.now() - this.started);
    }
    say(text) {
        this.options.print(`[${this.options.group}] ${text}`);
    }
}
function shorten(text, max = 100) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// EXTERNAL MODULE: ./src/common/paths.ts
var paths = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/pool.ts
var pool = __webpack_require__(3211);
// EXTERNAL MODULE: ./src/images/builder.ts
var images_builder = __webpack_require__(3437);
// EXTERNAL MODULE: ./src/images/reference.ts
var reference = __webpack_require__(4719);
// EXTERNAL MODULE: ./src/images/commands.ts
var commands = __webpack_require__(7318);
// EXTERNAL MODULE: ./src/images/registry.ts
var registry = __webpack_require__(9283);
// EXTERNAL MODULE: ./src/images/tags.ts
var tags = __webpack_require__(2629);
// EXTERNAL MODULE: ./src/common/image-name.ts
var image_name = __webpack_require__(5614);
;// CONCATENATED MODULE: ./src/images/build.ts
/**
 * Builds a plan: find a builder, then for each group stage its context, ask the registry whether
 * the content-hash tag exists (then only add the run's tags: `skipped`), else build and push.
 * Groups run concurrently up to `parallel`; one group's failure never hides the others' results;
 * moving tags (`latest`, the branch) are applied only when every group succeeded.
 *
 * Without a registry the images are local (`localhost/stowage/<group>:<content-hash tag>`): no
 * registry is asked and nothing is pushed.
 *
 * Each group builds in its own staged context in a fresh temporary folder: the generated files
 * plus copies of the context files the Dockerfile copies (see `stageBuildContext`).
 */













/** Where images go when no registry is given: named as buildah and podman name local images. */
const LOCAL_REGISTRY = 'localhost/stowage';
const quietLog = {
    info: () => undefined,
    warning: () => undefined,
    group: () => undefined,
};
/** A build that writes nothing for this long is stopped (see BuildOptions.stallTimeoutMs). */
const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;
/** Why a stopped build stalled: the step it was on, and what usually makes a step wait. */
function stalled(progress, ms) {
    const step = progress.step;
    const where = step ? ` on step ${step.step} (${step.instruction.slice(0, 80)})` : '';
    const failure = new images_builder/* ToolFailure */.XY(`the build made no progress for ${elapsed(ms)}${where} and was stopped: a step that reaches the network waits silently when the builder's network has no route out (a daemon without NAT, a firewall) — build with ${(0,option_names/* optionRef */.$)('network', 'host')}, or point the step at a mirror it can reach`);
    failure.stalled = true;
    return failure;
}
/** What a build log says of the smoke test (its lines, past the builder's `#12 0.35 ` prefixes). */
function smokeTestOf(lines) {
    const missing = {};
    const undispatched = [];
    for (const line of lines) {
        const m = /stowage-smoke-test: step (\S+): missing(.*)$/.exec(line);
        if (!m)
            continue;
        const step = m[1];
        let rest = m[2];
        if (rest.includes('(the entrypoint does not dispatch it)')) {
            undispatched.push(step);
            rest = rest.replace('(the entrypoint does not dispatch it)', '');
        }
        const commands = rest.trim().split(/\s+/).filter(Boolean);
        if (commands.length > 0)
            missing[step] = commands;
    }
    return Object.keys(missing).length > 0 || undispatched.length > 0
        ? { status: 'failed', missing, undispatched }
        : { status: 'passed' };
}
/** The one line a failed smoke test is reported by: each step and what it lacks. */
function smokeTestError(smoke) {
    const parts = [
        ...Object.entries(smoke.missing).map(([step, commands]) => `step ${step} lacks ${commands.join(', ')}`),
        ...smoke.undispatched.map((step) => `the entrypoint does not dispatch step ${step}`),
    ];
    return `the smoke test inside the image failed, so nothing was pushed: ${parts.join('; ')}. Add the package that provides each command to the step's software (or correct the command).`;
}
/** `dir/name`, refusing names that are absolute or climb out of `dir`. */
function inside(dir, name, what) {
    const target = (0,external_node_path_.resolve)(dir, name);
    const rel = (0,external_node_path_.relative)(dir, target);
    if ((0,external_node_path_.isAbsolute)(name) || rel === '' || rel.startsWith('..') || (0,external_node_path_.isAbsolute)(rel)) {
        throw new images_builder/* BuildError */.zS(`${what} ${JSON.stringify(name)} leaves ${dir}`);
    }
    return target;
}
/**
 * Stages a group's build context in `<stagingRoot>/<group>/`: its generated files (Dockerfile,
 * entrypoint, build scripts) beside copies of the context files it copies in, at their paths
 * relative to the context root — the layout the plan's Dockerfile expects. A small context of
 * exactly the group's inputs keeps the rest of the repository out of the build. The staging root
 * is a fresh temporary folder, never a path inside the repository, so a committed symbolic link
 * cannot send these writes elsewhere; copied files must resolve inside the repository.
 */
function stageBuildContext(contextRoot, group, stagingRoot) {
    if (group.blocked && group.blocked.length > 0) {
        throw new images_builder/* BuildError */.zS(`group ${group.name} cannot be built: ${group.blocked.join('; ')}`);
    }
    if (!group.generated.Dockerfile) {
        throw new images_builder/* BuildError */.zS(`group ${group.name} has no generated Dockerfile`);
    }
    const dir = inside(stagingRoot, group.name, 'group name');
    (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    for (const [name, content] of Object.entries(group.generated)) {
        const target = inside(dir, name, `group ${group.name}: generated file`);
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(target), { recursive: true });
        (0,external_node_fs_.writeFileSync)(target, content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
    }
    for (const path of group.contextFiles) {
        if (Object.hasOwn(group.generated, path)) {
            throw new images_builder/* BuildError */.zS(`group ${group.name}: context file ${path} has the name of a generated file`);
        }
        inside(contextRoot, path, `group ${group.name}: context file`);
        const target = inside(dir, path, `group ${group.name}: context file`);
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(target), { recursive: true });
        try {
            const source = (0,paths/* realPathInside */.oG)(contextRoot, path);
            (0,external_node_fs_.cpSync)(source, target, {
                recursive: true,
                dereference: false,
                // A link inside a copied folder must not reach outside the repository either, and no
                // `.git` folder (at any depth: a vendored tool's clone) enters an image: it may hold a token.
                filter: (from) => {
                    if ((0,external_node_path_.basename)(from) === '.git')
                        return false;
                    if ((0,external_node_fs_.lstatSync)(from).isSymbolicLink())
                        (0,paths/* realPathInside */.oG)(contextRoot, (0,external_node_path_.relative)(contextRoot, from));
                    return true;
                },
            });
        }
        catch (err) {
            throw new images_builder/* BuildError */.zS(`group ${group.name}: cannot copy context file ${path}: ${err.message}`);
        }
    }
    return { contextDir: dir, dockerfile: (0,external_node_path_.join)(dir, 'Dockerfile') };
}
function selectGroups(plan, filter) {
    if (!filter || filter.length === 0)
        return plan.groups;
    const known = new Set(plan.groups.map((g) => g.name));
    const unknown = filter.filter((g) => !known.has(g));
    if (unknown.length > 0) {
        throw new images_builder/* BuildError */.zS(`groups ${unknown.join(', ')} not in the plan (its groups: ${[...known].join(', ') || 'none'})`);
    }
    return plan.groups.filter((g) => filter.includes(g.name));
}
function errorText(err) {
    return err instanceof Error ? err.message : String(err);
}
/** Builds (or skips) every selected group of the plan. Throws only for bad options or no builder
 * when one is needed; group failures are results. */
async function buildPlan(plan, options) {
    const run = new PlanBuild(plan, options);
    try {
        return await run.execute();
    }
    finally {
        run.cleanup();
    }
}
/** One run of `buildPlan`: the settings every group shares, and the steps in order. */
class PlanBuild {
    plan;
    options;
    log;
    local;
    registry;
    host;
    groups;
    tags;
    fixed;
    moving;
    insecure;
    client;
    contextRoot;
    created;
    cache;
    stagingRoot;
    /** The builder, or why there is none; found before any registry is asked. */
    builder;
    constructor(plan, options) {
        this.plan = plan;
        this.options = options;
        this.log = options.log ?? quietLog;
        this.local = !options.registry?.trim();
        if (this.local && options.push) {
            throw new images_builder/* BuildError */.zS('nothing to push to: give a registry (host[:port]/path), or build without pushing');
        }
        this.registry = this.local ? LOCAL_REGISTRY : (0,reference/* normaliseRegistry */.Me)(options.registry);
        if (!this.local && this.registry !== options.registry.trim().replace(/\/+$/, '')) {
            this.log.info(`registry ${options.registry} written as ${this.registry} (image names are lower case)`);
        }
        this.host = (0,reference/* parseRepository */.SU)(this.registry).host;
        this.groups = selectGroups(plan, options.groups);
        this.tags = (0,tags/* runTags */.He)(options.context, options.tagRules ?? []);
        this.fixed = this.tags.filter((t) => !t.moving).map((t) => t.tag);
        this.moving = this.tags.filter((t) => t.moving).map((t) => t.tag);
        this.insecure = options.registryOptions?.insecure ?? (0,reference/* isLoopbackHost */.cW)(this.host);
        if (!this.local) {
            this.client = new registry/* RegistryClient */.bP(this.host, {
                ...options.registryOptions,
                insecure: this.insecure,
                credentials: options.credentials,
                onRetry: options.registryOptions?.onRetry ?? ((m) => this.log.info(`retrying: ${m}`)),
            });
        }
        this.contextRoot = (0,external_node_path_.resolve)(options.workspace, plan.context);
        this.created = options.created ?? new Date();
        this.cache = options.cache ?? 'inline';
        this.stagingRoot = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'stowage-build-'));
    }
    cleanup() {
        (0,external_node_fs_.rmSync)(this.stagingRoot, { recursive: true, force: true });
    }
    async execute() {
        const where = this.local
            ? 'local images (no registry)'
            : (0,reference/* repositoryName */.aR)((0,reference/* parseRepository */.SU)(this.registry));
        this.log.info(`${this.options.push ? 'pushing' : 'not pushing'} ${this.groups.length} group(s) to ${where}; ` +
            `run tags: ${this.tags.map((t) => t.tag + (t.moving ? ' (moving)' : '')).join(', ') || 'none'}`);
        await this.findBuilder();
        let done = 0;
        const results = await (0,pool/* pool */.d)(this.groups, this.options.parallel ?? 2, async (group) => {
            // Interrupted: no group starts; the ones running stop with their builder (its signal).
            if (this.options.signal?.aborted) {
                const repo = (0,reference/* groupRepository */.Kk)(this.registry, group.name);
                return { ...this.baseResult(group, repo), error: 'interrupted before it started' };
            }
            const result = await this.buildGroupLogged(group);
            done += 1;
            this.log.info(`[${done}/${this.groups.length}] ${group.name}: ${result.status}` +
                (result.digest ? ` ${result.digest.slice(0, 19)}` : '') +
                ` in ${(result.durationMs / 1000).toFixed(1)} s`);
            return result;
        });
        if (!this.options.signal?.aborted)
            await this.applyMovingTags(results);
        return results;
    }
    /**
     * The builder comes first, so a machine without one says so at once. A run that pushes may
     * still retag unchanged groups without a builder; one that does not push has nothing to do.
     */
    async findBuilder() {
        const { builder } = this.options;
        try {
            const b = typeof builder === 'function' ? await builder() : builder;
            this.log.info(`builder: ${b.description}`);
            this.builder = b;
        }
        catch (err) {
            if (!this.options.push)
                throw err;
            this.builder = err instanceof Error ? err : new Error(String(err));
            this.log.warning(`no builder: ${this.builder.message}; groups that need a build will fail`);
        }
    }
    loggedIn;
    /** The builder, logged in to the registry once when pushing with credentials. */
    async readyBuilder() {
        if (!this.builder || this.builder instanceof Error)
            throw this.builder ?? new images_builder/* BuildError */.zS('no builder');
        const b = this.builder;
        const credentials = this.options.credentials;
        if (credentials && this.options.push) {
            this.loggedIn ??= b.login(this.host === 'registry-1.docker.io' ? 'docker.io' : this.host, credentials.username, credentials.password, this.insecure);
            await this.loggedIn;
        }
        return b;
    }
    async buildGroupLogged(group) {
        const started = Date.now();
        const lines = [];
        const repo = (0,reference/* groupRepository */.Kk)(this.registry, group.name);
        const result = await this.buildGroup(group, repo, lines).catch((err) => {
            // A tool's output is in the log already; other errors (registry, staging) are said here.
            if (!(err instanceof images_builder/* ToolFailure */.XY))
                lines.push(`error: ${errorText(err)}`);
            const failed = { ...this.baseResult(group, repo), status: 'failed' };
            const smoke = smokeTestOf(lines);
            if (smoke.status === 'failed')
                return { ...failed, smokeTest: smoke, error: smokeTestError(smoke) };
            return { ...failed, error: errorText(err) };
        });
        result.durationMs = Date.now() - started;
        this.log.group(`${group.name}: ${result.status}`, lines, result.status !== 'failed');
        return result;
    }
    baseResult(group, repo) {
        return {
            group: group.name,
            steps: [...group.steps],
            image: (0,reference/* repositoryName */.aR)(repo),
            tags: [],
            status: 'failed',
            pushed: false,
            estimatedSize: group.estimatedSize,
            durationMs: 0,
        };
    }
    async buildGroup(group, repo, lines) {
        const staged = stageBuildContext(this.contextRoot, group, this.stagingRoot);
        const hashTag = (0,tags/* contentHashTag */.SH)(group.contentHash);
        const image = (0,reference/* repositoryName */.aR)(repo);
        const result = this.baseResult(group, repo);
        const existing = await this.existingDigest(repo, hashTag, lines);
        if (existing) {
            lines.push(`${image}:${hashTag} exists (${existing}): unchanged, not rebuilt`);
            result.status = 'skipped';
            result.digest = existing;
        }
        else {
            const built = await this.buildImage(group, repo, hashTag, staged, lines);
            result.status = 'built';
            result.size = built.size;
            result.digest = built.digest;
        }
        result.tags = [hashTag, ...this.fixed];
        result.smokeTest = { status: 'passed' };
        await this.addFixedTags(repo, result, existing !== undefined);
        result.commands = await this.providedCommands(repo, hashTag, result, lines);
        return result;
    }
    /**
     * What the image provides, from the registry when it is there (pushed, or found unchanged),
     * else from the engine's local store. Never fails the group: a list that cannot be read is
     * said in its log and left out.
     */
    async providedCommands(repo, hashTag, result, lines) {
        try {
            if (this.client && (result.pushed || result.status === 'skipped')) {
                const found = await (0,commands/* registryCommands */.U1)(this.client, repo.path, result.digest ?? hashTag);
                if (found)
                    return found;
            }
            else if (this.builder && !(this.builder instanceof Error) && this.builder.readCommands) {
                const found = await this.builder.readCommands(`${(0,reference/* repositoryName */.aR)(repo)}:${hashTag}`);
                if (found)
                    return found;
            }
            lines.push(`note: the image lists no commands it provides (built before Stowage listed them)`);
        }
        catch (err) {
            lines.push(`note: cannot read the commands the image provides: ${errorText(err)}`);
        }
        return undefined;
    }
    /** The digest of the content-hash tag when the registry has it already. */
    async existingDigest(repo, hashTag, lines) {
        if (!this.client)
            return undefined;
        try {
            return (await this.client.headManifest(repo.path, hashTag))?.digest;
        }
        catch (err) {
            // Without push a PR may lack read access: build to check the Dockerfile anyway.
            if (this.options.push)
                throw err;
            lines.push(`registry check failed, building anyway: ${errorText(err)}`);
            return undefined;
        }
    }
    async buildImage(group, repo, hashTag, staged, lines) {
        const image = (0,reference/* repositoryName */.aR)(repo);
        const builder = await this.readyBuilder();
        lines.push(`building ${image}:${hashTag}`);
        const progress = new BuildProgress({
            group: group.name,
            verbose: this.options.verbose === true,
            print: (line) => this.log.progress?.(line),
        });
        const heartbeatMs = this.options.heartbeatMs ?? 60_000;
        const heartbeat = setInterval(() => {
            if ((progress.step?.runningMs ?? 0) >= heartbeatMs)
                progress.heartbeat();
        }, heartbeatMs);
        const stallTimeoutMs = this.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
        const output = await builder
            .build({
            group: group.name,
            contextDir: staged.contextDir,
            dockerfile: staged.dockerfile,
            image,
            tags: [`${image}:${hashTag}`],
            labels: (0,tags/* ociLabels */.TT)(this.options.context, {
                workflow: this.plan.workflow,
                group: group.name,
                steps: group.steps,
                contentHash: group.contentHash,
                created: this.created,
            }),
            push: this.options.push,
            platforms: this.options.platforms ?? [],
            cache: this.cache,
            cacheFrom: await this.cacheFrom(repo),
            network: this.options.network,
            insecureRegistry: this.insecure,
            insecureBase: (0,reference/* isLoopbackHost */.cW)(baseImageHost(group.baseImage)),
            log: (line) => {
                lines.push(line);
                progress.feed(line);
            },
            ...(stallTimeoutMs > 0 ? { stallTimeoutMs } : {}),
        })
            .catch((err) => {
            throw err instanceof images_builder/* ToolFailure */.XY && err.stalled ? stalled(progress, stallTimeoutMs) : err;
        })
            .finally(() => clearInterval(heartbeat));
        if (!this.options.push || !this.client)
            return { size: output.localSize };
        // The registry's digest is the truth (a tool's report may name a local manifest).
        const pushed = await this.client.headManifest(repo.path, hashTag);
        if (!pushed)
            throw new images_builder/* BuildError */.zS(`${image}:${hashTag} was pushed but the registry does not have it`);
        if (output.digest && output.digest !== pushed.digest) {
            lines.push(`note: the builder reported ${output.digest}, the registry has ${pushed.digest}`);
        }
        return { size: output.localSize, digest: pushed.digest };
    }
    /** Earlier images of this group share layers; only refs that exist (a missing one fails some engines). */
    async cacheFrom(repo) {
        if (this.cache !== 'inline' || !this.client)
            return [];
        const refs = [];
        for (const tag of ['latest', ...this.moving.filter((t) => t !== 'latest')]) {
            const found = await this.client.headManifest(repo.path, tag).catch(() => undefined);
            if (found)
                refs.push(`${(0,reference/* repositoryName */.aR)(repo)}:${tag}`);
        }
        return refs;
    }
    /** The run's fixed tags (`sha-…`, a version) on the image, and its pull size from the registry. */
    async addFixedTags(repo, result, existed) {
        if (!this.client)
            return;
        // By digest from here on: the client has that manifest cached, so tagging is PUTs only.
        const ref = result.digest ?? (0,tags/* contentHashTag */.SH)(groupOf(this.plan, result.group).contentHash);
        if (this.options.push) {
            await this.client.addTags(repo.path, ref, this.fixed);
            result.pushed = true;
            const info = await this.client.imageInfo(repo.path, ref);
            if (info)
                result.pullSize = info.size;
        }
        else if (existed) {
            const info = await this.client.imageInfo(repo.path, ref).catch(() => undefined);
            if (info)
                result.pullSize = info.size;
        }
    }
    /**
     * Moving tags only when every group of the run succeeded, so they never mix two runs — and all
     * or nothing: every group's image and the tags' current targets are read first; if putting a tag
     * then fails for one group, the tags already moved are put back where they were. The log says
     * what happened either way.
     */
    async applyMovingTags(results) {
        if (this.moving.length === 0)
            return;
        // One job of a matrix (a `groups` filter) cannot know whether the other groups succeeded:
        // it never moves a tag, so `latest` never mixes two runs. A final job without a filter does.
        if (this.options.groups && this.options.groups.length > 0 && this.options.push) {
            this.log.info(`moving tags ${this.moving.join(', ')} not applied: this run builds only some groups (${(0,option_names/* optionRef */.$)('groups')}); run once without it, after the others, to move them`);
            return;
        }
        if (!this.options.push || !this.client) {
            for (const r of results)
                if (r.status !== 'failed')
                    r.tags.push(...this.moving);
            return;
        }
        const failed = results.filter((r) => r.status === 'failed');
        if (failed.length > 0) {
            this.log.warning(`moving tags ${this.moving.join(', ')} were not applied because ${failed.map((r) => r.group).join(', ')} failed`);
            return;
        }
        const client = this.client;
        const moves = [];
        try {
            for (const r of results) {
                const path = (0,reference/* parseRepository */.SU)(r.image).path;
                const ref = r.digest ?? (0,tags/* contentHashTag */.SH)(groupOf(this.plan, r.group).contentHash);
                if (!(await client.getManifest(path, ref)))
                    throw new images_builder/* BuildError */.zS(`${r.image}:${ref} is not in the registry`);
                const before = new Map();
                for (const tag of this.moving) {
                    const current = await client.headManifest(path, tag);
                    if (current)
                        before.set(tag, current.digest);
                }
                moves.push({ r, path, ref, before });
            }
        }
        catch (err) {
            this.failMovingTags(results, undefined, `checking the images first: ${errorText(err)}`, []);
            return;
        }
        const moved = [];
        for (const move of moves) {
            try {
                await client.addTags(move.path, move.ref, this.moving);
                moved.push(move);
            }
            catch (err) {
                const restored = await this.restoreMovingTags([...moved, move]);
                this.failMovingTags(results, move.r, errorText(err), restored);
                return;
            }
        }
        for (const { r } of moves)
            r.tags.push(...this.moving);
    }
    /** Puts each moved tag back on the image it named before this run; says what it could not. */
    async restoreMovingTags(moved) {
        const notes = [];
        for (const { r, path, before } of moved) {
            for (const tag of this.moving) {
                const previous = before.get(tag);
                try {
                    const current = (await this.client.headManifest(path, tag))?.digest;
                    if (current === previous)
                        continue; // never moved
                    if (previous) {
                        await this.client.addTags(path, previous, [tag]);
                        notes.push(`${r.group}:${tag} back on ${previous.slice(0, 19)}`);
                    }
                    else {
                        notes.push(`${r.group}:${tag} is new and cannot be taken back (registries do not delete tags)`);
                    }
                }
                catch (err) {
                    notes.push(`${r.group}:${tag} could not be put back: ${errorText(err)}`);
                }
            }
        }
        return notes;
    }
    /** The run failed to move its tags: the group that failed (if one did) is failed, all say why. */
    failMovingTags(results, culprit, reason, restored) {
        const tags = this.moving.join(', ');
        const error = `adding the moving tags ${tags}: ${reason}`;
        if (culprit) {
            culprit.status = 'failed';
            culprit.error = error;
        }
        else {
            for (const r of results) {
                r.status = 'failed';
                r.error = error;
            }
        }
        this.log.warning(`moving tags ${tags} were applied to no group (all or nothing): ${error}` +
            (restored.length > 0 ? `; restored: ${restored.join('; ')}` : ''));
    }
}
function groupOf(plan, name) {
    const g = plan.groups.find((x) => x.name === name);
    if (!g)
        throw new images_builder/* BuildError */.zS(`group ${name} is not in the plan`);
    return g;
}
/** The registry host of a base image reference (`docker.io` when it names none). */
function baseImageHost(ref) {
    return (0,image_name/* registryHostOf */.p)(ref) ?? 'docker.io';
}


/***/ }),

/***/ 7318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U1: () => (/* binding */ registryCommands),
/* harmony export */   Uw: () => (/* binding */ localCommands)
/* harmony export */ });
/* unused harmony exports COMMAND_NAME, parseCommandsFile, fileInTar */
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _plan_dockerfile_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1636);
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


/** A command name as the listing writes it; anything else in the file is ignored. */
const COMMAND_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
/** Layers larger than this are not read while looking for the list (it is a few kilobytes). */
const MAX_LAYER_BYTES = 16 * 1024 * 1024;
const LAYERS_SEARCHED = 4;
/** The names of a commands file: one a line, plain names only, sorted, once each. */
function parseCommandsFile(text) {
    const names = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => COMMAND_NAME.test(l));
    return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
/**
 * The provided commands of the image `ref` (a tag or digest) names in `path`, or undefined when it
 * has no such list (an image built before Stowage wrote one, or not by Stowage).
 */
async function registryCommands(client, path, ref) {
    const image = await platformManifest(client, path, ref);
    const layers = image?.json.layers ?? [];
    if (!image?.json.config || layers.length === 0)
        return undefined;
    const config = JSON.parse((await client.getBlob(path, image.json.config.digest)).toString());
    // The layer of the RUN that wrote the list, by the history (entries without a layer skipped).
    const history = (config.history ?? []).filter((h) => !h.empty_layer);
    const candidates = [];
    if (history.length === layers.length) {
        const at = history.findLastIndex((h) => (h.created_by ?? '').includes(`> ${_plan_dockerfile_js__WEBPACK_IMPORTED_MODULE_1__/* .COMMANDS_FILE */ .IM}`));
        // No such step: an image from before Stowage listed its commands, or not Stowage's.
        if (at < 0)
            return undefined;
        candidates.push(at);
    }
    else {
        // A history that does not match the layers: the last few layers, from the top.
        for (let i = layers.length - 1; i >= Math.max(0, layers.length - LAYERS_SEARCHED); i -= 1)
            candidates.push(i);
    }
    for (const i of candidates) {
        const layer = layers[i];
        if (layer.size > MAX_LAYER_BYTES)
            continue;
        // gzip (docker, OCI) or a plain tar; zstd layers are not read.
        if (/zstd/.test(layer.mediaType ?? ''))
            continue;
        const blob = await client.getBlob(path, layer.digest);
        let tar;
        try {
            tar = blob[0] === 0x1f && blob[1] === 0x8b ? (0,node_zlib__WEBPACK_IMPORTED_MODULE_0__.gunzipSync)(blob) : blob;
        }
        catch {
            continue;
        }
        const text = fileInTar(tar, _plan_dockerfile_js__WEBPACK_IMPORTED_MODULE_1__/* .COMMANDS_FILE */ .IM.slice(1));
        if (text !== undefined)
            return parseCommandsFile(text);
    }
    return undefined;
}
/** The image manifest itself: linux/amd64 of an index (as `imageInfo` reads it), else the first. */
async function platformManifest(client, path, ref) {
    const top = await client.getManifest(path, ref);
    if (!top?.json.manifests)
        return top;
    const children = top.json.manifests.filter((m) => m.platform?.os !== 'unknown');
    const pick = children.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
        children[0];
    return pick ? client.getManifest(path, pick.digest) : undefined;
}
/**
 * The text of the regular file `name` (no leading `/` or `./`) in a tar archive, or undefined.
 * Reads ustar headers (with their prefix field), pax `path` records and GNU long names; other
 * entries are skipped.
 */
function fileInTar(tar, name) {
    let offset = 0;
    let paxPath;
    while (offset + 512 <= tar.length) {
        const header = tar.subarray(offset, offset + 512);
        if (header.every((b) => b === 0))
            return undefined;
        const field = (start, length) => {
            const raw = header.subarray(start, start + length);
            const end = raw.indexOf(0);
            return raw.subarray(0, end < 0 ? length : end).toString('utf8');
        };
        const size = parseInt(field(124, 12).trim() || '0', 8);
        if (!Number.isFinite(size) || size < 0)
            return undefined;
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
async function localCommands(exec, engine, image) {
    const { binary, env } = engine;
    if (engine.kind === 'docker') {
        const r = await exec(binary, ['run', '--rm', '--network', 'none', '--entrypoint', 'cat', image, _plan_dockerfile_js__WEBPACK_IMPORTED_MODULE_1__/* .COMMANDS_FILE */ .IM], { env });
        return r.exitCode === 0 ? parseCommandsFile(r.stdout) : undefined;
    }
    const from = await exec(binary, ['from', '--pull-never', '--quiet', image], { env });
    const container = from.stdout.trim().split('\n').pop() ?? '';
    if (from.exitCode !== 0 || !/^[\w.-]+$/.test(container))
        return undefined;
    try {
        const r = await exec(binary, ['run', '--isolation', 'chroot', '--network', 'none', container, '--', 'cat', _plan_dockerfile_js__WEBPACK_IMPORTED_MODULE_1__/* .COMMANDS_FILE */ .IM], { env });
        return r.exitCode === 0 ? parseCommandsFile(r.stdout) : undefined;
    }
    finally {
        await exec(binary, ['rm', container], { env });
    }
}


/***/ }),

/***/ 9283:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bP: () => (/* binding */ RegistryClient)
/* harmony export */ });
/* unused harmony exports MEDIA_TYPES, RegistryError, parseRetryAfter, parseChallenge */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4719);
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


const MEDIA_TYPES = {
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
};
const ACCEPT = [
    MEDIA_TYPES.ociManifest,
    MEDIA_TYPES.ociIndex,
    MEDIA_TYPES.dockerManifest,
    MEDIA_TYPES.dockerList,
].join(', ');
class RegistryError extends Error {
    status;
    name = 'RegistryError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/** Token services registries are known to use on another host of their own. */
const KNOWN_AUTH_HOSTS = {
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
function isTransientStatus(status) {
    return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
/** The network error code of a failed fetch (undici wraps it in `cause`). */
function errorCode(err) {
    let e = err;
    for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
        const code = e.code;
        if (typeof code === 'string')
            return code;
        e = e.cause;
    }
    return undefined;
}
/** What went wrong on the network, as the innermost cause says it (`connect ECONNREFUSED …`). */
function networkErrorText(err) {
    let e = err;
    let text = String(err);
    for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
        const message = e.message;
        if (typeof message === 'string' && message !== '')
            text = message;
        e = e.cause;
    }
    const code = errorCode(err);
    return code === 'ECONNREFUSED'
        ? `${text} (nothing listens there: is the registry running?)`
        : text;
}
function isTransientError(err) {
    const code = errorCode(err);
    if (code && TRANSIENT_CODES.has(code))
        return true;
    const name = err?.name;
    // A per-attempt timeout, or undici's "other side closed" without a code.
    return name === 'TimeoutError' || /other side closed|socket hang up/i.test(String(err));
}
/** `Retry-After` in ms: delta-seconds or an HTTP date. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    if (/^[0-9]+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/** Parses `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"`. */
function parseChallenge(header) {
    if (!header)
        return undefined;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
    if (!m)
        return undefined;
    const params = {};
    const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
    for (let p = re.exec(m[2] ?? ''); p; p = re.exec(m[2] ?? '')) {
        params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
    }
    return { scheme: (m[1] ?? '').toLowerCase(), params };
}
/** The `errors[].message` of a registry error body, when there is one. */
function registryMessage(body) {
    try {
        const parsed = JSON.parse(body);
        const parts = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': '));
        if (parts.length > 0)
            return parts.join('; ');
    }
    catch {
        // not JSON: fall through
    }
    return body.trim().slice(0, 200);
}
function digestOf(bytes) {
    return `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(bytes).digest('hex')}`;
}
function checkRef(ref) {
    if (!(0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidTag */ .r_)(ref) && !(0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidDigest */ .fH)(ref)) {
        throw new RegistryError(`${JSON.stringify(ref)} is neither a valid tag nor a sha256 digest`);
    }
    return ref;
}
class RegistryClient {
    host;
    base;
    opts;
    fetchImpl;
    sleep;
    /** Authorization header per scope (`path|action`), once the registry asked for one. */
    auth = new Map();
    /** The scheme the registry challenged with last, reused before asking again. */
    challenge;
    /** Milliseconds of registry work so far, against `budgetMs`. */
    spentMs = 0;
    /** Content addressed, so never stale: manifests and blobs by `path@digest`. */
    manifestCache = new Map();
    blobCache = new Map();
    constructor(host, options = {}) {
        this.host = host;
        const insecure = options.insecure ?? (0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isLoopbackHost */ .cW)(host);
        const apiHost = host === 'docker.io' ? 'registry-1.docker.io' : host;
        this.base = `${insecure ? 'http' : 'https'}://${apiHost}`;
        this.opts = { retries: 5, backoffMs: 250, maxBackoffMs: 10_000, timeoutMs: 60_000, ...options };
        this.fetchImpl = options.fetch ?? fetch;
        this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    }
    /** The manifest a tag or digest points at, or undefined when there is none. */
    async headManifest(path, ref) {
        const res = await this.request('HEAD', path, `manifests/${checkRef(ref)}`, 'pull', {
            headers: { accept: ACCEPT },
            missingOk: true,
        });
        if (!res)
            return undefined;
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
    async getManifest(path, ref) {
        const cached = this.manifestCache.get(`${path}@${ref}`);
        if (cached)
            return cached;
        const res = await this.request('GET', path, `manifests/${checkRef(ref)}`, 'pull', {
            headers: { accept: ACCEPT },
            missingOk: true,
        });
        if (!res)
            return undefined;
        const bytes = res.body;
        const json = JSON.parse(bytes.toString('utf8'));
        const digest = digestOf(bytes);
        const mediaType = json.mediaType ??
            (res.headers.get('content-type') ?? '').split(';')[0] ??
            MEDIA_TYPES.ociManifest;
        const manifest = { digest, mediaType, size: bytes.length, bytes, json };
        if ((0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidDigest */ .fH)(ref) && ref !== digest) {
            throw new RegistryError(`registry ${this.host} sent a manifest for ${path}@${ref} with digest ${digest}`);
        }
        this.manifestCache.set(`${path}@${digest}`, manifest);
        return manifest;
    }
    /** Puts a manifest under a tag; returns its digest. The blobs it names must be in `path`. */
    async putManifest(path, tag, manifest) {
        if (!(0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidTag */ .r_)(tag))
            throw new RegistryError(`${JSON.stringify(tag)} is not a valid tag`);
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
    async addTags(path, from, tags) {
        const manifest = await this.getManifest(path, from);
        if (!manifest) {
            throw new RegistryError(`${this.host}/${path}:${from} does not exist, so it cannot be retagged`, 404);
        }
        // A PUT of the same manifest is idempotent, so no HEAD first: one request per tag.
        for (const tag of tags)
            await this.putManifest(path, tag, manifest);
        return manifest.digest;
    }
    async getBlob(path, digest) {
        if (!(0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidDigest */ .fH)(digest))
            throw new RegistryError(`${JSON.stringify(digest)} is not a sha256 digest`);
        const res = await this.request('GET', path, `blobs/${digest}`, 'pull', {});
        if (!res)
            throw new RegistryError(`blob ${digest} of ${path} is missing`, 404);
        if (digestOf(res.body) !== digest) {
            throw new RegistryError(`blob ${digest} of ${this.host}/${path} does not match its digest`);
        }
        this.blobCache.set(`${path}@${digest}`, res.body);
        return res.body;
    }
    async listTags(path) {
        const res = await this.request('GET', path, 'tags/list', 'pull', { missingOk: true });
        if (!res)
            return [];
        const parsed = JSON.parse(res.body.toString('utf8'));
        return [...(parsed.tags ?? [])].sort();
    }
    /** Digest, pull size and labels of the image a tag names (linux/amd64 of an index). */
    async imageInfo(path, ref) {
        const top = await this.getManifest(path, ref);
        if (!top)
            return undefined;
        let image = top;
        if (top.json.manifests) {
            const children = top.json.manifests.filter((m) => m.platform?.os !== 'unknown');
            const pick = children.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
                children[0];
            if (!pick)
                throw new RegistryError(`${this.host}/${path}:${ref} is an empty image index`);
            const child = await this.getManifest(path, pick.digest);
            if (!child)
                throw new RegistryError(`${this.host}/${path}@${pick.digest} is missing`, 404);
            image = child;
        }
        const config = image.json.config;
        if (!config)
            throw new RegistryError(`${this.host}/${path}:${ref} has no image config`);
        const size = config.size + (image.json.layers ?? []).reduce((sum, l) => sum + l.size, 0);
        const parsed = JSON.parse((await this.getBlob(path, config.digest)).toString('utf8'));
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
    async request(method, path, suffix, action, init) {
        const url = `${this.base}/v2/${path}/${suffix}`;
        const scopeKey = `${path}|${action}`;
        let authTried = false;
        for (;;) {
            const headers = { ...init.headers };
            const authorization = this.auth.get(scopeKey) ?? (await this.preemptiveAuth(path, action, scopeKey));
            if (authorization)
                headers.authorization = authorization;
            const res = await this.followRedirects(method, url, headers, init.body, suffix);
            if (res.status === 401 && !authTried) {
                authTried = true;
                const challenge = parseChallenge(res.headers.get('www-authenticate'));
                if (!challenge)
                    throw this.statusError(res.status, method, path, action, res.body);
                this.challenge = challenge;
                this.auth.set(scopeKey, await this.authorize(challenge, path, action));
                continue;
            }
            // A 404 where the registry sent us is no answer about the tag: not "not built yet".
            if (res.status === 404 && init.missingOk && !res.redirected)
                return undefined;
            if (res.status >= 200 && res.status < 300)
                return res;
            throw this.statusError(res.status, method, path, action, res.body);
        }
    }
    /** After one challenge, other scopes get their auth before the first request (saves a 401). */
    async preemptiveAuth(path, action, key) {
        if (!this.challenge)
            return undefined;
        const authorization = await this.authorize(this.challenge, path, action);
        this.auth.set(key, authorization);
        return authorization;
    }
    async authorize(challenge, path, action) {
        const creds = this.opts.credentials;
        if (challenge.scheme === 'basic') {
            if (!creds) {
                throw new RegistryError(`registry ${this.host} needs a login for ${path}: set the username and password inputs`, 401);
            }
            return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
        }
        if (challenge.scheme !== 'bearer' || !challenge.params.realm) {
            throw new RegistryError(`registry ${this.host} asked for unsupported auth "${challenge.scheme}"`, 401);
        }
        let realm;
        try {
            realm = new URL(challenge.params.realm);
        }
        catch {
            throw new RegistryError(`registry ${this.host} sent an invalid token realm`, 401);
        }
        if (realm.protocol !== 'https:' &&
            !(realm.protocol === 'http:' && (0,_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .isLoopbackHost */ .cW)(realm.host))) {
            throw new RegistryError(`registry ${this.host} sent a token realm that is not https: ${realm.origin}`, 401);
        }
        if (creds && !this.mayReceiveCredentials(realm.hostname, realm.host)) {
            throw new RegistryError(`registry ${this.host} sent its token service at ${realm.host}, another host: the credentials are not sent there. ` +
                "If that host is the registry's own token service, add it to registry-auth-hosts (--registry-auth-host)", 401);
        }
        if (challenge.params.service)
            realm.searchParams.set('service', challenge.params.service);
        realm.searchParams.set('scope', `repository:${path}:${action}`);
        const headers = {};
        if (creds) {
            headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
        }
        const res = await this.fetchWithRetry('GET', realm.toString(), headers, undefined);
        if (res.status === 401 || res.status === 403) {
            throw new RegistryError(creds
                ? `registry ${this.host} refused the credentials of "${creds.username}" (${res.status} from the token service): check the username and password (a token needs permission to ${action === 'pull' ? 'read' : 'write'} ${path})`
                : `registry ${this.host} needs a login to ${action === 'pull' ? 'read' : 'push to'} ${path}: set the username and password inputs`, res.status);
        }
        if (res.status < 200 || res.status >= 300) {
            throw new RegistryError(`token service of ${this.host} answered ${res.status}: ${registryMessage(res.body.toString('utf8'))}`, res.status);
        }
        const body = JSON.parse(res.body.toString('utf8'));
        const token = body.token ?? body.access_token;
        if (!token)
            throw new RegistryError(`token service of ${this.host} returned no token`, 401);
        return `Bearer ${token}`;
    }
    statusError(status, method, path, action, body) {
        const detail = registryMessage(body.toString('utf8'));
        const what = `${method} ${this.host}/${path}`;
        const creds = this.opts.credentials;
        switch (status) {
            case 401:
                return new RegistryError(creds
                    ? `registry ${this.host} refused the credentials of "${creds.username}" for ${path} (401): check the username and password`
                    : `registry ${this.host} needs a login to ${action === 'pull' ? 'read' : 'push to'} ${path} (401): set the username and password inputs`, status);
            case 403:
                return new RegistryError(`registry ${this.host} denied ${action === 'pull' ? 'reading' : 'pushing to'} ${path} (403): give the credentials ${action === 'pull' ? 'read' : 'write'} access to the repository (on GHCR: permissions: packages: write)${detail ? ` — ${detail}` : ''}`, status);
            case 404:
                return new RegistryError(`${what}: not found (404)${detail ? ` — ${detail}` : ''}`, status);
            default:
                return new RegistryError(`${what} failed with ${status}${detail ? `: ${detail}` : ''}`, status);
        }
    }
    /** The registry's own host, a known token service of it, or a host the user listed. */
    mayReceiveCredentials(hostname, host) {
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
    async followRedirects(method, url, headers, body, suffix) {
        let current = url;
        let sent = headers;
        for (let hops = 0;; hops += 1) {
            const res = await this.fetchWithRetry(method, current, sent, body);
            if (res.status < 300 || res.status > 399 || res.status === 304) {
                return { ...res, redirected: hops > 0 };
            }
            const location = res.headers.get('location');
            if (!location || hops >= 5) {
                throw new RegistryError(`${method} ${this.host}: ${location ? 'too many redirects' : `${res.status} without a location`}`, res.status);
            }
            const next = new URL(location, current);
            if (next.origin !== new URL(current).origin) {
                const blob = method === 'GET' && suffix.startsWith('blobs/');
                if (!blob) {
                    throw new RegistryError(`registry ${this.host} redirected ${method} ${suffix} to another host (${next.host}): refused, the request carries credentials and the answer would not be the registry's`, res.status);
                }
                const { authorization: _dropped, ...rest } = sent;
                sent = rest;
            }
            current = next.toString();
        }
    }
    /** Milliseconds left of the registry time budget; a RegistryError when none is left. */
    remainingMs(method, url) {
        const budget = this.opts.budgetMs;
        if (budget === undefined)
            return Number.MAX_SAFE_INTEGER;
        const left = budget - this.spentMs;
        if (left <= 0) {
            throw new RegistryError(`${method} ${url}: registry work took longer than its time limit (${Math.round(budget / 1000)} s, registry-timeout); the registry is slow or not answering`);
        }
        return left;
    }
    /** fetch with a timeout, retrying transient failures with bounded exponential backoff. */
    async fetchWithRetry(method, url, headers, body) {
        const { retries, backoffMs, maxBackoffMs, timeoutMs } = this.opts;
        for (let attempt = 0;; attempt++) {
            let reason;
            let retryAfter;
            const started = Date.now();
            try {
                const res = await this.fetchImpl(url, {
                    method,
                    headers,
                    body: body ? new Uint8Array(body) : undefined,
                    redirect: 'manual',
                    signal: AbortSignal.timeout(Math.max(1, Math.floor(Math.min(timeoutMs, this.remainingMs(method, url))))),
                });
                const bytes = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
                if (!isTransientStatus(res.status) || attempt >= retries) {
                    return { status: res.status, headers: res.headers, body: bytes };
                }
                reason = `${res.status}`;
                retryAfter = parseRetryAfter(res.headers.get('retry-after'));
            }
            catch (err) {
                if (err instanceof RegistryError)
                    throw err;
                if (!isTransientError(err)) {
                    throw new RegistryError(`${method} ${url}: ${networkErrorText(err)}`);
                }
                if (attempt >= retries) {
                    throw new RegistryError(`${method} ${url} failed after ${retries + 1} attempts: ${errorCode(err) ?? String(err)}`);
                }
                reason = errorCode(err) ?? err.name;
            }
            finally {
                this.spentMs += Date.now() - started;
            }
            const exponential = backoffMs * 2 ** attempt;
            const jittered = exponential / 2 + Math.random() * (exponential / 2);
            const delay = Math.min(maxBackoffMs, retryAfter ?? jittered, this.remainingMs(method, url));
            this.opts.onRetry?.(`${method} ${this.host}: ${reason}, retry ${attempt + 1}/${retries} in ${Math.round(delay)} ms`);
            await this.sleep(delay);
            this.spentMs += delay;
        }
    }
}


/***/ })

};
