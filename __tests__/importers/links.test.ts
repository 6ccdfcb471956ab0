/**
 * File walks never follow symbolic links: a folder of links to itself is read once (the walk was
 * k^8 folders: k = 4 took more than ten minutes), and a link out of the repository never makes a
 * finding name what is there.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { selfLinkedPipeline, writeTree } from '../../bench/hostile-inputs.js';
import { walkFiles } from '../../src/workflow/importers/common.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { tempDir } from '../helpers/temp.js';

function folderWith(prefix: string, files: Record<string, string>): string {
  const dir = tempDir(prefix);
  writeTree(dir, { files });
  return dir;
}

const nextflowProcess = (name: string): string =>
  `process ${name} {\n  conda 'bioconda::samtools=1.20'\n  script:\n  """\n  samtools --version\n  """\n}\n`;

/** Everything the import says, for checking that a name never appears in it. */
function everythingSaid(result: ReturnType<typeof importWorkflow>): string {
  return JSON.stringify({
    findings: result.findings,
    steps: result.workflow?.steps.map((s) => s.id),
    files: [...(result.workflow?.source.files().keys() ?? [])],
  });
}

describe('a Nextflow pipeline with a folder of four links to itself', () => {
  const dir = tempDir('nf-loop');
  writeTree(dir, selfLinkedPipeline(4));

  it('walks each real folder once: the links are not followed', () => {
    expect(walkFiles(dir, (name) => name.endsWith('.nf'))).toEqual([
      join(dir, 'main.nf'),
      join(dir, 'modules/local/tool/main.nf'),
    ]);
  });

  it('imports each process once', () => {
    const result = importWorkflow(dir, { root: dir });
    expect(result.workflow?.steps.map((s) => s.id)).toEqual(['MAIN', 'TOOL']);
    expect(everythingSaid(result)).not.toContain('again');
  });
});

describe('links out of the repository', () => {
  const outside = folderWith('elsewhere', {
    'secret-pipeline/private.nf': nextflowProcess('PRIVATE'),
    'secret-pipeline/private-workflow.cwl': 'cwlVersion: v1.2\nclass: Workflow\nsteps: {}\n',
  });

  it('Nextflow: a linked folder and a linked file are neither read nor named', () => {
    const dir = folderWith('nf-out', { 'main.nf': nextflowProcess('MAIN') });
    symlinkSync(join(outside, 'secret-pipeline'), join(dir, 'vendor'));
    symlinkSync(join(outside, 'secret-pipeline', 'private.nf'), join(dir, 'extra.nf'));
    const result = importWorkflow(dir, { root: dir });
    expect(result.workflow?.steps.map((s) => s.id)).toEqual(['MAIN']);
    const said = everythingSaid(result);
    expect(said).not.toContain('private');
    expect(said).not.toContain('PRIVATE');
    expect(said).not.toContain(outside);
  });

  it('CWL: a linked folder is not searched for the workflow', () => {
    const dir = folderWith('cwl-out', { 'README.md': 'a CWL repository\n' });
    symlinkSync(join(outside, 'secret-pipeline'), join(dir, 'vendor'));
    const result = importWorkflow(dir, { root: dir, format: 'cwl' });
    expect(result.workflow).toBeUndefined();
    expect(everythingSaid(result)).not.toContain('private');
    expect(result.findings.map((f) => f.message)).toEqual(['No CWL document (*.cwl) found in ..']);
  });
});
