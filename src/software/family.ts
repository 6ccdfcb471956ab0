/**
 * The family of a step: which kind of base image its software needs, and whether it needs a GPU.
 */
import type { Step, Workflow } from '../workflow/model.js';
import { parseRequirement } from './requirements.js';
/** What kind of runtime a group's image is built around. */
export type Family = 'conda' | 'python' | 'r' | 'jvm' | 'native' | 'node';

export interface StepFamily {
  /** `external`: the step names an image used as is; `none`: it declares no software at all. */
  family: Family | 'external' | 'none';
  gpu: boolean;
}

/**
 * Package names whose usual builds run on a GPU (pip, conda and apt names, lower case). A prefix
 * ending in `*` matches any name that starts with it.
 */
const GPU_PACKAGES = [
  'tensorflow',
  'tensorflow-gpu',
  'tf-nightly',
  'torch',
  'pytorch',
  'pytorch-cuda',
  'torchvision',
  'torchaudio',
  'jax[cuda*',
  'jaxlib[cuda*',
  'cupy',
  'cupy-cuda*',
  'cudatoolkit',
  'cuda-*',
  'cudnn',
  'nvidia-*',
  'libcudnn*',
  'libnvinfer*',
  'tensorrt',
  'rapids*',
  'cudf*',
  'cuml*',
];

/** The bare package name of a requirement as written, lower case (extras kept for jax[cuda12]). */
function packageName(text: string): string {
  const noChannel = text.includes('::') ? text.slice(text.indexOf('::') + 2) : text;
  const m = /^[A-Za-z0-9_.-]+(?:\[[^\]]*\])?/.exec(noChannel.trim());
  return (m?.[0] ?? '').toLowerCase().replace(/_/g, '-');
}

/**
 * conda packages that channels build both ways: conda-forge's `tensorflow`, `pytorch` … are CPU
 * builds unless a CUDA driver is present or a `cuda` build string is asked for. Their GPU-only
 * relatives (`tensorflow-gpu`, `pytorch-cuda`, `cudatoolkit`) stay in GPU_PACKAGES.
 */
const CONDA_EITHER = new Set([
  'tensorflow',
  'tensorflow-base',
  'tensorflow-cpu',
  'pytorch',
  'torch',
  'torchvision',
  'torchaudio',
  'jax',
  'jaxlib',
  'cupy-core',
]);

/**
 * Whether a requirement installs a GPU build: `gpu` (it needs one), `either` (a conda package
 * built both ways, asked for without a `cuda` build: a CPU build unless the group is a GPU one)
 * or `none`. pip's tensorflow and torch wheels bring their CUDA libraries, so they are `gpu`.
 */
export function gpuBuild(
  text: string,
  ecosystem: 'pip' | 'conda' | 'apt' = 'pip',
): 'gpu' | 'either' | 'none' {
  const name = packageName(text);
  const bare = name.replace(/\[.*$/, ''); // `tensorflow[and-cuda]` is tensorflow too
  if (ecosystem === 'conda' && CONDA_EITHER.has(bare)) {
    const parsed = parseRequirement('conda', text);
    const build =
      parsed.ok && parsed.constraint.kind === 'conda' ? (parsed.constraint.build ?? '') : text;
    return /cuda/i.test(build) ? 'gpu' : 'either';
  }
  const gpu = GPU_PACKAGES.some((p) =>
    p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p || bare === p,
  );
  return gpu ? 'gpu' : 'none';
}

export function isGpuPackage(text: string, ecosystem: 'pip' | 'conda' | 'apt' = 'pip'): boolean {
  return gpuBuild(text, ecosystem) === 'gpu';
}

/** A step needs a GPU when it asks for GPUs or uses GPU builds of its packages. */
export function isGpuStep(step: Step): boolean {
  if ((step.resources?.gpus ?? 0) > 0) return true;
  const s = step.software;
  return (['pip', 'conda', 'apt'] as const).some((eco) =>
    s[eco].some((text) => isGpuPackage(text, eco)),
  );
}

/**
 * The family from the software a step declares. A step mixing runtimes gets the most specific
 * one, in the order conda > r > python > jvm > node > native (lint STW201 tells users to split).
 */
export function softwareFamily(step: Step): Family | 'none' {
  const s = step.software;
  if (s.conda.length > 0) return 'conda';
  if (s.r !== undefined || s.cran.length > 0 || s.bioconductor.length > 0) return 'r';
  if (s.python !== undefined || s.pip.length > 0) return 'python';
  if (s.java !== undefined || s.maven.length > 0) return 'jvm';
  if (s.npm.length > 0) return 'node';
  if (s.apt.length > 0 || (s.build !== undefined && s.build.trim() !== '') || s.files.length > 0) {
    return 'native';
  }
  return 'none';
}

/**
 * `groupNames`: the names of the spec's pinned groups (`containers.groups`); a `container` that is
 * neither `auto` nor one of them is an image reference. Without the set, every non-`auto`
 * container counts as an image reference.
 */
export function familyOf(step: Step, groupNames: ReadonlySet<string> = new Set()): StepFamily {
  const gpu = isGpuStep(step);
  const container = step.container ?? 'auto';
  if (container !== 'auto' && !groupNames.has(container)) return { family: 'external', gpu };
  return { family: softwareFamily(step), gpu };
}

/** The names of the pinned groups of a workflow, for `familyOf`. */
export function pinnedGroupNames(workflow: Workflow): ReadonlySet<string> {
  return new Set(workflow.containers.groups.map((g) => g.name));
}

/**
 * Programs every Stowage base image has: the default bases are Debian or Ubuntu images (micromamba,
 * python-slim, eclipse-temurin, rocker, node-slim, debian-slim), all with coreutils, gzip, tar,
 * grep, sed, findutils, an awk and bash.
 */
export const BASE_UTILITIES: ReadonlySet<string> = new Set([
  ...['coreutils', 'gzip', 'gunzip', 'zcat', 'tar', 'grep', 'egrep', 'fgrep', 'sed', 'awk', 'mawk'],
  ...['bash', 'sh', 'dash', 'findutils', 'find', 'xargs', 'cat', 'cut', 'sort', 'uniq', 'head'],
  ...['tail', 'wc', 'tr', 'cp', 'mv', 'rm', 'ln', 'ls', 'mkdir', 'echo', 'printf', 'touch', 'tee'],
  ...['paste', 'join', 'split', 'date', 'env', 'basename', 'dirname', 'test', 'true', 'false'],
]);

/** The program a command line starts: its first word, unquoted. */
function firstWord(run: string): string | undefined {
  const m = /^\s*(?:'([^']*)'|"([^"]*)"|([^\s;|&<>()]+))/.exec(run);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/**
 * A step that declares only software every base image has (`baseSoftware`: a CWL SoftwarePackage
 * `coreutils`, `gzip`), nothing else, and runs one of those programs (by name, or from /bin or
 * /usr/bin) or nothing: any Stowage image runs it, so it needs no image of its own.
 */
export function needsOnlyBase(step: Step): boolean {
  if (!step.baseSoftware || step.baseSoftware.length === 0) return false;
  if (softwareFamily(step) !== 'none') return false;
  if (!step.baseSoftware.every((name) => BASE_UTILITIES.has(name.toLowerCase()))) return false;
  if (step.run === undefined || step.run.trim() === '') return true;
  const program = firstWord(step.run);
  if (program === undefined) return false;
  const name = /^\/(?:usr\/)?bin\/([^/]+)$/.exec(program)?.[1] ?? program;
  return !name.includes('/') && BASE_UTILITIES.has(name);
}
