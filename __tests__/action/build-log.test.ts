/**
 * The build log in the runner's log: a build's output is printed between `::stop-commands::`
 * tokens (the runner then reads neither `::` nor `##[` commands), split where the runner splits
 * lines (a lone CR too), with `##[` escaped (the log viewer draws `##[group]`, `##[error]` lines
 * as its own). The group's title goes through the log escaper.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { actionLog } from '../../src/action/context.js';
import { hostile } from '../helpers/hostile.js';

/** What the action writes to stdout while `fn` runs, as the runner's lines. */
function printed(fn: () => void): string[] {
  const chunks: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split(/\r\n|\r|\n/)
    .filter(Boolean);
}

it('fuzz: build output and titles start no command and draw no runner line of their own', () => {
  fc.assert(
    fc.property(hostile(), fc.array(hostile(), { maxLength: 4 }), (title, output) => {
      const lines = printed(() => actionLog.group(title, output, true));
      expect(lines[0]).toMatch(/^::group::/);
      expect(lines[1]).toMatch(/^::stop-commands::[0-9a-f-]{36}$/);
      const token = lines[1]!.slice('::stop-commands::'.length);
      expect(lines.at(-2)).toBe(`::${token}::`);
      expect(lines.at(-1)).toBe('::endgroup::');
      // The title holds no line break and no command of its own.
      expect(lines[0]!.slice('::group::'.length)).not.toMatch(/##\[|^\s*::/);
      for (const line of lines) expect(line).not.toContain('##[');
      // Nothing between the tokens can resume commands: only our closing line names the token.
      expect(lines.filter((l) => l.includes(token))).toHaveLength(2);
    }),
    { numRuns: 200 },
  );
});
