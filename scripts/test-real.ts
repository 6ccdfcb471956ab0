/**
 * `npm run test:real [paths…] [--wrapper-prefix <url>]`: import → lint → plan → export over real
 * pipelines checked out locally (opt-in, not in CI), one child process each, and a table of what
 * came out.
 *
 * Paths are pipeline folders or main files (a CWL workflow); `STOWAGE_REAL` (colon-separated)
 * replaces the default list. The counts in the `grep` and `declare` columns do not use the
 * importers: a regular expression over the files (Nextflow processes, Snakemake rules), or a
 * plain YAML walk of `run:` (CWL tool steps, nested workflows followed).
 *
 * The `in image` column is how many of the steps the plan put in a group the engine would really
 * run in that group's image, with the export Stowage writes for it (images named as an export
 * without a build names them, `<registry>/<group>:<content-hash tag>`): for CWL, measured through
 * cwltool's own loader with the exported overrides (`__tests__/helpers/cwltool-images.py`: the
 * DockerRequirement cwltool gives each tool as it loads the workflow); for Snakemake, the rule →
 * image map the two Snakefile lines apply, read back as YAML, by rule name; for Nextflow, the
 * exported config read back by the Groovy config reader and each run of each process (its name,
 * alias and fully qualified name, as imported) put through Nextflow's `withName` rules.
 *
 * For Snakemake wrappers the prefix is `--wrapper-prefix`, else `STOWAGE_WRAPPER_PREFIX`, else a
 * local copy when one is found: a git clone of snakemake-wrappers (each wrapper read at its
 * version tag), or a snapshot, laid out as a `file://` folder with one entry per version used.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const DEFAULTS = [
  '/work/real/rnaseq',
  '/work/real/ampliseq',
  '/work/real/chipseq',
  '/work/real/taxprofiler',
  '/work/real/fetchngs',
  '/work/real/rna-seq-star-deseq2',
  '/work/real/smk-chipseq',
  '/work/real/single-cell-rna-seq',
  '/work/real/pipeline-v5/workflows/raw-reads-wf--v.5-cond.cwl',
  '/work/real/pipeline-v5/workflows/amplicon-wf--v.5-cond.cwl',
  '/work/real/pipeline-v5/workflows/assembly-wf--v.5-cond.cwl',
  '/work/real/analysis-workflows/definitions/pipelines/rnaseq.cwl',
  '/work/real/analysis-workflows/definitions/pipelines/somatic_exome.cwl',
  '/work/real/analysis-workflows/definitions/pipelines/germline_exome.cwl',
  '/work/real/workflows/workflows/rnaseq-se.cwl',
  '/work/real/workflows/workflows/chipseq-pe.cwl',
  '/work/real/workflows/workflows/trim-rnaseq-pe.cwl',
];
/** The registry the exports name images in (nothing is pulled from it). */
const REGISTRY = 'registry.test/stowage';
const WRAPPER_CLONES = ['/work/.mirror/snakemake+snakemake-wrappers/repo'];
const WRAPPER_SNAPSHOTS = ['/work/real/snakemake-wrappers'];

/** What the child reports for one pipeline. */
interface Outcome {
  format: string;
  /** Engine names of the steps, and whether each got software (packages or an image). */
  steps: { name: string; software: boolean }[];
  targets: number;
  groups: number;
  lowerBound: number;
  byRule: Record<string, number>;
  importErrors: string[];
  ms: number;
  maxRssMb: number;
  planned: boolean;
  /** Steps in a group, and how many of them the engine would run in the group's image. */
  engine: { grouped: number; inImage?: number; note?: string };
  /** Nextflow: processes defined but reached by no workflow (not imported; a notice counts them). */
  unreached: number;
}

/** The independent count: units found, and the names of those that declare software. */
interface Count {
  units: number;
  declaring: string[];
}

// ---- the child: one pipeline, in its own process (time and peak memory are its own) ----

/**
 * The repository a pipeline path is in, as a checkout's root would be (Stowage reads nothing
 * outside it): the nearest folder with `.git`, else (snapshots without one) with a LICENSE or
 * README, else the path's own folder.
 */
function repositoryOf(path: string): string {
  const start =
    existsSync(path) && statSync(path).isDirectory() ? resolve(path) : dirname(resolve(path));
  for (const marks of [['.git'], ['LICENSE', 'README.md']]) {
    for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
      if (marks.some((m) => existsSync(join(dir, m)))) return dir;
    }
  }
  return start;
}

