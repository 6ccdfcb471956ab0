export const id = 522;
export const ids = [522];
export const modules = {

/***/ 5522:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  exportImages: () => (/* binding */ exportImages),
  findStepImages: () => (/* binding */ findStepImages),
  noImageReasons: () => (/* binding */ noImageReasons)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/paths.ts
var paths = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/software/image-ref.ts
var image_ref = __webpack_require__(4856);
;// CONCATENATED MODULE: ./src/export/common.ts

/** Steps that have a valid image, and those left out with the reason. */
function exportableSteps(input) {
    const steps = [];
    const skipped = [];
    for (const step of input.workflow.steps) {
        const image = input.stepImages[step.id];
        if (!image)
            skipped.push({
                step: step.id,
                reason: input.noImage?.[step.id] ?? 'no image was built or declared for it',
            });
        else if (!(0,image_ref/* isImageReference */.h)(image.ref)) {
            skipped.push({ step: step.id, reason: `"${image.ref}" is not a valid image reference` });
        }
        else if (image.pinned === 'digest' && !/@sha256:[a-f0-9]{64}$/.test(image.ref)) {
            skipped.push({
                step: step.id,
                reason: `"${image.ref}" is said to be pinned by digest but has none`,
            });
        }
        else
            steps.push({ step, image });
    }
    return { steps, skipped };
}
/**
 * The exportable steps whose image is a planned group's (the shims, modules and Compose exports
 * need what Stowage built into it); a step on an image of its own is left out, its reason ending
 * with `consequence` (e.g. ", so it has no group module").
 */
function stepsInGroupImages(input, consequence) {
    const { steps: all, skipped } = exportableSteps(input);
    const steps = all.filter(({ step, image }) => {
        if (image.group)
            return true;
        skipped.push({
            step: step.id,
            reason: `its image ${image.ref} is not one Stowage built${consequence}`,
        });
        return false;
    });
    return { steps, skipped };
}
function pinningOf(images) {
    if (images.length === 0)
        return 'none';
    const digest = images.filter((i) => i.pinned === 'digest').length;
    if (digest === images.length)
        return 'digest';
    return digest === 0 ? 'tag' : 'mixed';
}
/**
 * How the images of an export are pinned, in words, for the line each export prints: `images
 * pinned by digest`, or which are named by a tag only (a tag can be moved to another image).
 */
function pinningPhrase(pinning) {
    switch (pinning) {
        case 'digest':
            return 'images pinned by digest';
        case 'tag':
            return 'images named by tag only, no digest (a tag can be moved)';
        case 'mixed':
            return 'images pinned by digest where pushed, the others named by tag only';
        case 'none':
            return 'no image';
    }
}
/** The same as a sentence, for the header of an export's file. */
function pinningSentence(pinning) {
    switch (pinning) {
        case 'digest':
            return 'Images are pinned by digest: a rerun uses exactly the images that were built.';
        case 'tag':
            return 'Images are named by tag only, not pinned by digest (none was available): a tag can be moved to another image; build with a push to pin them by digest.';
        case 'mixed':
            return 'Images that were pushed are pinned by digest; the others are named by tag only, and a tag can be moved to another image.';
        case 'none':
            return 'No step has an image yet.';
    }
}
/** The engine's name for a step: the process or rule it came from, else the step id. */
function engineName(input, stepId) {
    return input.origin?.engineNames[stepId] ?? stepId;
}

// EXTERNAL MODULE: ./src/common/escape/comment.ts
var comment = __webpack_require__(5676);
;// CONCATENATED MODULE: ./src/common/escape/yaml.ts
/**
 * YAML: scalars, comments and whole documents of mappings, lists and scalars.
 *
 * Values are always double-quoted. YAML is a superset of JSON, so a JSON string literal is a YAML
 * double-quoted scalar; on top of JSON's escapes, the characters YAML readers end lines at or
 * refuse are escaped as `\uNNNN` too: NEL (U+0085), U+2028 and U+2029 (line breaks to YAML 1.1
 * readers: PyYAML, ruamel.yaml, and so Snakemake and cwltool), C1 controls and DEL, the BOM and
 * the non-characters U+FFFE/U+FFFF — in fact every character past ASCII (`\uNNNN`, or `\UNNNNNNNN`
 * past U+FFFF), so the scalar is printable ASCII and no reader sees anything but one string.
 */

/** Every character past printable ASCII (JSON has already escaped C0 controls and lone surrogates). */
const NOT_ASCII = /[^\t\n\r\x20-\x7e]/gu;
/** A YAML double-quoted scalar holding exactly `value`, in printable ASCII. */
function yamlString(value) {
    return JSON.stringify(String(value)).replace(NOT_ASCII, (c) => {
        const code = c.codePointAt(0);
        return code > 0xffff
            ? `\\U${code.toString(16).padStart(8, '0')}`
            : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}
/** A YAML comment line (`# …`) that cannot end before the line does. */
function yamlComment(text) {
    return `# ${(0,comment/* commentText */.b)(text)}`;
}
/**
 * A block-style YAML document for `value` (ending in a newline): every key and string through
 * `yamlString`, numbers only when finite, so the document holds exactly the keys given.
 */
function yamlDocument(value) {
    return `${yamlLines(value, '').join('\n')}\n`;
}
function yamlScalar(value) {
    if (typeof value === 'string')
        return yamlString(value);
    if (typeof value === 'number') {
        if (!Number.isFinite(value))
            throw new Error(`not a YAML number: ${value}`);
        return String(value);
    }
    return String(value);
}
function yamlLines(value, indent) {
    if (Array.isArray(value)) {
        if (value.length === 0)
            return [`${indent}[]`];
        return value.flatMap((item) => nested(`${indent}-`, item, `${indent}  `));
    }
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value);
        if (entries.length === 0)
            return [`${indent}{}`];
        return entries.flatMap(([key, item]) => nested(`${indent}${yamlString(key)}:`, item, `${indent}  `));
    }
    return [`${indent}${yamlScalar(value)}`];
}
/** `head` followed by `item`: on the same line when it is a scalar or empty, else below it. */
function nested(head, item, indent) {
    const empty = Array.isArray(item) ? item.length === 0 : isEmptyMapping(item);
    if (item === null || typeof item !== 'object' || empty) {
        return [`${head} ${yamlLines(item, '')[0]}`];
    }
    return [head, ...yamlLines(item, indent)];
}
function isEmptyMapping(item) {
    return item !== null && typeof item === 'object' && Object.keys(item).length === 0;
}
/**
 * A Compose file's string value: Compose interpolates `$VAR` and `${VAR}` in values after YAML
 * has read them, so each `$` is doubled (`$$` is a literal `$`), then quoted as YAML.
 */
function composeString(value) {
    return yamlString(String(value).replace(/\$/g, '$$$$'));
}

// EXTERNAL MODULE: ./src/workflow/graph.ts
var workflow_graph = __webpack_require__(4201);
// EXTERNAL MODULE: ./src/common/escape/shell.ts
var shell = __webpack_require__(9899);
// EXTERNAL MODULE: ./src/workflow/output-folders.ts
var output_folders = __webpack_require__(2952);
;// CONCATENATED MODULE: ./src/export/compose.ts
/**
 * Compose export: the workflow as composed services (the Compose specification), for workflows
 * whose steps include long-running services (`service: true`: a database, a web API the other
 * steps call). `compose.yaml` has
 *
 * - one service per service step, in its group's image (the entrypoint starts the step), with a
 *   health check — healthy once the container listens on a TCP port, read from `/proc/net/tcp`,
 *   which needs nothing of the image but `/bin/sh`, `cat` and `grep`;
 * - each batch step as a one-off service (`restart: "no"`) that starts once every service is
 *   healthy and the steps whose outputs it reads completed successfully;
 * - the workflow's folder bound at /workflow, the steps' working folder: found from the Compose
 *   file's own folder (`../../..`), so the export works wherever the checkout is, or
 *   `${STOWAGE_WORKDIR}`. (Not a named volume of the local driver: its `device` must be an
 *   absolute path, fixed when the volume is first made — a moved checkout would keep the old
 *   folder — and podman-compose 1.0 ignores `driver_opts`.);
 * - one private network for them all; nothing is published on the host;
 * - every step run as the user who exported (`${STOWAGE_UID}`/`${STOWAGE_GID}` override it).
 *
 * `docker compose -f compose.yaml up` (or `podman-compose`) brings it up. Every value from the
 * workflow is written with `composeString` (YAML double-quoted, `$` doubled against Compose's
 * interpolation); service names are plain.
 */






const COMPOSE_FILE = 'compose.yaml';
/** Where the workflow's folder is mounted in every container, and their working folder. */
const WORKDIR = '/workflow';
const NETWORK = 'private';
/** Where the images' entrypoint lives (see src/plan/dockerfile.ts). */
const ENTRYPOINT = '/usr/local/bin/stowage-entrypoint.sh';
/**
 * Healthy once something in the container listens on TCP (state 0A in /proc/net/tcp or tcp6,
 * which belong to the container's own network namespace).
 */
const LISTENING = "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q '^ *[0-9]*: [0-9A-Fa-f]*:[0-9A-Fa-f]* [0-9A-Fa-f]*:[0-9A-Fa-f]* 0A '";
/** A Compose service name per step: plain characters, unique (ignoring case). */
function serviceNames(steps) {
    const names = new Map();
    const taken = new Set();
    for (const step of steps) {
        const base = step.id.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[._-]/, 's');
        let name = base;
        for (let n = 2; taken.has(name.toLowerCase()); n++)
            name = `${base}-${n}`;
        taken.add(name.toLowerCase());
        names.set(step.id, name);
    }
    return names;
}
/** `${NAME:-default}` when the default can stand inside it as is, else `${NAME:?why}`. */
function variable(name, fallback, why) {
    return fallback !== undefined && /^[A-Za-z0-9_./+@%=,:-]*$/.test(fallback) && fallback !== ''
        ? `\${${name}:-${fallback}}`
        : `\${${name}:?${why}}`;
}
function exportCompose(input) {
    // Composed services are for a Stowage spec with long-running steps; nothing else has them.
    const notApplicable = input.workflow.format !== 'stowage'
        ? `a ${input.workflow.format} pipeline's steps run under its engine, not as composed services: there is nothing to compose`
        : !input.workflow.steps.some((s) => s.service)
            ? 'no step is a service (`service: true`): there is nothing to compose'
            : undefined;
    if (notApplicable !== undefined)
        return {
            engine: 'compose',
            files: {},
            pinning: 'none',
            notApplicable,
            steps: [],
            skipped: [],
            usage: '',
        };
    const { steps, skipped } = stepsInGroupImages(input, ': its entrypoint cannot start the step');
    const outDir = input.outDir ?? '.stowage/export/compose';
    const graph = (0,workflow_graph/* buildGraph */.Z)(input.workflow);
    const names = serviceNames(steps.map((s) => s.step));
    const exported = new Set(steps.map((s) => s.step.id));
    const services = steps.filter((s) => s.step.service);
    const host = input.host;
    const user = `${variable('STOWAGE_UID', host ? String(host.uid) : undefined, 'set STOWAGE_UID')}:${variable('STOWAGE_GID', host ? String(host.gid) : undefined, 'set STOWAGE_GID')}`;
    const workflowDir = external_node_path_.posix.dirname(input.workflow.file.replace(/\\/g, '/'));
    const source = variable('STOWAGE_WORKDIR', external_node_path_.posix.relative(outDir, workflowDir === '' ? '.' : workflowDir) || '.', "set STOWAGE_WORKDIR to the workflow's folder");
    const lines = [
        yamlComment(`Generated by Stowage: workflow ${input.workflow.name} as composed services; its service steps stay up, its batch steps run once.`),
        yamlComment(`Use: docker compose -f ${external_node_path_.posix.join(outDir, COMPOSE_FILE)} up   (or podman-compose -f … up; stop with … down -v)`),
        '# The workflow folder: STOWAGE_WORKDIR; the user the steps run as: STOWAGE_UID, STOWAGE_GID.',
        'services:',
    ];
    const dropped = [];
    for (const { step, image } of steps) {
        lines.push(...serviceLines(step, image, names, user, source));
        const after = new Map();
        if (!step.service)
            for (const s of services)
                after.set(names.get(s.step.id), 'service_healthy');
        for (const edge of graph.upstream.get(step.id) ?? []) {
            if (!exported.has(edge.from)) {
                dropped.push(`${step.id} ← ${edge.from}`);
                continue;
            }
            const from = graph.steps.get(edge.from);
            after.set(names.get(edge.from), from.service ? 'service_healthy' : 'service_completed_successfully');
        }
        if (after.size > 0) {
            lines.push('    depends_on:');
            for (const [name, condition] of after)
                lines.push(`      ${yamlString(name)}:`, `        condition: ${yamlString(condition)}`);
        }
    }
    lines.push('networks:', `  ${yamlString(NETWORK)}: {}`, '');
    const pinning = pinningOf(steps.map((s) => s.image));
    const file = external_node_path_.posix.join(outDir, COMPOSE_FILE);
    return {
        engine: 'compose',
        files: steps.length > 0 ? { [COMPOSE_FILE]: lines.join('\n') } : {},
        pinning,
        steps: steps.map((s) => s.step.id),
        skipped,
        usage: [
            `docker compose -f ${file} up (or podman-compose -f ${file} up; ${services.length} service(s), ${steps.length - services.length} batch step(s)) — ${pinningSentence(pinning)}`,
            ...(dropped.length > 0
                ? [
                    `steps that start without the steps they read from (not exported): ${dropped.join(', ')}`,
                ]
                : []),
        ].join('\n'),
    };
}
function serviceLines(step, image, names, user, source) {
    const gpu = image.group?.gpu ?? false;
    const folders = (0,output_folders/* outputFolders */.P)(step);
    return [
        `  ${yamlString(names.get(step.id))}:`,
        `    image: ${composeString(image.ref)}`,
        // The image's entrypoint runs the step by its name, once the folders of its outputs exist.
        ...(folders.length > 0
            ? [
                `    entrypoint: ["/bin/sh", "-c", ${composeString(`mkdir -p ${folders.map(shell/* shellQuote */.ZL).join(' ')} && exec /bin/sh ${ENTRYPOINT} "$@"`)}, "stowage"]`,
            ]
            : []),
        `    command: [${composeString(step.id)}]`,
        `    user: ${yamlString(user)}`,
        `    working_dir: ${yamlString(WORKDIR)}`,
        '    volumes:',
        '      - type: "bind"',
        `        source: ${yamlString(source)}`,
        `        target: ${yamlString(WORKDIR)}`,
        `    networks: [${yamlString(NETWORK)}]`,
        ...(step.service
            ? [
                '    restart: "unless-stopped"',
                '    healthcheck:',
                `      test: ["CMD-SHELL", ${composeString(LISTENING)}]`,
                '      interval: "2s"',
                '      timeout: "5s"',
                '      retries: 30',
                '      start_period: "2s"',
            ]
            : ['    restart: "no"']),
        ...(gpu
            ? [
                '    deploy:',
                '      resources:',
                '        reservations:',
                '          devices: [{ capabilities: ["gpu"] }]',
            ]
            : []),
    ];
}

