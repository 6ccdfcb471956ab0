import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contextReader } from '../../src/app/plan-files.js';
import { plan } from '../../src/plan/plan.js';
import { loadSpecFile } from '../../src/workflow/load.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function planExample(name: string) {
  const { workflow, findings } = loadSpecFile(join(root, 'examples', name, 'stowage.yml'), {
    root,
  });
  if (!workflow) throw new Error(JSON.stringify(findings));
  return plan(workflow, { readFile: contextReader(join(root, 'examples', name)) });
}

describe('the examples', () => {
  it('plans the flood example into one image per family, GPU apart', () => {
    const { plan: p, findings } = planExample('flood');
    expect(findings).toEqual([]);
    expect(p.context).toBe('examples/flood');
    expect(p.groups.map((g) => [g.name, g.steps])).toEqual([
      ['python', ['regrid', 'plot', 'report']],
      ['jvm', ['mesh']],
      ['native', ['surge']],
      ['python-gpu', ['train']],
    ]);
    expect(p.lowerBound).toBe(p.groups.length);
    expect(p.groups.every((g) => !g.blocked && /^[0-9a-f]{64}$/.test(g.contentHash))).toBe(true);
    expect(p.groups.find((g) => g.name === 'native')!.generated['Dockerfile']).toContain(
      'FROM docker.io/library/debian:bookworm-slim AS builder',
    );
  });

  it('plans the variant-calling example', () => {
    const { plan: p, findings } = planExample('variant-calling');
    expect(findings).toEqual([]);
    expect(p.groups.map((g) => g.family)).toEqual(['conda', 'python', 'r']);
    expect(p.baselines.perStep.images).toBeGreaterThan(p.groups.length);
  });
});
