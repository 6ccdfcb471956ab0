export const id = 56;
export const ids = [56];
export const modules = {

/***/ 3056:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  KD: () => (/* binding */ defaultRuntime),
  plan: () => (/* binding */ plan)
});

// UNUSED EXPORTS: PLAN_RULES, contentHash, contextOf, placeholdersOf, resolveBaseImage

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/common/findings.ts
var common_findings = __webpack_require__(7399);
// EXTERNAL MODULE: ./src/common/units.ts
var units = __webpack_require__(8570);
// EXTERNAL MODULE: ./src/plan/analyze.ts
var analyze = __webpack_require__(3835);
;// CONCATENATED MODULE: ./src/plan/data/package-sizes.json
const package_sizes_namespaceObject = /*#__PURE__*/JSON.parse('{"xk":{"pip":25,"conda":40,"apt":35,"npm":10,"maven":5,"cran":15,"bioconductor":40},"lM":{"S":{"perDownloadedByte":3,"perPackageBytes":0},"yF":{"perDownloadedByte":6,"perPackageBytes":0},"wm":{"perDownloadedByte":5,"perPackageBytes":0}},"iT":150,"rd":{"python":"docker.io/library/python:{python}-slim","python-gpu":"docker.io/library/python:{python}-slim","conda":"docker.io/mambaorg/micromamba:1.5.10","conda-gpu":"docker.io/mambaorg/micromamba:1.5.10","r":"docker.io/rocker/r-ver:{r}","jvm":"docker.io/library/eclipse-temurin:{java}-jre","native":"docker.io/library/debian:bookworm-slim","native-gpu":"docker.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04","node":"docker.io/library/node:22-bookworm-slim","maven-builder":"docker.io/library/maven:3.9-eclipse-temurin-21"},"RJ":{"python":"3.12","r":"4.4.1","java":"21"},"a3":{"python":150,"python-gpu":150,"conda":130,"conda-gpu":130,"r":850,"jvm":270,"native":75,"native-gpu":2900,"node":200},"j6":{"pip:tensorflow":2200,"pip:tensorflow-gpu":2200,"pip:tensorflow-cpu":650,"pip:tf-nightly":2200,"pip:torch":4300,"pip:torchvision":30,"pip:torchaudio":20,"pip:jax":6,"pip:jaxlib":300,"pip:cupy-cuda12x":450,"pip:cupy-cuda11x":420,"pip:nvidia-cudnn-cu12":1300,"pip:nvidia-cublas-cu12":800,"pip:numpy":60,"pip:scipy":120,"pip:pandas":70,"pip:polars":120,"pip:pyarrow":180,"pip:scikit-learn":45,"pip:matplotlib":50,"pip:xarray":10,"pip:dask":15,"pip:netcdf4":20,"pip:h5py":25,"pip:zarr":5,"pip:opencv-python":180,"pip:opencv-python-headless":160,"pip:transformers":60,"pip:xgboost":500,"pip:lightgbm":15,"pip:numba":15,"pip:llvmlite":130,"pip:gdal":100,"pip:rasterio":90,"pip:geopandas":10,"pip:shapely":10,"pip:pysam":60,"pip:biopython":25,"conda:tensorflow":2000,"conda:pytorch":3500,"conda:pytorch-cuda":3000,"conda:cudatoolkit":2800,"conda:cuda-toolkit":4000,"conda:cuda-runtime":1500,"conda:cudnn":1000,"conda:python":110,"conda:r-base":300,"conda:numpy":40,"conda:gdal":350,"conda:libgdal":300,"conda:samtools":15,"conda:bcftools":15,"conda:gatk4":500,"conda:bwa":5,"conda:bowtie2":30,"conda:star":20,"conda:salmon":90,"conda:openjdk":330,"conda:mkl":700,"apt:default-jdk":400,"apt:default-jdk-headless":350,"apt:default-jre-headless":220,"apt:openjdk-17-jdk-headless":350,"apt:build-essential":250,"apt:cmake":40,"apt:git":40,"apt:gfortran":40,"apt:libopenmpi-dev":120,"apt:libhdf5-dev":60,"apt:libnetcdf-dev":40,"apt:libgdal-dev":350,"apt:gdal-bin":150,"apt:texlive-full":5500,"apt:cuda-toolkit-12-4":6000,"apt:libcudnn9-cuda-12":1000,"apt:r-base":250,"apt:python3":70,"npm:@mermaid-js/mermaid-cli":400,"npm:puppeteer":350,"npm:typescript":25,"maven:org.apache.spark:spark-core_2.13":60,"maven:org.broadinstitute:gatk":450,"cran:tidyverse":180,"cran:sf":120,"cran:terra":80,"cran:rstan":300,"cran:arrow":150,"bioconductor:DESeq2":200,"bioconductor:edgeR":60,"bioconductor:limma":20,"bioconductor:GenomicRanges":80,"bioconductor:Biostrings":90,"bioconductor:SingleCellExperiment":120,"bioconductor:BSgenome.Hsapiens.UCSC.hg38":900}}');
// EXTERNAL MODULE: ./src/plan/commands.ts
var commands = __webpack_require__(4593);
// EXTERNAL MODULE: ./src/plan/dockerfile.ts + 10 modules
var dockerfile = __webpack_require__(1636);
// EXTERNAL MODULE: ./src/software/requirements.ts + 1 modules
var requirements = __webpack_require__(7092);
;// CONCATENATED MODULE: ./src/plan/sizes.ts
/**
 * Size estimates: base images per family, a table of known heavy packages, a default per
 * ecosystem for the rest, and the spec's `containers.package-sizes` overrides. A group the
 * solvers answered is counted again from the files they chose (`groupEstimate`); docs/plan.md
 * says how, and how far off it was on real builds.
 */

const MB = 1_000_000;
const packagesMB = package_sizes_namespaceObject.j6;
const defaultMB = package_sizes_namespaceObject.xk;
const baseMB = package_sizes_namespaceObject.a3;
const BUILD_STEP_BYTES = package_sizes_namespaceObject.iT * MB;
/**
 * Estimated installed bytes of one requirement. Overrides are looked up by the requirement as
 * written, then by its name; the table is keyed `<ecosystem>:<name>`.
 */
function packageBytes(req, overrides) {
    const override = overrides[req.text] ?? overrides[req.name];
    if (override !== undefined)
        return override;
    const known = packagesMB[`${req.ecosystem}:${req.name}`];
    if (known !== undefined)
        return known * MB;
    return (defaultMB[req.ecosystem] ?? 20) * MB;
}
/**
 * Estimated bytes of a family's base image (`python`, `python-gpu`, …): the spec's
 * `containers.package-sizes` entry for the image's reference when there is one (a base of your
 * own, measured with `docker image inspect`), else the table's figure for the family's default.
 */
