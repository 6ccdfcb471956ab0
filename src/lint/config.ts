/**
 * Lint configuration: `.stowage/config.yml` and the spec's `lint:` key, both of the shape
 *
 *     rules:    { STW202: off, missing-duration: warning }   # rule ID or name → level
 *     settings: { tiny-chain-max-duration: 10m }
 *
 * The spec's key is closer to the workflow, so it wins over the repository file, key by key.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Finding } from '../common/findings.js';
import type { LintConfig, Location, NodePath, RuleLevel } from '../workflow/model.js';
import { positionsOfDocument } from '../workflow/positions.js';
import { spanOf, YamlSource } from '../workflow/source.js';
import { finding, RULES, ruleByIdOrName } from '../common/rules.js';
import {
  defaultSettings,
  isSettingName,
  parseSetting,
  SETTINGS,
  type Settings,
} from './settings.js';
import { didYouMean, SuggestionBudget } from '../common/suggest.js';

export const LEVELS: readonly RuleLevel[] = ['off', 'error', 'warning', 'notice'];

export function emptyLintConfig(): LintConfig {
  return { rules: {}, settings: {} };
}

/** `override`'s entries win over `base`'s; rule keys are compared by the rule they name. */
export function mergeLintConfig(base?: LintConfig, override?: LintConfig): LintConfig {
  const rules: Record<string, RuleLevel> = {};
  for (const config of [base, override]) {
    for (const [key, level] of Object.entries(config?.rules ?? {})) {
      rules[ruleByIdOrName(key)?.id ?? key] = level;
    }
  }
  return { rules, settings: { ...base?.settings, ...override?.settings } };
}

/** A config resolved against the catalogue: a level per rule ID and a value per setting. */
export interface ResolvedConfig {
  levels: ReadonlyMap<string, RuleLevel>;
  settings: Settings;
}

/** Unknown keys and bad values are skipped here; `checkLintConfig` reports them. */
export function resolveLintConfig(config: LintConfig): ResolvedConfig {
  const levels = new Map<string, RuleLevel>(RULES.map((r) => [r.id, r.defaultSeverity]));
  for (const [key, level] of Object.entries(config.rules)) {
    const meta = ruleByIdOrName(key);
    if (meta && LEVELS.includes(level)) levels.set(meta.id, level);
  }
  const settings = defaultSettings();
  for (const [name, value] of Object.entries(config.settings)) {
    if (!isSettingName(name)) continue;
    const parsed = parseSetting(name, value);
    if ('value' in parsed) settings[name] = parsed.value;
  }
  return { levels, settings };
}

/**
 * Findings (STW003) for a config's unknown rules, bad levels, unknown settings and bad values.
 * `locate` maps a path inside the config (`['rules', 'STW202']`) to where it was written.
 */
export function checkLintConfig(
  raw: unknown,
  locate: (path: NodePath, part?: 'key' | 'value') => Location,
  where: string,
): Finding[] {
  const findings: Finding[] = [];
  const report = (path: NodePath, part: 'key' | 'value', message: string): void => {
    const location = locate(path, part);
    findings.push(badConfig(location, message));
  };
  // One budget for every "did you mean" of this configuration, however many keys are wrong.
  const budget = new SuggestionBudget();
  if (raw === undefined || raw === null) return findings;
  if (!isRecord(raw)) {
    report([], 'value', `${where} must be a mapping with \`rules:\` and \`settings:\`.`);
    return findings;
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'rules' && key !== 'settings') {
      report(
        [key],
        'key',
        `${where} has an unknown key "${key}"; it takes \`rules:\` and \`settings:\`.${didYouMean(key, ['rules', 'settings'], budget)}`,
      );
    }
  }
  const rules = raw.rules;
  if (rules !== undefined && rules !== null && !isRecord(rules)) {
    report(
      ['rules'],
      'value',
      `\`rules:\` must map rule IDs or names to off, error, warning or notice.`,
    );
  }
  for (const [key, level] of Object.entries(isRecord(rules) ? rules : {})) {
    if (!ruleByIdOrName(key)) {
      const known = RULES.flatMap((r) => [r.id, r.name]);
      report(
        ['rules', key],
        'key',
        `"${key}" is not a Stowage rule ID or name.${didYouMean(key, known, budget) || ' See docs/rules/README.md for the list.'}`,
      );
    } else if (!LEVELS.includes(level as RuleLevel) && level !== false) {
      report(
        ['rules', key],
        'value',
        `Rule "${key}" is set to ${JSON.stringify(level)}; use one of off, error, warning, notice.${typeof level === 'string' ? didYouMean(level, LEVELS, budget) : ''}`,
      );
    }
  }
  const settings = raw.settings;
  if (settings !== undefined && settings !== null && !isRecord(settings)) {
    report(['settings'], 'value', `\`settings:\` must map setting names to values.`);
  }
  for (const [name, value] of Object.entries(isRecord(settings) ? settings : {})) {
    if (!isSettingName(name)) {
      report(
        ['settings', name],
        'key',
        `"${name}" is not a lint setting.${didYouMean(name, Object.keys(SETTINGS), budget) || ` Known settings: ${Object.keys(SETTINGS).join(', ')}.`}`,
      );
      continue;
    }
    const parsed = parseSetting(name, value);
    if ('error' in parsed)
      report(
        ['settings', name],
        'value',
        `${parsed.error[0]!.toUpperCase()}${parsed.error.slice(1)}; got ${JSON.stringify(value)}.`,
      );
  }
  return findings;
}

/** Reads `.stowage/config.yml` (or any file of that shape). Invalid parts are reported and skipped. */
export function loadLintConfig(
  fileText: string,
  file: string,
): { config: LintConfig; findings: Finding[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(fileText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const span = spanOf(lineCounter, error.pos[0], Math.max(error.pos[1], error.pos[0] + 1));
    const message = `The lint config is not valid YAML (${error.message.split('\n')[0]}); it is ignored.`;
    return { config: emptyLintConfig(), findings: [badConfig({ file, span }, message)] };
  }
  const source = new YamlSource(file, fileText, positionsOfDocument(document));
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch {
    raw = undefined;
  }
  const findings = checkLintConfig(
    raw,
    (path, part) => source.locate(path, part),
    `The lint config ${file}`,
  );
  return { config: toLintConfig(raw), findings };
}

/** The valid part of a raw config. `false` (YAML's `off` in 1.1 habits) means off. */
function toLintConfig(raw: unknown): LintConfig {
  const config = emptyLintConfig();
  if (!isRecord(raw)) return config;
  for (const [key, level] of Object.entries(isRecord(raw.rules) ? raw.rules : {})) {
    const value = level === false ? 'off' : level;
    if (ruleByIdOrName(key) && LEVELS.includes(value as RuleLevel))
      config.rules[key] = value as RuleLevel;
  }
  for (const [name, value] of Object.entries(isRecord(raw.settings) ? raw.settings : {})) {
    if (isSettingName(name) && 'value' in parseSetting(name, value)) config.settings[name] = value;
  }
  return config;
}

function badConfig(location: Location, message: string): Finding {
  return finding('STW003', location, message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
