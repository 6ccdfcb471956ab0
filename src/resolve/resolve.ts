/**
 * The resolve stage: the name-level plan's groups, checked by each ecosystem's own solver.
 *
 * 1. Plan (pure) with the conflicts the solvers found so far.
 * 2. Solve every group: conda with rattler, pip with pip's resolver for the image's Python and
 *    platform, npm with `npm install --package-lock-only`; answers come from the lock file first.
 * 3. A group that does not solve teaches the planner a conflict: the requested packages the
 *    solver names (checked by solving just them), or — when one step holds them all — a step
 *    that must stand alone. Plan again; repeat until every group solves or cannot be split.
 * 4. Plan once more with the locks: each solved group's Dockerfile installs from them.
 *
 * Each split and each group that cannot solve is a finding at the steps' requirements, with the
 * solver's explanation. A source that cannot be reached leaves its groups name-level, marked
 * unverified, with one notice per source.
 */
import type { RunProcess } from '../common/process.js';
import type { Finding } from '../common/findings.js';
import { optionRef } from '../common/option-names.js';
import { finding } from '../common/rules.js';
import { formatDuration } from '../common/units.js';
import { plan as planWorkflow, type PlanOptions } from '../plan/plan.js';
import type {
  GroupLock,
  Plan,
  PlannedGroup,
  ResolvedPackage,
  SolvedEcosystem,
  SolverConflict,
} from '../plan/types.js';
import type { NodePath, Workflow } from '../workflow/model.js';
import { DEFAULT_LIMITS, Network, type NetworkLimits } from './network.js';
import { withFileSizes } from './file-sizes.js';
import { RepodataCache } from './repodata-cache.js';
import { SOLVERS, solverOf } from './solvers/index.js';
import type { Solver, SolverIo } from './solvers/solver.js';
import { LockStore } from './store.js';
import type {
  FetchFn,
  ResolveSettings,
  SolveOutcome,
  SolveRequest,
  SpecPair,
  StoredOutcome,
} from './types.js';

export type { ResolveSettings };

export interface ResolveDeps {
  fetch: FetchFn;
  run: RunProcess;
  limits?: NetworkLimits;
}

export interface ResolveResult {
  plan: Plan;
  findings: Finding[];
  /** One line per source that could not be reached (or tool that could not run). */
  notes: string[];
  /** Lock answers that were verified (`settings.verify`) and are not what the solver answers. */
  lockMismatches: string[];
  stats: {
    solverCalls: number;
    /** Requests answered by the conflicts their records show, without a solve. */
    recordChecks: number;
    fromLock: number;
    rounds: number;
    /** Requests sent and response bytes read by this run (a 304 reads none). */
    requests: number;
    bytesFetched: number;
  };
}

/** Conflicts through dependencies after which a step gets an image of its own (see `learn`). */
const HUB_CONFLICTS = 3;

/** Plenty for real pipelines (each round learns at least one conflict); a guard against loops. */
const MAX_ROUNDS = 200;

type Solved = { outcome: SolveOutcome; fromLock: boolean };

export async function resolvePlan(
  workflow: Workflow,
  options: PlanOptions,
  settings: ResolveSettings,
  store: LockStore,
  deps: ResolveDeps,
): Promise<ResolveResult> {
  const resolver = new Resolver(settings, store, deps);
  try {
    return await resolveWith(resolver, workflow, options, settings);
  } finally {
    await resolver.close();
  }
}

