/**
 * No false alarms on constructs real pipelines use (issue 17, precision): each fixture is
 * imported and linted as a user would, and the rule must stay quiet about the step or input.
 */
import { lintWorkflow } from '../../src/lint/index.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';

const FIX = '__tests__/fixtures';

function findings(path: string) {
  const imported = importWorkflow(path);
  const workflow = imported.workflow!;
  const names = [
    ...workflow.steps.map((s) => s.id),
    ...workflow.inputs.map((i) => i.name),
    ...workflow.steps.flatMap((s) => Object.keys(s.outputs)),
  ];
  return { names, findings: lintWorkflow(workflow, { extra: imported.findings }).findings };
}

describe('quiet where the pipeline is right', () => {
  it.each([
    [
      'STW201',
      'DENOISE',
      'an R or Python script with its #! line in an if/else branch (read as that language, not shell)',
      `${FIX}/nextflow/branches`,
    ],
    [
      'STW103',
      'mapped',
      'a CWL output that only reads the contents of a file another output names (loadContents, outputEval)',
      `${FIX}/cwl/precision/workflow.cwl`,
    ],
    [
      'STW106',
      'samples',
      'a CWL input scattered over a nested workflow (a packed file names ports by full id)',
      `${FIX}/cwl/precision/packed-scatter.cwl`,
    ],
    [
      'STW401',
      'report',
      'a Snakemake container: computed from config (the configfile is read)',
      `${FIX}/snakemake/paths`,
    ],
    [
      'STW401',
      'summary',
      'a Snakemake run: rule (Snakemake applies no conda: or container: there)',
      `${FIX}/snakemake/paths`,
    ],
  ])('%s about %s: %s', (rule, name, _why, path) => {
    const result = findings(path);
    expect(result.names).toContain(name); // imported, so the silence is about it
    const about = result.findings.filter(
      (f) => f.rule === rule && new RegExp(`"${name}"`).test(f.message),
    );
    expect(about).toEqual([]);
  });

  it('still reads the branch scripts: each interpreter is what the step runs', () => {
    const step = importWorkflow(`${FIX}/nextflow/branches`).workflow!.steps[0]!;
    expect(step.run).toMatch(
      /^if :; then # Groovy: if \(!meta\.single_end\)\nRscript - <<'STOWAGE_SCRIPT'\n#!\/usr\/bin\/env Rscript\n/,
    );
    expect(step.run).toMatch(
      /\nelse # Groovy: else\npython3 - <<'STOWAGE_SCRIPT'\n#!\/usr\/bin\/env python3\n/,
    );
  });
});
