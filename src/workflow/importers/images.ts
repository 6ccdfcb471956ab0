/**
 * What a pipeline's container image says about its software. A BioContainers single-tool image is
 * built from one bioconda package and is named after it (`quay.io/biocontainers/samtools:1.17--
 * h00cdaf9_0` is bioconda's samtools 1.17, build h00cdaf9_0), so a step that declares nothing but
 * such an image can still be planned. Multi-tool images (`mulled-v2-<hash>:<hash>-0`) are named by
 * a hash of their packages, which cannot be turned back into the packages.
 */
import type { Finding } from '../../common/findings.js';
import type { Location, Step } from '../model.js';
import { importLimit } from './common.js';
import type { RecordedSource } from './locator.js';

export type ImageSoftware =
  { kind: 'bioconda'; name: string; version: string } | { kind: 'mulled' } | { kind: 'unknown' };

const BIOCONTAINERS =
  /^(?:(?:quay\.io|docker\.io|registry\.hub\.docker\.com)\/)?biocontainers\/([a-z0-9][a-z0-9._-]*):([^@\s/]+)$/i;

/** The software an image reference names, as far as its name tells. */
export function imageSoftware(image: string): ImageSoftware {
  const m = BIOCONTAINERS.exec(image.trim().replace(/^docker:\/\//, ''));
  if (!m) return { kind: 'unknown' };
  const name = (m[1] ?? '').toLowerCase();
  if (name.startsWith('mulled-v2-')) return { kind: 'mulled' };
  // `1.17--h00cdaf9_0`: version, then the conda build. Docker Hub's older `biocontainers/x:v1_cv1`
  // images were not built from conda and say nothing about a package.
  const v = /^(.+?)--[A-Za-z0-9_.]+$/.exec(m[2] ?? '');
  if (!v?.[1]) return { kind: 'unknown' };
  return { kind: 'bioconda', name, version: v[1] };
}

function hasSoftware(step: Step): boolean {
  const s = step.software;
  return (
    [s.pip, s.conda, s.cran, s.bioconductor, s.maven, s.apt, s.npm].some((l) => l.length > 0) ||
    [s.python, s.r, s.java, s.build].some((v) => v !== undefined)
  );
}

/**
 * Gives steps the image their pipeline declares: a step without software of its own gets the
 * package of a BioContainers single-tool image (and is planned), or keeps any other image as is.
 * Multi-tool images are collected for one notice per image.
 */
export class DeclaredImages {
  private readonly mulled = new Map<string, { steps: string[]; at: Location }>();

  constructor(private readonly source: RecordedSource) {}

  use(step: Step, image: string, at: Location | undefined): void {
    if (hasSoftware(step) || step.runsIn === 'engine') return;
    const software = imageSoftware(image);
    if (software.kind === 'bioconda') {
      if (at) this.source.record(['steps', step.id, 'software', 'conda', 0], at);
      step.software.conda.push(`bioconda::${software.name}=${software.version}`);
      step.softwareFrom = { kind: 'image', name: image };
      return;
    }
    step.container = image;
    if (software.kind !== 'mulled' || !at) return;
    const seen = this.mulled.get(image);
    if (seen) seen.steps.push(step.id);
    else this.mulled.set(image, { steps: [step.id], at });
  }

  findings(): Finding[] {
    return [...this.mulled].map(([image, { steps, at }]) =>
      importLimit(
        at.file,
        `Image ${image} (${steps.length === 1 ? 'step' : 'steps'} ${steps.join(', ')}) is a ` +
          `BioContainers multi-tool image: its name is a hash of its packages, which cannot be ` +
          `read back, so ${steps.length === 1 ? 'the step keeps' : 'the steps keep'} it as is. ` +
          `Declare the packages (a conda environment file) to plan them.`,
        at.span,
      ),
    );
  }
}
