/**
 * `stowage` command line: parses arguments, runs the shared engine, prints like a compiler.
 * Returns the exit code instead of exiting, so tests drive it in-process.
 */
import { atLeast, type Finding } from '../findings.js';
import { check, InputError, type CheckResult } from '../engine.js';
import { RULES } from '../lint/index.js';
import { formatAnnotation } from '../report/annotations.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { VERSION } from '../version.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY?: boolean;
}

export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseCli(argv, io.env);
  switch (parsed.kind) {
    case 'help':
      io.stdout(USAGE);
      return EXIT.clean;
    case 'version':
      io.stdout(`stowage ${VERSION}\n`);
      return EXIT.clean;
    case 'error':
      io.stderr(`stowage: ${parsed.message}\n\n${USAGE}`);
      return EXIT.usage;
  }
  const options = parsed.options;
  try {
    const result = check(options.path, { root: io.cwd, configPath: options.config });
    printFindings(result, options, io);
    return failed(result.findings, options) ? EXIT.findings : EXIT.clean;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`stowage: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

export function failed(findings: readonly Finding[], options: Pick<CliOptions, 'failOn'>): boolean {
  const failOn = options.failOn;
  return failOn !== 'never' && findings.some((f) => atLeast(f.severity, failOn));
}

function printFindings(result: CheckResult, options: CliOptions, io: Io): void {
  switch (options.format) {
    case 'json':
      io.stdout(formatJson(result.findings));
      return;
    case 'github':
      for (const finding of result.findings) io.stdout(`${formatAnnotation(finding)}\n`);
      return;
    case 'sarif':
      io.stdout(
        formatSarif(result.findings, {
          rules: RULES,
          toolVersion: VERSION,
          srcRoot: io.cwd,
          suppressed: result.suppressed,
        }),
      );
      return;
    default:
      io.stdout(
        formatText(result.findings, {
          sources: result.sources,
          color: options.color && io.isTTY === true,
        }),
      );
  }
}
