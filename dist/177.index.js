export const id = 177;
export const ids = [177];
export const modules = {

/***/ 9177:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  buildImages: () => (/* binding */ buildImages)
});

// UNUSED EXPORTS: DEFAULT_REGISTRY_TIMEOUT_MS, privateAuthFiles, registryCredentials, smokeTestFindings

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/rules.ts
var rules = __webpack_require__(3258);
// EXTERNAL MODULE: ./src/common/paths.ts
var paths = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/images/build.ts + 1 modules
var build = __webpack_require__(9679);
// EXTERNAL MODULE: ./src/images/outputs.ts
var outputs = __webpack_require__(128);
// EXTERNAL MODULE: ./src/images/builder.ts
var builder = __webpack_require__(3437);
// EXTERNAL MODULE: ./src/images/commands.ts
var commands = __webpack_require__(7318);
;// CONCATENATED MODULE: ./src/images/buildah.ts





async function buildahAvailable(exec, binary, env) {
    try {
        return (await exec(binary, ['version'], { env })).exitCode === 0;
    }
    catch {
        return false;
    }
}
/** argv of `buildah bud` for a request (pure, for tests). */
function budArgs(req) {
    if (req.platforms.length > 1) {
        throw new builder/* BuildError */.zS(`building ${req.group} for several platforms at once needs docker buildx`);
    }
    const args = ['bud', '--isolation', 'chroot', '--layers', '--file', req.dockerfile];
    for (const tag of req.tags)
        args.push('--tag', tag);
    for (const [k, v] of Object.entries(req.labels))
        args.push('--label', `${k}=${v}`);
    if (req.platforms.length === 1)
        args.push('--platform', req.platforms[0] ?? '');
    // Only a loopback base is pulled without TLS checks; the push keeps its own setting (pushArgs).
    if (req.insecureBase)
        args.push('--tls-verify=false');
    if (req.network && req.network !== 'default')
        args.push('--network', req.network);
    args.push(req.contextDir);
    return args;
}
function pushArgs(tag, digestFile, insecure) {
    const args = ['push', '--digestfile', digestFile];
    if (insecure)
        args.push('--tls-verify=false');
    args.push(tag, `docker://${tag}`);
    return args;
}
class BuildahBuilder {
    kind = 'buildah';
    description = 'buildah bud (daemonless, chroot isolation)';
    binary;
    opts;
    constructor(opts) {
        this.opts = { ...opts, exec: (0,builder/* withUserHome */.jt)(opts.exec) };
        this.binary = opts.binary ?? 'buildah';
    }
    async login(host, username, password, insecure) {
        const args = ['login', '--username', username, '--password-stdin'];
        if (insecure)
            args.push('--tls-verify=false');
        args.push(host);
        await (0,builder/* runOrThrow */.nf)(this.opts.exec, `buildah login to ${host} as ${username}`, this.binary, args, {
            input: Buffer.from(password),
            env: this.opts.env,
        });
    }
    async readCommands(image) {
        return (0,commands/* localCommands */.Uw)(this.opts.exec, { kind: 'buildah', binary: this.binary, env: this.opts.env }, image);
    }
    async build(req) {
        await (0,builder/* runOrThrow */.nf)(this.opts.exec, `buildah bud of ${req.group}`, this.binary, budArgs(req), {
            env: this.opts.env,
            onLine: req.log,
            idleTimeoutMs: req.stallTimeoutMs,
        });
        if (!req.push)
            return {};
        const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'stowage-digest-'));
        try {
            let digest;
            for (const tag of req.tags) {
                const file = (0,external_node_path_.join)(dir, 'digest');
                await (0,builder/* runOrThrow */.nf)(this.opts.exec, `buildah push of ${tag}`, this.binary, pushArgs(tag, file, req.insecureRegistry), {
                    env: this.opts.env,
                    onLine: req.log,
                });
                digest = (0,external_node_fs_.readFileSync)(file, 'utf8').trim() || digest;
            }
            return { digest };
        }
        finally {
            (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
        }
    }
}

