/**
 * Reads back a Nextflow config written in the plain subset Stowage generates — scopes
 * (`process { … }`), selectors (`withName: 'X' { … }`) and `name = literal` settings — on top of
 * the Groovy tokenizer, so a test (or a cautious user) can check that an exported config is valid
 * Groovy config syntax and says what was meant. Anything outside the subset is an error with the
 * offset where it was found.
 */
import {
  GroovySyntaxError,
  tokenizeGroovy,
  type Token,
} from '../../src/workflow/importers/groovy.js';

export interface ConfigSetting {
  /** Scopes and selectors down to the setting, e.g. `['process', "withName:SAMTOOLS_SORT", 'container']`. */
  path: string[];
  value: string | number | boolean;
}

export class ConfigCheckError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function readNextflowConfig(text: string): ConfigSetting[] {
  let tokens: Token[];
  try {
    tokens = tokenizeGroovy(text).filter((t) => !(t.kind === 'punct' && t.value === ';'));
  } catch (e) {
    if (e instanceof GroovySyntaxError) throw new ConfigCheckError(e.message, e.offset);
    throw e;
  }
  const settings: ConfigSetting[] = [];
  let i = 0;
  const skipNewlines = (): void => {
    while (tokens[i]?.kind === 'newline') i += 1;
  };
  const fail = (what: string): never => {
    const t = tokens[i];
    throw new ConfigCheckError(
      `${what}, found ${t ? JSON.stringify(t.value) : 'the end of the file'}`,
      t?.start ?? text.length,
    );
  };
  const expect = (value: string): void => {
    if (tokens[i]?.value !== value) fail(`expected ${JSON.stringify(value)}`);
    i += 1;
  };

  const block = (scope: string[], closing: boolean): void => {
    for (;;) {
      skipNewlines();
      const t = tokens[i];
      if (!t) {
        if (closing) fail('expected "}"');
        return;
      }
      if (t.value === '}' && t.kind === 'punct') {
        if (!closing) fail('unexpected "}"');
        i += 1;
        return;
      }
      if (t.kind !== 'ident') fail('expected a setting or scope name');
      i += 1;
      if ((t.value === 'withName' || t.value === 'withLabel') && tokens[i]?.value === ':') {
        i += 1;
        const selector = tokens[i];
        if (
          !selector ||
          (selector.kind !== 'string' && selector.kind !== 'ident') ||
          selector.interpolated
        ) {
          fail('expected a selector name or string');
        }
        i += 1;
        expect('{');
        block([...scope, `${t.value}:${(selector as Token).value}`], true);
        continue;
      }
      const path = [t.value];
      while (tokens[i]?.value === '.' && tokens[i + 1]?.kind === 'ident') {
        path.push((tokens[i + 1] as Token).value);
        i += 2;
      }
      if (tokens[i]?.value === '{') {
        i += 1;
        block([...scope, ...path], true);
        continue;
      }
      expect('=');
      settings.push({ path: [...scope, ...path], value: literal() });
      const end = tokens[i];
      if (end && end.kind !== 'newline' && !(end.kind === 'punct' && end.value === '}'))
        fail('expected the end of the line');
    }
  };

  const literal = (): string | number | boolean => {
    const t = tokens[i];
    i += 1;
    if (t?.kind === 'string' && !t.interpolated) return t.value;
    if (t?.kind === 'number') return Number(t.value);
    if (t?.kind === 'ident' && (t.value === 'true' || t.value === 'false'))
      return t.value === 'true';
    i -= 1;
    return fail('expected a plain string, number or boolean');
  };

  block([], false);
  return settings;
}

/** One run of a process: the names Nextflow matches `withName` selectors against. */
export interface ProcessRun {
  /** The name the process is defined with. */
  base: string;
  /** The alias it is included under (its simple name). */
  name: string;
  /** Its fully qualified name: the workflows it runs in, then its alias (`WF:SUB:ALIAS`). */
  fqn: string;
}

/**
 * The value a setting of `process { withName: … { key = … } }` takes for one run, as Nextflow
 * decides it (ProcessConfigBuilder.applyConfig, nextflow-io/nextflow): the selectors are matched
 * against the base name, then the simple name when it differs, then the fully qualified name;
 * for each target every `withName` selector is tried in config order, as a Java regular
 * expression that must match the whole name (`Pattern.matcher(name).matches()`), a leading `!`
 * negating it; each match applies its settings, so the last one wins. Written apart from the
 * export's own model, from Nextflow's source.
 */
export function withNameSetting(
  settings: readonly ConfigSetting[],
  run: ProcessRun,
  key = 'container',
): ConfigSetting['value'] | undefined {
  const rules: { pattern: string; value: ConfigSetting['value'] }[] = [];
  for (const s of settings) {
    const [scope, selector, ...rest] = s.path;
    if (scope !== 'process' || !selector?.startsWith('withName:') || rest.join('.') !== key)
      continue;
    rules.push({ pattern: selector.slice('withName:'.length).trim(), value: s.value });
  }
  const matches = (name: string, pattern: string): boolean => {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1).trim() : pattern;
    return new RegExp(`^(?:${body})$`, 'u').test(name) !== negated;
  };
  const targets = [run.base];
  if (run.name !== run.base) targets.push(run.name);
  if (run.fqn !== run.name || run.fqn !== run.base) targets.push(run.fqn);
  let value: ConfigSetting['value'] | undefined;
  for (const target of targets)
    for (const rule of rules) if (matches(target, rule.pattern)) value = rule.value;
  return value;
}
