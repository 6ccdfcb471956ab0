/** Lint configuration: `.stowage/config.yml`, the spec's `lint:` key, levels, settings, merging. */
import { describe, expect, it } from '@jest/globals';
import { loadLintConfig, mergeLintConfig, RULES } from '../../src/lint/index.js';
import { parseSetting, type SettingName } from '../../src/lint/settings.js';
import { lint, spanOf, yaml } from './helpers.js';

/** One STW203 (a: no duration) and a chain a → b of two 3-minute native steps (STW202 at 5m). */
const SPEC = yaml(
  'version: 1',
  'name: w',
  'based-on: none',
  'outputs: { r: c.o }',
  'economics: { runs-per-year: 50, manual-minutes-per-run: 60, development-hours: 10, maintenance-hours-per-year: 1, horizon-years: 1 }',
  'steps:',
  '  a: { outputs: { o: a }, software: { apt: [gzip=1.12-1] }, duration: 3m }',
  '  b: { inputs: [a.o], outputs: { o: b }, software: { apt: [gzip=1.12-1] }, duration: 3m }',
  '  c: { inputs: [b.o], outputs: { o: c }, software: { apt: [gzip=1.12-1] } }',
);
const rules = (text: string, config?: Parameters<typeof lint>[1]): string[] =>
  lint(text, config).findings.map((f) => `${f.rule}:${f.severity}`);

describe('loadLintConfig', () => {
  it('reads levels by ID or name, and settings', () => {
    const text = yaml(
      'rules:',
      '  STW203: off',
      '  tiny-chain: error',
      'settings:',
      '  tiny-chain-max-duration: 10m',
    );
    const { config, findings } = loadLintConfig(text, '.stowage/config.yml');
    expect(findings).toEqual([]);
    expect(config).toEqual({
      rules: { STW203: 'off', 'tiny-chain': 'error' },
      settings: { 'tiny-chain-max-duration': '10m' },
    });
  });

  it.each([
    [
      'an unknown rule',
      yaml('rules:', '  STW230: off'),
      'STW230',
      /"STW230" is not a Stowage rule ID or name. Did you mean "STW203"\?/,
    ],
    [
      'a bad level',
      yaml('rules:', '  STW203: warn'),
      'warn',
      /set to "warn"; use one of off, error, warning, notice/,
    ],
    [
      'an unknown setting',
      yaml('settings:', '  tiny-chain-max: 10m'),
      'tiny-chain-max',
      /"tiny-chain-max" is not a lint setting. Did you mean "tiny-chain-min-steps"\?|is not a lint setting/,
    ],
    [
      'a bad duration',
      yaml('settings:', '  tiny-chain-max-duration: soon'),
      'soon',
      /expects a duration such as "5m"/,
    ],
    [
      'a bad count',
      yaml('settings:', '  step-too-big-max-tools: 0'),
      '0',
      /expects a whole number of at least 1/,
    ],
    [
      'an unknown top-level key',
      yaml('rule:', '  STW203: off'),
      'rule',
      /unknown key "rule".*Did you mean "rules"\?/,
    ],
  ])('reports %s at its exact span (STW003) and skips it', (_title, text, at, says) => {
    const { config, findings } = loadLintConfig(text, '.stowage/config.yml');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'STW003',
      name: 'bad-config',
      severity: 'warning',
      file: '.stowage/config.yml',
    });
    expect(findings[0]!.span).toEqual(
      spanOf(text, at, { after: text.includes(':') && at !== 'rule' ? ':' : undefined }),
    );
    expect(findings[0]!.message).toMatch(says);
    expect(Object.keys(config.rules)).toEqual([]);
    expect(Object.keys(config.settings)).toEqual([]);
  });

  it('reports broken YAML and falls back to an empty config', () => {
    const { config, findings } = loadLintConfig('rules: [unclosed\n', 'c.yml');
    expect(config).toEqual({ rules: {}, settings: {} });
    expect(findings.map((f) => f.rule)).toEqual(['STW003']);
    expect(findings[0]!.message).toMatch(/not valid YAML/);
  });

  it('reads an empty file as no config', () => {
    expect(loadLintConfig('', 'c.yml')).toEqual({
      config: { rules: {}, settings: {} },
      findings: [],
    });
  });
});