;// CONCATENATED MODULE: ./src/export/cwl.ts
/**
 * CWL export: an overrides file for `cwltool --overrides`, setting `DockerRequirement.dockerPull`
 * of each step's tool. cwltool applies an override to the process whose id equals the key, and a
 * key that matches nothing is only a warning: so each key is the tool's id exactly as cwltool's
 * loader resolves it (the importer records it: `tools/x.cwl`, `tools/x.cwl#id`, `packed.cwl#x`,
 * `wf.cwl#step/run/id`, or the step `wf.cwl#step` for an inline tool without an id), written
 * relative to the main workflow's folder — cwltool resolves a relative key against the main
 * workflow document, not against the overrides file — so it holds wherever the repository is
 * checked out.
 */



const CWL_OVERRIDES_FILE = 'stowage-overrides.yml';
/**
 * The key naming `target` relative to the main workflow's folder, as cwltool resolves keys:
 * `target` is a repository-relative `file` or `file#fragment` (normalized: it never holds `//`),
 * or an absolute `http(s)://` / `file://` id, kept whole.
 */
function overrideKey(target, mainWorkflow) {
    if (/^(?:https?|file):\/\//.test(target))
        return target;
    const hash = target.indexOf('#');
    const file = hash < 0 ? target : target.slice(0, hash);
    const relative = external_node_path_.posix.relative(external_node_path_.posix.dirname(mainWorkflow), file);
    return relative + (hash < 0 ? '' : target.slice(hash));
}
/** How a workflow of another format is called, for the message that there is nothing to override. */
const NOT_CWL = {
    stowage: {
        what: 'a Stowage spec',
        instead: 'the slurm, shims, modules or compose export runs its steps in their images',
    },
    nextflow: {
        what: 'a Nextflow pipeline',
        instead: "the nextflow export sets its processes' images",
    },
    snakemake: {
        what: 'a Snakemake workflow',
        instead: "the snakemake export sets its rules' images",
    },
};
function exportCwl(input) {
    const format = input.workflow.format;
    if (format !== 'cwl') {
        // Overrides set the image of CWL tools for cwltool: a workflow read from elsewhere has none.
        const known = NOT_CWL[format] ?? {
            what: `a ${format} workflow`,
            instead: 'use its own export',
        };
        return {
            engine: 'cwl',
            files: {},
            pinning: 'none',
            steps: [],
            skipped: [],
            usage: '',
            notApplicable: `nothing to override: ${input.workflow.file} is ${known.what}, not CWL. The CWL export writes cwltool overrides that set the image of each CWL tool, and this workflow has no CWL tool; ${known.instead}.`,
        };
    }
    const { steps, skipped } = exportableSteps(input);
    const outDir = input.outDir ?? '.stowage/export/cwl';
    const overrides = {};
    const exported = [];
    for (const entry of steps) {
        const tool = input.origin?.tools[entry.step.id];
        const unreachable = input.origin?.toolsUnreachable?.[entry.step.id];
        if (tool === undefined) {
            skipped.push({
                step: entry.step.id,
                reason: unreachable ??
                    (input.origin?.format === 'cwl'
                        ? 'its tool could not be read'
                        : 'no CWL tool is known for it (the workflow was not imported from CWL)'),
            });
            continue;
        }
        const key = overrideKey(tool, input.workflow.file);
        const existing = overrides[key];
        if (existing && existing.requirements.DockerRequirement.dockerPull !== entry.image.ref) {
            skipped.push({
                step: entry.step.id,
                reason: `its tool ${tool} is shared with another step that runs a different image`,
            });
            continue;
        }
        overrides[key] = { requirements: { DockerRequirement: { dockerPull: entry.image.ref } } };
        exported.push(entry);
    }
    const pinning = pinningOf(exported.map((s) => s.image));
    const main = input.workflow.file;
    // Names and paths come from the repository: the header is written through yamlComment and the
    // body through yamlDocument, so neither can add a key (cwltool applies every override it reads).
    const header = [
        `Generated by Stowage for workflow ${JSON.stringify(input.workflow.name)}: the image of each step's tool.`,
        pinningSentence(pinning),
        `Tools are named relative to the main workflow ${main}, as cwltool resolves them: use this file with it.`,
        `Use: cwltool --overrides ${outDir}/${CWL_OVERRIDES_FILE} ${main} <job.yml>`,
    ];
    const body = yamlDocument({ 'cwltool:overrides': overrides });
    return {
        engine: 'cwl',
        files: { [CWL_OVERRIDES_FILE]: `${header.map(yamlComment).join('\n')}\n${body}` },
        pinning,
        steps: exported.map((s) => s.step.id),
        skipped,
        usage: `cwltool --overrides ${outDir}/${CWL_OVERRIDES_FILE} ${main} <job.yml>`,
    };
}

;// CONCATENATED MODULE: ./src/common/escape/lua.ts
/**
 * Lua string literals (Lmod modulefiles, `setenv("NAME", "value")`). Double-quoted; `\` and `"`
 * escaped; every byte outside printable ASCII (the value's UTF-8) written as a three-digit
 * decimal escape `\ddd`, which every Lua from 5.1 on reads and which a following digit cannot
 * extend. The literal is one line of ASCII: no long bracket (`]]`), no line break, no NUL.
 */
function luaString(value) {
    let out = '';
    for (const byte of Buffer.from(String(value), 'utf8')) {
        if (byte === 0x5c || byte === 0x22)
            out += `\\${String.fromCharCode(byte)}`;
        else if (byte >= 0x20 && byte < 0x7f)
            out += String.fromCharCode(byte);
        else
            out += `\\${String(byte).padStart(3, '0')}`;
    }
    return `"${out}"`;
}

;// CONCATENATED MODULE: ./src/common/escape/tcl.ts
/**
 * Tcl words (Environment Modules modulefiles, `setenv NAME value`). Double-quoted, where Tcl
 * substitutes `$var`, `[command]` and backslash escapes: `\`, `"`, `$`, `[`, `]` are escaped with
 * `\`, and so are `{` and `}` (a quoted word needs no balance, but a modulefile may be re-read
 * inside braces). Line breaks, `;` and `#` are plain text inside the quotes, but line breaks,
 * controls and characters past ASCII are written `\uNNNN` (always four digits, which a following
 * hex digit cannot extend) so the word is one line of ASCII.
 */
function tclString(value) {
    let out = '';
    for (const c of String(value)) {
        const code = c.charCodeAt(0);
        if ('\\"$[]{}'.includes(c))
            out += `\\${c}`;
        else if (code >= 0x20 && code < 0x7f)
            out += c;
        else
            for (let i = 0; i < c.length; i += 1)
                out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    }
    return `"${out}"`;
}

;// CONCATENATED MODULE: ./src/export/shims.ts
/**
 * Shims export: the images as applications. A folder `bin/` holds one small POSIX-sh wrapper per
 * command an image provides (and one per step, `stowage-<step>`), each running that command in
 * its group's image, pinned by digest, with the runtime the user picked (Apptainer, Docker,
 * Podman or Charliecloud):
 *
 *   PATH=$PWD/.stowage/export/shims/bin:$PATH
 *   samtools view -c x.bam          # runs samtools in the image, as the host tool would
 *
 * The wrappers share one runner, `libexec/stowage-run`, which binds the current folder and the
 * folders of the paths given as arguments at the same paths, runs as the calling user, passes
 * standard input, output, error and the exit code through, forwards signals (an init process in
 * Docker and Podman), opens a TTY only when there is one, and passes the environment only by an
 * allow-list. Every name from the workflow reaches a script only through `shellQuote`/`shellComment`,
 * and only names of plain characters become file names.
 */




/** Where the images' entrypoint lives (see src/plan/dockerfile.ts). */
const shims_ENTRYPOINT = '/usr/local/bin/stowage-entrypoint.sh';
/** A command or shim name that can be a file name and a word on its own. */
const PLAIN_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
const RUNNER = 'libexec/stowage-run';
/** The variables a shim passes into the container unless told more (`STOWAGE_SHIM_ENV`). */
const SHIM_ENV = [
    'LANG',
    'LC_ALL',
    'LC_COLLATE',
    'LC_CTYPE',
    'LC_MESSAGES',
    'LC_MONETARY',
    'LC_NUMERIC',
    'LC_TIME',
    'TZ',
    'TERM',
    'OMP_NUM_THREADS',
];
/**
 * Folders never bound over the image's own, with what is below them: the system's, and where
 * images keep their software. `EXACT_FOLDERS` are refused themselves only (`/opt/data` is bound,
 * `/opt` would hide /opt/conda).
 */
const SYSTEM_FOLDERS = [
    '/bin',
    '/boot',
    '/dev',
    '/etc',
    '/lib',
    '/lib32',
    '/lib64',
    '/libx32',
    '/proc',
    '/run',
    '/sbin',
    '/sys',
    '/usr',
    '/opt/conda',
    '/opt/stowage',
    '/opt/stowage-node',
];
const EXACT_FOLDERS = ['/', '/opt', '/var'];
/** The groups of the exported steps' images, once each, in workflow order. */
function exportedGroups(steps) {
    const seen = new Map();
    for (const { image } of steps)
        if (image.group && !seen.has(image.group.name))
            seen.set(image.group.name, { group: image.group, image });
    return [...seen.values()];
}
/**
 * The shims of some groups: each command once (the first group that provides it, in workflow
 * order; the others are named in `shadowed`), then `stowage-<step>` for each step. Names that
 * cannot be file names are left out, with the reason.
 */
function planShims(groups, steps, 
/** Make each step's output folders first (a Stowage spec's steps; an engine's make their own). */
makeFolders = true) {
    const shims = [];
    const taken = new Map();
    const shadowed = [];
    const refused = [];
    for (const { group, image } of groups) {
        for (const name of group.commands) {
            if (!PLAIN_NAME.test(name)) {
                refused.push(`command ${JSON.stringify(name)} of group ${group.name}: not a plain name`);
                continue;
            }
            const owner = taken.get(name);
            if (owner !== undefined) {
                if (owner !== group.name)
                    shadowed.push({ name, group: group.name, by: owner });
                continue;
            }
            taken.set(name, group.name);
            shims.push({ file: name, kind: 'command', name, group, image });
        }
    }
    for (const { step, image } of steps) {
        if (!image.group)
            continue;
        const base = `stowage-${step.id.replace(/[^A-Za-z0-9_.+-]/g, '_')}`;
        let file = base;
        for (let n = 2; taken.has(file); n++)
            file = `${base}-${n}`;
        taken.set(file, image.group.name);
        shims.push({
            file,
            kind: 'step',
            name: step.id,
            group: image.group,
            image,
            folders: makeFolders ? (0,output_folders/* outputFolders */.P)(step) : [],
        });
    }
    return { shims, shadowed, refused };
}
/**
 * A shim: finds the runner beside its folder (links followed) and hands it the call. A step's
 * shim first makes the folders of the step's outputs, as the Slurm jobs do.
 */
function shimScript(shim, runtime, workflow) {
    const what = shim.kind === 'command'
        ? `command ${shim.name} of group ${shim.group.name}`
        : `step ${shim.name} (group ${shim.group.name})`;
    return [
        '#!/bin/sh',
        (0,shell/* shellComment */.Eu)(`Generated by Stowage: the ${what} of workflow ${workflow}, run in its image with ${runtime}.`),
        `# ${shim.image.pinned === 'digest' ? 'Pinned by digest.' : 'Pinned by tag only (no digest was available).'} See ../${RUNNER} for what is bound and passed.`,
        ...(shim.folders && shim.folders.length > 0
            ? [`mkdir -p ${shim.folders.map(shell/* shellQuote */.ZL).join(' ')} || exit`]
            : []),
        'self=$(readlink -f -- "$0" 2>/dev/null) || self=$0',
        `exec /bin/sh "\${self%/*}/../${RUNNER}" ${(0,shell/* shellQuote */.ZL)(shim.image.ref)} ${shim.group.gpu ? 'gpu' : 'cpu'} ${shim.kind} ${(0,shell/* shellQuote */.ZL)(shim.name)} "$@"`,
        '',
    ].join('\n');
}
/** The runner all shims of a folder share, for one runtime (POSIX sh; see the file's header). */
function runnerScript(runtime) {
    return [
        '#!/bin/sh',
        `# Generated by Stowage: runs a command of a workflow's image with ${runtime}, as the host tool would:`,
        '# the current folder and the folders of the paths given as arguments are bound at the same paths',
        '# (never a system folder), it runs as you, standard input, output, error and the exit code pass',
        '# through, signals are forwarded, a TTY is opened only when there is one, and only the environment',
        `# variables ${SHIM_ENV.join(' ')} and those named in STOWAGE_SHIM_ENV reach it.`,
        '# Extra runtime options (split into words): STOWAGE_RUNTIME_OPTS.',
        '# Called by the shims in ../bin: stowage-run IMAGE cpu|gpu command|step NAME [ARG...]',
        'set -uf',
        'image=$1 gpu=$2 kind=$3 name=$4',
        'shift 4',
        'n=$#',
        'cwd=$(pwd)',
        "nl='",
        "'",
        'binds=',
        '# bind FOLDER: bind an absolute folder at its own path, once, unless inside one bound already.',
        'bind() {',
        '  case $1 in',
        `    ${[...EXACT_FOLDERS, ...SYSTEM_FOLDERS.flatMap((f) => [f, `${f}/*`])].join('|')}) return ;;`,
        '    *"$nl"*|*:*|*,*)',
        '      echo "stowage: not binding $1 (a colon, comma or line break in its path)" >&2',
        '      return ;;',
        '  esac',
        '  IFS=$nl',
        '  for b in $binds; do',
        '    case $1/ in "$b"/*) unset IFS; return ;; esac',
        '  done',
        '  unset IFS',
        '  binds=$binds$1$nl',
        '}',
        '# folder_of PATH: the existing folder a path names or is in, absolute, or nothing.',
        'folder_of() {',
        '  p=$1',
        '  case $p in /*) ;; *) p=$cwd/$p ;; esac',
        '  [ -d "$p" ] || p=${p%/*}',
        '  while [ -n "$p" ] && [ ! -d "$p" ]; do p=${p%/*}; done',
        '  (cd "${p:-/}" 2>/dev/null && pwd)',
        '}',
        'bind "$cwd"',
        'for a; do',
        '  case $a in',
        '    -*=*) v=${a#*=} ;;',
        '    -?/*) v=${a#-?} ;;',
        '    -*) continue ;;',
        '    *) v=$a ;;',
        '  esac',
        '  case $v in */*) ;; *) continue ;; esac',
        '  d=$(folder_of "$v") && [ -n "$d" ] && bind "$d"',
        'done',
        `allow='${SHIM_ENV.join(' ')}'`,
        'envs=',
        'for v in $allow ${STOWAGE_SHIM_ENV:-}; do',
        '  case $v in',
        '    [!A-Za-z_]*|*[!A-Za-z0-9_]*)',
        '      echo "stowage: STOWAGE_SHIM_ENV: $v is not a variable name" >&2',
        '      continue ;;',
        '  esac',
        '  eval "[ -n \\"\\${$v+x}\\" ]" && envs="$envs $v"',
        'done',
        'tty=',
        'if [ -t 0 ] && [ -t 1 ]; then tty=-t; fi',
        ': "${STOWAGE_RUNTIME_OPTS:=}"',
        ...runtimeLines(runtime),
        '',
    ].join('\n');
}
/**
 * The runtime's part of the runner: its options, then the image and the command, then the
 * caller's arguments, moved to the end of the positional list (POSIX sh has no arrays).
 */