function baseImageBytes(familyKey, image, overrides = {}) {
    const configured = image === undefined ? undefined : overrides[image];
    if (configured !== undefined)
        return configured;
    const family = familyKey.replace(/-gpu$/, '');
    return (baseMB[familyKey] ?? baseMB[family] ?? 100) * MB;
}
/** Installed bytes per downloaded byte of a solved ecosystem's files, and bytes per package. */
const installed = {
    conda: package_sizes_namespaceObject.lM.S,
    pip: package_sizes_namespaceObject.lM.yF,
    npm: package_sizes_namespaceObject.lM.wm,
};
/**
 * Installed bytes of one ecosystem's packages as a solver chose them (one architecture: the
 * image's), from the sizes of their files; undefined when a file's size is not known.
 */
function solvedBytes(resolution, ecosystem) {
    const arch = resolution.arches[0];
    const packages = resolution.packages.filter((p) => p.ecosystem === ecosystem && p.arch === arch);
    if (packages.length === 0 || packages.some((p) => p.size === undefined))
        return undefined;
    const factor = installed[ecosystem];
    const downloaded = packages.reduce((n, p) => n + p.size, 0);
    return Math.round(downloaded * factor.perDownloadedByte + packages.length * factor.perPackageBytes);
}
/**
 * A planned group's estimate: the name-level figure the grouping used (`nameLevel`, with the
 * family's base and each package's bytes by `sizeKey`), its base swapped for the image's own when
 * configured, and each solved ecosystem's packages counted from the solver's files instead.
 */
function groupEstimate(input) {
    let bytes = input.nameLevel -
        baseImageBytes(input.classKey) +
        baseImageBytes(input.classKey, input.baseImage, input.overrides);
    const r = input.resolution;
    if (r?.status !== 'solved')
        return bytes;
    for (const ecosystem of r.solved) {
        const solved = solvedBytes(r, ecosystem);
        if (solved === undefined)
            continue;
        for (const [key, b] of input.packageBytes)
            if (key.startsWith(`${ecosystem}:`))
                bytes -= b;
        bytes += solved;
    }
    return bytes;
}

// EXTERNAL MODULE: ./src/software/version-order.ts
var version_order = __webpack_require__(3536);
;// CONCATENATED MODULE: ./src/plan/grouping.ts




/** CRAN and Bioconductor share one R library; everything else is per ecosystem. */
function conflictKey(req) {
    const eco = req.ecosystem === 'bioconductor' ? 'cran' : req.ecosystem;
    return `${eco}:${req.name}`;
}
function sizeKey(req) {
    return `${req.ecosystem}:${req.name}`;
}
/** A requirement as a solver conflict names it: ecosystem and text as written. */
function requirementKey(req) {
    return `${req.ecosystem}\0${req.text}`;
}
/**
 * The solvers' conflicts, indexed by requirement: a group that would hold every requirement of
 * one conflict does not fit. Empty for a name-level plan.
 */
class SolverConflicts {
    byRequirement = new Map();
    sets;
    constructor(conflicts = []) {
        this.sets = conflicts.map((conflict) => ({
            conflict,
            keys: [...new Set(conflict.requirements)].map((text) => requirementKey({ ecosystem: conflict.ecosystem, text })),
        }));
        this.sets.forEach(({ keys }, i) => {
            for (const k of keys) {
                const list = this.byRequirement.get(k) ?? [];
                list.push(i);
                this.byRequirement.set(k, list);
            }
        });
    }
    get size() {
        return this.sets.length;
    }
    /** The first conflict that `held` plus `step` would complete, if any. */
    completedBy(step, held) {
        for (const req of step.requirements) {
            for (const i of this.byRequirement.get(requirementKey(req)) ?? []) {
                const { keys, conflict } = this.sets[i];
                if (keys.every((k) => held.has(k) || step.requirements.some((r) => requirementKey(r) === k)))
                    return conflict;
            }
        }
        return undefined;
    }
    /** Conflicts between exactly two requirements: pairwise edges for DSatur and the lower bound. */
    pairs() {
        return this.sets.filter((s) => s.keys.length === 2).map((s) => [s.keys[0], s.keys[1]]);
    }
}
/** Shared, memoised facts for one planning run. */
class PlanContext {
    budget;
    overrides;
    solverConflicts;
    isolated;
    memo = new Map();
    sizes = new Map();
    constructor(budget, overrides, 
    /** Conflicts the solvers found (resolve stage); none for a name-level plan. */
    solverConflicts = new SolverConflicts(), 
    /** Steps whose own software does not solve: each gets an image of its own. */
    isolated = new Set()) {
        this.budget = budget;
        this.overrides = overrides;
        this.solverConflicts = solverConflicts;
        this.isolated = isolated;
    }
    conflict(a, b) {
        if (a.text === b.text && a.ecosystem === b.ecosystem)
            return false;
        const key = `${a.ecosystem}\0${a.text}\0${b.ecosystem}\0${b.text}`;
        let hit = this.memo.get(key);
        if (hit === undefined) {
            hit = (0,requirements/* conflicts */.em)(a, b);
            this.memo.set(key, hit);
        }
        return hit;
    }
    bytes(req) {
        let b = this.sizes.get(req);
        if (b === undefined)
            this.sizes.set(req, (b = packageBytes(req, this.overrides)));
        return b;
    }
}
/** A group being filled: what it already holds, so a step's fit is checked without pairs. */
class GroupState {
    classKey;
    baseBytes;
    members = [];
    runtimes = {};
    /** conflictKey → distinct versioned requirements. */
    requirements = new Map();
    /** sizeKey → bytes. */
    packages = new Map();
    /** requirementKey → how many members ask for it (for the solvers' conflicts). */
    held = new Map();
    builds = 0;
    size;
    constructor(classKey, baseBytes) {
        this.classKey = classKey;
        this.baseBytes = baseBytes;
        this.size = baseBytes;
    }
    add(step, ctx) {
        this.members.push(step);
        for (const kind of analyze/* RUNTIME_KINDS */.n0) {
            const v = step.runtimes[kind];
            if (v === undefined)
                continue;
            const mine = this.runtimes[kind];
            this.runtimes[kind] = mine === undefined ? v : (0,version_order/* moreSpecificRuntime */.me)(mine, v);
        }
        for (const req of step.requirements) {
            const rk = requirementKey(req);
            this.held.set(rk, (this.held.get(rk) ?? 0) + 1);
            if (req.versioned) {
                const key = conflictKey(req);
                const list = this.requirements.get(key) ?? [];
                if (!list.some((r) => r.text === req.text && r.ecosystem === req.ecosystem))
                    list.push(req);
                this.requirements.set(key, list);
            }
            const k = sizeKey(req);
            const b = ctx.bytes(req);
            const had = this.packages.get(k);
            if (had === undefined || b > had) {
                this.size += b - (had ?? 0);
                this.packages.set(k, b);
            }
        }
        if (hasBuild(step)) {
            this.builds++;
            this.size += BUILD_STEP_BYTES;
        }
    }
    clone(ctx) {
        const copy = new GroupState(this.classKey, this.baseBytes);
        for (const m of this.members)
            copy.add(m, ctx);
        return copy;
    }
    /** The first requirement pair or runtime that keeps `step` out, or undefined when compatible. */
    conflictWith(step, ctx) {
        if (ctx.isolated.size > 0 && this.members.length > 0) {
            const alone = [step, ...this.members].find((m) => ctx.isolated.has(m.step.id));
            if (alone)
                return `the software of step "${alone.step.id}" does not solve on its own`;
        }
        for (const kind of analyze/* RUNTIME_KINDS */.n0) {
            const v = step.runtimes[kind];
            const mine = this.runtimes[kind];
            if (v !== undefined && mine !== undefined && !(0,version_order/* runtimesCompatible */.kS)(v, mine)) {
                return `${kind} ${mine} vs ${kind} ${v}`;
            }
        }
        for (const req of step.requirements) {
            if (!req.versioned)
                continue;
            for (const other of this.requirements.get(conflictKey(req)) ?? []) {
                if (ctx.conflict(req, other))
                    return `${other.text} vs ${req.text}`;
            }
        }
        if (ctx.solverConflicts.size > 0) {
            const hit = ctx.solverConflicts.completedBy(step, this.held);
            if (hit)
                return `${hit.requirements.join(' vs ')} (the ${hit.ecosystem} solver)`;
        }
        return undefined;
    }
    /** Bytes the group would grow by with `step`. */
    addedBytes(step, ctx) {
        let added = 0;
        const seen = new Map();
        for (const req of step.requirements) {
            const k = sizeKey(req);
            const b = Math.max(ctx.bytes(req), seen.get(k) ?? 0);
            const had = Math.max(this.packages.get(k) ?? 0, seen.get(k) ?? 0);
            if (b > had)
                added += b - had;
            seen.set(k, b);
        }
        if (hasBuild(step))
            added += BUILD_STEP_BYTES;
        return added;
    }
    fits(step, ctx) {
        return this.fitCost(step, ctx) >= 0;
    }
    /** The bytes `step` would add, or -1 when it does not fit (class, conflict or budget). */
    fitCost(step, ctx) {
        if (step.classKey !== this.classKey || this.conflictWith(step, ctx) !== undefined)
            return -1;
        const added = this.addedBytes(step, ctx);
        return this.size + added <= ctx.budget ? added : -1;
    }
}
function hasBuild(step) {
    return (step.step.software.build ?? '').trim() !== '';
}
/** Estimated size of an image holding just this step. */
function soloBytes(step, baseBytes, ctx) {
    const g = new GroupState(step.classKey, baseBytes);
    g.add(step, ctx);
    return g.size;
}
/** Above this many conflict edges, DSatur's saturation is replaced by a static degree order. */
const MAX_EDGES = 2_000_000;
/**
 * Conflict adjacency among `steps` (indexes into the array), built from a package index. Returns
 * undefined when the graph would be too dense to store; `degree` is always filled.
 */