describe('lintWorkflow with config', () => {
  it('uses the defaults without config', () => {
    const result = lint(SPEC);
    expect(rules(SPEC)).toEqual(['STW202:notice', 'STW203:notice']);
    expect(result.configSource).toBe('defaults');
    expect(result.activeRules).toEqual(RULES.map((r) => r.id));
  });

  it('turns rules off and changes severities, for lint and extra findings alike', () => {
    const span = { line: 1, column: 1, endLine: 1, endColumn: 2 };
    const extra = [
      {
        rule: 'STW405',
        name: 'over-budget',
        severity: 'warning' as const,
        message: 'big',
        file: 'stowage.yml',
        span,
      },
    ];
    const config = {
      rules: {
        STW203: 'off' as const,
        'tiny-chain': 'error' as const,
        'over-budget': 'off' as const,
      },
      settings: {},
    };
    const result = lint(SPEC, { config, configFile: '.stowage/config.yml', extra });
    expect(result.findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(['STW202:error']);
    expect(result.activeRules).not.toContain('STW203');
    expect(result.activeRules).not.toContain('STW405');
    expect(result.configSource).toBe('.stowage/config.yml');
  });

  it('applies settings', () => {
    expect(
      rules(SPEC, { config: { rules: {}, settings: { 'tiny-chain-max-duration': '2m' } } }),
    ).toEqual(['STW203:notice']);
    expect(rules(SPEC, { config: { rules: {}, settings: { 'tiny-chain-min-steps': 3 } } })).toEqual(
      ['STW203:notice'],
    );
  });

  it("lets the spec's lint: key override the config file, and checks it", () => {
    const text = SPEC.replace(
      'steps:',
      yaml(
        'lint:',
        '  rules:',
        '    STW203: warning',
        '    STW999: off',
        '  settings:',
        '    tiny-chain-max-duration: 1m',
      ).trimEnd() + '\nsteps:',
    );
    const config = { rules: { STW203: 'off' as const }, settings: {} };
    const result = lint(text, { config, configFile: '.stowage/config.yml' });
    expect(result.findings.map((f) => `${f.rule}:${f.severity}`)).toEqual([
      'STW003:warning',
      'STW203:warning',
    ]);
    const bad = result.findings.find((f) => f.rule === 'STW003')!;
    expect(bad.span).toEqual(spanOf(text, 'STW999'));
    expect(result.configSource).toBe('.stowage/config.yml + stowage.yml (lint:)');
  });
});

describe('mergeLintConfig', () => {
  it('lets the override win per rule, whether named by ID or name', () => {
    const merged = mergeLintConfig(
      { rules: { 'tiny-chain': 'off', STW203: 'warning' }, settings: { a: 1, b: 2 } },
      { rules: { STW202: 'error' }, settings: { b: 3 } },
    );
    expect(merged).toEqual({
      rules: { STW202: 'error', STW203: 'warning' },
      settings: { a: 1, b: 3 },
    });
  });
});

describe('settings', () => {
  it.each([
    ['tiny-chain-max-duration', '90s', 90],
    ['tiny-chain-max-duration', 600, 600],
    ['tiny-chain-min-steps', '3', 3],
    ['step-too-big-max-tools', 1, 1],
  ])('%s accepts %j', (name, value, parsed) => {
    expect(parseSetting(name as SettingName, value)).toEqual({ value: parsed });
  });

  it.each([
    ['tiny-chain-max-duration', 'soon'],
    ['tiny-chain-min-steps', 1],
    ['step-too-big-max-commands', 2.5],
    ['step-too-big-max-tools', '-1'],
  ])('%s refuses %j', (name, value) => {
    expect(parseSetting(name as SettingName, value)).toHaveProperty('error');
  });
});