function runtimeLines(runtime) {
    const rotate = [
        '# The caller\'s arguments, still first in "$@", go last.',
        'while [ "$n" -gt 0 ]; do set -- "$@" "$1"; shift; n=$((n - 1)); done',
    ];
    const binds = (option) => [
        'IFS=$nl',
        `for d in $binds; do set -- "$@" ${option('$d')}; done`,
        'unset IFS',
    ];
    switch (runtime) {
        case 'docker':
        case 'podman': {
            const who = runtime === 'docker'
                ? ['who="--user=$(id -u):$(id -g)"']
                : [
                    '# Rootless Podman maps you in with keep-id; as root, root is named outright.',
                    'if [ "$(id -u)" -eq 0 ]; then who=--user=0:0; else who=--userns=keep-id; fi',
                ];
            const gpu = runtime === 'docker' ? '--gpus=all' : '--device=nvidia.com/gpu=all';
            return [
                ...binds((d) => `"--volume=${d}:${d}"`),
                'for v in $envs; do set -- "$@" "--env=$v"; done',
                `if [ "$gpu" = gpu ]; then set -- "$@" ${gpu}; fi`,
                'if [ "$kind" = command ]; then',
                '  set -- "$@" "--entrypoint=$name" "$image"',
                'else',
                '  set -- "$@" "$image" "$name"',
                'fi',
                ...rotate,
                ...who,
                '# An init process forwards the signals the client passes on; -i keeps standard input open.',
                '# shellcheck disable=SC2086 # the options are split into words on purpose',
                // A first pull prints its progress on standard error (docker 20.10 has no `run --quiet`).
                `exec ${runtime} run --rm -i $tty --init${runtime === 'podman' ? ' --quiet' : ''} "$who" --env=HOME=/tmp "--workdir=$cwd" $STOWAGE_RUNTIME_OPTS "$@"`,
            ];
        }
        case 'apptainer':
            return [
                ...binds((d) => `"--bind=${d}"`),
                '# --cleanenv passes nothing but what APPTAINERENV_ names.',
                'for v in $envs; do eval "APPTAINERENV_$v=\\$$v; export APPTAINERENV_$v"; done',
                'if [ "$gpu" = gpu ]; then set -- "$@" --nv; fi',
                'if [ "$kind" = command ]; then verb=exec; else verb=run; fi',
                'set -- "$@" "docker://$image" "$name"',
                ...rotate,
                '# shellcheck disable=SC2086 # the options are split into words on purpose',
                'exec apptainer "$verb" --cleanenv "--pwd=$cwd" $STOWAGE_RUNTIME_OPTS "$@"',
            ];
        case 'charliecloud':
            return [
                '# ch-run starts no entrypoint and pulls nothing: the image is pulled into the storage once.',
                ': "${USER:=$(id -un)}"',
                'export USER',
                '# ch-run mounts $TMPDIR at /tmp, which would hide the paths under the host /tmp bound below.',
                'unset TMPDIR',
                'if ! ch-run "$image" -- /bin/sh -c : >/dev/null 2>&1; then',
                '  ch-image pull "$image" >&2 || exit 125',
                'fi',
                "# The image's environment, then only the allowed variables of yours.",
                'set -- "$@" "--unset-env=*" --set-env --env-no-expand',
                'for v in $envs; do eval "set -- \\"\\$@\\" \\"--set-env=$v=\\$$v\\""; done',
                ...binds((d) => `"--bind=${d}:${d}"`),
                'if [ "$kind" = command ]; then',
                '  set -- "$@" "$image" -- "$name"',
                'else',
                `  set -- "$@" "$image" -- /bin/sh ${shims_ENTRYPOINT} "$name"`,
                'fi',
                ...rotate,
                '# shellcheck disable=SC2086 # the options are split into words on purpose',
                'exec ch-run "--cd=$cwd" $STOWAGE_RUNTIME_OPTS "$@"',
            ];
    }
}
/** `name<TAB>kind<TAB>group<TAB>image` a line: what each shim runs, for people and scripts. */
function shimIndex(shims, shadowed) {
    const clean = (s) => s.replace(/[\t\r\n]/g, ' ');
    return [
        '# shim\tkind\tgroup\timage',
        ...shims.map((s) => [s.file, s.kind, clean(s.group.name), clean(s.image.ref)].join('\t')),
        ...shadowed.map((s) => `# ${clean(s.name)} of group ${clean(s.group)} is not shimmed: group ${clean(s.by)} provides it first`),
        '',
    ].join('\n');
}
/** The files of a shims folder (`<prefix>bin/…`, `<prefix>libexec/stowage-run`) and which are executable. */
function shimFolder(shims, runtime, workflow, prefix = '') {
    const files = {};
    for (const shim of shims)
        files[`${prefix}bin/${shim.file}`] = shimScript(shim, runtime, workflow);
    files[`${prefix}${RUNNER}`] = runnerScript(runtime);
    return { files, executable: Object.keys(files) };
}
function exportShims(input) {
    const { steps, skipped } = stepsInGroupImages(input, ', so its commands are not known');
    const runtime = input.slurmRuntime ?? 'apptainer';
    const outDir = input.outDir ?? '.stowage/export/shims';
    const groups = exportedGroups(steps);
    const { shims, shadowed, refused } = planShims(groups, steps, input.workflow.format === 'stowage');
    const { files, executable } = shims.length > 0
        ? shimFolder(shims, runtime, input.workflow.name)
        : { files: {}, executable: [] };
    if (shims.length > 0)
        files['shims.tsv'] = shimIndex(shims, shadowed);
    const fromPlan = groups.filter((g) => g.group.commandsFrom === 'plan').map((g) => g.group.name);
    const pinning = pinningOf(steps.map((s) => s.image));
    const notes = [
        ...(fromPlan.length > 0
            ? [
                `the images of ${fromPlan.join(', ')} could not be read for the commands they provide (not pushed, or built before Stowage listed them): their shims are the commands the steps call`,
            ]
            : []),
        ...refused.map((r) => `left out ${r}`),
    ];
    return {
        engine: 'shims',
        files,
        executable,
        pinning,
        steps: steps.map((s) => s.step.id),
        skipped,
        usage: [
            `PATH="$PWD/${external_node_path_.posix.join(outDir, 'bin')}:$PATH" (${shims.filter((s) => s.kind === 'command').length} command(s), ${runtime}) — ${pinningSentence(pinning)}`,
            ...notes,
        ].join('\n'),
    };
}