async function resolveWith(
  resolver: Resolver,
  workflow: Workflow,
  options: PlanOptions,
  settings: ResolveSettings,
): Promise<ResolveResult> {
  const conflicts: SolverConflict[] = [];
  const isolated: string[] = [];
  let locks: Record<string, GroupLock> = {};
  let rounds = 0;
  for (let learned = true; learned;) {
    rounds++;
    learned = false;
    locks = {};
    // The last round may not learn: the final plan must group exactly as this draft does.
    const frozen = rounds >= MAX_ROUNDS;
    const draft = planWorkflow(workflow, { ...options, solverConflicts: conflicts, isolated });
    for (const group of draft.plan.groups) {
      // Once this draft is known to change, its other groups wait for the next one.
      if (group.blocked || learned) continue;
      const result = await resolver.group(group);
      if ('lock' in result) {
        locks[group.name] = result.lock;
        continue;
      }
      // Out of time: no more splitting; the group stays as planned, unverified.
      if (resolver.timedOut) {
        locks[group.name] = unverified(group, settings, resolver.timeoutReason);
        continue;
      }
      const lesson = await resolver.learn(group, result.conflict, conflicts, isolated, frozen);
      if (lesson === 'learned') learned = true;
      else locks[group.name] = lesson;
    }
  }
  const final = planWorkflow(workflow, { ...options, solverConflicts: conflicts, isolated, locks });
  await resolver.cache?.flush(); // what it could not write is among the notes
  return {
    plan: final.plan,
    findings: [
      ...final.findings,
      ...splitFindings(workflow, final.plan, conflicts),
      ...unsolvableFindings(workflow, final.plan, isolated),
    ],
    notes: [...resolver.notes(final.plan), ...callsNote(resolver.calls, final.plan, rounds)],
    lockMismatches: resolver.mismatches,
    stats: {
      solverCalls: resolver.calls,
      recordChecks: resolver.recordChecks,
      fromLock: resolver.hits,
      rounds,
      requests: resolver.network.requests,
      bytesFetched: resolver.network.bytesFetched,
    },
  };
}

type GroupResult =
  | { lock: GroupLock }
  | {
      conflict: {
        ecosystem: SolvedEcosystem;
        request: SolveRequest;
        outcome: Extract<SolveOutcome, { kind: 'conflict' }>;
      };
    };

