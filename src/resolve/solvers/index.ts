/**
 * Every ecosystem the resolve stage solves, one Solver each, in the order a group's ecosystems
 * are solved (conda before pip: pip installs into conda's Python). resolve.ts, the lock file
 * (store.ts) and its answer checks (answer-check.ts) read solvers by this list.
 *
 * A new solver is one file here, one entry below and its name in the SolvedEcosystem union
 * (plan/types.ts); how its answers get into the image is its ecosystem's Installer
 * (src/plan/ecosystems/, one file and one entry there).
 */
import type { SolvedEcosystem } from '../../plan/types.js';
import { conda } from './conda.js';
import { npm } from './npm.js';
import { pip } from './pip.js';
import type { Solver } from './solver.js';

/** One per SolvedEcosystem (the compiler checks), in this order. */
export const SOLVERS: readonly Solver[] = Object.values({
  conda,
  pip,
  npm,
} satisfies Record<SolvedEcosystem, Solver>);

/** The solver of an ecosystem, or undefined when it has none (apt, CRAN, Maven: name-level). */
export function solverOf(ecosystem: string): Solver | undefined {
  return SOLVERS.find((s) => s.ecosystem === ecosystem);
}
