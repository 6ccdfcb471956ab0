/**
 * Tags, OCI labels and the push policy of a run, computed from the run's context. Pure: the
 * action adapter turns the GitHub context into a `RunContext`; the CLI makes one by hand.
 *
 * Every run tags each group's image with its content-hash tag (what makes an unchanged rerun a
 * skip) plus the run's tags:
 *
 * | when                         | tags                                  | kind   |
 * | ---------------------------- | ------------------------------------- | ------ |
 * | a commit is known            | `sha-<7 hex>`                         | fixed  |
 * | push to a branch             | the branch, sanitised                 | moving |
 * | push to the default branch   | `latest`                              | moving |
 * | push of a tag `v1.2.3`       | `1.2.3` (fixed), `1.2`, `1` (moving)  |        |
 * | push of another tag          | the tag, sanitised                    | moving |
 * | pull request #N              | `pr-N`                                | moving |
 * | no event (CLI, local run)    | `latest`                              | moving |
 *
 * Moving tags (a name that points at a newer image on a later run) are applied only when every
 * group of the run succeeded, so `latest` never mixes images of two runs.
 */
import { assertTag, isValidTag } from './reference.js';

/** What the build layer needs to know about the run (a subset of the GitHub context). */
export interface RunContext {
  /** `push`, `pull_request`, `release`, `workflow_dispatch`, …; undefined for a local run. */
  eventName?: string;
  /** `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/7/merge`. */
  ref?: string;
  /** The commit, 40 hex. */
  sha?: string;
  /** The repository's default branch, e.g. `main`. */
  defaultBranch?: string;
  /** `owner/name`. */
  repository?: string;
  /** `https://github.com`. */
  serverUrl?: string;
  /** True when the run's code comes from a fork (a pull request whose head repository differs). */
  fromFork?: boolean;
  /** The pull request number, when the event is a pull request. */
  pullRequest?: number;
  /** SPDX licence of the repository, when known. */
  license?: string;
}

export interface RunTag {
  tag: string;
  /** A moving tag is re-pointed by later runs (`latest`, a branch); applied only when all groups succeed. */
  moving: boolean;
}

export class TagRuleError extends Error {
  override name = 'TagRuleError';
}

/** The tag that names an image by the content hash of its inputs. */
export function contentHashTag(contentHash: string): string {
  if (!/^[a-f0-9]{16,64}$/.test(contentHash)) {
    throw new TagRuleError(`content hash ${JSON.stringify(contentHash)} is not lower-case hex`);
  }
  return `hash-${contentHash.slice(0, 20)}`;
}

/**
 * A git ref name as a tag: characters outside `[A-Za-z0-9_.-]` become `-`, leading `.`/`-` are
 * dropped, at most 128 characters. `feature/Big thing` → `feature-Big-thing`.
 */
export function sanitiseTag(name: string): string | undefined {
  const cleaned = name
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
    .replace(/[.-]+$/, '');
  return isValidTag(cleaned) ? cleaned : undefined;
}

interface RefInfo {
  branch?: string;
  tag?: string;
  pr?: number;
}

function refInfo(ctx: RunContext): RefInfo {
  const ref = ctx.ref ?? '';
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  const pr = /^refs\/pull\/([0-9]+)\//.exec(ref);
  if (pr) return { pr: Number(pr[1]) };
  if (ctx.pullRequest !== undefined) return { pr: ctx.pullRequest };
  return {};
}

interface Version {
  version: string;
  major: string;
  minor: string;
  patch: string;
  prerelease: boolean;
}

/** `v1.2.3`, `1.2.3`, `v1.2.3-rc.1` → parts; anything else → undefined. */
export function parseVersionTag(tag: string): Version | undefined {
  const m =
    /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(
      tag,
    );
  if (!m) return undefined;
  const [, major = '', minor = '', patch = '', pre] = m;
  const version = `${major}.${minor}.${patch}${pre ?? ''}`;
  return { version, major, minor, patch, prerelease: pre !== undefined };
}

/** A parsed line of the `tags` input. */
export interface TagRule {
  type: 'raw' | 'sha' | 'ref' | 'semver' | 'edge' | 'defaults';
  attrs: Record<string, string>;
  /** The line as written, for messages. */
  text: string;
}

const RULE_ATTRS: Record<TagRule['type'], string[]> = {
  raw: ['value'],
  sha: ['format'],
  ref: ['event'],
  semver: ['pattern'],
  edge: ['branch'],
  defaults: [],
};
const COMMON_ATTRS = ['type', 'prefix', 'suffix', 'enable', 'moving'];