class Resolver {
  readonly network: Network;
  readonly cache: RepodataCache | undefined;
  /** Each solver as opened for this run (on its first call). */
  private readonly opened = new Map<Solver, (request: SolveRequest) => Promise<SolveOutcome>>();
  private readonly memo = new Map<string, Promise<Solved>>();
  /** Lock-file answers that could not be the answer to their request, and why. */
  private readonly refusals: string[] = [];
  /** Lock-file answers that were verified and differ from the solver's (see `verify`). */
  readonly mismatches: string[] = [];
  calls = 0;
  /** Requests answered by their records' conflicts (conda-needs.ts), not solved. */
  recordChecks = 0;
  hits = 0;
  /** When the stage's time (settings.timeoutMs) is up; set from then on. */
  timedOut = false;
  private readonly deadline: number;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ResolveSettings,
    private readonly store: LockStore,
    private readonly deps: ResolveDeps,
  ) {
    this.network = new Network(deps.fetch, deps.limits ?? DEFAULT_LIMITS);
    // A run that verifies lock answers before publishing does not take mutable repodata from a
    // cache a writer of the folder could have forged; content-addressed shards are checked anyway.
    this.cache =
      settings.cacheDir === undefined
        ? undefined
        : new RepodataCache(settings.cacheDir, settings.verify === undefined);
    this.deadline = Date.now() + (settings.timeoutMs ?? Number.POSITIVE_INFINITY);
    if (settings.timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.network.stop(this.timeoutReason);
      }, settings.timeoutMs);
      this.timer.unref();
    }
  }

  /** Why groups are left unverified when the stage runs out of time. */
  get timeoutReason(): string {
    return `the resolve stage stopped at its time limit (resolve-timeout ${formatDuration((this.settings.timeoutMs ?? 0) / 1000)})`;
  }

  /** What is left of the stage's time, in ms (Infinity without a limit). */
  private left(): number {
    return this.deadline - Date.now();
  }

  /** Stops the timer; the repodata cache's writes in the background are finished. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.cache?.flush();
  }

  /** Solves every ecosystem of a group that has a solver, per architecture. */
  async group(group: PlannedGroup): Promise<GroupResult> {
    const present = [...new Set(group.packages.map((p) => p.ecosystem as string))].sort();
    const solvers = SOLVERS.filter(
      (s) => present.includes(s.ecosystem) && (s.solves?.(group) ?? true),
    );
    const base = {
      solved: solvers.map((s) => s.ecosystem),
      nameLevel: present.filter((e) => !solvers.some((s) => s.ecosystem === e)),
      arches: [...this.settings.arches],
    };
    if (solvers.length === 0) {
      return {
        lock: {
          resolution: { status: 'name-level', fromLock: false, ...base, solved: [], packages: [] },
        },
      };
    }
    const packages: ResolvedPackage[] = [];
    let fromLock = true;
    let npmLockfile: string | undefined;
    const step = async (request: SolveRequest): Promise<GroupResult | undefined> => {
      const { outcome, fromLock: hit } = await this.solve(request);
      fromLock &&= hit;
      if (outcome.kind === 'solved') {
        packages.push(...outcome.packages);
        if (outcome.npmLockfile !== undefined) npmLockfile = outcome.npmLockfile;
        return undefined;
      }
      if (outcome.kind === 'conflict')
        return { conflict: { ecosystem: request.ecosystem, request, outcome } };
      const resolution = {
        status: 'unverified' as const,
        fromLock: false,
        ...base,
        solved: [],
        reason: outcome.reason,
        packages: [],
      };
      return { lock: { resolution } };
    };
    // Each architecture in turn (a solver reads what those before it chose), then the solvers
    // whose one answer serves every architecture.
    const context = { settings: this.settings, solved: packages };
    const rounds = [
      ...this.settings.arches.map((arch) => ({ arch, arches: 'each' })),
      { arch: this.settings.arches[0]!, arches: 'first' },
    ];
    for (const { arch, arches } of rounds) {
      for (const solver of solvers.filter((s) => s.arches === arches)) {
        const stop = await step(solver.request(group, arch, context));
        if (stop) return stop;
      }
    }
    const lock: GroupLock = { resolution: { status: 'solved', fromLock, ...base, packages } };
    if (npmLockfile !== undefined) lock.npmLockfile = npmLockfile;
    return { lock };
  }

  /** One solver call: this run's memory, then the lock file, then the solver itself. */
  solve(request: SolveRequest): Promise<Solved> {
    const key = JSON.stringify(request);
    let hit = this.memo.get(key);
    if (!hit) {
      hit = this.solveOnce(request);
      this.memo.set(key, hit);
    }
    return hit;
  }

  private async solveOnce(request: SolveRequest): Promise<Solved> {
    if (this.settings.mode !== 'update') {
      const stored = this.store.get(request);
      if (stored && this.settings.verify?.(request)) return this.verified(request, stored);
      if (stored) {
        this.hits++;
        return { outcome: stored, fromLock: true };
      }
    }
    const refusal = this.store.refusal(request);
    if (refusal !== undefined) this.refusals.push(`${describeRequest(request)}: ${refusal}`);
    if (this.timedOut || this.left() <= 0) {
      this.timedOut = true;
      return { outcome: { kind: 'unreachable', reason: this.timeoutReason }, fromLock: false };
    }
    if (this.settings.mode === 'offline') {
      const reason =
        refusal !== undefined
          ? `offline, and the lock file's answer cannot be used (${refusal}); run \`stowage lock\` where the sources are reachable`
          : 'offline: the lock file has no answer for this group (run `stowage lock` where the sources are reachable)';
      return { outcome: { kind: 'unreachable', reason }, fromLock: false };
    }
    const outcome = await this.callSolver(request);
    if (outcome.kind !== 'unreachable') this.store.set(request, outcome);
    // A request cut short by the time limit is not the source's fault: say so.
    if (outcome.kind === 'unreachable' && this.timedOut)
      return { outcome: { kind: 'unreachable', reason: this.timeoutReason }, fromLock: false };
    return { outcome, fromLock: false };
  }

  /**
   * A lock answer that must be checked before it is trusted (it changed since the base revision):
   * the solver is asked again, and an answer that differs is a mismatch. The run goes on with the
   * solver's answer; the adapters fail it.
   */
  private async verified(request: SolveRequest, stored: StoredOutcome): Promise<Solved> {
    const fresh = await this.callSolver(request);
    const what = describeRequest(request);
    if (fresh.kind === 'unreachable') {
      this.mismatches.push(
        `${what}: cannot be verified, the solver could not run (${fresh.reason})`,
      );
      return { outcome: stored, fromLock: true };
    }
    const difference = answerDifference(stored, fresh);
    if (difference !== undefined) this.mismatches.push(`${what}: ${difference}`);
    this.store.set(request, fresh);
    return { outcome: fresh, fromLock: false };
  }

  /**
   * The solver's answer with the sizes of the files it names, counted: a solve, or (with `pairs`)
   * the conflicts its records showed without one; an unreachable source is neither.
   */
  private async callSolver(request: SolveRequest): Promise<SolveOutcome> {
    const outcome = await withFileSizes(
      await this.solverAnswer(request),
      this.deps.fetch,
      this.left(),
    );
    // A source that could not be reached was not solved against: not a call.
    if (outcome.kind === 'conflict' && outcome.pairs) this.recordChecks++;
    else if (outcome.kind !== 'unreachable') this.calls++;
    return outcome;
  }

  private async solverAnswer(request: SolveRequest): Promise<SolveOutcome> {
    const solver = solverOf(request.ecosystem)!;
    // A solver that fetches by itself: ask the source once first, within the run's limits.
    if (solver.probe) {
      const down = await this.network.probe(solver.probe(request));
      if (down) return { kind: 'unreachable', reason: down };
    }
    let solve = this.opened.get(solver);
    if (!solve) {
      solve = solver.open(this.io());
      this.opened.set(solver, solve);
    }
    return solve(request);
  }

  /** What a solver may use of the run: its network, cache, program runner, settings and time. */
  private io(): SolverIo {
    return {
      network: this.network,
      cache: this.cache,
      run: this.deps.run,
      settings: this.settings,
      timeLeft: () => {
        const left = Math.max(1, this.left());
        return Number.isFinite(left) ? left : undefined;
      },
    };
  }

  /**
   * What a failed group teaches: a conflict between the requirements the solver names (checked by
   * solving just them), or a step to isolate when one step holds them all. Returns the group's
   * lock when nothing new can be learned (it cannot be split further).
   */
  async learn(
    group: PlannedGroup,
    failure: Extract<GroupResult, { conflict: unknown }>['conflict'],
    conflicts: SolverConflict[],
    isolated: string[],
    frozen: boolean,
  ): Promise<'learned' | GroupLock> {
    const { ecosystem, request, outcome } = failure;
    const solver = `the ${ecosystem} solver${this.settings.arches.length > 1 ? ` (${request.arch})` : ''}`;
    if (frozen) {
      const reason = `${solver} still finds conflicts after ${MAX_ROUNDS} rounds of splitting: ${summary(outcome.explanation, 3).join(' ')}`;
      return unsolvable(this.settings, reason);
    }
    const mine = group.packages.filter((p) => p.ecosystem === ecosystem);
    if (outcome.pairs && learnPairs(group, ecosystem, outcome.pairs, conflicts)) return 'learned';
    // Otherwise (no new pair, or each held by one step) as a solver's conflict: the path below
    // checks the named requirements alone and isolates a step that holds them all.
    const all = [...new Set(mine.map((p) => p.spec))].sort();
    let texts = [
      ...new Set(mine.filter((p) => outcome.names.includes(p.name)).map((p) => p.spec)),
    ].sort();
    let explanation = outcome.explanation;
    if (texts.length === 0) texts = all;
    else if (texts.length < all.length) {
      // The named requirements alone must fail too, or the conflict needs more of the group.
      const specs = solverOf(ecosystem)!.specs(texts);
      const core = await this.solve({ ...request, specs: [...new Set(specs)].sort() });
      if (core.outcome.kind === 'unreachable')
        return unverified(group, this.settings, core.outcome.reason);
      if (core.outcome.kind === 'solved') texts = all;
      else explanation = core.outcome.explanation;
    }
    const holders = group.steps.filter((s) =>
      texts.every((t) => mine.some((p) => p.spec === t && p.steps.includes(s))),
    );
    const alone = holders[0];
    if (alone !== undefined && !isolated.includes(alone) && group.steps.length > 1) {
      isolated.push(alone);
      return 'learned';
    }
    const known = conflicts.some(
      (c) => c.ecosystem === ecosystem && c.requirements.join('\n') === texts.join('\n'),
    );
    if (alone === undefined && !known) {
      // Pinned groups are not split, but the conflict still counts: STW404 then names the pin.
      conflicts.push({ ecosystem, requirements: texts, explanation });
      // A step whose software conflicts with that of many others (a Python 2 tool among Python 3
      // ones) would be found apart from each of them one round at a time: after HUB_CONFLICTS
      // such conflicts it gets an image of its own (one image more, instead of a round each).
      // Conflicts read from the records came all at once and cost no round: they do not count.
      const hub = group.steps.find(
        (step) =>
          !isolated.includes(step) &&
          conflicts.filter(
            (c) =>
              c.ecosystem === ecosystem &&
              c.by !== 'records' &&
              c.requirements.some((t) => mine.some((p) => p.spec === t && p.steps.includes(step))),
          ).length >= HUB_CONFLICTS,
      );
      if (hub !== undefined && !group.pinned) isolated.push(hub);
      return 'learned';
    }
    const reason = `${solver} cannot install ${texts.join(', ')} together: ${summary(explanation, 3).join(' ')}`;
    return unsolvable(this.settings, reason);
  }

  /** One notice per reason (a source down, a tool missing), naming the groups left unverified. */
  notes(plan: Plan): string[] {
    const byReason = new Map<string, string[]>();
    for (const g of plan.groups) {
      if (g.resolution?.status !== 'unverified') continue;
      const reason = g.resolution.reason ?? 'unknown';
      byReason.set(reason, [...(byReason.get(reason) ?? []), g.name]);
    }
    const refused = this.refusals.map(
      (r) =>
        `The lock file's answer to ${r}. It was not used${this.settings.mode === 'offline' ? '' : ' (solved again)'}: a lock entry must be what the solver answered.`,
    );
    const cache = [...new Set(this.cache?.problems ?? [])].map(
      (p) => `The repodata cache (${this.cache!.dir}): ${p}.`,
    );
    return [
      ...refused,
      ...cache,
      ...[...byReason].map(([reason, groups]) =>
        reason === this.timeoutReason
          ? `Not solved: ${reason}. Group${groups.length === 1 ? '' : 's'} ${groups.join(', ')} keep${groups.length === 1 ? 's' : ''} the name-level plan (unverified, installs not locked). Raise resolve-timeout, or commit a lock file made with more time (stowage lock): its answers need no solver.`
          : `Not solved: ${reason}. Group${groups.length === 1 ? '' : 's'} ${groups.join(', ')} keep${groups.length === 1 ? 's' : ''} the name-level plan (unverified, installs not locked). Run again when the source answers, point Stowage at a mirror (${optionRef('channelUrls')}, ${optionRef('pipIndexUrl')}), or commit a lock file made where it answers (stowage lock).`,
      ),
    ];
  }
}