async function one(path: string, wrapperPrefix: string | undefined): Promise<void> {
  const { lintAndPlan } = await import('../src/app/lint-and-plan.js');
  const { fetchText } = await import('../src/host/fetch-text.js');
  const started = performance.now();
  const root = repositoryOf(path);
  const result = await lintAndPlan(path, {
    root,
    plan: true,
    wrapperPrefix,
    fetchText: fetchText({ timeoutMs: 5000 }),
  });
  const ms = performance.now() - started;
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const workflow = result.workflow;
  const names = result.origin?.engineNames ?? {};
  const byRule: Record<string, number> = {};
  for (const f of result.findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  const outcome: Outcome = {
    format: workflow?.format ?? '?',
    steps: (workflow?.steps ?? []).map((s) => ({
      name: names[s.id] ?? s.id,
      software:
        s.container !== 'auto' ||
        Object.values(s.software).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined)),
    })),
    targets: result.origin?.targets?.length ?? 0,
    groups: result.plan?.groups.length ?? 0,
    lowerBound: result.plan?.lowerBound ?? 0,
    byRule,
    importErrors: result.findings
      .filter((f) => f.rule === 'STW420')
      .map((f) => `${f.file}:${f.span.line}: ${f.message}`),
    ms: Math.round(ms),
    maxRssMb,
    planned: result.plan !== undefined,
    unreached: result.findings.reduce(
      (n, f) => n + Number(/^(\d+) of the \d+ processes defined/.exec(f.message)?.[1] ?? 0),
      0,
    ),
    engine:
      workflow && result.plan
        ? await inImage(workflow, result.plan, result.origin, root, path)
        : { grouped: 0, note: 'no plan' },
  };
  process.stdout.write(JSON.stringify(outcome));
}

// ---- what the engine would run in Stowage's images ----

type Workflow = import('../src/workflow/model.js').Workflow;
type Plan = import('../src/plan/types.js').Plan;
type ImportOrigin = import('../src/workflow/importers/common.js').ImportOrigin;

async function inImage(
  workflow: Workflow,
  plan: Plan,
  origin: ImportOrigin | undefined,
  root: string,
  path: string,
): Promise<Outcome['engine']> {
  const { stepImageMap } = await import('../src/app/step-images.js');
  const { exportFor } = await import('../src/export/index.js');
  const grouped = plan.groups.flatMap((g) => g.steps);
  const images = stepImageMap(plan, { registry: REGISTRY }).images;
  const input = { workflow, stepImages: images, origin, outDir: '.stowage/export' };
  const name = (id: string): string => origin?.engineNames[id] ?? id;
  if (workflow.format === 'snakemake') {
    const file = exportFor('snakemake', input).files['stowage-images.yaml']!;
    const map = (parse(file) as { stowage_images?: Record<string, string> }).stowage_images ?? {};
    const inImage = grouped.filter((id) => map[name(id)] === `docker://${images[id]?.ref}`);
    return { grouped: grouped.length, inImage: inImage.length };
  }
  if (workflow.format === 'nextflow') {
    const { readNextflowConfig, withNameSetting } =
      await import('../__tests__/helpers/nextflow-config.js');
    const settings = readNextflowConfig(exportFor('nextflow', input).files['stowage.config']!);
    const inImage = grouped.filter((id) => {
      const runs = origin?.invocations?.[id] ?? [{ name: name(id), fqn: name(id) }];
      return runs.every(
        (r) =>
          withNameSetting(settings, { base: name(id), name: r.name, fqn: r.fqn }) ===
          images[id]?.ref,
      );
    });
    return { grouped: grouped.length, inImage: inImage.length };
  }
  if (workflow.format !== 'cwl') return { grouped: grouped.length };
  const { cwltoolImages, hasCwltoolLoader } = await import('../__tests__/helpers/cwltool.js');
  if (!hasCwltoolLoader()) return { grouped: grouped.length, note: 'no cwltool' };
  const dir = mkdtempSync(join(tmpdir(), 'stowage-real-cwl-'));
  try {
    const overrides = join(dir, 'stowage-overrides.yml');
    writeFileSync(overrides, exportFor('cwl', input).files['stowage-overrides.yml']!);
    const [load] = cwltoolImages(root, [{ workflow: relative(root, path), overrides }], 600_000);
    if (!load || 'error' in load)
      return { grouped: grouped.length, note: `cwltool: ${load?.error.slice(0, 200)}` };
    const idOf = new Map(workflow.steps.map((s) => [name(s.id), s.id]));
    const seen = new Set(
      load.tools
        .filter((t) => {
          const id = idOf.get(t.step);
          return id !== undefined && t.image === images[id]?.ref;
        })
        .map((t) => idOf.get(t.step)),
    );
    return {
      grouped: grouped.length,
      inImage: grouped.filter((id) => seen.has(id)).length,
      note: `cwltool built ${load.tools.length} tools`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the independent counts ----

function walk(dir: string, accept: (name: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'work' || name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, accept, out);
    else if (accept(name)) out.push(full);
  }
  return out;
}

/** Nextflow: `process NAME {` blocks; declaring: a conda/container directive or an environment.yml beside. */
function countNextflow(dir: string): Count {
  const declaring: string[] = [];
  let units = 0;
  for (const file of walk(dir, (n) => n.endsWith('.nf'))) {
    const text = readFileSync(file, 'utf8');
    const heads = [...text.matchAll(/^\s*process\s+(\w+)\s*\{/gm)];
    heads.forEach((m, k) => {
      units += 1;
      const body = text.slice(m.index, heads[k + 1]?.index ?? text.length);
      const env = existsSync(join(dirname(file), 'environment.yml'));
      if (env || /^\s*(conda|container)\s/m.test(body)) declaring.push(m[1] ?? '');
    });
  }
  return { units, declaring };
}

/**
 * Snakemake: `rule NAME:` blocks and named `use rule A as B` lines, in the folder of the workflow
 * (`workflow/` when there is one: test workflows beside it are not the pipeline); declaring:
 * conda:, container:/singularity: or wrapper:.
 */
function countSnakemake(dir: string): Count {
  const declaring: string[] = [];
  const workflowDir = existsSync(join(dir, 'workflow', 'Snakefile')) ? join(dir, 'workflow') : dir;
  const files = walk(workflowDir, (n) => n === 'Snakefile' || n.endsWith('.smk'));
  let units = files.reduce(
    (n, f) =>
      n + [...readFileSync(f, 'utf8').matchAll(/^\s*use\s+rule\s+\w+\s.*\bas\s+\w+/gm)].length,
    0,
  );
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^(\s*)(?:rule|checkpoint)\s+(\w+)\s*:/.exec(line);
      if (!m) return;
      units += 1;
      const indent = (m[1] ?? '').length;
      let body = '';
      for (let j = i + 1; j < lines.length; j += 1) {
        const l = lines[j] ?? '';
        if (l.trim() !== '' && l.length - l.trimStart().length <= indent) break;
        body += `${l}\n`;
      }
      if (/^\s*(conda|container|singularity|wrapper)\s*:/m.test(body)) declaring.push(m[2] ?? '');
    });
  }
  return { units, declaring };
}