function conflictGraph(steps, ctx) {
    // dimension key → distinct value → steps; a dimension is a package or a runtime.
    const dims = new Map();
    steps.forEach((s, i) => {
        const entry = (dim, value, probe) => {
            let values = dims.get(dim);
            if (!values)
                dims.set(dim, (values = new Map()));
            let v = values.get(value);
            if (!v)
                values.set(value, (v = { probe, steps: [] }));
            if (v.steps[v.steps.length - 1] !== i)
                v.steps.push(i);
        };
        for (const kind of analyze/* RUNTIME_KINDS */.n0) {
            const v = s.runtimes[kind];
            if (v !== undefined)
                entry(`runtime:${kind}`, v, v);
        }
        for (const req of s.requirements) {
            if (req.versioned)
                entry(conflictKey(req), `${req.ecosystem}\0${req.text}`, req);
        }
    });
    const pairs = [];
    let edges = 0;
    const degree = new Array(steps.length).fill(0);
    for (const [dim, values] of dims) {
        const list = [...values.values()];
        for (let a = 0; a < list.length; a++) {
            for (let b = a + 1; b < list.length; b++) {
                const x = list[a];
                const y = list[b];
                const clash = dim.startsWith('runtime:')
                    ? !(0,version_order/* runtimesCompatible */.kS)(x.probe, y.probe)
                    : ctx.conflict(x.probe, y.probe);
                if (!clash)
                    continue;
                pairs.push([x.steps, y.steps]);
                edges += x.steps.length * y.steps.length;
                for (const i of x.steps)
                    degree[i] += y.steps.length;
                for (const j of y.steps)
                    degree[j] += x.steps.length;
            }
        }
    }
    edges += solverPairs(steps, ctx, pairs, degree);
    if (edges > MAX_EDGES)
        return { degree };
    const adjacency = steps.map(() => new Set());
    for (const [xs, ys] of pairs) {
        for (const i of xs) {
            for (const j of ys) {
                if (i === j)
                    continue;
                adjacency[i].add(j);
                adjacency[j].add(i);
            }
        }
    }
    return { adjacency, degree: adjacency.map((s) => s.size) };
}
/**
 * Adds the solvers' two-requirement conflicts to `pairs` (steps holding one side against steps
 * holding the other; a step holding both does not solve alone and is isolated elsewhere).
 * Returns the number of edges added.
 */