/**
 * The pairs a request's records showed in conflict, as conflicts between the group's
 * requirements: all learned at once, no solve needed. A pair one step holds alone is left to the
 * usual path (that step's software does not install by itself). True when one was new.
 */
function learnPairs(
  group: PlannedGroup,
  ecosystem: SolvedEcosystem,
  pairs: readonly SpecPair[],
  conflicts: SolverConflict[],
): boolean {
  const solver = solverOf(ecosystem)!;
  const textsOf = new Map<string, Set<string>>(); // spec as the solver takes it → texts
  const stepsOf = new Map<string, Set<string>>(); // text → steps holding it
  for (const p of group.packages) {
    if (p.ecosystem !== ecosystem) continue;
    const spec = solver.specs([p.spec])[0]!;
    textsOf.set(spec, (textsOf.get(spec) ?? new Set()).add(p.spec));
    const steps = stepsOf.get(p.spec) ?? new Set();
    p.steps.forEach((s) => steps.add(s));
    stepsOf.set(p.spec, steps);
  }
  const keyOf = (requirements: readonly string[]) => requirements.join('\n');
  const known = new Set(
    conflicts.filter((c) => c.ecosystem === ecosystem).map((c) => keyOf(c.requirements)),
  );
  let learned = false;
  for (const pair of pairs) {
    for (const a of textsOf.get(pair.specs[0]) ?? []) {
      for (const b of textsOf.get(pair.specs[1]) ?? []) {
        const inA = stepsOf.get(a)!;
        if (a === b || [...stepsOf.get(b)!].some((s) => inA.has(s))) continue;
        const requirements = [a, b].sort();
        if (known.has(keyOf(requirements))) continue;
        known.add(keyOf(requirements));
        conflicts.push({ ecosystem, requirements, explanation: pair.explanation, by: 'records' });
        learned = true;
      }
    }
  }
  return learned;
}