/** CWL: tool steps of the workflow, nested workflows followed; declaring: Software/DockerRequirement. */
function countCwl(file: string): Count {
  const declaring: string[] = [];
  let units = 0;
  const cache = new Map<string, unknown>();
  const load = (path: string): Record<string, unknown> | undefined => {
    if (!cache.has(path)) {
      try {
        cache.set(path, parse(readFileSync(path, 'utf8')));
      } catch {
        cache.set(path, undefined);
      }
    }
    return cache.get(path) as Record<string, unknown> | undefined;
  };
  const declares = (doc: unknown): boolean =>
    /(SoftwareRequirement|DockerRequirement)/.test(
      JSON.stringify({
        h: (doc as Record<string, unknown>)?.hints,
        r: (doc as Record<string, unknown>)?.requirements,
      }),
    );
  const visit = (
    doc: Record<string, unknown>,
    base: string,
    prefix: string,
    inherited: boolean,
    depth: number,
  ): void => {
    const steps = doc.steps;
    const list = Array.isArray(steps)
      ? steps.map((s) => [String((s as Record<string, unknown>).id ?? ''), s] as const)
      : Object.entries((steps ?? {}) as Record<string, unknown>);
    for (const [id, step] of list) {
      const s = step as Record<string, unknown>;
      const name = `${prefix}${id.replace(/^.*[#/]/, '')}`;
      const run = s.run;
      const target =
        typeof run === 'string' && !run.startsWith('#')
          ? resolve(base, run.split('#')[0] ?? run)
          : undefined;
      const tool =
        typeof run === 'object'
          ? (run as Record<string, unknown>)
          : target
            ? load(target)
            : undefined;
      const here = inherited || declares(doc) || declares(s);
      if (tool?.class === 'Workflow' && depth < 20) {
        visit(tool, target ? dirname(target) : base, `${name}/`, here, depth + 1);
        continue;
      }
      units += 1;
      if (tool?.class === 'ExpressionTool') continue; // runs in the engine
      if (here || declares(tool)) declaring.push(name);
    }
  };
  const main = load(file);
  if (main) visit(main, dirname(file), '', false, 0);
  return { units, declaring };
}

/** Names compared loosely: the importers make names safe for image tools. */
const loose = (name: string): string => name.toLowerCase().replace(/[^a-z0-9/]+/g, '');

// ---- wrapper prefix ----

