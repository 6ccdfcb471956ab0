/**
 * The one escaper: whatever a workflow, a file name or a registry holds, the text that reaches a
 * log line, an annotation, the summary or a terminal cannot start a workflow command, drive the
 * terminal or reorder what a reader sees.
 */
import fc from 'fast-check';
import { escapeText, oneLine } from '../../src/common/text.js';

describe('escapeText', () => {
  test.each([
    ['a\n::warning file=x::owned', 'a\\n::warning file=x::owned'],
    ['::error::x', '\\x3a:error::x'],
    ['  ::add-mask::secret', '  \\x3a:add-mask::secret'],
    ['bioconda::samtools=1.20', 'bioconda::samtools=1.20'],
    ['red \u001b[31mtext\u001b[0m', 'red \\x1b[31mtext\\x1b[0m'],
    ['carriage\rreturn', 'carriage\\rreturn'],
    ['rtl \u202eevil\u202c', 'rtl \\u202eevil\\u202c'],
    ['isolate \u2066x\u2069', 'isolate \\u2066x\\u2069'],
    ['line\u2028separator', 'line\\u2028separator'],
    ['next line \u0085', 'next line \\x85'],
    ['nul \u0000', 'nul \\x00'],
    ['tab\there', 'tab\\there'],
    ['plain text é 🌊', 'plain text é 🌊'],
  ])('%j → %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  test('with lineBreaks, LF and CR stay for the channel to encode; everything else is escaped', () => {
    expect(escapeText('a\r\nb\u001b\u202e', { lineBreaks: true })).toBe('a\r\nb\\x1b\\u202e');
  });

  test('oneLine flattens line breaks to spaces and shortens', () => {
    expect(oneLine('a\n::error::x')).toBe('a ::error::x');
    expect(oneLine('x'.repeat(200))).toHaveLength(80);
  });

  // eslint-disable-next-line no-control-regex
  const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const hostile = fc.string({
    unit: fc.constantFrom(
      ...'a:: \n\r\t\u001b[\u009b\u202e\u2066\u2028\u2029\u0085\u0000%,'.split(''),
    ),
    maxLength: 40,
  });

  test('fuzz: one line, no control or bidirectional character, never a command, idempotent', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = escapeText(text);
        expect(out).not.toMatch(UNSAFE);
        expect(out.trimStart().startsWith('::')).toBe(false);
        expect(escapeText(out)).toBe(out);
      }),
      { numRuns: 500 },
    );
  });
});
