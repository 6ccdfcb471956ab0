/**
 * Findings inside upstream code — a module installed from nf-core/modules, a Snakemake wrapper's
 * environment — are the upstream's: notices that say whose they are and how to take the fix; the
 * pipeline's own modules keep their level.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintAndPlan } from '../../src/app/lint-and-plan.js';
import type { Finding } from '../../src/common/findings.js';
import { fetchText } from '../../src/host/fetch-text.js';

const ROOT = process.cwd();
const NF = '__tests__/fixtures/nextflow/resources';
const SMK = '__tests__/fixtures/snakemake/resources';
const WRAPPERS = `${pathToFileURL(resolve(SMK, 'wrappers')).href}/`;

async function lint(spec: string): Promise<Finding[]> {
  const result = await lintAndPlan(spec, {
    root: ROOT,
    wrapperPrefix: WRAPPERS,
    fetchText: fetchText({ timeoutMs: 2000 }),
  });
  return result.findings;
}

describe('findings in upstream code are the upstream’s notices', () => {
  it.each<[string, string, string, RegExp]>([
    [
      'a package an nf-core module leaves unpinned',
      NF,
      `${NF}/modules/nf-core/samtools/sort/environment.yml`,
      /^In nf-core module samtools\/sort \(upstream, not this repository's code\): conda package "samtools" .* `nf-core modules update samtools\/sort` takes its fixes \(installed at 3f4a5b6\), or report it to nf-core\/modules; .* Its local patch modules\/nf-core\/samtools\/sort\/samtools-sort\.diff is applied again after the update\.$/,
    ],
    [
      'a package a wrapper leaves unpinned, with the release to update to',
      SMK,
      `${SMK}/workflow/Snakefile`,
      /^In Snakemake wrapper v1\.0\.0\/bio\/samtools\/stats \(upstream, not this repository's code\): .*update the wrapper to v2\.0\.0\/bio\/samtools\/stats \(the newest release the workflow's other wrappers use\)/,
    ],
  ])('%s', async (_title, spec, file, message) => {
    const stw402 = (await lint(spec)).filter((f) => f.rule === 'STW402' && f.file === file);
    expect(stw402).toEqual([
      expect.objectContaining({ severity: 'notice', message: expect.stringMatching(message) }),
    ]);
  });

  it("the pipeline's own modules stay its own: a warning, no attribution", async () => {
    const local = (await lint(NF)).filter((f) => f.file === `${NF}/modules/local/report.nf`);
    expect(local.map((f) => [f.rule, f.severity, f.message.startsWith('In ')])).toEqual([
      ['STW402', 'warning', false],
    ]);
  });
});