function solverPairs(steps, ctx, pairs, degree) {
    if (ctx.solverConflicts.size === 0)
        return 0;
    const holders = new Map();
    steps.forEach((s, i) => {
        for (const req of s.requirements) {
            const list = holders.get(requirementKey(req)) ?? [];
            if (list[list.length - 1] !== i)
                list.push(i);
            holders.set(requirementKey(req), list);
        }
    });
    let edges = 0;
    for (const [a, b] of ctx.solverConflicts.pairs()) {
        const xs = holders.get(a) ?? [];
        const ys = holders.get(b) ?? [];
        const only = (list, other) => list.filter((i) => !other.includes(i));
        const [x, y] = [only(xs, ys), only(ys, xs)];
        if (x.length === 0 || y.length === 0)
            continue;
        pairs.push([x, y]);
        edges += x.length * y.length;
        for (const i of x)
            degree[i] += y.length;
        for (const j of y)
            degree[j] += x.length;
    }
    return edges;
}
/** A binary max-heap on a total order, for DSatur's "most saturated next". */
class Heap {
    before;
    items = [];
    constructor(before) {
        this.before = before;
    }
    get size() {
        return this.items.length;
    }
    push(item) {
        const a = this.items;
        a.push(item);
        let i = a.length - 1;
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (!this.before(a[i], a[p]))
                break;
            [a[i], a[p]] = [a[p], a[i]];
            i = p;
        }
    }
    pop() {
        const a = this.items;
        const top = a[0];
        const last = a.pop();
        if (a.length > 0 && last !== undefined) {
            a[0] = last;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let m = i;
                if (l < a.length && this.before(a[l], a[m]))
                    m = l;
                if (r < a.length && this.before(a[r], a[m]))
                    m = r;
                if (m === i)
                    break;
                [a[i], a[m]] = [a[m], a[i]];
                i = m;
            }
        }
        return top;
    }
}
/**
 * Splits a class by runtime versions when they partition it: steps that name every runtime the
 * class uses, with versions that are equal or incompatible (never a prefix of another), fall into
 * buckets no image can mix; the rest float. Undefined when the versions do not partition
 * (`3` beside `3.12`). Runtime edges are the densest part of the conflict graph, so colouring
 * bucket by bucket keeps the graph small, and the buckets' cliques add up for the lower bound.
 */
function runtimeBuckets(steps) {
    const kinds = analyze/* RUNTIME_KINDS */.n0.filter((k) => steps.some((s) => s.runtimes[k] !== undefined));
    if (kinds.length === 0)
        return undefined;
    for (const kind of kinds) {
        const versions = [
            ...new Set(steps.map((s) => s.runtimes[kind]).filter((v) => v !== undefined)),
        ];
        for (let i = 0; i < versions.length; i++) {
            for (let j = i + 1; j < versions.length; j++) {
                if ((0,version_order/* runtimesCompatible */.kS)(versions[i], versions[j]))
                    return undefined;
            }
        }
    }
    const buckets = new Map();
    const floating = [];
    for (const s of steps) {
        if (kinds.some((k) => s.runtimes[k] === undefined)) {
            floating.push(s);
            continue;
        }
        const key = kinds.map((k) => s.runtimes[k]).join('\0');
        const list = buckets.get(key) ?? [];
        list.push(s);
        buckets.set(key, list);
    }
    if (buckets.size < 2)
        return undefined;
    return { fixed: [...buckets.values()], floating };
}
/**
 * Colours one class of steps (all unpinned, same family and GPU flag) into groups.
 * Deterministic: every tie is broken by document order.
 */
function colourClass(steps, baseBytes, ctx) {
    const buckets = runtimeBuckets(steps);
    if (!buckets)
        return improve(dsatur(steps, baseBytes, ctx, []), ctx);
    let groups = [];
    for (const bucket of buckets.fixed)
        groups = dsatur(bucket, baseBytes, ctx, groups);
    if (buckets.floating.length > 0)
        groups = dsatur(buckets.floating, baseBytes, ctx, groups);
    return improve(groups, ctx);
}
/**
 * DSatur over `steps`, placing them among `initial` groups (kept, in order) and new ones: the
 * most saturated step first, into the fitting group it grows least, else a new group.
 */
function dsatur(steps, baseBytes, ctx, initial) {
    const { adjacency, degree } = conflictGraph(steps, ctx);
    const solo = steps.map((s) => soloBytes(s, baseBytes, ctx));
    const saturation = new Array(steps.length).fill(0);
    const seenGroups = steps.map(() => new Set());
    const colour = new Array(steps.length).fill(-1);
    const before = (a, b) => {
        const [sa, i] = a;
        const [sb, j] = b;
        if (sa !== sb)
            return sa > sb;
        if (degree[i] !== degree[j])
            return degree[i] > degree[j];
        if (solo[i] !== solo[j])
            return solo[i] > solo[j];
        return steps[i].index < steps[j].index;
    };
    const heap = new Heap(before);
    steps.forEach((_, i) => heap.push([0, i]));
    const groups = [...initial];
    while (heap.size > 0) {
        const [sat, v] = heap.pop();
        if (colour[v] !== -1 || sat !== saturation[v])
            continue;
        const step = steps[v];
        let best = -1;
        let bestAdded = Infinity;
        groups.forEach((g, gi) => {
            if (seenGroups[v].has(gi))
                return;
            const added = g.fitCost(step, ctx);
            if (added >= 0 && added < bestAdded) {
                best = gi;
                bestAdded = added;
            }
        });
        if (best === -1) {
            best = groups.length;
            groups.push(new GroupState(step.classKey, baseBytes));
        }
        groups[best].add(step, ctx);
        colour[v] = best;
        if (adjacency) {
            for (const u of adjacency[v]) {
                if (colour[u] !== -1 || seenGroups[u].has(best))
                    continue;
                seenGroups[u].add(best);
                saturation[u]++;
                heap.push([saturation[u], u]);
            }
        }
    }
    return groups;
}
/**
 * Local improvement: try to empty each group (smallest first) into the other groups of its
 * class; keep the move when every step found a place. Repeats until no group can be emptied.
 */
function improve(groups, ctx) {
    let current = groups;
    for (let changed = true; changed && current.length > 1;) {
        changed = false;
        const order = current
            .map((g, i) => i)
            .sort((a, b) => current[a].members.length - current[b].members.length ||
            current[a].size - current[b].size ||
            a - b);
        for (const victim of order) {
            const trial = new Map();
            let ok = true;
            for (const step of current[victim].members) {
                let best = -1;
                let bestAdded = Infinity;
                current.forEach((g, gi) => {
                    if (gi === victim)
                        return;
                    const target = trial.get(gi) ?? g;
                    const added = target.fitCost(step, ctx);
                    if (added >= 0 && added < bestAdded) {
                        best = gi;
                        bestAdded = added;
                    }
                });
                if (best === -1) {
                    ok = false;
                    break;
                }
                if (!trial.has(best))
                    trial.set(best, current[best].clone(ctx));
                trial.get(best).add(step, ctx);
            }
            if (ok) {
                current = current.flatMap((g, gi) => (gi === victim ? [] : [trial.get(gi) ?? g]));
                changed = true;
                break;
            }
        }
    }
    return current;
}
/**
 * The largest set of pairwise-conflicting steps found (greedy cliques from the highest-degree
 * steps). Without an adjacency (too dense), the best single-package set is used.
 */
