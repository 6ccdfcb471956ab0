/**
 * The lock file is a cache of the solvers, and a pull request can edit it. A stored answer is used
 * only when it could be the solver's answer to the request it is filed under:
 *
 * - every requested package is there, at a version the request allows;
 * - nothing else is there but what a requested package needs (through the recorded dependencies);
 * - every file is named by a plain URL under a source of the request (parsed and compared: scheme,
 *   host, port, path; no `..`, no credentials, no query), is the package's own file, and carries
 *   its digest (sha256; npm: its integrity);
 * - what more the ecosystem asks (`AnswerShape.extraProblem`: npm's own lock file installs from
 *   the registry only and asks for exactly the requested packages).
 *
 * The generic checks are here; each ecosystem's shape is its solver's `answer` (solvers/).
 *
 * Otherwise the answer is not used: the request is solved again (offline: refused with the
 * reason). What it cannot prove — that each file is the one the channel publishes under that
 * name — is checked where it matters: a push re-solves the entries that changed (`lock-policy`).
 */
import type { ResolvedPackage } from '../plan/types.js';
import { allows, parseRequirement } from '../software/requirements.js';
import { fileUrlProblem } from './sources.js';
import type { AnswerShape } from './solvers/solver.js';
import type { SolveRequest, StoredOutcome } from './types.js';

/** Why `outcome` cannot be the answer to `request`, or undefined when it can. */
export function answerProblem(
  request: SolveRequest,
  outcome: StoredOutcome,
  shape: AnswerShape,
): string | undefined {
  if (outcome.kind !== 'solved') return undefined;
  const packages = outcome.packages;
  for (const p of packages) {
    if (p.arch !== request.arch) return `${p.name} is locked for ${p.arch}, not ${request.arch}`;
    if (!request.sources.includes(p.source))
      return `${p.name} names the source ${p.source}, which is not one of the request's`;
    const expected = shape.expectedFile(p, request);
    const problem =
      fileUrlProblem(p.url, p.source, shape.files) ??
      (expected === undefined ? undefined : `"${p.url}" is not ${expected}`);
    if (problem) return `${p.name}: ${problem}`;
    if (!p[shape.digest]) return `${p.name} has no ${shape.digest}`;
  }
  return requestedProblem(request, packages, shape) ?? shape.extraProblem(request, outcome);
}

/** Every requested package present, at a version its requirement allows. */
function requestedProblem(
  request: SolveRequest,
  packages: readonly ResolvedPackage[],
  shape: AnswerShape,
): string | undefined {
  for (const spec of request.specs) {
    const requirement = parseRequirement(request.ecosystem, spec);
    if (!requirement.ok) return `the request "${spec}" is not valid: ${requirement.reason}`;
    const found = packages.filter((p) => shape.nameKey(p.name) === requirement.name);
    if (found.length === 0) return `${requirement.name}, requested as "${spec}", is not in it`;
    const outside = found.find((p) => !allows(requirement, p.version));
    if (outside) return `${outside.name} ${outside.version} is outside the requested "${spec}"`;
  }
  return undefined;
}

/**
 * Every package is requested or needed by one that is, through the dependencies recorded with
 * each (conda's and pip's `extraProblem`).
 */
export function unneededProblem(
  request: SolveRequest,
  packages: readonly ResolvedPackage[],
  key: (name: string) => string,
): string | undefined {
  const unrecorded = packages.find((p) => p.depends === undefined);
  if (unrecorded)
    return `${unrecorded.name} has no recorded dependencies (a lock of an earlier Stowage): it cannot be checked`;
  const byName = new Map(packages.map((p) => [key(p.name), p]));
  const reached = new Set<string>();
  const queue = request.specs.map((s) => {
    const r = parseRequirement(request.ecosystem, s);
    return r.ok ? r.name : '';
  });
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const dep of byName.get(name)?.depends ?? []) queue.push(key(dep));
  }
  const extra = packages.find((p) => !reached.has(key(p.name)));
  return extra ? `${extra.name} is in it, but nothing requested needs it` : undefined;
}
