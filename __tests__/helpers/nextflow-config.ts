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