/**
 * When the solvers were asked more than once per group: how often, and why (the conflicts they
 * found, each checked by solving just its requirements, and the rounds of planning again).
 */
function callsNote(calls: number, plan: Plan, rounds: number): string[] {
  const groups = plan.groups.filter((g) => g.resolution && g.resolution.solved.length > 0).length;
  if (calls <= Math.max(groups, 1)) return [];
  const found = plan.solverConflicts ?? [];
  const byRecords = found.filter((c) => c.by === 'records').length;
  const bySolver = found.length - byRecords;
  const how = [
    ...(byRecords > 0 ? [`${byRecords} read from the channels' records before solving`] : []),
    ...(bySolver > 0
      ? [`${bySolver} named by the solver, each checked by solving just its requirements`]
      : []),
  ];
  return [
    `Resolving took ${calls} solver calls for ${groups} solved group${groups === 1 ? '' : 's'}: ${found.length} conflict${found.length === 1 ? '' : 's'} found through dependencies${how.length > 0 ? ` (${how.join('; ')})` : ''} in ${rounds} round${rounds === 1 ? '' : 's'} of planning again. A committed stowage.lock answers them all on the next run.`,
  ];
}

/** How the lock's answer and the solver's differ (package by package), or undefined when alike. */
export function answerDifference(stored: StoredOutcome, fresh: StoredOutcome): string | undefined {
  if (stored.kind !== fresh.kind)
    return `the lock says ${stored.kind}, the solver says ${fresh.kind}`;
  if (stored.kind === 'conflict' || fresh.kind === 'conflict') {
    // A conflict read from the records names its pairs: a lock cannot add or drop one unseen.
    const pairs = (o: StoredOutcome) =>
      o.kind === 'conflict' ? (o.pairs ?? []).map((p) => p.specs.join(' with ')).sort() : [];
    const [was, is] = [pairs(stored), pairs(fresh)];
    if (was.join('\n') === is.join('\n')) return undefined;
    const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x)).slice(0, 3);
    return `the lock's conflicts differ from the records': only in the lock ${only(was, is).join('; ') || 'none'}, only in the records ${only(is, was).join('; ') || 'none'}`;
  }
  const line = (p: ResolvedPackage) =>
    [p.name, p.version, p.build ?? '', p.url, p.sha256 ?? '', p.integrity ?? ''].join(' ');
  const mine = new Set(stored.packages.map(line));
  const theirs = new Set(fresh.packages.map(line));
  const onlyLock = [...mine].filter((l) => !theirs.has(l));
  const onlySolver = [...theirs].filter((l) => !mine.has(l));
  const lockfileChanged = (stored.npmLockfile ?? '') !== (fresh.npmLockfile ?? '');
  if (onlyLock.length === 0 && onlySolver.length === 0 && !lockfileChanged) return undefined;
  const short = (l: string) => l.split(' ').slice(0, 2).join(' ');
  const list = (ls: string[]) =>
    ls.length === 0
      ? 'nothing'
      : `${ls.slice(0, 5).map(short).join(', ')}${ls.length > 5 ? ', …' : ''}`;
  if (onlyLock.length === 0 && onlySolver.length === 0)
    return 'its npm lock file is not the one npm writes for the request';
  return `the lock installs ${list(onlyLock)} where the solver installs ${list(onlySolver)}`;
}

