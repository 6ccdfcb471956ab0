/** The rule catalogue: complete, consistent, and every rule documented. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { RULES, ruleById, ruleByIdOrName } from '../../src/common/rules.js';
import { LINT_RULES } from '../../src/lint/rules/index.js';

const DESIGN_IDS = [
  'STW100',
  'STW101',
  'STW102',
  'STW103',
  'STW104',
  'STW105',
  'STW106',
  'STW201',
  'STW202',
  'STW203',
  'STW301',
  'STW302',
  'STW401',
  'STW402',
  'STW403',
  'STW404',
  'STW405',
  'STW406',
  'STW407',
  'STW408',
  'STW409',
  'STW501',
  'STW502',
  'STW503',
];

describe('catalogue', () => {
  it('holds every rule of the design, the plan rules and the suppression rules', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining([...DESIGN_IDS, 'STW410', 'STW001', 'STW002', 'STW003']),
    );
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(ids.length);
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s is well formed', (_id, rule) => {
    expect(rule.id).toMatch(/^STW\d{3}$/);
    expect(rule.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(rule.docsUrl).toBe(
      `https://github.com/stowage-dev/stowage/blob/main/docs/rules/${rule.id}.md`,
    );
    expect(rule.description.length).toBeGreaterThan(10);
    expect(rule.help.length).toBeGreaterThan(rule.description.length);
  });

  it('has one rule module per lint-owned rule (except the suppression and config findings)', () => {
    const modules = LINT_RULES.map((r) => r.meta.id);
    const owned = RULES.filter(
      (r) => r.owner === 'lint' && !['STW001', 'STW002', 'STW003'].includes(r.id),
    );
    expect(modules).toEqual(owned.map((r) => r.id));
  });

  it('looks rules up by ID or name', () => {
    expect(ruleById('stw202')?.name).toBe('tiny-chain');
    expect(ruleByIdOrName('tiny-chain')?.id).toBe('STW202');
    expect(ruleByIdOrName(' STW202 ')?.id).toBe('STW202');
    expect(ruleByIdOrName('tiny')).toBeUndefined();
  });

  it('lists every rule in docs/rules/README.md, and documents the lint rules', () => {
    const index = readFileSync('docs/rules/README.md', 'utf8');
    for (const rule of RULES) {
      expect(index).toContain(`[${rule.id}](${rule.id}.md)`);
      expect(index).toContain(rule.name);
      if (rule.owner === 'lint') {
        const page = `docs/rules/${rule.id}.md`;
        expect(existsSync(page)).toBe(true);
        const text = readFileSync(page, 'utf8');
        expect(text).toContain(`# ${rule.id} ${rule.name}`);
      }
    }
  });
});
