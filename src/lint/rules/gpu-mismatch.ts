/**
 * STW407 gpu-mismatch: GPU builds of software without a GPU request, or a GPU request with no
 * software that uses one.
 */
import { familyOf, gpuBuild, pinnedGroupNames } from '../../software/family.js';
import { defineRule } from '../rule.js';

const GPU_ECOSYSTEMS = ['pip', 'conda', 'apt'] as const;

/** Signs that a native build or a base image brings its own GPU code. */
const GPU_HINT = /cuda|nvcc|nvidia|gpu|rocm|hip/i;

export default defineRule('STW407', (ctx) => {
  const { workflow } = ctx;
  const pinned = pinnedGroupNames(workflow);
  const groupBase = new Map(workflow.containers.groups.map((g) => [g.name, g.base ?? '']));
  for (const step of workflow.steps) {
    const gpus = step.resources?.gpus ?? 0;
    const packages = GPU_ECOSYSTEMS.flatMap((eco) =>
      step.software[eco].map((text, index) => ({ eco, text, index, build: gpuBuild(text, eco) })),
    );
    // conda's tensorflow, pytorch … are CPU builds unless a `cuda` build is asked for ('either').
    const gpuPackage = packages.find((p) => p.build === 'gpu');
    const gpuCapable = packages.some((p) => p.build === 'either');

    if (gpuPackage && gpus <= 0) {
      ctx.report(
        ['steps', step.id, 'software', gpuPackage.eco, gpuPackage.index],
        `Step "${step.id}" uses ${gpuPackage.text.trim()}, a GPU build, but requests no GPU; ` +
          `it would run slowly on the CPU or fail. Add \`resources: { gpus: 1 }\`, or use a ` +
          `CPU-only build of the package.`,
      );
    }
    // pip's plain tensorflow wheel carries no CUDA libraries: on a CPU base it never sees the GPU.
    const cpuTensorflow = step.software.pip.findIndex((t) =>
      /^\s*tensorflow\s*(?:[=<>~!]|$)/i.test(t),
    );
    const gpuBase =
      workflow.containers.baseImages['python-gpu'] ??
      workflow.containers.baseImages.gpu ??
      groupBase.get(step.container);
    if (gpus > 0 && cpuTensorflow >= 0 && !(gpuBase && GPU_HINT.test(gpuBase))) {
      const text = step.software.pip[cpuTensorflow]!.trim();
      ctx.report(
        ['steps', step.id, 'software', 'pip', cpuTensorflow],
        `Step "${step.id}" requests a GPU but installs ${text} from pip, whose wheel has no CUDA ` +
          `libraries, so TensorFlow would run on the CPU. Write ${text.replace(/^tensorflow/i, 'tensorflow[and-cuda]')}, ` +
          `or set \`containers.base-images.python-gpu\` to a CUDA image.`,
      );
    }
    if (gpus > 0 && !gpuPackage && !gpuCapable) {
      const external = familyOf(step, pinned).family === 'external';
      const hints = [step.software.build ?? '', groupBase.get(step.container) ?? ''];
      // An image used as is, a native CUDA build or a GPU base image may well use the GPU.
      if (external || hints.some((h) => GPU_HINT.test(h))) continue;
      ctx.report(
        ['steps', step.id, 'resources', 'gpus'],
        `Step "${step.id}" requests ${gpus} GPU${gpus === 1 ? '' : 's'}, but none of its ` +
          `software uses one, so the device would sit idle. Drop \`gpus\`, or add the GPU ` +
          `build it needs (e.g. torch, tensorflow, cupy).`,
      );
    }
  }
});
