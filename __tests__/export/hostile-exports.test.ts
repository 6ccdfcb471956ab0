/**
 * Hostile names through every export, each output read back by its format's own parser: no
 * name, file name or path from a pull request may add a key, a setting or a statement that
 * Stowage did not write, and every value reads back exactly.
 *
 * - CWL overrides: `yaml`, PyYAML, and cwltool's own overrides loader (ruamel.yaml, which ends
 *   lines at NEL and U+2028/2029 too), plus one real `cwltool --overrides` run.
 * - Snakemake: the config with `yaml` and PyYAML (Snakemake's reader); the two Snakefile lines
 *   with Python's `ast`.
 * - Nextflow: the project's Groovy tokenizer and config reader, also after Java-style `\uNNNN`
 *   preprocessing (as Groovy's older parser read sources).
 * - Slurm: `bash -n`, then bash's own reading of each script (`declare -f`) against the same
 *   export of safe names: the same commands in the same order; `#SBATCH` lines as written.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { shellQuote } from '../../src/common/escape/shell.js';
import {
  exportCwl,
  exportNextflow,
  exportSlurm,
  exportSnakemake,
  type ExportInput,
  type StepImages,
} from '../../src/export/index.js';
import { snakefileLines } from '../../src/export/snakemake.js';
import type { ImportOrigin } from '../../src/workflow/importers/common.js';
import { newStep, newWorkflow } from '../../src/workflow/importers/common.js';
import { RecordedSource } from '../../src/workflow/importers/locator.js';
import type { Workflow } from '../../src/workflow/model.js';
import { hostile, samples } from '../helpers/hostile.js';
import { readNextflowConfig } from '../helpers/nextflow-config.js';
import { tokenizeGroovy } from '../../src/workflow/importers/groovy.js';
import {
  bashCanonical,
  cwltoolOverrides,
  hasCwltool,
  hasPyYaml,
  pythonStatements,
  pyYaml,
} from '../helpers/parsers.js';
import { tempDir } from '../helpers/temp.js';

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** A workflow of hostile names, as an importer (or a spec) could hand it to an export. */
interface Case {
  name: string;
  file: string;
  steps: string[];
  tools: string[];
  outDir: string;
}

const names = hostile({ nul: true });
const caseOf = (options: { nul: boolean }): fc.Arbitrary<Case> =>
  fc.record({
    name: hostile({ nul: options.nul }),
    file: fc.tuple(hostile(), hostile()).map(([dir, base]) => `${dir}/${base}.cwl`),
    steps: fc.uniqueArray(hostile({ nul: options.nul }), { minLength: 1, maxLength: 3 }),
    tools: fc.array(
      fc.tuple(hostile(), fc.option(hostile())).map(([f, id]) => (id ? `${f}.cwl#${id}` : f)),
      { minLength: 3, maxLength: 3 },
    ),
    outDir: hostile(),
  });

function inputOf(c: Case, format: Workflow['format'], engineNames?: string[]): ExportInput {
  const workflow = newWorkflow(c.name, c.file, format, new RecordedSource(c.file));
  workflow.steps.push(...c.steps.map((id) => newStep(id)));
  const stepImages: StepImages = Object.fromEntries(
    c.steps.map((id, i) => [
      id,
      { ref: `ghcr.io/acme/pipe/g${i}@${digest(i + 1)}`, pinned: 'digest' },
    ]),
  );
  const origin: ImportOrigin = {
    format: format === 'stowage' ? 'cwl' : format,
    engineNames: Object.fromEntries(c.steps.map((id, i) => [id, engineNames?.[i] ?? id])),
    tools: Object.fromEntries(c.steps.map((id, i) => [id, c.tools[i]!])),
  };
  return { workflow, stepImages, origin, outDir: c.outDir };
}

/** The overrides the CWL export means to write: tool key (relative to the main workflow) → image. */
function expectedOverrides(c: Case): Map<string, string> {
  const expected = new Map<string, string>();
  c.steps.forEach((_, i) => {
    // The fragment is all after the first `#`; an absolute id is kept whole.
    const tool = c.tools[i]!;
    const hash = tool.indexOf('#');
    const file = hash < 0 ? tool : tool.slice(0, hash);
    const key = /^(?:https?|file):\/\//.test(tool)
      ? tool
      : posix.relative(posix.dirname(c.file), file) + (hash < 0 ? '' : tool.slice(hash));
    if (!expected.has(key)) expected.set(key, `ghcr.io/acme/pipe/g${i}@${digest(i + 1)}`);
  });
  return expected;
}