function cliqueLowerBound(steps, ctx) {
    if (steps.length === 0)
        return 0;
    // Steps of different runtime buckets all conflict, so the buckets' cliques join into one.
    const buckets = runtimeBuckets(steps);
    if (buckets) {
        const joined = buckets.fixed.reduce((n, b) => n + cliqueLowerBound(b, ctx), 0);
        return Math.max(joined, greedyClique(steps, ctx));
    }
    return greedyClique(steps, ctx);
}
function greedyClique(steps, ctx) {
    const { adjacency, degree } = conflictGraph(steps, ctx);
    if (!adjacency)
        return densePackageClique(steps, ctx);
    const order = steps.map((_, i) => i).sort((a, b) => degree[b] - degree[a] || a - b);
    let best = 1;
    for (const start of order.slice(0, 64)) {
        if (degree[start] + 1 <= best)
            break;
        const clique = [start];
        const candidates = [...adjacency[start]].sort((a, b) => degree[b] - degree[a] || a - b);
        for (const c of candidates) {
            if (clique.every((m) => adjacency[m].has(c)))
                clique.push(c);
        }
        best = Math.max(best, clique.length);
    }
    return best;
}
function densePackageClique(steps, ctx) {
    const byKey = new Map();
    for (const s of steps) {
        for (const r of s.requirements) {
            if (!r.versioned)
                continue;
            const list = byKey.get(conflictKey(r)) ?? [];
            if (!list.some((x) => x.text === r.text))
                list.push(r);
            byKey.set(conflictKey(r), list);
        }
    }
    let best = 1;
    for (const list of byKey.values()) {
        const clique = [];
        for (const r of list)
            if (clique.every((m) => ctx.conflict(m, r)))
                clique.push(r);
        best = Math.max(best, clique.length);
    }
    return best;
}

// EXTERNAL MODULE: ./src/software/image-ref.ts
var image_ref = __webpack_require__(4856);
// EXTERNAL MODULE: ./src/software/channels.ts
var software_channels = __webpack_require__(6117);
// EXTERNAL MODULE: ./src/common/rules.ts
var rules = __webpack_require__(3258);
;// CONCATENATED MODULE: ./src/plan/rules/rule.ts

/** A finding of `id` at a node of the spec. */
function reportAt(id, workflow, path, message, part = 'value') {
    return (0,rules/* finding */.gk)(id, workflow.source.locate(path, part), message);
}

;// CONCATENATED MODULE: ./src/plan/rules/forced-conflict.ts