/**
 * Parses the `tags` input, one rule per line (blank lines and `#` comments ignored), in the
 * spirit of docker/metadata-action:
 *
 * ```
 * nightly                             # a bare tag: same as type=raw,value=nightly
 * type=raw,value=stable
 * type=sha,format=long                # sha-<40 hex>; format=short (default) gives 7
 * type=ref,event=branch               # branch | tag | pr
 * type=semver,pattern={{major}}.{{minor}}   # {{version}} {{major}} {{minor}} {{patch}}, on v-tags
 * type=edge,branch=develop            # `edge` on that branch (default: the default branch)
 * type=defaults,enable=false          # drop the default tags (the content-hash tag always stays)
 * ```
 *
 * Every rule also takes `prefix=`, `suffix=`, `enable=true|false` and `moving=true|false`
 * (default: only sha tags and full versions are fixed).
 */
export function parseTagRules(text: string): TagRule[] {
  const rules: TagRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (!line.includes('=')) {
      rules.push({
        type: 'raw',
        attrs: { value: assertTag(line, `tags rule ${line}:`) },
        text: line,
      });
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const part of line.split(',')) {
      const eq = part.indexOf('=');
      if (eq < 0) throw new TagRuleError(`tags rule "${line}": "${part.trim()}" is not key=value`);
      attrs[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const type = attrs.type as TagRule['type'] | undefined;
    if (!type || !(type in RULE_ATTRS)) {
      throw new TagRuleError(
        `tags rule "${line}": type must be one of ${Object.keys(RULE_ATTRS).join(', ')}`,
      );
    }
    const allowed = [...COMMON_ATTRS, ...RULE_ATTRS[type]];
    for (const key of Object.keys(attrs)) {
      if (!allowed.includes(key)) {
        throw new TagRuleError(
          `tags rule "${line}": unknown attribute "${key}" for type=${type} (allowed: ${allowed.join(', ')})`,
        );
      }
    }
    for (const key of ['enable', 'moving']) {
      if (attrs[key] !== undefined && !['true', 'false'].includes(attrs[key])) {
        throw new TagRuleError(`tags rule "${line}": ${key} must be true or false`);
      }
    }
    if (type === 'raw' && !attrs.value) throw new TagRuleError(`tags rule "${line}": needs value=`);
    if (type === 'ref' && !['branch', 'tag', 'pr'].includes(attrs.event ?? '')) {
      throw new TagRuleError(`tags rule "${line}": event must be branch, tag or pr`);
    }
    if (type === 'sha' && attrs.format !== undefined && !['short', 'long'].includes(attrs.format)) {
      throw new TagRuleError(`tags rule "${line}": format must be short or long`);
    }
    if (type === 'semver' && !attrs.pattern) {
      throw new TagRuleError(`tags rule "${line}": needs pattern=, e.g. {{major}}.{{minor}}`);
    }
    rules.push({ type, attrs, text: line });
  }
  return rules;
}

/** `latest`: on a push to the default branch, and on a local run (no event). */
const LATEST_RULE: TagRule = {
  type: 'raw',
  attrs: { value: 'latest' },
  text: 'latest on the default branch',
};
/** The git tag itself, unless it is a version (the semver rules cover those). */
const GIT_TAG_RULE: TagRule = { type: 'ref', attrs: { event: 'tag' }, text: 'type=ref,event=tag' };
const DEFAULT_RULES: readonly TagRule[] = [
  ...parseTagRules(
    [
      'type=sha',
      'type=ref,event=branch',
      'type=ref,event=pr',
      'type=semver,pattern={{version}}',
      'type=semver,pattern={{major}}.{{minor}}',
      'type=semver,pattern={{major}}',
    ].join('\n'),
  ),
  GIT_TAG_RULE,
  LATEST_RULE,
];

/** The tag one rule yields in this context, or undefined when it does not apply. */
function applyRule(rule: TagRule, ctx: RunContext, info: RefInfo): RunTag | undefined {
  const a = rule.attrs;
  if (a.enable === 'false') return undefined;
  let tag: string | undefined;
  let moving = true;
  switch (rule.type) {
    case 'raw':
      tag = a.value;
      break;
    case 'sha':
      if (!ctx.sha || !/^[a-f0-9]{7,64}$/.test(ctx.sha)) return undefined;
      tag = `${a.prefix ?? 'sha-'}${a.format === 'long' ? ctx.sha : ctx.sha.slice(0, 7)}`;
      moving = false;
      break;
    case 'ref':
      if (a.event === 'branch' && info.branch) tag = sanitiseTag(info.branch);
      else if (a.event === 'tag' && info.tag) {
        if (rule === GIT_TAG_RULE && parseVersionTag(info.tag)) return undefined;
        tag = sanitiseTag(info.tag);
      } else if (a.event === 'pr' && info.pr !== undefined) tag = `pr-${info.pr}`;
      else return undefined;
      break;
    case 'semver': {
      const v = info.tag !== undefined ? parseVersionTag(info.tag) : undefined;
      if (!v) return undefined;
      const pattern = a.pattern ?? '{{version}}';
      // Like metadata-action: a prerelease only gets its full version, never `1` or `1.2`.
      if (v.prerelease && pattern !== '{{version}}') return undefined;
      tag = pattern
        .replaceAll('{{version}}', v.version)
        .replaceAll('{{major}}', v.major)
        .replaceAll('{{minor}}', v.minor)
        .replaceAll('{{patch}}', v.patch);
      moving = pattern !== '{{version}}';
      break;
    }
    case 'edge': {
      const branch = a.branch ?? ctx.defaultBranch;
      if (!info.branch || info.branch !== branch) return undefined;
      tag = 'edge';
      break;
    }
    case 'defaults':
      return undefined;
  }
  if (tag === undefined) return undefined;
  if (rule.type !== 'sha' && a.prefix) tag = a.prefix + tag;
  if (a.suffix) tag += a.suffix;
  if (a.moving) moving = a.moving === 'true';
  return { tag: assertTag(tag, `tags rule "${rule.text}" gives`), moving };
}

/**
 * The run's tags (besides the content-hash tag), in a stable order without duplicates. A tag
 * given both as fixed and moving counts as moving.
 */
export function runTags(ctx: RunContext, extraRules: readonly TagRule[] = []): RunTag[] {
  const info = refInfo(ctx);
  const dropDefaults = extraRules.some((r) => r.type === 'defaults' && r.attrs.enable === 'false');
  const rules = dropDefaults ? [...extraRules] : [...DEFAULT_RULES, ...extraRules];
  const out = new Map<string, RunTag>();
  for (const rule of rules) {
    let result: RunTag | undefined;
    if (rule === LATEST_RULE) {
      const local = ctx.eventName === undefined;
      const onDefault =
        ctx.eventName === 'push' && info.branch !== undefined && info.branch === ctx.defaultBranch;
      result = local || onDefault ? { tag: 'latest', moving: true } : undefined;
    } else {
      result = applyRule(rule, ctx, info);
    }
    if (!result) continue;
    const seen = out.get(result.tag);
    out.set(result.tag, { tag: result.tag, moving: result.moving || (seen?.moving ?? false) });
  }
  return [...out.values()];
}

export const PUSH_MODES = ['auto', 'true', 'false'] as const;
export type PushMode = (typeof PUSH_MODES)[number];

export interface PushDecision {
  push: boolean;
  reason: string;
}

const PUSH_EVENTS = new Set(['push', 'release', 'workflow_dispatch', 'schedule', 'merge_group']);

/**
 * Whether the run pushes. `auto`: yes on pushes, tags, releases, manual and scheduled runs and
 * local runs; never on pull requests and never for code from a fork (its token cannot write, and
 * its code must not publish). `true` and `false` are taken as said.
 */
export function decidePush(mode: PushMode, ctx: RunContext): PushDecision {
  if (mode === 'false') return { push: false, reason: 'push: false' };
  // Even `push: true` does not publish a fork's code: its hash tag would later be reused as is.
  if (ctx.fromFork) return { push: false, reason: 'code from a fork is never pushed' };
  if (mode === 'true') return { push: true, reason: 'push: true' };
  if (ctx.eventName === undefined) return { push: true, reason: 'local run (push: auto)' };
  if (ctx.eventName.startsWith('pull_request')) {
    return { push: false, reason: `${ctx.eventName} event: build only (push: auto)` };
  }
  if (PUSH_EVENTS.has(ctx.eventName))
    return { push: true, reason: `${ctx.eventName} event (push: auto)` };
  return { push: false, reason: `${ctx.eventName} event is not a publishing event (push: auto)` };
}

export interface LabelOptions {
  workflow: string;
  group: string;
  steps: readonly string[];
  contentHash: string;
  created: Date;
  description?: string;
}

/** Removes what must not be in a label value (control characters) and bounds its length. */
function labelValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 1000);
}