describe('CWL overrides', () => {
  const check = (c: Case): string => {
    const text = exportCwl(inputOf(c, 'cwl')).files['stowage-overrides.yml']!;
    const doc = parse(text) as Record<string, Record<string, unknown>>;
    expect(Object.keys(doc)).toEqual(['cwltool:overrides']);
    const expected = expectedOverrides(c);
    expect(Object.keys(doc['cwltool:overrides']!)).toEqual([...expected.keys()]);
    for (const [key, image] of expected)
      expect(doc['cwltool:overrides']![key]).toEqual({
        requirements: { DockerRequirement: { dockerPull: image } },
      });
    return text;
  };

  it('fuzz: the yaml package reads exactly the overrides meant', () => {
    fc.assert(
      fc.property(caseOf({ nul: true }), (c) => void check(c)),
      { numRuns: 150 },
    );
  });

  (hasCwltool ? it : it.skip)(
    "fuzz: cwltool's own loader applies exactly the overrides meant",
    () => {
      const cases = samples(caseOf({ nul: false }), 40);
      const texts = cases.map(check);
      const loaded = cwltoolOverrides(texts, '/w/x/main.cwl');
      loaded.forEach((overrides, i) => {
        const expected = expectedOverrides(cases[i]!);
        expect({ case: cases[i], overrides }).toEqual({
          case: cases[i],
          overrides: expect.any(Array),
        });
        const pulls = (overrides as { requirements: { dockerPull?: string }[] }[]).map(
          (o) => o.requirements[0]?.dockerPull,
        );
        expect({ case: cases[i], pulls: pulls.sort() }).toEqual({
          case: cases[i],
          pulls: [...expected.values()].sort(),
        });
      });
    },
    60_000,
  );

  (hasPyYaml ? it : it.skip)('fuzz: PyYAML reads the same document', () => {
    const cases = samples(caseOf({ nul: false }), 100, 17);
    const texts = cases.map(check);
    pyYaml(texts).forEach((doc, i) => {
      expect({ case: cases[i], doc }).toEqual({ case: cases[i], doc: parse(texts[i]!) as unknown });
    });
  });
});

/** The real cwltool, with a stand-in docker that records what it is asked to pull. */
(hasCwltool ? describe : describe.skip)('CWL overrides with cwltool --overrides', () => {
  it('a workflow file named to plant an override does not change the image cwltool pulls', () => {
    const root = tempDir('cwl-hostile');
    const planted = 'mallory:1';
    // A file name that writes an overrides document of its own and ends it (`---`): cwltool reads
    // the first document only, so before escaping it applied this and dropped Stowage's.
    const main = `main\ncwltool:overrides:\n  echo.cwl:\n    requirements:\n      DockerRequirement:\n        dockerPull: ${planted}\n---\n#.cwl`;
    writeFileSync(
      join(root, 'echo.cwl'),
      'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\nrequirements:\n  DockerRequirement: { dockerPull: "docker.io/library/busybox:1.36" }\ninputs: {}\noutputs: { out: stdout }\n',
    );
    writeFileSync(
      join(root, main),
      'cwlVersion: v1.2\nclass: Workflow\ninputs: {}\noutputs: {}\nsteps:\n  say:\n    run: echo.cwl\n    in: {}\n    out: [out]\n',
    );
    const image = `127.0.0.1:5000/acme/echo@${digest(7)}`;
    const workflow = newWorkflow(main, main, 'cwl', new RecordedSource(main));
    workflow.steps.push(newStep('say'));
    const result = exportCwl({
      workflow,
      stepImages: { say: { ref: image, pinned: 'digest' } },
      origin: { format: 'cwl', engineNames: { say: 'say' }, tools: { say: 'echo.cwl' } },
    });
    writeFileSync(join(root, 'overrides.yml'), result.files['stowage-overrides.yml']!);
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const log = join(root, 'docker.log');
    writeFileSync(log, '');
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\necho "$*" >> '${log}'\nfor a in "$@"; do case "$a" in --cidfile=*) echo 0123456789ab > "\${a#--cidfile=}" ;; esac; done\nexit 0\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
    const tmp = join(root, 'tmp');
    mkdirSync(tmp);
    spawnSync(
      'cwltool',
      [
        '--overrides',
        'overrides.yml',
        '--tmpdir-prefix',
        `${tmp}/`,
        '--tmp-outdir-prefix',
        `${tmp}/`,
        '--outdir',
        join(root, 'out'),
        main,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
      },
    );
    const calls = readFileSync(log, 'utf8');
    expect(calls).toContain(`pull ${image}`);
    expect(calls).not.toContain(planted);
  }, 60_000);
});