;// CONCATENATED MODULE: ./src/export/modules.ts
/**
 * Modules export: one environment module per group, for Lmod (Lua) and Environment Modules (Tcl),
 * named `stowage/<workflow>/<group>/<content-hash-short>`. Loading it puts the group's shims (see
 * shims.ts) on PATH, so `module load stowage/<workflow>/<group>` and then `samtools …` runs the tool
 * in the group's image. `whatis` and `help` list the commands and the image; groups whose
 * requirements conflict declare `conflict` with each other.
 *
 * The folder is one install an HPC admin can copy whole and add to MODULEPATH:
 *
 *   lmod/stowage/<workflow>/<group>/<hash>.lua      Lmod (and `.modulerc.lua`: the default)
 *   tcl/stowage/<workflow>/<group>/<hash>           Environment Modules (and `.modulerc`)
 *   groups/<workflow>/<group>/<hash>/bin/…          the shims a module puts on PATH
 *   groups/<workflow>/<group>/<hash>/libexec/…      their runner
 *
 * A modulefile finds its shims relative to itself, so the folder can move. Every value from the
 * workflow reaches a modulefile through `luaString` or `tclString`; file names are plain.
 */





/** A path segment of a module name or folder: plain characters, never `.` or `..`. */
function moduleSegment(name) {
    const plain = name.replace(/[^A-Za-z0-9_.+-]/g, '_').replace(/^\./, '_');
    return plain === '' ? '_' : plain;
}
/** The first 12 hex characters of the content hash: the module's version. */
function moduleVersion(group) {
    return /^[0-9a-f]{12}/.test(group.contentHash) ? group.contentHash.slice(0, 12) : 'unversioned';
}
/** What a user reads in `module help`: the image, the commands, the steps, how they run. */
function helpLines(m, workflow, runtime) {
    return [
        `Group ${m.group.name} of workflow ${workflow}, as applications: each command below runs in the`,
        `group's container image with ${runtime}, as the host tool would (the current folder and the`,
        'folders of the paths given as arguments are bound; it runs as you).',
        `Image: ${m.image.ref}${m.image.pinned === 'digest' ? '' : ' (pinned by tag only)'}`,
        `Commands (${m.commands.length}): ${m.commands.join(' ') || 'none'}`,
        `Steps: ${m.steps.map((s) => `${s.file} (step ${s.step})`).join(' ') || 'none'}`,
        'More variables to pass into the image: STOWAGE_SHIM_ENV="NAME ..."; runtime options: STOWAGE_RUNTIME_OPTS.',
    ];
}
function whatisLines(m, workflow, runtime) {
    return [
        `Name: ${m.name}`,
        `Version: ${m.version} (the content hash of the image's inputs)`,
        `Description: the commands of group ${m.group.name} of workflow ${workflow}, run in its container image with ${runtime}`,
        `Commands: ${m.commands.join(' ') || 'none'}`,
        `Image: ${m.image.ref}`,
    ];
}
/** Lmod's modulefile (Lua). Its shims are found from its own path: `<root>/lmod/stowage/w/g/v.lua`. */
function luaModulefile(m, workflow, runtime) {
    return [
        '-- Generated by Stowage: a group of a workflow as applications (see help). Do not edit.',
        ...whatisLines(m, workflow, runtime).map((w) => `whatis(${luaString(w)})`),
        `help(${luaString(`${helpLines(m, workflow, runtime).join('\n')}\n`)})`,
        ...m.conflicts.map((c) => `conflict(${luaString(c)})`),
        '-- The export root is five levels up: lmod/stowage/<workflow>/<group>/<version>.lua',
        'local root = myFileName()',
        'for _ = 1, 5 do root = root:gsub("/[^/]*$", "") end',
        `prepend_path("PATH", pathJoin(root, ${[...m.shims.split('/')].map(luaString).join(', ')}))`,
        '',
    ].join('\n');
}
/** Environment Modules' modulefile (Tcl), laid out as the Lua one. */
function tclModulefile(m, workflow, runtime) {
    return [
        '#%Module1.0',
        '## Generated by Stowage: a group of a workflow as applications (see help). Do not edit.',
        ...whatisLines(m, workflow, runtime).map((w) => `module-whatis ${tclString(w)}`),
        'proc ModulesHelp {} {',
        ...helpLines(m, workflow, runtime).map((l) => `    puts stderr ${tclString(l)}`),
        '}',
        ...m.conflicts.map((c) => `conflict ${tclString(c)}`),
        '## The export root is five levels up: tcl/stowage/<workflow>/<group>/<version>',
        'set stowage_root $ModulesCurrentModulefile',
        'for {set i 0} {$i < 5} {incr i} {set stowage_root [file dirname $stowage_root]}',
        `prepend-path PATH [file join $stowage_root ${m.shims.split('/').map(tclString).join(' ')}]`,
        '',
    ].join('\n');
}
function exportModules(input) {
    const { steps, skipped } = stepsInGroupImages(input, ', so it has no group module');
    const runtime = input.slurmRuntime ?? 'apptainer';
    const outDir = input.outDir ?? '.stowage/export/modules';
    const workflow = moduleSegment(input.workflow.name);
    const groups = exportedGroups(steps);
    const files = {};
    const executable = [];
    const names = new Map(groups.map(({ group }) => [group.name, `stowage/${workflow}/${moduleSegment(group.name)}`]));
    const modules = [];
    for (const { group, image } of groups) {
        // Each group's shims alone: the commands of the other groups are their modules'.
        const { shims } = planShims([{ group, image }], steps.filter((s) => s.image.group?.name === group.name), input.workflow.format === 'stowage');
        const version = moduleVersion(group);
        const folder = `groups/${workflow}/${moduleSegment(group.name)}/${version}`;
        const m = {
            group,
            image,
            name: names.get(group.name),
            version,
            shims: `${folder}/bin`,
            commands: shims.filter((s) => s.kind === 'command').map((s) => s.file),
            steps: shims
                .filter((s) => s.kind === 'step')
                .map((s) => ({ file: s.file, step: s.name })),
            conflicts: group.conflicts.flatMap((c) => (names.has(c) ? [names.get(c)] : [])),
        };
        modules.push(m);
        const folderFiles = shimFolder(shims, runtime, input.workflow.name, `${folder}/`);
        Object.assign(files, folderFiles.files);
        executable.push(...folderFiles.executable);
        const dir = `${workflow}/${moduleSegment(group.name)}`;
        files[`lmod/stowage/${dir}/${version}.lua`] = luaModulefile(m, input.workflow.name, runtime);
        files[`lmod/stowage/${dir}/.modulerc.lua`] =
            `module_version(${luaString(`${m.name}/${version}`)}, "default")\n`;
        files[`tcl/stowage/${dir}/${version}`] = tclModulefile(m, input.workflow.name, runtime);
        files[`tcl/stowage/${dir}/.modulerc`] =
            `#%Module1.0\nmodule-version ${tclString(`${m.name}/${version}`)} default\n`;
    }
    const pinning = pinningOf(steps.map((s) => s.image));
    const fromPlan = groups.filter((g) => g.group.commandsFrom === 'plan').map((g) => g.group.name);
    const first = modules[0]?.name ?? `stowage/${workflow}/<group>`;
    return {
        engine: 'modules',
        files,
        executable,
        pinning,
        steps: steps.map((s) => s.step.id),
        skipped,
        usage: [
            `module use "$PWD/${external_node_path_.posix.join(outDir, 'lmod')}" (Lmod; Environment Modules: ${external_node_path_.posix.join(outDir, 'tcl')}) && module load ${first} (${modules.length} module(s), ${runtime}) — ${pinningSentence(pinning)}`,
            ...(fromPlan.length > 0
                ? [
                    `the images of ${fromPlan.join(', ')} could not be read for the commands they provide: their modules offer the commands the steps call`,
                ]
                : []),
        ].join('\n'),
    };
}

