import { compareImages, comparisonMarkdown, comparisonText } from '../../src/report/comparison.js';
import type { Plan, PlannedGroup } from '../../src/plan/types.js';
import { newStep, newWorkflow } from '../../src/workflow/importers/common.js';
import { RecordedSource } from '../../src/workflow/importers/locator.js';

function group(name: string, steps: string[], estimatedSize: number): PlannedGroup {
  return {
    name,
    family: 'conda',
    gpu: false,
    pinned: false,
    steps,
    runtimes: {},
    packages: [],
    baseImage: 'mambaorg/micromamba:1.5.10',
    estimatedSize,
    generated: {},
    contextFiles: [],
    commands: {},
    contentHash: 'x',
  };
}

const plan: Plan = {
  version: 1,
  workflow: 'w',
  context: '.',
  groups: [group('conda', ['a', 'b'], 300), group('conda-2', ['c'], 200)],
  external: [{ step: 'd', image: 'google/deepvariant:1.6.1-gpu' }],
  unplanned: [],
  lowerBound: 2,
  lowerBoundByKind: [{ kind: 'python', bound: 2 }],
  baselines: {
    perStep: { images: 3, estimatedTotalSize: 600, conflicts: 0 },
    monolith: { images: 1, estimatedTotalSize: 450, conflicts: 2 },
  },
};

const workflow = newWorkflow('w', 'w', 'nextflow', new RecordedSource('w'));
workflow.containers.registry = 'ghcr.io/acme/w';
for (const id of ['a', 'b', 'c', 'd', 'e|x']) workflow.steps.push(newStep(id));

const current = {
  a: 'biocontainers/a:1',
  b: 'biocontainers/b:1',
  c: 'biocontainers/b:1',
  d: 'google/deepvariant:1.6.1-gpu',
};

describe('compareImages', () => {
  it('counts distinct images and estimates bytes from the per-step baseline', () => {
    const c = compareImages(workflow, current, plan);
    // 3 distinct current images, each ~600/3 = 200 bytes
    expect(c.before).toEqual({
      images: 3,
      bytes: 600,
      estimated: true,
      stepsWithoutImage: ['e|x'],
      runtimeEnvironments: 0,
    });
    // two groups (300 + 200) and the external image (~200): 2 to build and 1 used as is
    expect(c.after).toEqual({ images: 3, built: 2, usedAsIs: 1, bytes: 700, estimated: true });
    expect(c.conflicts).toBe(2);
    expect(c.lowerBound).toBe(2);
    expect(c.steps[0]).toEqual({
      step: 'a',
      current: 'biocontainers/a:1',
      planned: 'ghcr.io/acme/w/conda',
    });
  });

  it('Snakemake: counts the conda environments built inside the current container at run time', () => {
    const smk = newWorkflow('s', 'Snakefile', 'snakemake', new RecordedSource('Snakefile'));
    for (const id of ['a', 'b', 'c', 'd']) smk.steps.push(newStep(id));
    smk.steps[0]!.software.conda.push('bioconda::bwa=0.7.18');
    smk.steps[1]!.software.conda.push('bioconda::bwa=0.7.18');
    smk.steps[2]!.software.conda.push('bioconda::samtools=1.21', 'bioconda::htslib=1.21');
    const image = 'continuumio/miniconda3:4.8.2';
    const c = compareImages(smk, { a: image, b: image, c: image, d: image }, plan);
    expect(c.before).toMatchObject({ images: 1, runtimeEnvironments: 2 });
    expect(comparisonText(c)).toMatch(
      /^current containers \(\+ 2 conda environments built in them at run time\)\s+1 /m,
    );
    expect(comparisonMarkdown(c)).toContain(
      '| current containers (+ 2 conda environments built in them at run time) | 1 |',
    );
    // A package read from a BioContainers image name is that image, not an environment.
    smk.steps[0]!.softwareFrom = { kind: 'image', name: image };
    smk.steps[1]!.softwareFrom = { kind: 'image', name: image };
    expect(
      compareImages(smk, { a: image, b: image, c: image }, plan).before.runtimeEnvironments,
    ).toBe(1);
  });

  it('uses measured sizes when given', () => {
    const c = compareImages(workflow, current, plan, {
      imageSizes: {
        'biocontainers/a:1': 1000,
        'biocontainers/b:1': 2000,
        'google/deepvariant:1.6.1-gpu': 5000,
      },
      groupSizes: { conda: 400, 'conda-2': 100 },
    });
    expect(c.before).toMatchObject({ bytes: 8000, estimated: false });
    expect(c.after).toMatchObject({ bytes: 5500, estimated: false });
    expect(comparisonMarkdown(c)).not.toContain('~');
  });

  it('renders markdown with table-safe cells and a plain-text table', () => {
    const md = comparisonMarkdown(compareImages(workflow, current, plan));
    expect(md).toContain('| | images a run that calls every step pulls | bytes it pulls |');
    expect(md).toContain('| current containers | 3 | ~600 B |');
    expect(md).toContain('| stowage plan (2 to build + 1 used as is) | 3 | ~700 B |');
    expect(md).toContain('| lower bound (images to build) | 2 | |');
    expect(md).toContain('| e\\|x | — | — |');
    const text = comparisonText(compareImages(workflow, current, plan)).split('\n');
    expect(text.slice(0, 5)).toEqual([
      '                                          images  bytes',
      'current containers                             3  ~600 B',
      'stowage plan (2 to build + 1 used as is)       3  ~700 B',
      'lower bound (images to build)                  2',
      'Images and bytes are what a run that calls every step pulls, each distinct image once (shared layers not subtracted).',
    ]);
  });

  it('labels the plan by its images to build alone when no step brings its own', () => {
    const built = { ...plan, external: [] };
    const text = comparisonText(compareImages(workflow, current, built));
    expect(text).toMatch(/^stowage plan\s+2\s+~500 B$/m);
  });
});
