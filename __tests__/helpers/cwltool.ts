/**
 * What the real cwltool makes of a workflow and an overrides file: cwltool-images.py loads them
 * with cwltool's own loader (as `cwltool --overrides FILE WORKFLOW` does, without running
 * anything) and reports, for every tool cwltool built, the image its DockerRequirement names.
 * Several workflows go through one Python process: cwltool takes a few seconds to start.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Python, where Debian's cwltool is installed (a python3 first on PATH may not have it). */
export const CWLTOOL_PYTHON = '/usr/bin/python3';
export const CWLTOOL_IMAGES_SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  'cwltool-images.py',
);

export interface CwltoolTool {
  /** Step names from the main workflow down, joined by `/` (Stowage's flattened step names). */
  step: string;
  /** The id cwltool gave the tool (`file:///…/x.cwl#id`, or `_:…` for a blank node). */
  id: string;
  class: string;
  /** The image of the DockerRequirement cwltool would run the tool in, or null for none. */
  image: string | null;
}

export type CwltoolLoad =
  | { workflow: string; tools: CwltoolTool[]; overrides: string[] }
  | { workflow: string; error: string };

export function hasCwltoolLoader(): boolean {
  return spawnSync(CWLTOOL_PYTHON, ['-c', 'import cwltool.load_tool']).status === 0;
}

/** Loads each workflow (with its overrides file, when given) in `cwd`, in one cwltool process. */
export function cwltoolImages(
  cwd: string,
  loads: { workflow: string; overrides?: string }[],
  timeoutMs = 120_000,
): CwltoolLoad[] {
  const args = loads.flatMap((l) => [l.workflow, l.overrides ?? '-']);
  const run = spawnSync(CWLTOOL_PYTHON, [CWLTOOL_IMAGES_SCRIPT, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`cwltool-images.py failed: ${run.stderr || run.error}`);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CwltoolLoad);
}