;// CONCATENATED MODULE: ./src/common/escape/groovy.ts
/**
 * Groovy (Nextflow configs): string literals and line comments.
 *
 * Strings are single-quoted, Groovy's literal form: no `${…}` or `$name` interpolation. Inside,
 * `\` and `'` are escaped, LF and CR are `\n` and `\r`, and every other character outside
 * printable ASCII is a `\uNNNN` escape, so the literal is one line of ASCII. A reader that turns
 * `\uNNNN` into characters before lexing, as Java does and Groovy's older parser did, must find
 * no line break and no quote that way: LF, CR and `'` are never written as `\u`, and a `u` after
 * a backslash is written `\u0075`, so the backslash stays escaped.
 */

/** A Groovy single-quoted string literal holding exactly `value`. */
function groovyString(value) {
    let out = '';
    let previous = '';
    for (const c of String(value)) {
        const code = c.charCodeAt(0);
        if (c === '\\')
            out += '\\\\';
        else if (c === "'")
            out += "\\'";
        else if (c === '\n')
            out += '\\n';
        else if (c === '\r')
            out += '\\r';
        else if (c === 'u' && previous === '\\')
            out += '\\u0075';
        else if (code >= 0x20 && code < 0x7f)
            out += c;
        else
            for (const unit of units(c))
                out += `\\u${unit}`;
        previous = c;
    }
    return `'${out}'`;
}
/** UTF-16 code units of one character, as 4 hex digits each (Groovy strings are UTF-16). */
function units(c) {
    return Array.from({ length: c.length }, (_, i) => c.charCodeAt(i).toString(16).padStart(4, '0'));
}
/**
 * A Groovy line comment (`// …`) that cannot end before the line does: line breaks and other
 * unsafe characters shown escaped (`commentText`), and `\u` written `\x5cu` so that no unicode
 * escape is left for a Java-style reader to turn into a line break.
 */
function groovyComment(text) {
    return `// ${(0,comment/* commentText */.b)(text).replace(/\\u/g, '\\x5cu')}`;
}

;// CONCATENATED MODULE: ./src/export/nextflow.ts
/**
 * Nextflow export: a config file that sets each process's container to the image Stowage built,
 * `process { withName: 'NAME' { container = 'image@digest' } }`, used with `nextflow run … -c`.
 * A process's own name covers every alias it is included under (Nextflow matches selectors
 * against the name a process is defined with too); aliases and fully qualified names are written
 * only to tell apart processes that share a name but not an image.
 */