function wrapperPrefix(
  paths: readonly string[],
  given: string | undefined,
): { prefix?: string; cleanup?: () => void } {
  if (given) return { prefix: given };
  const clone = WRAPPER_CLONES.find((p) => existsSync(p));
  if (clone) return { prefix: `git+file://${clone}` };
  const snapshot = WRAPPER_SNAPSHOTS.find((p) => existsSync(join(p, 'bio')));
  if (!snapshot) return {};
  // A file:// folder with one entry per version the pipelines use, each the snapshot.
  const versions = new Set<string>();
  for (const path of paths) {
    if (!statSync(path).isDirectory()) continue;
    for (const file of walk(path, (n) => n === 'Snakefile' || n.endsWith('.smk')))
      for (const m of readFileSync(file, 'utf8').matchAll(/["']([^"'/\s]+)\/(?:bio|meta)\//g))
        versions.add(m[1] ?? '');
  }
  const farm = mkdtempSync(join(tmpdir(), 'stowage-real-wrappers-'));
  for (const v of versions) if (v) symlinkSync(snapshot, join(farm, v));
  return {
    prefix: `${pathToFileURL(farm).href}/`,
    cleanup: () => rmSync(farm, { recursive: true, force: true }),
  };
}

// ---- the parent ----

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--one') {
    await one(argv[1]!, argv[2] || undefined);
    return 0;
  }
  let given: string | undefined = process.env.STOWAGE_WRAPPER_PREFIX;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--wrapper-prefix') given = argv[(i += 1)];
    else paths.push(resolve(argv[i]!));
  }
  const chosen = (
    paths.length > 0 ? paths : (process.env.STOWAGE_REAL?.split(':') ?? DEFAULTS)
  ).filter((p) => {
    if (existsSync(p)) return true;
    process.stderr.write(`skipping ${p}: not found\n`);
    return false;
  });
  const wrappers = wrapperPrefix(chosen, given);
  if (wrappers.prefix) process.stdout.write(`wrapper prefix: ${wrappers.prefix}\n`);
  const rows = [
    [
      'pipeline',
      'format',
      'grep',
      'imported',
      'declare sw',
      'get sw',
      'groups',
      'lower bd',
      'in image',
      'time',
      'peak MB',
      'findings by rule',
    ],
  ];
  let failed = false;
  try {
    for (const path of chosen) {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', process.argv[1]!, '--one', path, wrappers.prefix ?? ''],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (child.status !== 0) {
        process.stderr.write(`${path}: ${child.stderr}\n`);
        failed = true;
        continue;
      }
      const o = JSON.parse(child.stdout) as Outcome;
      const count =
        o.format === 'nextflow'
          ? countNextflow(path)
          : o.format === 'snakemake'
            ? countSnakemake(path)
            : countCwl(path);
      const got = new Map(o.steps.map((s) => [loose(s.name), s.software]));
      const served = count.declaring.filter((n) => got.get(loose(n)) === true).length;
      // Nextflow leaves out the processes no workflow reaches: counted beside, from the notice.
      const imported = o.steps.length + o.targets;
      const accounted = imported + o.unreached;
      const label =
        existsSync(path) && statSync(path).isDirectory()
          ? basename(path)
          : relative(dirname(repositoryOf(path)), path);
      rows.push([
        label,
        o.format,
        String(count.units),
        `${imported}${o.unreached > 0 ? ` + ${o.unreached} unreached` : ''} (${Math.round((100 * accounted) / Math.max(1, count.units))}%)`,
        String(count.declaring.length),
        `${served} (${Math.round((100 * served) / Math.max(1, count.declaring.length))}%)`,
        String(o.groups),
        String(o.lowerBound),
        o.engine.inImage === undefined
          ? `- / ${o.engine.grouped}`
          : `${o.engine.inImage} / ${o.engine.grouped}`,
        `${(o.ms / 1000).toFixed(2)} s`,
        String(o.maxRssMb),
        Object.entries(o.byRule)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([r, n]) => `${r}×${n}`)
          .join(' '),
      ]);
      for (const e of o.importErrors)
        process.stdout.write(`  import error: ${relative(process.cwd(), e)}\n`);
      if (!o.planned) process.stdout.write(`  ${label}: no plan\n`);
      if (o.engine.note) process.stdout.write(`  ${label}: ${o.engine.note}\n`);
    }
  } finally {
    wrappers.cleanup?.();
  }
  process.stdout.write(`${pad(rows)}\n`);
  process.stdout.write(
    'grep: processes / rules / CWL tool steps counted without the importers; imported: steps + target rules\n' +
      '(+ the processes no Nextflow workflow reaches, which are not imported: the notice counts them);\n' +
      'declare sw: of those, the ones that name software (env file, conda, container, wrapper, Software/DockerRequirement);\n' +
      'get sw: of those, the steps the import gave packages or an image; time: import + lint + plan in the child process;\n' +
      'in image: of the steps the plan put in a group, those the engine runs in that image with the export\n' +
      "(CWL: as cwltool loads the workflow with the overrides; Snakemake/Nextflow: by the export's own selectors).\n",
  );
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
