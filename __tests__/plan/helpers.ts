/** Hand-made model objects for plan tests (no loader needed). */
import type { Software, Step } from '../../src/workflow/model.js';
import { emptySoftware } from '../../src/workflow/model.js';

export function software(s: Partial<Software> = {}): Software {
  return { ...emptySoftware(), ...s };
}

export function step(id: string, s: Partial<Software> = {}, extra: Partial<Step> = {}): Step {
  return {
    id,
    run: `echo ${id}`,
    inputs: [],
    outputs: {},
    software: software(s),
    container: 'auto',
    service: false,
    ...extra,
  };
}

export { workflow } from '../helpers/model.js';