const NEXTFLOW_CONFIG_FILE = 'stowage.config';
/** `withName` selectors are regular expressions: match the name literally. */
function literalSelector(name) {
    return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/**
 * The container Stowage's selectors give one run, by Nextflow's rules (ProcessConfigBuilder
 * .applyConfig): `withName` selectors are matched against the process's base name, then its
 * simple name (the alias) when it differs, then its fully qualified name, each against every
 * selector in config order — so the last match wins, an alias's selector beats the base name's
 * and a fully qualified one beats both. Stowage's names are literal (escaped), so a selector
 * matches a name equal to it.
 */
function nextflowContainer(selectors, run) {
    const targets = [run.base];
    if (run.name !== run.base)
        targets.push(run.name);
    if (run.fqn !== undefined && (run.fqn !== run.name || run.fqn !== run.base))
        targets.push(run.fqn);
    let image;
    for (const target of targets)
        for (const s of selectors)
            if (s.name === target)
                image = s.image;
    return image;
}
/** The runs of a step's process: as the importer recorded them, else its name alone. */
function nextflowRuns(input, stepId) {
    const base = engineName(input, stepId);
    const runs = input.origin?.invocations?.[stepId];
    if (!runs || runs.length === 0)
        return [{ base, name: base }];
    return runs.map((r) => ({ base, name: r.name, fqn: r.fqn }));
}
/**
 * The selectors that give every run of each exported step its image and no run of any other
 * step a Stowage image: a process's own name where every process of that name runs one image
 * (it covers every alias); where processes share a name but not an image, the alias of each
 * run, else its fully qualified name, when no run of another process answers to it. The result
 * is checked against Nextflow's rules (nextflowContainer) over every run; a step whose runs do
 * not all get its image is left out, with the reason.
 */
function selectorsFor(input, candidates, skipped) {
    const want = new Map();
    for (const step of input.workflow.steps)
        want.set(step.id, undefined);
    for (const c of candidates)
        want.set(c.step.id, c.image.ref);
    const runs = new Map([...want.keys()].map((id) => [id, nextflowRuns(input, id)]));
    const answersTo = new Map(); // a name → the steps whose runs answer to it
    for (const [id, list] of runs)
        for (const r of list)
            for (const n of [r.base, r.name, r.fqn])
                if (n !== undefined)
                    answersTo.set(n, (answersTo.get(n) ?? new Set()).add(id));
    /** Only steps that want `image` answer to `name`. */
    const safe = (name, image) => [...(answersTo.get(name) ?? [])].every((id) => want.get(id) === image);
    const selectors = new Map();
    const add = (name, image, owner) => {
        const s = selectors.get(name);
        if (s === undefined)
            selectors.set(name, { name, image, owners: new Set([owner]) });
        else if (s.image === image)
            s.owners.add(owner);
    };
    const failing = () => {
        const list = [...selectors.values()];
        const bad = new Map();
        for (const [id, rs] of runs) {
            const wrong = rs.filter((r) => nextflowContainer(list, r) !== want.get(id));
            if (wrong.length > 0)
                bad.set(id, wrong);
        }
        return bad;
    };
    // The process's own name, where every process of that name runs one image.
    for (const c of candidates) {
        const base = engineName(input, c.step.id);
        if (safe(base, c.image.ref))
            add(base, c.image.ref, c.step.id);
    }
    // Runs still wrong: their alias, then their fully qualified name — only when every run is
    // known (past the importer's budget, a run not recorded could answer to the same name).
    const levels = input.origin?.invocationsComplete === false ? [] : ['name', 'fqn'];
    for (const level of levels) {
        for (const [id, wrong] of failing()) {
            const image = want.get(id);
            if (image === undefined)
                continue;
            for (const r of wrong) {
                const name = r[level];
                if (name !== undefined && name !== r.base && safe(name, image))
                    add(name, image, id);
            }
        }
    }
    // What is still wrong is left out, with the selectors it owns (and, for a step that gets an
    // image it should not, the selectors that gave it).
    // A step left out must then get no Stowage image at all; each round removes selectors or
    // leaves a step out, so the rounds end.
    const left = new Map();
    for (let bad = failing(); bad.size > 0; bad = failing()) {
        let changed = false;
        for (const [id, wrong] of bad) {
            if (want.get(id) !== undefined) {
                left.set(id, wrong);
                want.set(id, undefined);
                changed = true;
            }
            for (const [name, s] of selectors) {
                const hits = wrong.some((r) => [r.base, r.name, r.fqn].includes(name));
                if (s.owners.has(id) || hits)
                    changed = selectors.delete(name) || changed;
            }
        }
        if (!changed)
            break;
    }
    for (const [id, wrong] of left) {
        const base = engineName(input, id);
        const shown = [...new Set(wrong.map((r) => r.fqn ?? r.name))].slice(0, 3).join(', ');
        skipped.push({
            step: id,
            reason: `another process is also named ${base} (or answers to one of its names) and runs a different image; withName cannot tell them apart by the names Nextflow runs this one under (${shown}). Add a withName: '<fully qualified name>' { container = … } selector per run by hand, with this step's image from the plan`,
        });
    }
    return {
        selectors: [...selectors.values()].map(({ name, image }) => ({ name, image })),
        steps: candidates.filter((c) => !left.has(c.step.id)),
    };
}
function exportNextflow(input) {
    const exportable = exportableSteps(input);
    const skipped = exportable.skipped;
    const { selectors, steps } = selectorsFor(input, exportable.steps, skipped);
    const pinning = pinningOf(steps.map((s) => s.image));
    const lines = [
        groovyComment(`Generated by Stowage for workflow ${JSON.stringify(input.workflow.name)}: the container of each process.`),
        groovyComment(pinningSentence(pinning)),
        groovyComment(`Use: nextflow run <pipeline> -c ${NEXTFLOW_CONFIG_FILE}`),
        'process {',
    ];
    for (const { name, image } of selectors) {
        lines.push(`    withName: ${groovyString(literalSelector(name))} {`);
        lines.push(`        container = ${groovyString(image)}`);
        lines.push('    }');
    }
    lines.push('}', '');
    return {
        engine: 'nextflow',
        files: { [NEXTFLOW_CONFIG_FILE]: lines.join('\n') },
        pinning,
        steps: steps.map((s) => s.step.id),
        skipped,
        usage: `nextflow run <pipeline> -c ${NEXTFLOW_CONFIG_FILE} (add -profile singularity/apptainer on clusters without Docker)`,
    };
}

;// CONCATENATED MODULE: ./src/export/slurm.ts
/**
 * Slurm export: one `sbatch` script per step, which runs the step in its image through a
 * container runtime (Apptainer by default; Docker, Podman or Charliecloud), and `submit.sh`,
 * which submits every step in dependency order (`--dependency=afterok:…`).
 *
 * Each job runs in the workflow's folder (`submit.sh` passes `--chdir`), with that folder bound
 * into the container at the same path and set as its working directory, so the step's inputs and
 * outputs are where the spec says; it runs as the submitting user (never root, never the image's
 * uid 10001), so the files it writes are that user's. `#SBATCH` lines are not shell: only
 * validated numbers and a sanitised job name reach them; everything else reaches the shell
 * single-quoted.
 */





const MIB = 1024 ** 2;
const SUBMIT_SCRIPT = 'submit.sh';
/** Where the images' entrypoint lives (see src/plan/dockerfile.ts). */
const slurm_ENTRYPOINT = '/usr/local/bin/stowage-entrypoint.sh';
/** Slurm's `--time`: `D-HH:MM:SS`, rounded up to the minute. */
function slurmTime(seconds) {
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    const d = Math.floor(minutes / 1440);
    const h = Math.floor((minutes % 1440) / 60);
    const m = minutes % 60;
    const pad = (n) => String(n).padStart(2, '0');
    return `${d}-${pad(h)}:${pad(m)}:00`;
}
const positiveInt = (n) => n !== undefined && Number.isFinite(n) && n > 0;
/**
 * The largest values Slurm takes: CPUs per task and GPUs are 16-bit counts, `--mem` is in MiB
 * (64-bit, kept to what a double holds exactly), `--time` is 32-bit minutes.
 */
const SLURM_LIMITS = {
    cpus: 65_535,
    gpus: 65_535,
    memory: Number.MAX_SAFE_INTEGER * MIB,
    time: 4_294_967_294 * 60,
};
/** A request Slurm cannot take (`cpus: 1e308`): the step is left out of the export, with why. */
class SlurmRangeError extends Error {
}
function sbatchDirectives(step) {
    const r = step.resources ?? {};
    for (const key of ['cpus', 'gpus', 'memory', 'time']) {
        const value = r[key];
        if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > SLURM_LIMITS[key]))
            throw new SlurmRangeError(`resources.${key} ${value} is outside what Slurm accepts (0 to ${SLURM_LIMITS[key]}${key === 'memory' ? ' bytes' : key === 'time' ? ' seconds' : ''})`);
    }
    const lines = [`#SBATCH --job-name=${jobName(step.id)}`];
    if (positiveInt(r.cpus))
        lines.push(`#SBATCH --cpus-per-task=${Math.ceil(r.cpus)}`);
    if (positiveInt(r.memory))
        lines.push(`#SBATCH --mem=${Math.ceil(r.memory / MIB)}M`);
    if (positiveInt(r.time))
        lines.push(`#SBATCH --time=${slurmTime(r.time)}`);
    if (positiveInt(r.gpus))
        lines.push(`#SBATCH --gres=gpu:${Math.ceil(r.gpus)}`);
    return lines;
}
function jobName(id) {
    return `stowage-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 64);
}
/**
 * A script file name per step: the id with other characters as `_`, made unique (`a/b` and
 * `a_b` would otherwise write one file, and the second step would silently replace the first).
 */
function scriptNames(steps) {
    const names = new Map();
    const taken = new Set();
    for (const step of steps) {
        const base = step.id.replace(/[^A-Za-z0-9_.-]/g, '_');
        let name = base;
        for (let n = 2; taken.has(name.toLowerCase()); n++)
            name = `${base}-${n}`;
        taken.add(name.toLowerCase());
        names.set(step.id, `${name}.sbatch`);
    }
    return names;
}
/**
 * The command line that starts the step in its image with the runtime, from the workflow's folder
 * (`$workdir`) and as the submitting user; `args` are the words after the image (the step's name
 * for the images' entrypoint, or the job's own arguments).
 */
function runtimeCommand(runtime, gpu, args) {
    switch (runtime) {
        case 'apptainer':
            // `run` starts the image's entrypoint; Apptainer runs as the calling user and binds here.
            return [
                `exec apptainer run${gpu ? ' --nv' : ''} --bind "$workdir" --pwd "$workdir" $STOWAGE_RUNTIME_OPTS "docker://$image" ${args}`,
            ];
        case 'docker':
            return [
                `exec docker run --rm${gpu ? ' --gpus all' : ''} --user "$(id -u):$(id -g)" --volume "$workdir:$workdir" --workdir "$workdir" $STOWAGE_RUNTIME_OPTS "$image" ${args}`,
            ];
        case 'podman':
            return [
                // Rootless Podman maps the user in with keep-id; as root, the user is named outright.
                'if [ "$(id -u)" -eq 0 ]; then who=(--user 0:0); else who=(--userns=keep-id); fi',
                `exec podman run --rm${gpu ? ' --device nvidia.com/gpu=all' : ''} "\${who[@]}" --volume "$workdir:$workdir" --workdir "$workdir" $STOWAGE_RUNTIME_OPTS "$image" ${args}`,
            ];
        case 'charliecloud':
            // ch-run starts no entrypoint and pulls nothing: pull into the storage, then call it.
            return [
                'ch-image pull "$image" >/dev/null',
                // ch-run mounts $TMPDIR at /tmp: a workflow folder under the host's /tmp is reachable
                // (and bindable) only when that mount is the host's /tmp.
                'case "$workdir" in /tmp/*) unset TMPDIR ;; esac',
                `exec ch-run --bind "$workdir:$workdir" --cd "$workdir" $STOWAGE_RUNTIME_OPTS "$image" -- /bin/sh ${slurm_ENTRYPOINT} ${args}`,
            ];
    }
}
function sbatchScript(input, step, image, runtime, file) {
    const gpu = positiveInt(step.resources?.gpus);
    // A stowage step runs through the entrypoint by name; an engine's step needs its own command.
    const stowage = input.workflow.format === 'stowage';
    const args = stowage ? `${(0,shell/* shellQuote */.ZL)(step.id)} "$@"` : '"$@"';
    const folders = (0,output_folders/* outputFolders */.P)(step);
    return [
        '#!/usr/bin/env bash',
        ...sbatchDirectives(step),
        (0,shell/* shellComment */.Eu)(`Generated by Stowage: step ${JSON.stringify(step.id)} of workflow ${JSON.stringify(input.workflow.name)} in its image, with ${runtime}.`),
        `# ${image.pinned === 'digest' ? 'Pinned by digest.' : 'Pinned by tag only (no digest was available).'}`,
        (0,shell/* shellComment */.Eu)(stowage
            ? `Submit with ${SUBMIT_SCRIPT} (it orders the steps and sets the working folder), or: sbatch --chdir <workflow folder> ${file}`
            : `Pass the step's command as arguments: sbatch --chdir <workflow folder> ${file} <command> [args…]`),
        '# Extra runtime options (e.g. binds for data outside the workflow folder): STOWAGE_RUNTIME_OPTS.',
        'set -euo pipefail',
        `image=${(0,shell/* shellQuote */.ZL)(image.ref)}`,
        'workdir="$PWD"',
        ': "${STOWAGE_RUNTIME_OPTS:=}"',
        ...(folders.length > 0 ? [`mkdir -p ${folders.map(shell/* shellQuote */.ZL).join(' ')}`] : []),
        '# shellcheck disable=SC2086 # STOWAGE_RUNTIME_OPTS is split into words on purpose',
        ...runtimeCommand(runtime, gpu, args),
        '',
    ].join('\n');
}
/**
 * Steps in an order where each comes after the steps whose outputs it reads (document order
 * else); undefined with the loop when they depend on each other in one.
 */