/** `conda linux-64 [samtools 1.17.*, …]` for messages. */
function describeRequest(request: SolveRequest): string {
  const specs = request.specs.slice(0, 4).join(', ');
  return `${request.ecosystem} (${request.arch}) [${specs}${request.specs.length > 4 ? ', …' : ''}]`;
}

function unsolvable(settings: ResolveSettings, reason: string): GroupLock {
  const resolution = { status: 'unsolvable' as const, fromLock: false, solved: [], nameLevel: [] };
  return { resolution: { ...resolution, arches: [...settings.arches], reason, packages: [] } };
}

function unverified(group: PlannedGroup, settings: ResolveSettings, reason: string): GroupLock {
  const present = [...new Set(group.packages.map((p) => p.ecosystem as string))].sort();
  return {
    resolution: {
      status: 'unverified',
      fromLock: false,
      solved: [],
      nameLevel: present.filter((e) => solverOf(e) === undefined),
      arches: [...settings.arches],
      reason,
      packages: [],
    },
  };
}

/**
 * The lines of an explanation that carry the reason, at most `max`: for conda's tree, each
 * "X would require" joined with what it requires, and the clash; for pip and npm, their own
 * "depends on" / "requested" / "not found" lines.
 */
export function summary(explanation: string, max = 6): string[] {
  const lines = explanation
    .split('\n')
    .map((l) => l.replace(/^[\s│├└─]+/, '').trimEnd())
    .filter((l) => l !== '');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (/ would require$/.test(line) && lines[i + 1] !== undefined) {
      out.push(`${line} ${lines[i + 1]!.replace(/, (?:which|for which) .*$/, '')}`);
    } else if (
      /conflicts with|no candidates|depends on|requested|cannot install|no matching|could not find|peer|not found/i.test(
        line,
      )
    ) {
      out.push(line);
    }
  });
  return (out.length > 0 ? out : lines)
    .filter((l, i, all) => all.indexOf(l) === i)
    .slice(0, max)
    .map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l));
}

