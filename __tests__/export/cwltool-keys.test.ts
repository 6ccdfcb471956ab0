/**
 * The CWL overrides export as the real cwltool loads it: each fixture names its tools in one of
 * the ways CWL allows (a file without an id, `id: x`, `id: "#x"`, a `$graph` entry by `#id` and
 * a packed file's `#main`, an inline tool with and without an id, a nested workflow with an id,
 * CWL v1.0 and v1.2), every step gets an image of its own, and cwltool's own loader
 * (cwltool-images.py) must give every exported step's tool exactly that image. A step the export
 * leaves out must be one no override can reach, with the reason, and keep its original image.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportCwl } from '../../src/export/cwl.js';
import { importWorkflow } from '../../src/workflow/importers/index.js';
import { cwltoolImages, hasCwltoolLoader, type CwltoolLoad } from '../helpers/cwltool.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURES = resolve('__tests__/fixtures/cwl');

/** A distinct image per step, pinned by digest: a key that reaches the wrong tool shows. */
const imageFor = (k: number): string =>
  `127.0.0.1:5000/stowage/conda-${k}@sha256:${k.toString(16).padStart(64, '0')}`;

/**
 * Each main workflow (in the repository `root`), and the steps no override can reach (with a
 * word of the reason). `lenient` is YAML only cwltool's loader reads (cwl-lenient.test.ts).
 */
const CASES: { root: string; main: string; unreachable: Record<string, RegExp> }[] = [
  {
    root: 'ids',
    main: 'workflows/main.cwl',
    unreachable: { inline_required: /under `requirements`/ },
  },
  { root: 'ids', main: 'packed-v1.0.cwl', unreachable: {} },
  { root: 'lenient', main: 'workflow.cwl', unreachable: {} },
];

function exported(root: string, main: string) {
  const imported = importWorkflow(main, { root: join(FIXTURES, root) });
  const workflow = imported.workflow!;
  const stepImages = Object.fromEntries(
    workflow.steps.map((s, k) => [s.id, { ref: imageFor(k + 1), pinned: 'digest' as const }]),
  );
  const result = exportCwl({ workflow, stepImages, origin: imported.origin });
  const names = imported.origin!.engineNames;
  return { result, stepImages, names, steps: workflow.steps.map((s) => s.id) };
}

(hasCwltoolLoader() ? describe : describe.skip)('CWL overrides, loaded by cwltool', () => {
  it('gives every exported step its image as cwltool resolves the tool, in every form', () => {
    const dir = tempDir('cwltool-keys');
    const runs = CASES.map(({ root, main }, k) => {
      const out = exported(root, main);
      const file = join(dir, `overrides-${k}.yml`);
      writeFileSync(file, out.result.files['stowage-overrides.yml']!);
      return { ...out, file };
    });
    const loads = cwltoolImages(
      FIXTURES,
      CASES.map((c, k) => ({ workflow: join(c.root, c.main), overrides: runs[k]!.file })),
    );
    CASES.forEach(({ main, unreachable }, k) => {
      const { result, stepImages, names, steps } = runs[k]!;
      const load = loads[k] as CwltoolLoad;
      if ('error' in load) throw new Error(`${main}: ${load.error}`);
      const idOf = new Map(Object.entries(names).map(([id, name]) => [name, id]));
      // Every step Stowage imported is a tool cwltool built, and the other way round.
      expect(load.tools.map((t) => idOf.get(t.step)).sort()).toEqual([...steps].sort());
      const seen = load.tools.map((t) => {
        const id = idOf.get(t.step)!;
        return { step: id, image: result.steps.includes(id) ? t.image : 'skipped' };
      });
      const expected = steps.map((id) => ({
        step: id,
        image: id in unreachable ? 'skipped' : stepImages[id]!.ref,
      }));
      expect(seen.sort((a, b) => a.step.localeCompare(b.step))).toEqual(
        expected.sort((a, b) => a.step.localeCompare(b.step)),
      );
      // What is left out says why, and cwltool indeed keeps its own image there.
      for (const [step, why] of Object.entries(unreachable)) {
        expect(result.skipped.find((s) => s.step === step)?.reason).toMatch(why);
        expect(load.tools.find((t) => t.step === names[step])?.image).toMatch(/example\.org/);
      }
    });
  });
});
