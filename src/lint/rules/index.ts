/** Every lint rule, in ID order. Adding a rule: write its file, import it here, add it to the catalogue. */
import type { LintRule } from '../rule.js';
import unknownReference from './unknown-reference.js';
import cycle from './cycle.js';
import duplicateOutput from './duplicate-output.js';
import deadStep from './dead-step.js';
import noDesiredOutput from './no-desired-output.js';
import unusedInput from './unused-input.js';
import stepTooBig from './step-too-big.js';
import tinyChain from './tiny-chain.js';
import missingDuration from './missing-duration.js';
import missingEconomics from './missing-economics.js';
import notWorthAutomating from './not-worth-automating.js';
import noSoftware from './no-software.js';
import unpinned from './unpinned.js';
import mutableImage from './mutable-image.js';
import gpuMismatch from './gpu-mismatch.js';
import serviceWithoutEntrypoint from './service-without-entrypoint.js';
import reuseNotConsidered from './reuse-not-considered.js';
import missingResources from './missing-resources.js';
import exceedsCluster from './exceeds-cluster.js';
import durationExceedsTime from './duration-exceeds-time.js';

export const LINT_RULES: readonly LintRule[] = [
  unknownReference,
  cycle,
  duplicateOutput,
  deadStep,
  noDesiredOutput,
  unusedInput,
  stepTooBig,
  tinyChain,
  missingDuration,
  missingEconomics,
  notWorthAutomating,
  noSoftware,
  unpinned,
  mutableImage,
  gpuMismatch,
  serviceWithoutEntrypoint,
  reuseNotConsidered,
  missingResources,
  exceedsCluster,
  durationExceedsTime,
];