const RUNTIME_PACKAGES: Record<string, 'python' | 'r' | 'java'> = {
  python: 'python',
  'r-base': 'r',
  openjdk: 'java',
};

/** Where a requirement of a step is written: its list item, or the runtime it came from. */
function requirementPath(
  workflow: Workflow,
  stepId: string,
  ecosystem: SolvedEcosystem,
  text: string,
): NodePath {
  const step = workflow.steps.find((s) => s.id === stepId);
  const i = step?.software[ecosystem].indexOf(text) ?? -1;
  if (i >= 0) return ['steps', stepId, 'software', ecosystem, i];
  const runtime = RUNTIME_PACKAGES[text.split(/[=<>\s]/)[0]!];
  if (runtime && step?.software[runtime] !== undefined)
    return ['steps', stepId, 'software', runtime];
  return ['steps', stepId, 'software'];
}

function listSteps(ids: readonly string[]): string {
  const quoted = ids.slice(0, 4).map((s) => `"${s}"`);
  const more = ids.length > 4 ? ` and ${ids.length - 4} more` : '';
  return `step${ids.length === 1 ? '' : 's'} ${quoted.join(', ')}${more}`;
}

/** STW430 at every step a solver conflict kept apart from others. */
function splitFindings(
  workflow: Workflow,
  plan: Plan,
  conflicts: readonly SolverConflict[],
): Finding[] {
  const findings: Finding[] = [];
  const groupOf = new Map(plan.groups.flatMap((g) => g.steps.map((s) => [s, g] as const)));
  for (const c of conflicts) {
    const holders = c.requirements.map((text) =>
      plan.groups.flatMap((g) =>
        g.packages
          .filter((p) => p.ecosystem === c.ecosystem && p.spec === text)
          .flatMap((p) => p.steps),
      ),
    );
    const involved = [...new Set(holders.flat())];
    if (involved.some((s) => groupOf.get(s)?.pinned)) continue; // STW404 reports pins
    const explanation = summary(c.explanation)
      .map((l) => `    ${l}`)
      .join('\n');
    const held = (step: string) => c.requirements.filter((_, i) => holders[i]!.includes(step));
    for (const step of involved) {
      const own = held(step);
      // The steps holding a requirement of the conflict this step does not hold.
      const others = involved.filter((o) => o !== step && held(o).some((t) => !own.includes(t)));
      if (others.length === 0) continue;
      const groups = [...new Set([step, ...others].map((s) => groupOf.get(s)?.name ?? '?'))];
      const says = c.by === 'records' ? "The channels' records show" : 'The solver says';
      const message =
        `Step "${step}" (${own.join(', ')}) cannot share an image with ${listSteps(others)}: the ${c.ecosystem} solver cannot install ` +
        `${c.requirements.join(' with ')} — they conflict through their dependencies — so the plan keeps them in different groups (${groups.join(', ')}). ` +
        `${says}:\n${explanation}`;
      findings.push(
        finding(
          'STW430',
          workflow.source.locate(requirementPath(workflow, step, c.ecosystem, own[0]!)),
          message,
        ),
      );
    }
  }
  return findings;
}

/** STW431 at a step whose software does not solve on its own, and at a pin that does not solve. */
function unsolvableFindings(
  workflow: Workflow,
  plan: Plan,
  isolated: readonly string[],
): Finding[] {
  const findings: Finding[] = [];
  for (const g of plan.groups) {
    if (g.resolution?.status !== 'unsolvable') continue;
    const reason = g.resolution.reason ?? 'the solver says no';
    const alone = g.steps.length === 1 ? g.steps[0]! : undefined;
    if (alone !== undefined && (isolated.includes(alone) || !g.pinned)) {
      findings.push(
        finding(
          'STW431',
          workflow.source.locate(['steps', alone, 'software']),
          `Step "${alone}": its software does not solve, even in an image of its own, so group "${g.name}" is not rendered: ${reason}. Change the versions it asks for.`,
        ),
      );
    } else if (g.pinned) {
      findings.push(
        finding(
          'STW431',
          workflow.source.locate(['containers', 'groups', g.name]),
          `Pinned group "${g.name}" does not solve, so it is not rendered: ${reason}. Take a step out of the pin or align the versions.`,
        ),
      );
    }
  }
  return findings;
}
