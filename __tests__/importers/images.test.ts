/** What an image reference says about its software. */
import { imageSoftware } from '../../src/workflow/importers/images.js';

test.each([
  [
    'quay.io/biocontainers/samtools:1.17--h00cdaf9_0',
    { kind: 'bioconda', name: 'samtools', version: '1.17' },
  ],
  [
    'biocontainers/fastqc:0.12.1--hdfd78af_0',
    { kind: 'bioconda', name: 'fastqc', version: '0.12.1' },
  ],
  [
    'docker://quay.io/biocontainers/trimmomatic:0.36--6',
    { kind: 'bioconda', name: 'trimmomatic', version: '0.36' },
  ],
  [
    'quay.io/biocontainers/motus:2.1.1--py37_3',
    { kind: 'bioconda', name: 'motus', version: '2.1.1' },
  ],
  [
    'quay.io/biocontainers/mulled-v2-fe8faa35dbf6dc65a0f7f5d4ea12e31a79f73e40:219b6c272b25e7e642ae3ff0bf0c5c81a5135ab4-0',
    { kind: 'mulled' },
  ],
  // Docker Hub's older biocontainers images were not built from conda.
  ['biocontainers/interproscan:v5.30-69.0_cv1', { kind: 'unknown' }],
  ['ubuntu:24.04', { kind: 'unknown' }],
  ['ghcr.io/acme/biocontainers/x:1.0--0', { kind: 'unknown' }],
])('%s', (image, expected) => {
  expect(imageSoftware(image)).toEqual(expected);
});
