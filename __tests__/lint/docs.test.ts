/**
 * The rule pages' examples are real: the "Fails" spec of each lint rule's page gets that rule's
 * finding and the "Passes" spec does not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { RULES } from '../../src/common/rules.js';
import { lint } from './helpers.js';

/** Fragments on the pages leave out what the example does not need; fill in the required keys. */
function complete(fragment: string): string {
  let text = fragment;
  if (!/^name:/m.test(text)) text = `name: demo\n${text}`;
  if (!/^version:/m.test(text)) text = `version: 1\n${text}`;
  if (!/^steps:/m.test(text)) text += '\nsteps:\n  a: { run: "true" }\n';
  return text;
}

function examples(id: string): { fails: string; passes: string } {
  const page = readFileSync(`docs/rules/${id}.md`, 'utf8');
  const block = (label: string): string => {
    const match = new RegExp(`${label}:\\n\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(page);
    if (!match) throw new Error(`docs/rules/${id}.md has no "${label}:" yaml block`);
    return complete(match[1]!);
  };
  return { fails: block('Fails'), passes: block('Passes') };
}

const documented = RULES.filter((r) => r.owner === 'lint').map((r) => r.id);

describe('rule page examples', () => {
  it.each(documented)('%s: the failing example fires, the passing one does not', (id) => {
    const { fails, passes } = examples(id);
    expect(lint(fails).findings.map((f) => f.rule)).toContain(id);
    expect(lint(passes).findings.map((f) => f.rule)).not.toContain(id);
  });
});