const rule = { id: 'STW404', check };
function check({ workflow, groups, ctx }) {
    const findings = [];
    for (const group of groups) {
        if (!group.pinned)
            continue;
        const pin = workflow.containers.groups.find((g) => g.name === group.name);
        const members = group.state.members;
        for (let j = 1; j < members.length; j++) {
            const later = members[j];
            for (let i = 0; i < j; i++) {
                const earlier = members[i];
                let why;
                if (earlier.classKey !== later.classKey) {
                    why = `they need different images (${earlier.classKey} vs ${later.classKey})`;
                }
                else {
                    const solo = new GroupState(earlier.classKey, 0);
                    solo.add(earlier, ctx);
                    const clash = solo.conflictWith(later, ctx);
                    if (clash)
                        why = `their requirements conflict: ${clash}`;
                }
                if (!why)
                    continue;
                const index = pin ? pin.steps.indexOf(later.step.id) : -1;
                const path = index >= 0
                    ? ['containers', 'groups', group.name, 'steps', index]
                    : ['steps', later.step.id, 'container'];
                const message = `Pinned group "${group.name}" holds steps "${earlier.step.id}" and "${later.step.id}", but ${why}. ` +
                    `Move one of them out of the pin or align the versions.`;
                findings.push(reportAt(rule.id, workflow, path, message));
                // An image that installs both sides of a conflict would fail (or lie): do not render it.
                group.blockedBy = [...(group.blockedBy ?? []), message];
                break;
            }
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/plan/rules/over-budget.ts


const over_budget_rule = { id: 'STW405', check: over_budget_check };
function over_budget_check({ workflow, groups, ctx }) {
    if (!Number.isFinite(ctx.budget))
        return [];
    const findings = [];
    for (const group of groups) {
        const size = group.state.size;
        if (size <= ctx.budget)
            continue;
        const heaviest = [...group.state.packages.entries()]
            .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
            .slice(0, 3)
            .map(([k, bytes]) => `${k.replace(/^[a-z]+:/, '')} ${(0,units/* formatBytes */.z3)(bytes)}`)
            .join(', ');
        const figures = `estimated at ${(0,units/* formatBytes */.z3)(size)}, over the size budget of ${(0,units/* formatBytes */.z3)(ctx.budget)}${heaviest ? ` (heaviest: ${heaviest})` : ''}`;
        if (group.pinned) {
            findings.push(reportAt(over_budget_rule.id, workflow, ['containers', 'groups', group.name], `Pinned group "${group.name}" is ${figures}. Split the pin, raise containers.size-budget, or lighten its packages.`, 'key'));
        }
        else {
            const ids = group.state.members.map((m) => m.step.id);
            findings.push(reportAt(over_budget_rule.id, workflow, ['steps', ids[0], 'software'], `Group "${group.name}" (step${ids.length > 1 ? 's' : ''} ${ids.map((i) => `"${i}"`).join(', ')}) is ${figures}; ` +
                `no grouping can bring it under. Raise containers.size-budget or split the step's software.`, 'key'));
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/plan/rules/over-split.ts


const over_split_rule = { id: 'STW406', check: over_split_check };
function over_split_check({ workflow, groups, ctx }) {
    const findings = [];
    const pinned = groups.filter((g) => g.pinned);
    const reported = new Set();
    for (let j = 1; j < pinned.length; j++) {
        const b = pinned[j];
        for (let i = 0; i < j; i++) {
            const a = pinned[i];
            if (reported.has(a.name) || a.classKey !== b.classKey || a.baseImage !== b.baseImage)
                continue;
            const merged = a.state.clone(ctx);
            if (!b.state.members.every((m) => merged.fits(m, ctx) && (merged.add(m, ctx), true)))
                continue;
            const within = Number.isFinite(ctx.budget)
                ? `, ${(0,units/* formatBytes */.z3)(merged.size)} together (budget ${(0,units/* formatBytes */.z3)(ctx.budget)})`
                : '';
            findings.push(reportAt(over_split_rule.id, workflow, ['containers', 'groups', b.name], `Pinned groups "${a.name}" and "${b.name}" could be one image: same family (${a.classKey}), same base, no conflicting requirements${within}. ` +
                `Merge the pins, or drop them and let the planner group the steps.`, 'key'));
            reported.add(b.name);
            break;
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/plan/plan.ts
/**
 * `plan(workflow)`: the stowage plan — which steps share which image, each image's Dockerfile and
 * content hash, the lower bound and the two baselines. Pure and deterministic: the same workflow
 * (and the same file bytes from `readFile`) gives byte-identical JSON.
 */
















/** Plan rules, in the order they run. */
const PLAN_RULES = [rule, over_budget_rule, over_split_rule];
const DEFAULT_BASES = package_sizes_namespaceObject.rd;
const DEFAULT_RUNTIMES = package_sizes_namespaceObject.RJ;
/** The runtime version a group gets when its steps name none (`python` → `3.12`). */
function defaultRuntime(kind) {
    return DEFAULT_RUNTIMES[kind];
}
function byText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function plan(workflow, options = {}) {
    const analysis = (0,analyze/* analyzeWorkflow */.Gn)(workflow);
    const findings = [...analysis.findings];
    const ctx = new PlanContext(workflow.containers.sizeBudget ?? Infinity, workflow.containers.packageSizes ?? {}, new SolverConflicts(options.solverConflicts), new Set(options.isolated));
    const drafts = [...pinnedDrafts(workflow, analysis.steps, ctx)];
    const taken = new Set(drafts.map((d) => d.name));
    drafts.push(...colouredDrafts(analysis.steps, ctx, taken));
    const baseOnly = placeBaseOnly(analysis.baseOnly, drafts, ctx, taken);
    drafts.sort((a, b) => a.first - b.first || byText(a.name, b.name));
    findings.push(...assignBaseImages(drafts, workflow, options));
    const input = { workflow, groups: drafts, ctx };
    for (const rule of PLAN_RULES)
        findings.push(...rule.check(input));
    const rc = {
        workflow,
        options,
        placeholders: placeholdersOf(workflow),
        mavenImage: options.baseImages?.['maven-builder'] ??
            workflow.containers.baseImages['maven-builder'] ??
            DEFAULT_BASES['maven-builder'],
        findings,
    };
    // Steps that need only base utilities add no kind of image, unless nothing else needs one.
    const byKind = analysis.steps.length === 0 && analysis.baseOnly.length > 0
        ? [{ kind: 'native', bound: 1 }]
        : lowerBoundByKind(analysis.steps, ctx);
    const apart = splitReasons(drafts, ctx);
    const result = {
        version: 1,
        workflow: workflow.name,
        context: contextOf(workflow.file),
        groups: drafts.map((d) => {
            const group = renderDraft(d, rc);
            const reasons = apart.get(d.name);
            return reasons ? { ...group, apart: reasons } : group;
        }),
        external: [...analysis.external].sort((a, b) => byText(a.step, b.step)),
        unplanned: analysis.unplanned,
        ...(baseOnly.length > 0 ? { baseOnly } : {}),
        lowerBound: byKind.reduce((n, k) => n + k.bound, 0),
        lowerBoundByKind: byKind,
        ...(options.solverConflicts ? { solverConflicts: [...options.solverConflicts] } : {}),
        baselines: baselines([...analysis.steps, ...analysis.baseOnly.map((b) => b.analyzed)], ctx),
    };
    return { plan: result, findings: findings.sort(common_findings/* compareFindings */.Eg) };
}
/** Pinned groups, in spec order; each holds exactly the steps pinned to it. */
function pinnedDrafts(workflow, steps, ctx) {
    const drafts = [];
    for (const pin of workflow.containers.groups) {
        const members = steps.filter((s) => s.pin === pin.name);
        if (members.length === 0)
            continue;
        const lead = members.find((m) => hasSoftware(m.step)) ?? members[0];
        const gpu = members.some((m) => m.gpu);
        const classKey = `${lead.family}${gpu ? '-gpu' : ''}`;
        const state = new GroupState(classKey, baseImageBytes(classKey));
        for (const m of members)
            state.add(m, ctx);
        drafts.push({
            name: pin.name,
            pinned: true,
            classKey,
            baseImage: '',
            state,
            first: members[0].index,
        });
    }
    return drafts;
}
/** Every other step, class by class (family + GPU flag), coloured into groups; names not taken. */
function colouredDrafts(steps, ctx, taken) {
    const drafts = [];
    for (const [classKey, members] of byClass(steps.filter((s) => s.pin === undefined))) {
        const states = colourClass(members, baseImageBytes(classKey), ctx)
            .map((state) => ({ state, first: Math.min(...state.members.map((m) => m.index)) }))
            .sort((a, b) => a.first - b.first);
        let n = 1;
        for (const { state, first } of states) {
            let name = classKey;
            while (taken.has(name))
                name = `${classKey}-${++n}`;
            taken.add(name);
            drafts.push({ name, pinned: false, classKey, baseImage: '', state, first });
        }
    }
    return drafts;
}
/**
 * Steps that named an image but need only what every base has go into the smallest group that
 * takes other steps (not a pin, not a GPU image, none that cannot solve), or one `native` group
 * of their own when there is none: no step is left on an image Stowage did not build.
 */
function placeBaseOnly(baseOnly, drafts, ctx, taken) {
    if (baseOnly.length === 0)
        return [];
    let target;
    for (const d of drafts) {
        if (d.pinned || d.classKey.endsWith('-gpu'))
            continue;
        if (d.state.members.some((m) => ctx.isolated.has(m.step.id)))
            continue;
        if (!target || d.state.size < target.state.size)
            target = d;
    }
    if (!target) {
        let name = 'native';
        for (let n = 2; taken.has(name); n++)
            name = `native-${n}`;
        taken.add(name);
        const state = new GroupState('native', baseImageBytes('native'));
        target = { name, pinned: false, classKey: 'native', baseImage: '', state, first: Infinity };
        drafts.push(target);
    }
    for (const { analyzed } of baseOnly) {
        target.state.add(analyzed, ctx);
        target.first = Math.min(target.first, analyzed.index);
    }
    return baseOnly.map(({ analyzed, image }) => ({
        step: analyzed.step.id,
        image,
        software: [...(analyzed.step.baseSoftware ?? [])],
        group: target.name,
    }));
}
function byClass(steps) {
    const classes = new Map();
    for (const s of steps) {
        const list = classes.get(s.classKey) ?? [];
        list.push(s);
        classes.set(s.classKey, list);
    }
    return classes;
}
/** Each draft's base image; an invalid reference is a finding (the group is blocked later). */
function assignBaseImages(drafts, workflow, options) {
    const findings = [];
    for (const d of drafts) {
        const resolved = resolveBaseImage(d, workflow, options);
        d.baseImage = resolved.image;
        if (!(0,image_ref/* isImageReference */.h)(resolved.image)) {
            findings.push((0,rules/* finding */.gk)('STW410', workflow.source.locate(resolved.path), `Group "${d.name}": base image "${resolved.image.replace(/[\r\n]+/g, ' ')}" is not a valid image reference.`));
        }
    }
    return findings;
}
/**
 * The clique bound per kind of image (family + GPU flag), in document order: kinds never share an
 * image (each has its own base), so their bounds add up.
 */
function lowerBoundByKind(steps, ctx) {
    return [...byClass(steps)].map(([kind, members]) => ({
        kind,
        bound: cliqueLowerBound(members, ctx),
    }));
}
/** Step pairs looked at per pair of groups before giving up on naming the conflict. */
const SPLIT_PAIRS_LIMIT = 10_000;
/**
 * For each later coloured group of a kind, why it is not one with each earlier group of that kind:
 * the first conflicting pair of requirements, in the steps that ask for them, or the size budget.
 */
function splitReasons(drafts, ctx) {
    const out = new Map();
    const coloured = drafts.filter((d) => !d.pinned);
    coloured.forEach((later, j) => {
        for (const earlier of coloured.slice(0, j)) {
            if (earlier.classKey !== later.classKey)
                continue;
            const list = out.get(later.name) ?? [];
            list.push({ from: earlier.name, reason: whyApart(earlier.state, later.state, ctx) });
            out.set(later.name, list);
        }
    });
    return out;
}
function whyApart(earlier, later, ctx) {
    let pairs = 0;
    for (const a of earlier.members) {
        const solo = new GroupState(a.classKey, 0);
        solo.add(a, ctx);
        for (const b of later.members) {
            if (++pairs > SPLIT_PAIRS_LIMIT)
                return 'conflicting requirements (too many steps to name one pair)';
            const clash = solo.conflictWith(b, ctx);
            if (clash) {
                const [theirs, ours] = clash.split(' vs ');
                return `${theirs} in "${a.step.id}" vs ${ours} in "${b.step.id}"`;
            }
        }
    }
    const together = earlier.clone(ctx);
    for (const m of later.members)
        together.add(m, ctx);
    return `together they would exceed the size budget (${(0,units/* formatBytes */.z3)(together.size)} over ${(0,units/* formatBytes */.z3)(ctx.budget)})`;
}
function hasSoftware(step) {
    const s = step.software;
    return (s.python !== undefined ||
        s.r !== undefined ||
        s.java !== undefined ||
        s.build !== undefined ||
        [s.pip, s.conda, s.cran, s.bioconductor, s.maven, s.apt, s.npm, s.files].some((l) => l.length > 0));
}
/** The spec's folder, relative to the repository: the build context root. */
function contextOf(file) {
    const slash = file.replace(/\\/g, '/').lastIndexOf('/');
    return slash > 0 ? file.slice(0, slash) : '.';
}
/** `inputs.<name>` → its path; `<step>.<output>` → its path (for `run` and `build` text). */
function placeholdersOf(workflow) {
    const out = {};
    // Paths are pasted into shell commands unquoted (globs must still expand), so only paths of
    // the schema's safe grammar are substituted; imported ones that are not stay as placeholders.
    const add = (key, path) => {
        if (path !== undefined && SAFE_DATA_PATH.test(path))
            out[key] = path;
    };
    for (const i of workflow.inputs)
        add(`inputs.${i.name}`, i.path);
    for (const s of workflow.steps) {
        for (const [name, path] of Object.entries(s.outputs))
            add(`${s.id}.${name}`, path);
    }
    return out;
}
/** The spec schema's `dataPath`: no spaces, quotes or shell characters. */
const SAFE_DATA_PATH = /^[A-Za-z0-9._@+=,/*?[\]{}~:%-]+$/;
/**
 * Precedence: options by group name, options by family key, the pin's `base`, the spec by group
 * name, the spec by family key, the default. Family keys for a GPU group: `python-gpu`, `gpu`,
 * `python`.
 */
function resolveBaseImage(d, workflow, options) {
    const family = d.classKey.replace(/-gpu$/, '');
    const keys = d.classKey.endsWith('-gpu') ? [d.classKey, 'gpu', family] : [family];
    const opt = options.baseImages ?? {};
    const spec = workflow.containers.baseImages;
    const pin = d.pinned ? workflow.containers.groups.find((g) => g.name === d.name) : undefined;
    for (const k of [d.name, ...keys]) {
        if (opt[k] !== undefined)
            return { image: opt[k], path: ['containers'] };
    }
    if (pin?.base !== undefined)
        return { image: pin.base, path: ['containers', 'groups', d.name, 'base'] };
    for (const k of [d.name, ...keys]) {
        if (spec[k] !== undefined)
            return { image: spec[k], path: ['containers', 'base-images', k] };
    }
    const template = DEFAULT_BASES[d.classKey] ?? DEFAULT_BASES[family] ?? DEFAULT_BASES['native'];
    const image = template.replace(/\{(python|r|java)\}/g, (_, kind) => {
        const v = d.state.runtimes[kind] ?? DEFAULT_RUNTIMES[kind];
        // rocker/r-ver tags are full versions; python and temurin accept short ones.
        return v;
    });
    return { image, path: ['containers'] };
}
function plannedPackages(members) {
    const byKey = new Map();
    for (const m of members) {
        for (const req of m.requirements) {
            const key = `${req.ecosystem}\0${req.text}`;
            const entry = byKey.get(key) ?? { req, steps: new Set() };
            entry.steps.add(m.step.id);
            byKey.set(key, entry);
        }
    }
    const entries = [...byKey.values()];
    // An unversioned request folds into a versioned one of the same package.
    const kept = entries.filter((e) => e.req.versioned ||
        !entries.some((o) => o.req.versioned && o.req.ecosystem === e.req.ecosystem && o.req.name === e.req.name));
    for (const e of entries) {
        if (kept.includes(e))
            continue;
        const into = kept.find((o) => o.req.ecosystem === e.req.ecosystem && o.req.name === e.req.name);
        for (const s of e.steps)
            into.steps.add(s);
    }
    const order = new Map(members.map((m, i) => [m.step.id, i]));
    return kept
        .map((e) => ({
        ecosystem: e.req.ecosystem,
        name: e.req.name,
        spec: e.req.text,
        steps: [...e.steps].sort((a, b) => order.get(a) - order.get(b)),
    }))
        .sort((a, b) => byText(a.ecosystem, b.ecosystem) || byText(a.name, b.name) || byText(a.spec, b.spec));
}
function renderDraft(d, rc) {
    const members = [...d.state.members].sort((a, b) => a.index - b.index);
    const family = d.classKey.replace(/-gpu$/, '');
    const runtimes = {};
    for (const kind of analyze/* RUNTIME_KINDS */.n0) {
        const v = d.state.runtimes[kind];
        if (v !== undefined)
            runtimes[kind] = v;
    }
    const contextFiles = [...new Set(members.flatMap((m) => m.files))].sort(byText);
    const group = {
        name: d.name,
        family,
        gpu: d.classKey.endsWith('-gpu'),
        pinned: d.pinned,
        steps: members.map((m) => m.step.id),
        runtimes,
        packages: plannedPackages(members),
        baseImage: d.baseImage,
        estimatedSize: d.state.size, // the solvers' figure below, when they answered
        generated: {},
        contextFiles,
        contentHash: '',
        commands: Object.fromEntries(members.map((m) => [m.step.id, (0,commands/* stepCommands */.B)(m.step, rc.workflow)])),
    };
    // conda packages come from the channels their steps' environment files list (else the defaults).
    if (group.packages.some((p) => p.ecosystem === 'conda')) {
        const channels = (0,software_channels/* groupChannels */.E1)(members.map((m) => m.step.software.channels));
        if (channels)
            group.channels = channels;
    }
    const blocked = [...members.flatMap((m) => m.invalid), ...(d.blockedBy ?? [])];
    if (!(0,image_ref/* isGroupName */.d)(d.name))
        blocked.push(`the group name "${d.name}" is not a valid image name`);
    if (!(0,image_ref/* isImageReference */.h)(d.baseImage))
        blocked.push(`base image "${d.baseImage}" is not a valid image reference`);
    if (!(0,image_ref/* isImageReference */.h)(rc.mavenImage) && group.packages.some((p) => p.ecosystem === 'maven')) {
        blocked.push(`the Maven builder image "${rc.mavenImage}" is not a valid image reference`);
    }
    // The bytes of copied files, read now so that a missing file blocks the group with a finding.
    const fileBytes = new Map();
    if (rc.options.readFile && blocked.length === 0) {
        for (const path of contextFiles) {
            try {
                fileBytes.set(path, rc.options.readFile(path));
            }
            catch (error) {
                const owner = members.find((m) => m.files.includes(path));
                const i = owner.step.software.files.findIndex((f) => f.replace(/^\.\//, '') === path);
                const missing = error.code === 'ENOENT';
                const message = missing
                    ? `Step "${owner.step.id}": file "${path}" was not found in the build context (${contextOf(rc.workflow.file)}).`
                    : `Step "${owner.step.id}": file "${path}" cannot be copied: ${error.message}.`;
                const at = rc.workflow.source.locate([
                    'steps',
                    owner.step.id,
                    'software',
                    'files',
                    Math.max(i, 0),
                ]);
                rc.findings.push((0,rules/* finding */.gk)('STW410', at, message));
                blocked.push(message);
            }
        }
    }
    const lock = rc.options.locks?.[d.name];
    if (lock)
        group.resolution = lock.resolution;
    group.estimatedSize = groupEstimate({
        classKey: d.classKey,
        baseImage: d.baseImage,
        nameLevel: d.state.size,
        packageBytes: d.state.packages,
        overrides: rc.workflow.containers.packageSizes ?? {},
        ...(lock ? { resolution: lock.resolution } : {}),
    });
    if (lock?.resolution.status === 'unsolvable')
        blocked.push(lock.resolution.reason ?? 'it does not solve');
    if (blocked.length > 0)
        return { ...group, blocked };
    group.generated = (0,dockerfile/* renderGroup */.sx)({
        group,
        steps: members.map((m) => m.step),
        placeholders: rc.placeholders,
        files: contextFiles,
        mavenImage: rc.mavenImage,
        commands: group.commands,
        workflowName: rc.workflow.name,
        // A Stowage spec's outputs are the paths its steps write; an imported pipeline's, the engine's.
        outputFolders: rc.workflow.format === 'stowage',
        ...(lock ? { lock } : {}),
    });
    group.contentHash = contentHash(group, fileBytes, rc.options.readFile !== undefined, rc.options.platforms);
    return group;
}
/**
 * sha256 over: a format tag, the base image, every generated file (name and text), every copied
 * file (path and bytes) and the target platforms when given, each length-prefixed so no two
 * inputs can collide by concatenation. (Without platforms the hash is what it always was.)
 */
function contentHash(group, fileBytes, withBytes, platforms = []) {
    const h = (0,external_node_crypto_.createHash)('sha256');
    const put = (data) => {
        const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        h.update(`${buf.length}:`);
        h.update(buf);
    };
    put('stowage-content-hash-v1');
    put(group.baseImage);
    for (const name of Object.keys(group.generated).sort(byText)) {
        put(name);
        put(group.generated[name]);
    }
    for (const path of group.contextFiles) {
        put(path);
        put(withBytes ? (fileBytes.get(path) ?? '') : '<unread>');
    }
    if (platforms.length > 0) {
        put('platforms');
        put([...new Set(platforms.map((p) => p.trim()))].sort(byText).join(','));
    }
    return h.digest('hex');
}
/** One image per step, and one image for everything, from the same estimates. */
function baselines(steps, ctx) {
    const perStep = {
        images: steps.length,
        estimatedTotalSize: steps.reduce((n, s) => n + soloBytes(s, baseImageBytes(s.classKey), ctx), 0),
        // A step whose own software does not solve is a conflict even in an image of its own.
        conflicts: ctx.isolated.size,
    };
    const largestBase = Math.max(0, ...steps.map((s) => baseImageBytes(s.classKey)));
    const all = new GroupState('monolith', largestBase);
    for (const s of steps)
        all.add({ ...s, runtimes: {} }, ctx);
    const monolith = {
        images: steps.length > 0 ? 1 : 0,
        estimatedTotalSize: steps.length > 0 ? all.size : 0,
        // Name-level pairs and runtimes, and every conflict the solvers found through dependencies.
        conflicts: monolithConflicts(steps, ctx) + ctx.solverConflicts.size,
        kinds: [...byClass(steps).keys()],
    };
    return { perStep, monolith };
}
/** Distinct conflicting requirement pairs, plus distinct incompatible runtime version pairs. */
function monolithConflicts(steps, ctx) {
    const byKey = new Map();
    const runtimes = new Map();
    for (const s of steps) {
        for (const r of s.requirements) {
            if (!r.versioned)
                continue;
            const list = byKey.get(conflictKey(r)) ?? [];
            if (!list.some((x) => x.text === r.text && x.ecosystem === r.ecosystem))
                list.push(r);
            byKey.set(conflictKey(r), list);
        }
        for (const kind of analyze/* RUNTIME_KINDS */.n0) {
            const v = s.runtimes[kind];
            if (v === undefined)
                continue;
            const set = runtimes.get(kind) ?? new Set();
            set.add(v);
            runtimes.set(kind, set);
        }
    }
    let n = 0;
    for (const list of byKey.values()) {
        for (let i = 0; i < list.length; i++) {
            for (let j = i + 1; j < list.length; j++)
                if (ctx.conflict(list[i], list[j]))
                    n++;
        }
    }
    for (const set of runtimes.values()) {
        const vs = [...set];
        for (let i = 0; i < vs.length; i++) {
            for (let j = i + 1; j < vs.length; j++)
                if (!(0,version_order/* runtimesCompatible */.kS)(vs[i], vs[j]))
                    n++;
        }
    }
    return n;
}


/***/ })

};
