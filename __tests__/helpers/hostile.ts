/**
 * Hostile names for the escaping fuzz tests: what a pull request can put in a step name, a file
 * name, a workflow name or an image, drawn from pieces that matter to some output format (line
 * breaks of every kind, quotes, comment and interpolation syntax, runner commands, links) mixed
 * with letters. Each format's test parses the writer's output with that format's own parser.
 */
import fc from 'fast-check';

export const HOSTILE_PIECES = [
  'a',
  'b',
  'Z',
  '0',
  ' ',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u001b[31m',
  '\u202e',
  '"',
  "'",
  '`',
  '#',
  '# ',
  '\n#SBATCH --wrap=x',
  '\n  evil.cwl:',
  '\nkey: v',
  '\n---\n',
  '\n...\n',
  ': ',
  '- ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  ']]',
  '[[',
  '${x}',
  '$x',
  '$(id)',
  "'''",
  '"""',
  '\\',
  '\\n',
  '\\u000a',
  '//',
  '/*',
  '*/',
  '::',
  '::error::x',
  '##[',
  '##[add-mask]x',
  ';',
  '&',
  '|',
  '<',
  '>',
  '<b>',
  '%',
  '@x',
  'é',
  '🌊',
  'https://evil.example/x',
  'www.evil.example',
  '[x](https://evil.example)',
  'a@evil.example',
];

/** A hostile string of 1 to `maxPieces` pieces; `nul` adds NUL where the input can hold it. */
export function hostile(options: { nul?: boolean; maxPieces?: number } = {}): fc.Arbitrary<string> {
  const pieces = options.nul ? [...HOSTILE_PIECES, '\u0000'] : HOSTILE_PIECES;
  return fc
    .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: options.maxPieces ?? 6 })
    .map((parts) => parts.join(''));
}

/** The same cases every run (a failure names its seed), with the seed fast-check would use. */
export function samples<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed = 16): T[] {
  return fc.sample(arbitrary, { numRuns, seed });
}