describe('Snakemake config and Snakefile lines', () => {
  // Rule names are Python identifiers (others are skipped); everything else is hostile.
  const check = (c: Case): string => {
    const rules = c.steps.map((_, i) => `rule_${i}`);
    const result = exportSnakemake(inputOf(c, 'snakemake', rules));
    const text = result.files['stowage-images.yaml']!;
    expect(parse(text)).toEqual({
      stowage_pinning: 'digest',
      stowage_images: Object.fromEntries(
        rules.map((r, i) => [r, `docker://ghcr.io/acme/pipe/g${i}@${digest(i + 1)}`]),
      ),
    });
    return text;
  };

  it('fuzz: the yaml package reads exactly the keys written', () => {
    fc.assert(
      fc.property(caseOf({ nul: true }), (c) => void check(c)),
      { numRuns: 150 },
    );
  });

  (hasPyYaml ? it : it.skip)('fuzz: PyYAML, as Snakemake reads it, reads the same', () => {
    const cases = samples(caseOf({ nul: false }), 100, 18);
    const texts = cases.map(check);
    pyYaml(texts).forEach((doc, i) => {
      expect({ case: cases[i], doc }).toEqual({ case: cases[i], doc: parse(texts[i]!) as unknown });
    });
  });

  it("fuzz: Python's ast reads the two Snakefile lines as two statements, the path exact", () => {
    const dirs = samples(hostile({ nul: true }), 200, 19);
    const parsed = pythonStatements(dirs.map((dir) => snakefileLines(`${dir}/x.yaml`).join('\n')));
    parsed.forEach((result, i) => {
      expect({ dir: dirs[i], result }).toEqual({
        dir: dirs[i],
        result: { kinds: ['AnnAssign', 'For'], annotations: [`${dirs[i]}/x.yaml`, null] },
      });
    });
  });
});

/** Java-style unicode escapes turned into characters (with the parity rule), as Groovy 2 read sources. */
function javaUnicodePreprocess(text: string): string {
  return text.replace(/(\\+)u+([0-9a-fA-F]{4})/g, (whole, slashes: string, hex: string) =>
    slashes.length % 2 === 1 ? slashes.slice(1) + String.fromCharCode(parseInt(hex, 16)) : whole,
  );
}

/** A Groovy single-quoted string's contents with its escapes resolved, as Groovy reads them. */
function groovyValue(raw: string): string {
  const named: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', s: ' ', t: '\t' };
  return raw.replace(/\\(u+[0-9a-fA-F]{4}|.)/gs, (_, e: string) =>
    e.length > 1 ? String.fromCharCode(parseInt(e.replace(/^u+/, ''), 16)) : (named[e] ?? e),
  );
}

/**
 * The config as Groovy reads it: its settings by the project's Groovy reader (which keeps
 * `\uNNNN` escapes in a value as written), and every string literal's value decoded from its text.
 */
function readBack(text: string): { settings: number; strings: string[] } {
  const settings = readNextflowConfig(text).length;
  const strings = tokenizeGroovy(text)
    .filter((t) => t.kind === 'string')
    .map((t) => groovyValue(text.slice(t.start + 1, t.end - 1)));
  return { settings, strings };
}

