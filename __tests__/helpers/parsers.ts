/**
 * The formats' own parsers, run once per batch (a process per case would take minutes): bash for
 * shell scripts, Python's `ast` for Python, PyYAML (Snakemake's reader) and cwltool's own
 * overrides loader (ruamel.yaml) for YAML.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

/** Debian's python3 (cwltool's, with ruamel.yaml and PyYAML), else the first on PATH. */
const DEBIAN_PYTHON = '/usr/bin/python3';

function python(): string {
  return spawnSync(DEBIAN_PYTHON, ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0
    ? DEBIAN_PYTHON
    : 'python3';
}

export const hasCwltool =
  spawnSync(DEBIAN_PYTHON, ['-c', 'import cwltool.load_tool'], { stdio: 'ignore' }).status === 0;
export const hasPyYaml =
  spawnSync(python(), ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

/** Writes each text to its own file in a new folder; returns the paths. */
function files(prefix: string, texts: readonly string[], ext: string): string[] {
  const dir = tempDir(prefix);
  return texts.map((text, i) => {
    const file = join(dir, `${i}${ext}`);
    writeFileSync(file, text);
    return file;
  });
}

/** Runs a Python program over files; it prints one JSON line per file. */
function pythonOverFiles(program: string, paths: readonly string[], exe = python()): unknown[] {
  const run = spawnSync(exe, ['-c', program, ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * Each text parsed by Python's `ast`: the statements' kinds and, for `name: "value"` annotations
 * (Snakemake's `configfile:` reads as one), the string value; or `{ error }`.
 */
export function pythonStatements(
  texts: readonly string[],
): ({ kinds: string[]; annotations: (string | null)[] } | { error: string })[] {
  const program = `
import ast, json, sys
for path in sys.argv[1:]:
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
        kinds = [type(s).__name__ for s in tree.body]
        notes = [s.annotation.value if isinstance(s, ast.AnnAssign) and isinstance(s.annotation, ast.Constant) else None for s in tree.body]
        print(json.dumps({"kinds": kinds, "annotations": notes}))
    except SyntaxError as e:
        print(json.dumps({"error": str(e)}))
`;
  return pythonOverFiles(program, files('py', texts, '.py')) as ReturnType<typeof pythonStatements>;
}

/** Each text loaded by PyYAML's safe loader (what Snakemake reads config files with), or `{ error }`. */
export function pyYaml(texts: readonly string[]): unknown[] {
  const program = `
import json, sys, yaml
for path in sys.argv[1:]:
    try:
        print(json.dumps({"value": yaml.safe_load(open(path, encoding="utf-8"))}))
    except Exception as e:
        print(json.dumps({"error": str(e)}))
`;
  return pythonOverFiles(program, files('yaml', texts, '.yaml')).map((r) => {
    const result = r as { value?: unknown; error?: string };
    return 'error' in result ? { error: result.error } : result.value;
  });
}

/**
 * Each overrides file as cwltool itself loads it (`load_overrides`, through ruamel.yaml), against a
 * main workflow at `main`: the overrides it would apply, or `{ error }`.
 */
export function cwltoolOverrides(
  texts: readonly string[],
  main: string,
): ({ overrideTarget: string; requirements: { dockerPull?: string }[] }[] | { error: string })[] {
  const program = `
import json, pathlib, sys, logging
logging.disable(logging.CRITICAL)
from cwltool.load_tool import load_overrides
base = pathlib.Path(sys.argv[1]).as_uri()
for path in sys.argv[2:]:
    try:
        print(json.dumps(load_overrides(pathlib.Path(path).as_uri(), base), default=str))
    except Exception as e:
        print(json.dumps({"error": str(e)}))
`;
  return pythonOverFiles(
    program,
    [main, ...files('cwl', texts, '.yml')],
    DEBIAN_PYTHON,
  ) as ReturnType<typeof cwltoolOverrides>;
}

/**
 * Each script as bash reads it: `bash -n` first (a syntax error is `{ error }`; with `posix`,
 * `sh -n` before it), then the body
 * bash prints back for it as a function (`declare -f`): comments dropped, one command per line.
 * The definition runs in a restricted bash (no PATH, no redirection, no `exec`), in a folder of
 * its own, so even a script whose text broke out of the function can do nothing.
 */
export function bashCanonical(
  texts: readonly string[],
  options: { posix?: boolean } = {},
): ({ body: string } | { error: string })[] {
  const dir = tempDir('bash');
  const paths = files('sh', texts, '.sh');
  const driver = join(dir, 'driver.sh');
  writeFileSync(
    driver,
    [
      'for f in "$@"; do',
      // With `posix`, a POSIX shell (dash on Debian) must accept the script too.
      ...(options.posix
        ? [
            '  if ! err=$(/bin/sh -n "$f" 2>&1) || [ -n "$err" ]; then printf "ERROR sh: %s\\0" "$err"; continue; fi',
          ]
        : []),
      '  if ! err=$(/bin/bash -n "$f" 2>&1) || [ -n "$err" ]; then printf "ERROR %s\\0" "$err"; continue; fi',
      '  body=$(/bin/bash --norc --noprofile -r -c "$(printf \'__f() {\\n%s\\n}\\n\' "$(<"$f")"); declare -f __f" 2>&1)',
      '  printf "%s\\0" "$body"',
      'done',
    ].join('\n'),
  );
  const run = spawnSync('/bin/bash', [driver, ...paths], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: '/nonexistent' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`bash failed: ${run.stderr}`);
  return run.stdout
    .split('\0')
    .slice(0, texts.length)
    .map((out) => {
      if (out.startsWith('ERROR ')) return { error: out.slice(6) };
      // bash printed the function back: anything else (a message) is an error too.
      if (!out.startsWith('__f () \n{')) return { error: out };
      return { body: out };
    });
}