function dependencyOrder(workflow) {
    const graph = (0,workflow_graph/* buildGraph */.Z)(workflow);
    if (graph.cycles.length > 0) {
        return { loop: graph.cycles[0].map((e) => e.from).join(' → ') };
    }
    const after = new Map();
    for (const step of workflow.steps) {
        after.set(step.id, [...new Set((graph.upstream.get(step.id) ?? []).map((e) => e.from))]);
    }
    const done = new Set();
    const order = [];
    const visit = (step) => {
        if (done.has(step.id))
            return;
        done.add(step.id);
        for (const dep of after.get(step.id) ?? [])
            visit(graph.steps.get(dep));
        order.push(step);
    };
    for (const step of workflow.steps)
        visit(step);
    return { order, after };
}
function submitScript(input, steps, after, outDir, files) {
    const workflowDir = external_node_path_.posix.dirname(input.workflow.file.replace(/\\/g, '/'));
    const relative = external_node_path_.posix.relative(outDir, workflowDir === '' ? '.' : workflowDir) || '.';
    const variable = new Map(steps.map((s, i) => [s.id, `job_${i + 1}`]));
    const lines = [
        '#!/usr/bin/env bash',
        (0,shell/* shellComment */.Eu)(`Generated by Stowage: submits every step of workflow ${JSON.stringify(input.workflow.name)} to Slurm in dependency order.`),
        (0,shell/* shellComment */.Eu)(`Use: bash ${external_node_path_.posix.join(outDir, SUBMIT_SCRIPT)}   (from anywhere; STOWAGE_WORKDIR overrides the workflow's folder,`),
        "# e.g. its path on the cluster's shared file system). Extra sbatch options: STOWAGE_SBATCH_OPTS.",
        'set -euo pipefail',
        'here="$(cd "$(dirname "$0")" && pwd)"',
        `workdir="\${STOWAGE_WORKDIR:-$(cd "$here"/${(0,shell/* shellQuote */.ZL)(relative)} && pwd)}"`,
        ': "${STOWAGE_SBATCH_OPTS:=}"',
        '# A job whose dependency failed is cancelled, not left pending for ever.',
        '# shellcheck disable=SC2086 # STOWAGE_SBATCH_OPTS is split into words on purpose',
        'submit() { sbatch --parsable --kill-on-invalid-dep=yes --chdir "$workdir" $STOWAGE_SBATCH_OPTS "$@" | cut -d";" -f1; }',
    ];
    for (const step of steps) {
        const deps = (after.get(step.id) ?? []).filter((d) => variable.has(d));
        const dependency = deps.length > 0
            ? `--dependency=afterok:${deps.map((d) => `$${variable.get(d)}`).join(':')} `
            : '';
        lines.push(`${variable.get(step.id)}=$(submit ${dependency}"$here"/${(0,shell/* shellQuote */.ZL)(files.get(step.id))})  ${(0,shell/* shellComment */.Eu)(step.id)}`);
    }
    lines.push(`echo "submitted ${steps.length} job(s): ${steps.map((s) => `${s.id.replace(/[^A-Za-z0-9_.-]/g, '_')}=$${variable.get(s.id)}`).join(' ')}"`, '');
    return lines.join('\n');
}
function exportSlurm(input) {
    const { steps: candidates, skipped } = exportableSteps(input);
    const steps = candidates.filter((c) => {
        try {
            sbatchDirectives(c.step);
            return true;
        }
        catch (error) {
            if (!(error instanceof SlurmRangeError))
                throw error;
            skipped.push({ step: c.step.id, reason: error.message });
            return false;
        }
    });
    const runtime = input.slurmRuntime ?? 'apptainer';
    const outDir = input.outDir ?? '.stowage/export/slurm';
    const pinning = pinningOf(steps.map((s) => s.image));
    const files = {};
    const names = scriptNames(steps.map((s) => s.step));
    for (const { step, image } of steps)
        files[names.get(step.id)] = sbatchScript(input, step, image, runtime, names.get(step.id));
    const exported = new Set(steps.map((s) => s.step.id));
    const stowage = input.workflow.format === 'stowage';
    if (stowage && steps.length > 0) {
        const ordered = dependencyOrder(input.workflow);
        const missing = 'loop' in ordered ? [] : ordered.order.filter((s) => !exported.has(s.id)).map((s) => s.id);
        if ('loop' in ordered) {
            skipped.push({
                step: ordered.loop,
                reason: `no ${SUBMIT_SCRIPT}: these steps depend on each other in a loop (see STW102)`,
            });
        }
        else if (missing.length === 0) {
            files[SUBMIT_SCRIPT] = submitScript(input, ordered.order, ordered.after, outDir, names);
        }
        else {
            skipped.push({
                step: missing.join(', '),
                reason: `no ${SUBMIT_SCRIPT}: these steps are not exported (see their reasons), so the workflow cannot run whole`,
            });
        }
    }
    return {
        engine: 'slurm',
        files,
        pinning,
        steps: steps.map((s) => s.step.id),
        skipped,
        usage: files[SUBMIT_SCRIPT]
            ? `bash ${external_node_path_.posix.join(outDir, SUBMIT_SCRIPT)} (${runtime}) — ${pinningSentence(pinning)}`
            : `sbatch --chdir <workflow folder> <step>.sbatch <command> (${runtime}) — ${pinningSentence(pinning)}`,
    };
}

;// CONCATENATED MODULE: ./src/common/escape/python.ts
/**
 * Python string literals (the lines a Snakefile is given). Double-quoted, with `\` and `"`
 * escaped and every character past printable ASCII written as `\xNN`, `\uNNNN` or
 * `\UNNNNNNNN`: the literal is one line of ASCII, whatever the value holds. Not an f-string, so
 * `{…}` is text; Snakemake's own `{wildcards}` formatting applies only to rule parameters.
 */
function pythonString(value) {
    let out = '';
    for (const c of String(value)) {
        const code = c.codePointAt(0);
        if (c === '\\' || c === '"')
            out += `\\${c}`;
        else if (code >= 0x20 && code < 0x7f)
            out += c;
        else if (code <= 0xff)
            out += `\\x${code.toString(16).padStart(2, '0')}`;
        else if (code <= 0xffff)
            out += `\\u${code.toString(16).padStart(4, '0')}`;
        else
            out += `\\U${code.toString(16).padStart(8, '0')}`;
    }
    return `"${out}"`;
}

;// CONCATENATED MODULE: ./src/export/snakemake.ts
/**
 * Snakemake export: a YAML config mapping each rule to its image (`docker://…`, the form
 * Snakemake's `container:` directive and Apptainer take), plus the two lines a Snakefile needs
 * to apply it. The YAML is written through yamlDocument and yamlComment, the two Snakefile lines
 * through pythonString, so no name or path can add a key or a statement.
 */



