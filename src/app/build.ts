/**
 * `stowage build`: builds and pushes a plan from a terminal. With no GitHub context the images get
 * the content-hash tag and `latest` (plus any `--tag`), and are pushed unless `--no-push`.
 */
import type { Plan } from '../plan/types.js';
import type { BuilderKind, CacheMode } from '../images/builder.js';
import { imagesOutput, formatBytes } from '../images/outputs.js';
import { buildPlan, type BuildLog, type BuildResult } from '../images/build.js';
import { selectBuilder } from '../images/select.js';
import { parseTagRules, type RunContext, type TagRule } from '../images/tags.js';

export interface BuildCommandOptions {
  /** `--registry 127.0.0.1:5000/demo`; falls back to the spec's `containers.registry`. */
  registry?: string;
  specRegistry?: string;
  /** The repository root; the plan's context is relative to it. Default: the current directory. */
  workspace?: string;
  builder?: BuilderKind;
  /** Default true. */
  push?: boolean;
  /** Extra tags (`--tag nightly`), each a bare tag or a tags rule line. */
  tags?: readonly string[];
  /** Drop `latest` and the other default tags (`--no-default-tags`). */
  noDefaultTags?: boolean;
  username?: string;
  /** Read by the caller from stdin or STOWAGE_REGISTRY_PASSWORD, never from argv. */
  password?: string;
  parallel?: number;
  groups?: readonly string[];
  cache?: CacheMode;
  platforms?: readonly string[];
  /** The docker client (`--docker`, or STOWAGE_DOCKER). */
  dockerBinary?: string;
  /** `--json`: print the images output instead of the table. */
  json?: boolean;
  /** Where lines go. Default: stdout/stderr. */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Builds the plan; prints progress and a table; returns the process exit code (1 when a group failed). */
export async function runBuildCommand(
  plan: Plan,
  opts: BuildCommandOptions,
): Promise<{ exitCode: number; results: BuildResult[] }> {
  const out = opts.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = opts.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const registry = opts.registry ?? opts.specRegistry;
  if (!registry) {
    err(
      'stowage build: no registry: pass --registry host[:port]/path or set containers.registry in the spec',
    );
    return { exitCode: 2, results: [] };
  }
  const rules: TagRule[] = parseTagRules((opts.tags ?? []).join('\n'));
  if (opts.noDefaultTags) rules.push(...parseTagRules('type=defaults,enable=false'));
  const context: RunContext = {};
  const log: BuildLog = {
    info: (m) => out(m),
    warning: (m) => err(`warning: ${m}`),
    group: (title, lines) => {
      if (lines.length === 0) return;
      out(`── ${title}`);
      for (const l of lines) out(`   ${l}`);
    },
  };
  try {
    const builder = (): ReturnType<typeof selectBuilder> =>
      selectBuilder(opts.builder ?? 'auto', {
        dockerBinary: opts.dockerBinary ?? process.env.STOWAGE_DOCKER,
      });
    const results = await buildPlan(plan, {
      registry,
      builder,
      workspace: opts.workspace ?? process.cwd(),
      context,
      push: opts.push ?? true,
      tagRules: rules,
      credentials:
        opts.username && opts.password
          ? { username: opts.username, password: opts.password }
          : undefined,
      parallel: opts.parallel,
      groups: opts.groups,
      cache: opts.cache,
      platforms: opts.platforms,
      log,
    });
    if (opts.json) {
      out(JSON.stringify(imagesOutput(results), null, 2));
    } else {
      for (const r of results) {
        out(
          `${r.status.padEnd(7)} ${r.group.padEnd(16)} ${r.digest ? `${r.image}@${r.digest}` : r.image}  ${formatBytes(r.size)}` +
            (r.error ? `\n        ${r.error.split('\n').join('\n        ')}` : ''),
        );
      }
    }
    return { exitCode: results.some((r) => r.status === 'failed') ? 1 : 0, results };
  } catch (e) {
    err(`stowage build: ${(e as Error).message}`);
    return { exitCode: 1, results: [] };
  }
}
