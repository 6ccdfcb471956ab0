/**
 * The action's inputs as typed settings, read through the options table (src/app/options.ts):
 * one parser per option for both adapters. Pure (it takes a getter), so every input is tested as
 * a table of `INPUT_*` values, in the way of docker/build-push-action's context.ts.
 */
import { INPUTS, readSettings, type OptionSpec, type Settings } from '../app/options.js';

export { list, parseBaseImages } from '../app/options.js';

export interface Inputs extends Settings {
  /** Inputs given under an old name, each a sentence to warn with. */
  deprecations: string[];
}

type Getter = (name: string) => string;

export function readInputs(get: Getter): Inputs {
  const deprecations: string[] = [];
  /** The input's value, else one of its old names' (with a warning). */
  const raw = (spec: OptionSpec): string[] => {
    if (spec.input === undefined) return [];
    const value = get(spec.input);
    if (value.trim() !== '') return [value];
    for (const old of spec.deprecatedInputs ?? []) {
      const given = get(old);
      if (given.trim() === '') continue;
      deprecations.push(
        `input "${old}" is deprecated: name it "${spec.input}" (it says what the spec is read as)`,
      );
      return [given];
    }
    return [];
  };
  const settings = readSettings(raw, (spec) => `input "${spec.input}"`);
  return { ...settings, deprecations };
}

/** Every input the action reads, for the test that holds action.yml to the table. */
export const INPUT_NAMES: readonly string[] = [...INPUTS.keys()];