const SNAKEMAKE_CONFIG_FILE = 'stowage-images.yaml';
const SNAKEMAKE_CONFIG_KEY = 'stowage_images';
/** The two lines to append to the Snakefile (after its rules), given the config's path from it. */
function snakefileLines(configPath) {
    return [
        `configfile: ${pythonString(configPath)}`,
        `for _rule in workflow.rules: _rule.container_img = config[${pythonString(SNAKEMAKE_CONFIG_KEY)}].get(_rule.name, _rule.container_img)`,
    ];
}
function exportSnakemake(input) {
    const { steps, skipped } = exportableSteps(input);
    const pinning = pinningOf(steps.map((s) => s.image));
    const images = {};
    for (const { step, image } of steps) {
        const rule = engineName(input, step.id);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rule)) {
            skipped.push({ step: step.id, reason: `"${rule}" is not a Snakemake rule name` });
            continue;
        }
        images[rule] = `docker://${image.ref}`;
    }
    const configPath = `${input.outDir ?? '.stowage/export/snakemake'}/${SNAKEMAKE_CONFIG_FILE}`;
    const header = [
        `Generated by Stowage for workflow ${JSON.stringify(input.workflow.name)}: the image of each rule.`,
        pinningSentence(pinning),
        'Append these two lines to the Snakefile, then run snakemake --use-singularity (or --sdm apptainer):',
        ...snakefileLines(configPath).map((l) => `  ${l}`),
    ];
    const body = yamlDocument({ stowage_pinning: pinning, [SNAKEMAKE_CONFIG_KEY]: images });
    return {
        engine: 'snakemake',
        files: { [SNAKEMAKE_CONFIG_FILE]: `${header.map(yamlComment).join('\n')}\n${body}` },
        pinning,
        steps: steps.map((s) => s.step.id).filter((id) => engineName(input, id) in images),
        skipped,
        usage: `append to the Snakefile:\n${snakefileLines(configPath).join('\n')}`,
    };
}

;// CONCATENATED MODULE: ./src/export/index.ts
/** The exports, by engine. Each is pure: the workflow and its step images in, file contents out. */









const EXPORTERS = {
    nextflow: exportNextflow,
    snakemake: exportSnakemake,
    cwl: exportCwl,
    slurm: exportSlurm,
    shims: exportShims,
    modules: exportModules,
    compose: exportCompose,
};
function exportFor(engine, input) {
    return EXPORTERS[engine](input);
}

// EXTERNAL MODULE: ./src/images/build.ts + 1 modules
var build = __webpack_require__(9679);
// EXTERNAL MODULE: ./src/images/reference.ts
var reference = __webpack_require__(4719);
// EXTERNAL MODULE: ./src/images/commands.ts
var commands = __webpack_require__(7318);
// EXTERNAL MODULE: ./src/images/registry.ts
var images_registry = __webpack_require__(9283);
// EXTERNAL MODULE: ./src/images/tags.ts
var tags = __webpack_require__(2629);
// EXTERNAL MODULE: ./src/app/step-images.ts
var step_images = __webpack_require__(8636);
;// CONCATENATED MODULE: ./src/app/export.ts
/**
 * The export use case both adapters call: find each step's image (from this run's build, else
 * from the registry by the plan's content-hash tags), then write the files that hand the images
 * to workflow engines under `<outDir>/<engine>/`. Never reads a committed record of a past build:
 * a pull request could point it anywhere.
 */












/**
 * Each step's image: this run's builds first; for the other groups, the registry's digest of the
 * plan's content-hash tag when it has one (pinned by digest), else that tag. Notes say what was
 * not found, for the adapter to print.
 */
async function findStepImages(plan, options) {
    const notes = [];
    const given = options.registry?.trim() || undefined;
    if (!given && !options.builds) {
        notes.push(`no registry: exporting the local images \`stowage build --no-push\` makes (${build/* LOCAL_REGISTRY */.wo}/<group>)`);
    }
    const registry = given ?? (options.builds ? undefined : build/* LOCAL_REGISTRY */.wo);
    const built = new Set((options.builds ?? []).filter((b) => b.status !== 'failed').map((b) => b.group));
    const digests = {};
    const wanted = plan.groups.filter((g) => g.contentHash && !built.has(g.name));
    let client;
    if (given && wanted.length > 0 && options.lookUp !== false) {
        client = new images_registry/* RegistryClient */.bP((0,reference/* parseRepository */.SU)(`${given}/x`).host, {
            retries: 2,
            timeoutMs: 10_000,
            budgetMs: 60_000,
            ...options.registryOptions,
        });
        const absent = [];
        for (const group of wanted) {
            const repo = (0,reference/* groupRepository */.Kk)(given, group.name);
            try {
                const found = await client.headManifest(repo.path, (0,tags/* contentHashTag */.SH)(group.contentHash));
                if (found)
                    digests[group.name] = found.digest;
                else
                    absent.push(group.name);
            }
            catch (error) {
                notes.push(`cannot ask ${given} for the images (${error.message}): using the plan's content-hash tags, not digests`);
                break;
            }
        }
        if (absent.length > 0)
            notes.push(`not in ${given} yet (build and push them first): ${absent.join(', ')}; exported by the tag a build will push`);
    }
    const map = (0,step_images/* stepImageMap */.w)(plan, { registry, builds: options.builds, digests });
    for (const m of map.missing)
        notes.push(`group ${m.group}: no image: ${m.reason}`);
    if (client && given)
        await readGroupCommands(client, given, map, digests, notes);
    return { map, notes };
}
/**
 * The commands each image found in the registry provides, read from the image itself (a layer of
 * a few kilobytes), for the shims and modules; the plan's list stays where it cannot be read.
 */
async function readGroupCommands(client, registry, map, digests, notes) {
    const groups = new Map(Object.values(map.images).flatMap((i) => (i.group ? [[i.group.name, i.group]] : [])));
    for (const [name, group] of groups) {
        const digest = digests[name];
        if (!digest || group.commandsFrom === 'image')
            continue;
        try {
            const found = await (0,commands/* registryCommands */.U1)(client, (0,reference/* groupRepository */.Kk)(registry, name).path, digest);
            if (found)
                Object.assign(group, { commands: found, commandsFrom: 'image' });
        }
        catch (error) {
            notes.push(`group ${name}: cannot read the commands its image provides (${error.message}): using the commands its steps call`);
        }
    }
}
/**
 * Why each step without an image has none, for the exports to say: the plan's reason for an
 * unplanned step, its group's for a step of a group that got no image.
 */
function noImageReasons(plan, missing = []) {
    const reasons = {};
    for (const u of plan.unplanned)
        reasons[u.step] = `not planned: ${u.reason}`;
    for (const m of missing) {
        const group = plan.groups.find((g) => g.name === m.group);
        for (const step of group?.steps ?? [])
            reasons[step] = `group ${m.group} has no image: ${m.reason}`;
    }
    return reasons;
}
function exportImages(options) {
    const root = (0,external_node_path_.resolve)(options.root);
    const outcome = {
        results: [],
        written: [],
        lines: [],
        empty: [],
        notApplicable: [],
    };
    for (const engine of options.engines) {
        const dir = (0,external_node_path_.resolve)(root, options.outDir, engine);
        const outDir = (0,external_node_path_.relative)(root, dir).split('\\').join('/') || '.';
        const result = exportFor(engine, {
            workflow: options.workflow,
            stepImages: options.stepImages,
            origin: options.origin,
            outDir,
            slurmRuntime: options.slurmRuntime,
            host: hostOf(),
            ...(options.noImage ? { noImage: options.noImage } : {}),
        });
        outcome.results.push(result);
        if (result.notApplicable !== undefined) {
            // Nothing is written: an empty file would suggest there is something to use.
            outcome.lines.push(`${engine}: ${result.notApplicable}`);
            outcome.notApplicable.push({ engine, reason: result.notApplicable });
            continue;
        }
        writeExport(root, dir, outDir, result.files, result.executable);
        const names = Object.keys(result.files);
        for (const name of names)
            outcome.written.push(`${outDir}/${name}`);
        // Shims and modules write a file per command: counted, not listed.
        if (names.length > 12)
            outcome.lines.push(`wrote ${names.length} files under ${outDir}/`);
        else
            for (const name of names)
                outcome.lines.push(`wrote ${outDir}/${name}`);
        // A usage of several lines (the Snakefile's two) is printed a line each, each escaped alone.
        const [usage, ...more] = result.usage.split('\n');
        outcome.lines.push(`${engine}: ${result.steps.length} step(s), ${pinningPhrase(result.pinning)}; use: ${usage}`, ...more);
        for (const s of result.skipped)
            outcome.lines.push(`${engine}: skipped step ${s.step}: ${s.reason}`);
        if (result.steps.length === 0 && options.workflow.steps.length > 0)
            outcome.empty.push(engine);
    }
    return outcome;
}
/** The user exporting, for the Compose file's default user. */
function hostOf() {
    return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}
/** Dot files an export may write: the modulefiles' defaults. */
const DOT_FILES = new Set(['.modulerc', '.modulerc.lua']);
/**
 * One engine's files, replacing its folder whole (see `replaceFolder`): a link at the folder, on the
 * way to it or at a file of it is refused first, and nothing is ever written through one. Names
 * may hold folders (`bin/samtools`), each part plain; `executable` files get mode 0755.
 */
function writeExport(root, dir, shown, files, executable = []) {
    try {
        (0,paths/* assertWritable */.Bz)(root, dir, shown);
        for (const name of Object.keys(files)) {
            const parts = name.split('/');
            if (parts.some((p) => p === '' || (0,external_node_path_.basename)(p) !== p || (p.startsWith('.') && !DOT_FILES.has(p))))
                throw new errors/* InputError */.d(`export file name ${JSON.stringify(name)} is not a plain file name`);
            (0,paths/* assertWritable */.Bz)(root, (0,external_node_path_.join)(dir, name), `${shown}/${name}`);
        }
        const modes = new Set(executable);
        (0,paths/* replaceFolder */.xn)(dir, (fresh) => {
            // Made 0700 as a temporary folder: others may read an export (shims on a shared PATH).
            (0,external_node_fs_.chmodSync)(fresh, 0o755);
            for (const [name, content] of Object.entries(files)) {
                const target = (0,external_node_path_.join)(fresh, name);
                (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(target), { recursive: true });
                (0,external_node_fs_.writeFileSync)(target, content, { flag: 'wx', mode: modes.has(name) ? 0o755 : 0o644 });
            }
        });
    }
    catch (error) {
        throw (0,errors/* writeFailure */.E)(error, `the ${(0,external_node_path_.basename)(dir)} export to ${shown}`);
    }
}


/***/ })

};
