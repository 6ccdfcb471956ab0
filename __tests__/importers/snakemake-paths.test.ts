/**
 * Only what runs, as Snakemake finds it: `include:`, `conda:`, `container:` and `configfile:`
 * paths built in Python — os.path.join, workflow.basedir / current_basedir, Path(…) / "x",
 * f-strings, + of constants, config values — are evaluated from constants (no Python is run);
 * `conda: "envs/{tool}.yaml"` is read once per value the workflow gives the wildcard, and a
 * notice (never STW420) says when the values cannot be told; a `run:` rule is Python Snakemake
 * runs itself (it applies no conda: or container: there), so STW401 does not ask it for conda.
 */
import { lintWorkflow } from '../../src/lint/index.js';
import {
  evaluatePython,
  type EvalScope,
  type PyValue,
} from '../../src/workflow/importers/snakemake-eval.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';

const DIR = '__tests__/fixtures/snakemake/paths';

describe('Snakemake paths built in Python', () => {
  const result = importWorkflow(DIR);
  const workflow = result.workflow!;
  const step = (id: string) => workflow.steps.find((s) => s.id === id)!;

  it.each([
    ['align', 'include: os.path.join("rules", "align.smk")', ['coreutils=9.5']],
    ['call', 'os.path.join(workflow.basedir, …) and current_basedir', ['coreutils=9.5']],
    ['report', 'container: config["report_image"], from configfile:', ['bioconda::multiqc=1.19']],
    [
      'tool',
      'conda: "../envs/{tool}.yaml", tool from expand(…, tool=TOOLS)',
      ['bioconda::bwa=0.7.18', 'bioconda::samtools=1.21'],
    ],
    ['align_again', 'use rule align as align_again', ['coreutils=9.5']],
    ['extra_made', 'a module, str(Path(current_basedir) / …)', ['conda-forge::gawk=5.3.0']],
  ])('%s: %s', (id, _how, conda) => {
    expect(step(id).software.conda).toEqual(conda);
    expect(step(id).softwareUnknown).toBeUndefined();
  });

  it('a wildcard whose values are unknown: one notice at the conda: line, no STW420', () => {
    expect(step('mystery').softwareUnknown).toMatch(/\{name\}/);
    expect(result.findings.filter((f) => f.rule === 'STW420')).toEqual([]);
    expect(result.findings.filter((f) => /wildcard/.test(f.message))).toEqual([
      expect.objectContaining({
        rule: 'STW421',
        file: `${DIR}/workflow/rules/tools.smk`,
        span: expect.objectContaining({ line: 18 }),
      }),
    ]);
  });

  it('a run: rule runs in Snakemake itself: no image, and STW401 does not ask it for conda', () => {
    expect(step('summary').runsIn).toBe('engine');
    // A template rule (`template_engine:`) is rendered by Snakemake too; `conda: None` is no
    // environment, not a Python value Stowage cannot evaluate.
    expect(step('scenario').runsIn).toBe('engine');
    expect(step('scenario').softwareUnknown).toBeUndefined();
    expect(result.findings.filter((f) => /None/.test(f.message))).toEqual([]);
    const lint = lintWorkflow(workflow, { extra: result.findings });
    expect(lint.findings.filter((f) => f.rule === 'STW401' || f.rule === 'STW420')).toEqual([]);
  });
});

describe('the evaluator of path expressions', () => {
  const scope: EvalScope = {
    vars: new Map<string, PyValue>([
      ['RULES', '/repo/workflow/rules'],
      ['NAMES', ['a', 'b']],
      ['N', 3],
    ]),
    basedir: '/repo/workflow',
    currentBasedir: '/repo/workflow/rules',
    config: { envs: { main: 'envs/main.yaml' }, image: 'docker://x/y:1' },
  };
  it.each([
    ['"rules/" "x.smk"', 'rules/x.smk'],
    ['os.path.join("rules", "x.smk")', 'rules/x.smk'],
    ['os.path.join(workflow.basedir, "rules", "x.smk")', '/repo/workflow/rules/x.smk'],
    ['os.path.join("ignored", "/abs", "x")', '/abs/x'],
    ['str(Path(workflow.basedir) / "envs" / "a.yaml")', '/repo/workflow/envs/a.yaml'],
    ['Path(workflow.current_basedir).parent / "x"', { kind: 'path', path: '/repo/workflow/x' }],
    ['f"{RULES}/x.smk"', '/repo/workflow/rules/x.smk'],
    ['f"envs/{{tool}}.yaml"', 'envs/{tool}.yaml'],
    ['RULES + "/y.smk"', '/repo/workflow/rules/y.smk'],
    ['"{}/{}.smk".format(RULES, "z")', '/repo/workflow/rules/z.smk'],
    ['config["envs"]["main"]', 'envs/main.yaml'],
    ['config.get("image", "none")', 'docker://x/y:1'],
    ['config.get("missing", "none")', 'none'],
    ['expand("r/{n}.txt", n=NAMES)', ['r/a.txt', 'r/b.txt']],
    ['N', 3],
    ['get_path(wildcards)', undefined],
    ['config["missing"]', undefined],
    ['"a" if x else "b"', undefined],
    ['UNKNOWN + ".yaml"', undefined],
  ])('%s', (text, value) => {
    expect(evaluatePython(text, scope)).toEqual(value);
  });
});