/** OCI annotations (as image labels) plus Stowage's own: the group, its steps, the content hash. */
export function ociLabels(ctx: RunContext, opts: LabelOptions): Record<string, string> {
  const info = refInfo(ctx);
  const version = info.tag
    ? (parseVersionTag(info.tag)?.version ?? info.tag)
    : ctx.sha
      ? `sha-${ctx.sha.slice(0, 7)}`
      : contentHashTag(opts.contentHash);
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': `${opts.workflow}/${opts.group}`,
    'org.opencontainers.image.description':
      opts.description ?? `${opts.workflow}: image for steps ${opts.steps.join(', ')}`,
    'org.opencontainers.image.created': opts.created.toISOString(),
    'org.opencontainers.image.version': version,
    'io.stowage.group': opts.group,
    'io.stowage.steps': opts.steps.join(','),
    'io.stowage.content-hash': opts.contentHash,
  };
  if (ctx.repository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(ctx.repository)) {
    const server = (ctx.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
    labels['org.opencontainers.image.source'] = `${server}/${ctx.repository}`;
  }
  if (ctx.sha) labels['org.opencontainers.image.revision'] = ctx.sha;
  if (ctx.license) labels['org.opencontainers.image.licenses'] = ctx.license;
  return Object.fromEntries(
    Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, labelValue(v)]),
  );
}