;// CONCATENATED MODULE: ./src/images/docker.ts





/** True when a docker daemon answers. */
async function dockerDaemonAnswers(exec, binary, env) {
    try {
        const r = await exec(binary, ['version', '--format', '{{.Server.Version}}'], { env });
        return r.exitCode === 0 && r.stdout.trim() !== '';
    }
    catch {
        return false;
    }
}
/** The buildx version, or undefined when buildx is not installed. */
async function detectBuildx(exec, binary, env) {
    try {
        const r = await exec(binary, ['buildx', 'version'], { env });
        if (r.exitCode !== 0)
            return undefined;
        return /v?([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
    }
    catch {
        return undefined;
    }
}
function labelArgs(labels) {
    return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}
/** argv of `docker buildx build` for a request (pure, for tests). */
function buildxArgs(req, metadataFile, provenance) {
    // Plain progress: one line per event, which the build's progress view reads (images/progress.ts).
    const args = ['buildx', 'build', '--progress=plain', '--file', req.dockerfile];
    for (const tag of req.tags)
        args.push('--tag', tag);
    args.push(...labelArgs(req.labels));
    if (req.platforms.length > 0)
        args.push('--platform', req.platforms.join(','));
    switch (req.cache) {
        case 'gha':
            args.push('--cache-from', `type=gha,scope=${req.group}`);
            if (req.push)
                args.push('--cache-to', `type=gha,mode=max,scope=${req.group}`);
            break;
        case 'registry':
            args.push('--cache-from', `type=registry,ref=${req.image}:buildcache`);
            if (req.push)
                args.push('--cache-to', `type=registry,ref=${req.image}:buildcache,mode=max`);
            break;
        case 'inline':
            for (const ref of req.cacheFrom)
                args.push('--cache-from', `type=registry,ref=${ref}`);
            args.push('--cache-to', 'type=inline');
            break;
        case 'none':
            break;
    }
    if (req.network && req.network !== 'default') {
        args.push('--network', req.network);
        if (req.network === 'host')
            args.push('--allow', 'network.host');
    }
    args.push('--metadata-file', metadataFile);
    args.push(`--provenance=${provenance === 'false' ? 'false' : `mode=${provenance}`}`);
    if (req.push)
        args.push('--push');
    else if (req.platforms.length <= 1)
        args.push('--load');
    args.push(req.contextDir);
    return args;
}
/** argv of the plain engine's `docker build` (BuildKit via DOCKER_BUILDKIT=1; pure, for tests). */
function engineBuildArgs(req) {
    if (req.platforms.length > 1) {
        throw new builder/* BuildError */.zS(`building ${req.group} for ${req.platforms.join(', ')} needs docker buildx; this engine builds one platform`);
    }
    const args = ['build', '--progress=plain', '--file', req.dockerfile];
    for (const tag of req.tags)
        args.push('--tag', tag);
    args.push(...labelArgs(req.labels));
    if (req.platforms.length === 1)
        args.push('--platform', req.platforms[0] ?? '');
    if (req.network && req.network !== 'default')
        args.push('--network', req.network);
    if (req.cache !== 'none') {
        // The engine can only export inline cache; gha/registry need buildx.
        args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
        for (const ref of req.cacheFrom)
            args.push('--cache-from', ref);
    }
    args.push(req.contextDir);
    return args;
}
class DockerBuilder {
    opts;
    buildx;
    kind = 'docker';
    description;
    constructor(opts, buildx) {
        this.opts = opts;
        this.buildx = buildx;
        this.description = buildx
            ? `docker buildx ${buildx} (BuildKit: cache export, platforms, metadata file)`
            : 'docker engine with built-in BuildKit (DOCKER_BUILDKIT=1, no buildx: inline cache, docker push)';
    }
    static async create(options) {
        const opts = {
            binary: 'docker',
            provenance: 'false',
            ...options,
            exec: (0,builder/* withUserHome */.jt)(options.exec),
        };
        const buildx = await detectBuildx(opts.exec, opts.binary, opts.env);
        return new DockerBuilder(opts, buildx);
    }
    get usesBuildx() {
        return this.buildx !== undefined;
    }
    async login(host, username, password) {
        await (0,builder/* runOrThrow */.nf)(this.opts.exec, `docker login to ${host} as ${username}`, this.opts.binary, ['login', '--username', username, '--password-stdin', host], { input: Buffer.from(password), env: this.opts.env });
    }
    async build(req) {
        return this.buildx ? this.buildWithBuildx(req) : this.buildWithEngine(req);
    }
    async buildWithBuildx(req) {
        const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'stowage-meta-'));
        try {
            const metadataFile = (0,external_node_path_.join)(dir, 'metadata.json');
            await (0,builder/* runOrThrow */.nf)(this.opts.exec, `docker buildx build of ${req.group}`, this.opts.binary, buildxArgs(req, metadataFile, this.opts.provenance), {
                env: this.opts.env,
                onLine: req.log,
                idleTimeoutMs: req.stallTimeoutMs,
            });
            let digest;
            try {
                const meta = JSON.parse((0,external_node_fs_.readFileSync)(metadataFile, 'utf8'));
                const d = meta['containerimage.digest'];
                digest = typeof d === 'string' ? d : undefined;
            }
            catch {
                digest = undefined;
            }
            return { digest, localSize: req.push ? undefined : await this.localSize(req.tags[0]) };
        }
        finally {
            (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
        }
    }
    async buildWithEngine(req) {
        const env = { ...this.opts.env, DOCKER_BUILDKIT: '1' };
        await (0,builder/* runOrThrow */.nf)(this.opts.exec, `docker build of ${req.group}`, this.opts.binary, engineBuildArgs(req), {
            env,
            onLine: req.log,
            idleTimeoutMs: req.stallTimeoutMs,
        });
        let digest;
        if (req.push) {
            for (const tag of req.tags) {
                const r = await (0,builder/* runOrThrow */.nf)(this.opts.exec, `docker push of ${tag}`, this.opts.binary, ['push', tag], {
                    env,
                    onLine: req.log,
                });
                digest = (0,builder/* digestFromPushOutput */.o9)(r.stdout) ?? digest;
            }
        }
        return { digest, localSize: await this.localSize(req.tags[0]) };
    }
    async readCommands(image) {
        return (0,commands/* localCommands */.Uw)(this.opts.exec, { kind: 'docker', binary: this.opts.binary, env: this.opts.env }, image);
    }
    async localSize(ref) {
        if (!ref)
            return undefined;
        const r = await this.opts.exec(this.opts.binary, ['image', 'inspect', '--format', '{{.Size}}', ref], {
            env: this.opts.env,
        });
        const n = Number(r.stdout.trim());
        return r.exitCode === 0 && Number.isFinite(n) && n > 0 ? n : undefined;
    }
}

;// CONCATENATED MODULE: ./src/images/select.ts



/** Docker 23+ clients hand BuildKit builds to buildx; older ones run them in the engine. */
async function canBuildKit(exec, binary, env) {
    if (await detectBuildx(exec, binary, env))
        return true;
    try {
        const r = await exec(binary, ['version', '--format', '{{.Client.Version}}'], { env });
        const major = Number(/^(\d+)\./.exec(r.stdout.trim())?.[1]);
        return r.exitCode === 0 && major > 0 && major < 23;
    }
    catch {
        return false;
    }
}
/**
 * The docker client to use when none is named: `docker` from PATH, unless it is a client that
 * cannot run BuildKit builds here (23+ without buildx) and the engine's own `/usr/bin/docker` can.
 */
async function findDockerClient(exec, env) {
    for (const candidate of ['docker', '/usr/bin/docker']) {
        if ((await dockerDaemonAnswers(exec, candidate, env)) &&
            (await canBuildKit(exec, candidate, env))) {
            return candidate;
        }
    }
    return 'docker';
}
/**
 * `docker`: a daemon must answer. `buildah`: buildah must run. `auto`: docker when a daemon
 * answers, else buildah, else an error that says what to install.
 */
async function selectBuilder(kind, options) {
    const exec = (0,builder/* withUserHome */.jt)(options.exec);
    const dockerBinary = options.dockerBinary ?? (await findDockerClient(exec, options.env));
    const buildahBinary = options.buildahBinary ?? 'buildah';
    const docker = () => DockerBuilder.create({
        exec,
        binary: dockerBinary,
        provenance: options.provenance,
        env: options.env,
    });
    const buildah = () => new BuildahBuilder({ exec, binary: buildahBinary, env: options.env });
    if (kind !== 'buildah' && (await dockerDaemonAnswers(exec, dockerBinary, options.env)))
        return docker();
    if (kind === 'docker') {
        throw new builder/* BuildError */.zS(`builder: docker, but no docker daemon answers to "${dockerBinary} version": start dockerd ` +
            `(Debian: apt-get install docker.io) or set builder: buildah`);
    }
    if (await buildahAvailable(exec, buildahBinary, options.env))
        return buildah();
    throw new builder/* BuildError */.zS(kind === 'buildah'
        ? `builder: buildah, but "${buildahBinary} version" does not run: install buildah (Debian/Ubuntu: apt-get install buildah)`
        : 'no builder found: no docker daemon answers and buildah is not installed. Start a Docker ' +
            'daemon (apt-get install docker.io) or install buildah (apt-get install buildah)');
}

// EXTERNAL MODULE: ./src/app/step-images.ts
var step_images = __webpack_require__(8636);
;// CONCATENATED MODULE: ./src/app/build.ts










/** The default of `registry-timeout`: every registry wait is bounded, and all of them together. */
const DEFAULT_REGISTRY_TIMEOUT_MS = 5 * 60_000;
/**
 * Credentials go only to a registry the user named, or when pushing (which the user asked for):
 * a pull request could otherwise point `containers.registry` of the spec at a host that collects
 * them while Stowage only asks which images exist.
 */
function registryCredentials(options) {
    return options.credentials && (options.registryNamedByUser || options.push)
        ? options.credentials
        : undefined;
}
async function buildImages(plan, options, deps) {
    const registry = options.registry?.trim() || undefined;
    if (options.push && !registry) {
        throw new errors/* InputError */.d('nothing to push to: give a registry (host[:port]/path, the registry input or --registry, or containers.registry in the spec), or build without pushing');
    }
    const credentials = registryCredentials(options);
    // A login writes the credentials to the tool's file: keep that file private to this run.
    const auth = options.push && credentials ? privateAuthFiles() : undefined;
    let results;
    try {
        results = await (0,build/* buildPlan */.Gg)(plan, {
            registry,
            builder: () => selectBuilder(options.builder ?? 'auto', {
                exec: deps.exec,
                dockerBinary: options.dockerBinary,
                provenance: options.provenance,
                env: { ...options.builderEnv, ...auth?.env },
            }),
            workspace: options.workspace,
            context: options.context,
            push: options.push,
            tagRules: options.tagRules,
            credentials,
            parallel: options.parallel,
            groups: options.groups,
            cache: options.cache,
            platforms: options.platforms,
            network: options.network,
            log: deps.log,
            verbose: options.verbose,
            stallTimeoutMs: options.stallTimeoutMs,
            signal: deps.signal,
            registryOptions: {
                budgetMs: options.registryTimeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS,
                authHosts: options.authHosts,
            },
        });
    }
    finally {
        auth?.remove();
    }
    if (options.say)
        for (const r of results)
            if (r.error !== undefined)
                r.error = options.say(r.error);
    const images = (0,outputs/* imagesOutput */.K)(results);
    // An interrupted run leaves the last images.json as it was: this one is incomplete.
    if (options.outDir && !deps.signal?.aborted)
        writeImagesJson(options.workspace, options.outDir, images);
    const stepImages = (0,step_images/* stepImageMap */.w)(plan, { registry, builds: results });
    const failed = results.filter((r) => r.status === 'failed');
    return {
        results,
        images,
        matrix: (0,outputs/* matrixOutput */.F)(plan, options.groups),
        stepImages,
        stepImagesOutput: (0,step_images/* stepImagesOutput */.Q)(stepImages),
        failed,
        pushed: results.some((r) => r.pushed),
        findings: options.workflow ? smokeTestFindings(options.workflow, results) : [],
    };
}
/** One STW440 per step whose image lacked a command, at the step, naming the commands. */
function smokeTestFindings(workflow, results) {
    const findings = [];
    for (const r of results) {
        if (r.smokeTest?.status !== 'failed')
            continue;
        for (const [step, commands] of Object.entries(r.smokeTest.missing)) {
            const names = commands.map((c) => `"${c}"`).join(', ');
            const absolute = commands.some((c) => c.startsWith('/'))
                ? ' (an absolute path is linked to the program of that name on PATH when there is one)'
                : '';
            findings.push((0,rules/* finding */.gk)('STW440', workflow.source.locate(['steps', step], 'key'), `Step "${step}" calls ${names}, which its image (group ${r.group}) does not provide${absolute}: the smoke test inside the built image found ${commands.length === 1 ? 'it' : 'them'} missing, so the group was not pushed. Add the package that provides ${commands.length === 1 ? 'it' : 'each'} to the step's software, or correct the command.`));
        }
        for (const step of r.smokeTest.undispatched)
            findings.push((0,rules/* finding */.gk)('STW440', workflow.source.locate(['steps', step], 'key'), `Step "${step}": the entrypoint of its image (group ${r.group}) does not dispatch it, so the group was not pushed. This is a bug of Stowage's; please report it.`));
    }
    return findings;
}
/** `<outDir>/images.json`, atomically and never through a link. */
function writeImagesJson(workspace, outDir, images) {
    const file = external_node_path_default().resolve(workspace, outDir, 'images.json');
    try {
        (0,paths/* assertWritable */.Bz)(workspace, file, external_node_path_default().join(outDir, 'images.json'));
        (0,paths/* writeFileAtomic */.Zf)(file, `${JSON.stringify(images, null, 2)}\n`);
    }
    catch (error) {
        throw (0,errors/* writeFailure */.E)(error, external_node_path_default().join(outDir, 'images.json'));
    }
}
/**
 * A private, temporary home for the credentials a login writes: `DOCKER_CONFIG` (docker) and
 * `REGISTRY_AUTH_FILE` (buildah) point into it, seeded with a copy of the user's own files (so
 * base images from registries they logged in to still pull) and with docker's plugins linked
 * (buildx). Removed when the build ends: the password never stays on the runner's disk.
 */
function privateAuthFiles() {
    const dir = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'stowage-auth-'));
    const home = process.env.HOME ?? (0,external_node_os_.homedir)();
    const dockerConfig = process.env.DOCKER_CONFIG || external_node_path_default().join(home, '.docker');
    const seed = (from, to) => {
        if ((0,external_node_fs_.existsSync)(from))
            (0,external_node_fs_.copyFileSync)(from, to);
    };
    seed(external_node_path_default().join(dockerConfig, 'config.json'), external_node_path_default().join(dir, 'config.json'));
    const plugins = external_node_path_default().join(dockerConfig, 'cli-plugins');
    if ((0,external_node_fs_.existsSync)(plugins))
        (0,external_node_fs_.symlinkSync)(plugins, external_node_path_default().join(dir, 'cli-plugins'));
    const authFile = external_node_path_default().join(dir, 'auth.json');
    const runtime = process.env.XDG_RUNTIME_DIR;
    seed(process.env.REGISTRY_AUTH_FILE ||
        (runtime ? external_node_path_default().join(runtime, 'containers', 'auth.json') : external_node_path_default().join(dir, 'none')), authFile);
    return {
        env: { DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: authFile },
        remove: () => (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true }),
    };
}


/***/ })

};
