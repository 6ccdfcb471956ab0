/**
 * The action's inputs as one typed object. Parsing is pure (it takes a getter) so every input is
 * tested as a table of `INPUT_*` values, in the way of docker/build-push-action's context.ts.
 */
import { parseExportEngines } from '../app/export.js';
import { InputError } from '../common/errors.js';
import { SEVERITIES, type Severity } from '../common/findings.js';
import { parseDuration } from '../common/units.js';
import { SLURM_RUNTIMES, type ExportEngine, type SlurmRuntime } from '../export/types.js';
import {
  BUILD_NETWORKS,
  BUILDER_KINDS,
  CACHE_MODES,
  type BuilderKind,
  type BuildNetwork,
  type CacheMode,
} from '../images/builder.js';
import { PUSH_MODES, type PushMode } from '../images/tags.js';
import { checkedSourceUrl, parseChannelUrls } from '../resolve/sources.js';
import { RESOLVE_MODES, type ResolveMode } from '../resolve/types.js';
import { WORKFLOW_FORMATS, type WorkflowFormat } from '../workflow/model.js';

export const MODES = ['lint', 'plan', 'build'] as const;
export type Mode = (typeof MODES)[number];

export interface Inputs {
  spec: string;
  mode: Mode;
  importFormat: WorkflowFormat | 'auto';
  config?: string;
  failOn: Severity | 'never';
  registry?: string;
  username?: string;
  password?: string;
  /** Hosts besides the registry that may receive the credentials as its token service. */
  registryAuthHosts: string[];
  /** All registry work of the run within this many ms. */
  registryTimeoutMs: number;
  push: PushMode;
  builder: BuilderKind;
  network: BuildNetwork;
  platforms: string[];
  cache: CacheMode | 'auto';
  provenance: boolean;
  parallel: number;
  groups: string[];
  tags: string[];
  baseImages: Record<string, string>;
  annotations: boolean;
  summary: boolean;
  comment: boolean;
  sarifFile?: string;
  exportEngines: ExportEngine[];
  slurmRuntime: SlurmRuntime;
  githubToken?: string;
  resolve: ResolveMode;
  /** `verify`: where images are published, lock answers changed since the last push are solved again. */
  lockPolicy: 'verify' | 'trust';
  /** Channel name → URL, from `NAME=URL` lines. */
  channelUrls: Record<string, string>;
  pipIndexUrl?: string;
  npmRegistry?: string;
  /** Snakemake's `--wrapper-prefix`: where `wrapper:` environments are fetched from. */
  wrapperPrefix?: string;
}

type Getter = (name: string) => string;

function oneOf<T extends string>(get: Getter, name: string, allowed: readonly T[], fallback: T): T {
  const value = get(name).trim() || fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`input "${name}" is "${value}"; expected one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function bool(get: Getter, name: string, fallback: boolean): boolean {
  const value = get(name).trim().toLowerCase();
  if (value === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(value)) return true;
  if (['false', 'no', '0', 'off'].includes(value)) return false;
  throw new InputError(`input "${name}" is "${value}"; expected true or false`);
}

/** Items separated by newlines or commas, trimmed, empty ones dropped. */
export function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `base-images`: JSON `{"python": "ref"}` or lines of `family=ref`. */
export function parseBaseImages(value: string): Record<string, string> {
  const text = value.trim();
  if (!text) return {};
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputError(`input "base-images" is not valid JSON: ${(error as Error).message}`);
    }
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.some(([, v]) => typeof v !== 'string'))
      throw new InputError('input "base-images": every value must be an image reference string');
    return Object.fromEntries(entries) as Record<string, string>;
  }
  const images: Record<string, string> = {};
  for (const line of list(text)) {
    const eq = line.indexOf('=');
    if (eq <= 0 || eq === line.length - 1)
      throw new InputError(`input "base-images": expected family=image, got "${line}"`);
    images[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return images;
}

/** `registry-timeout`: a duration (`5m`, `90s`, `1h`), at least a second, at most a day. */
export function registryTimeout(value: string): number {
  const text = value.trim() || '5m';
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 1 || seconds > 86_400) {
    throw new InputError(
      `input "registry-timeout" is "${value}"; expected a duration from 1s to 1d, e.g. 5m or 90s`,
    );
  }
  return Math.round(seconds * 1000);
}

function sourceUrl(get: Getter, name: string): string | undefined {
  const value = get(name).trim();
  return value ? checkedSourceUrl(value, `input "${name}"`) : undefined;
}

export function readInputs(get: Getter): Inputs {
  const parallel = Number(get('parallel').trim() || '2');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 32) {
    throw new InputError(
      `input "parallel" is "${get('parallel')}"; expected a whole number from 1 to 32`,
    );
  }
  const failOn = oneOf(get, 'fail-on', [...SEVERITIES, 'never'] as const, 'error');
  const optional = (name: string) => get(name).trim() || undefined;
  return {
    spec: get('spec').trim() || 'stowage.yml',
    mode: oneOf(get, 'mode', MODES, 'plan'),
    importFormat: oneOf(get, 'format', ['auto', ...WORKFLOW_FORMATS] as const, 'auto'),
    config: optional('config'),
    failOn,
    registry: optional('registry'),
    username: optional('username'),
    password: get('password') || undefined,
    registryAuthHosts: list(get('registry-auth-hosts')),
    registryTimeoutMs: registryTimeout(get('registry-timeout')),
    push: oneOf(get, 'push', PUSH_MODES, 'auto'),
    builder: oneOf(get, 'builder', BUILDER_KINDS, 'auto'),
    network: oneOf(get, 'network', BUILD_NETWORKS, 'default'),
    platforms: list(get('platforms')),
    cache: oneOf(get, 'cache', ['auto', ...CACHE_MODES] as const, 'auto'),
    provenance: bool(get, 'provenance', false),
    parallel,
    groups: list(get('groups')),
    tags: get('tags')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
    baseImages: parseBaseImages(get('base-images')),
    annotations: bool(get, 'annotations', true),
    summary: bool(get, 'summary', true),
    comment: bool(get, 'comment', false),
    sarifFile: optional('sarif-file'),
    exportEngines: parseExportEngines(list(get('export'))),
    slurmRuntime: oneOf(get, 'slurm-runtime', SLURM_RUNTIMES, 'apptainer'),
    githubToken: get('github-token') || undefined,
    resolve: oneOf(get, 'resolve', RESOLVE_MODES, 'auto'),
    lockPolicy: oneOf(get, 'lock-policy', ['verify', 'trust'] as const, 'verify'),
    channelUrls: parseChannelUrls(get('channel-urls').split('\n'), 'input "channel-urls"'),
    pipIndexUrl: sourceUrl(get, 'pip-index-url'),
    npmRegistry: sourceUrl(get, 'npm-registry'),
    wrapperPrefix: optional('wrapper-prefix'),
  };
}