describe('Nextflow config', () => {
  it('fuzz: the Groovy reader finds exactly one container per process, names exact', () => {
    fc.assert(
      fc.property(
        caseOf({ nul: true }),
        fc.uniqueArray(names, { minLength: 3, maxLength: 3 }),
        (c, processes) => {
          const input = inputOf(c, 'nextflow', processes);
          const text = exportNextflow(input).files['stowage.config']!;
          // No line break but LF: Groovy's grammars differ on the others.
          expect(text).not.toMatch(/[\r\u0085\u2028\u2029]/);
          const expected = c.steps.map((id, i) => ({
            path: [
              'process',
              `withName:${processes[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
              'container',
            ],
            value: input.stepImages[id]!.ref,
          }));
          const strings = expected.flatMap((e) => [e.path[1]!.slice('withName:'.length), e.value]);
          expect(readBack(text)).toEqual({ settings: expected.length, strings });
          // Read as Groovy 2 did (unicode escapes first): the same settings and strings.
          expect(readBack(javaUnicodePreprocess(text))).toEqual({
            settings: expected.length,
            strings,
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

/**
 * The `#SBATCH` lines sbatch reads: those before the first line that is neither blank nor a
 * comment (sbatch stops there).
 */
function sbatchDirectives(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    if (!line.startsWith('#')) break;
    if (line.startsWith('#SBATCH')) found.push(line);
  }
  return found;
}

describe('Slurm scripts', () => {
  /** The same workflow with safe names: what bash must read in every hostile export. */
  const safe = (c: Case): Case => ({
    name: 'flood',
    file: 'wf/stowage.yml',
    steps: c.steps.map((_, i) => `step${i}`),
    tools: c.tools,
    outDir: 'out',
  });

  /** Per command line of bash's reading: its first word, with every quoted value masked. */
  function shape(body: string, values: readonly string[]): string[] {
    let masked = body;
    for (const v of [...values].sort((a, b) => b.length - a.length))
      masked = masked.split(shellQuote(v)).join("'Q'");
    return masked.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '');
  }

  function scripts(c: Case): { files: Record<string, string>; values: string[] } {
    const input = inputOf(c, 'stowage');
    // Outputs in folders, so mkdir lines are written too.
    input.workflow.steps.forEach((s, i) => (s.outputs = { out: `results/${i}/x.txt` }));
    const files = exportSlurm(input).files;
    // As submit.sh finds the workflow's folder (backslashes read as `/`).
    const workflowDir = posix.dirname(c.file.replace(/\\/g, '/'));
    const relative = posix.relative(c.outDir, workflowDir === '' ? '.' : workflowDir) || '.';
    return { files, values: [...c.steps, relative] };
  }

  it('fuzz: bash reads the same commands as for safe names, #SBATCH lines as written', () => {
    const cases = samples(caseOf({ nul: false }), 40, 20);
    const hostileRuns = cases.map(scripts);
    const safeRuns = cases.map((c) => scripts(safe(c)));
    // Each distinct script read once (the safe exports repeat).
    const texts = [
      ...new Set([...hostileRuns, ...safeRuns].flatMap((r) => Object.values(r.files))),
    ];
    const read = new Map(bashCanonical(texts).map((result, i) => [texts[i]!, result]));
    const readBack = (run: { files: Record<string, string>; values: string[] }) =>
      Object.entries(run.files).map(([file, text]) => ({ file, text, result: read.get(text)! }));
    const hostileRead = hostileRuns.map(readBack);
    const safeRead = safeRuns.map(readBack);
    cases.forEach((c, i) => {
      const mine = hostileRead[i]!;
      const theirs = safeRead[i]!;
      expect(mine.length).toBe(theirs.length);
      mine.forEach((script, k) => {
        const reference = theirs[k]!;
        expect({ case: c, file: script.file, result: script.result }).toEqual({
          case: c,
          file: script.file,
          result: { body: expect.any(String) },
        });
        const body = (script.result as { body: string }).body;
        const safeBody = (reference.result as { body: string }).body;
        // bash read the whole script (not an empty function: every script sets its options).
        expect(safeBody).toContain('set -euo pipefail');
        expect({ case: c, file: script.file, shape: shape(body, hostileRuns[i]!.values) }).toEqual({
          case: c,
          file: script.file,
          shape: shape(safeBody, safeRuns[i]!.values),
        });
        const directives = (text: string) => sbatchDirectives(text).map((l) => l.split('=')[0]);
        expect({ case: c, sbatch: directives(script.text) }).toEqual({
          case: c,
          sbatch: directives(reference.text),
        });
      });
    });
  }, 60_000);
});
