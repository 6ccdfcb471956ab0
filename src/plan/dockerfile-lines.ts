/**
 * The pieces every part of a Dockerfile is written with (dockerfile.ts, and each ecosystem's
 * install steps in ecosystems/): one instruction on one line, `COPY` as a JSON array, and
 * packages in layers, shared ones first.
 */
import { dockerJsonArray } from '../common/escape/dockerfile.js';
import type { PlannedPackage } from './types.js';

/** Instruction arguments must stay on one line: a newline here would be a bug upstream. */
export function line(text: string): string {
  if (/[\r\n]/.test(text))
    throw new Error(`refusing to render a Dockerfile line with a newline: ${text}`);
  return text;
}

export function copy(from: string, to: string, stage?: string): string {
  return line(`COPY ${stage ? `--from=${stage} ` : ''}${dockerJsonArray([from, to])}`);
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Packages by ecosystem: those several steps share first (own layer), then the rest; sorted. */
export function layersOf(
  packages: readonly PlannedPackage[],
  ecosystem: PlannedPackage['ecosystem'],
): string[][] {
  const mine = packages.filter((p) => p.ecosystem === ecosystem);
  const specs = (list: PlannedPackage[]) => [...new Set(list.map((p) => p.spec))].sort(byText);
  const shared = specs(mine.filter((p) => p.steps.length > 1));
  const own = specs(mine.filter((p) => p.steps.length <= 1)).filter((s) => !shared.includes(s));
  return [shared, own].filter((l) => l.length > 0);
}

/** Where `files:` are copied, the working directory of every step. */
export const APP_DIR = '/opt/stowage';
