/** Chooses the builder backend: the `builder` input (`auto|docker|buildah`). */
import type { RunProcess } from '../common/process.js';
import { BuildahBuilder, buildahAvailable } from './buildah.js';
import {
  BuildError,
  type Builder,
  type BuilderKind,
  type Provenance,
  withUserHome,
} from './builder.js';
import { DockerBuilder, detectBuildx, dockerDaemonAnswers } from './docker.js';

export interface SelectBuilderOptions {
  /** Runs the tools (the adapters pass src/host/process.ts). */
  exec: RunProcess;
  /** The docker client (default `docker`; on hosts with an old client first on PATH, `/usr/bin/docker`). */
  dockerBinary?: string;
  buildahBinary?: string;
  provenance?: Provenance;
  /** Extra environment for every tool call. */
  env?: Record<string, string>;
}

/** Docker 23+ clients hand BuildKit builds to buildx; older ones run them in the engine. */
async function canBuildKit(
  exec: RunProcess,
  binary: string,
  env?: Record<string, string>,
): Promise<boolean> {
  if (await detectBuildx(exec, binary, env)) return true;
  try {
    const r = await exec(binary, ['version', '--format', '{{.Client.Version}}'], { env });
    const major = Number(/^(\d+)\./.exec(r.stdout.trim())?.[1]);
    return r.exitCode === 0 && major > 0 && major < 23;
  } catch {
    return false;
  }
}

/**
 * The docker client to use when none is named: `docker` from PATH, unless it is a client that
 * cannot run BuildKit builds here (23+ without buildx) and the engine's own `/usr/bin/docker` can.
 */
export async function findDockerClient(
  exec: RunProcess,
  env?: Record<string, string>,
): Promise<string> {
  for (const candidate of ['docker', '/usr/bin/docker']) {
    if (
      (await dockerDaemonAnswers(exec, candidate, env)) &&
      (await canBuildKit(exec, candidate, env))
    ) {
      return candidate;
    }
  }
  return 'docker';
}

/**
 * `docker`: a daemon must answer. `buildah`: buildah must run. `auto`: docker when a daemon
 * answers, else buildah, else an error that says what to install.
 */
export async function selectBuilder(
  kind: BuilderKind,
  options: SelectBuilderOptions,
): Promise<Builder> {
  const exec = withUserHome(options.exec);
  const dockerBinary = options.dockerBinary ?? (await findDockerClient(exec, options.env));
  const buildahBinary = options.buildahBinary ?? 'buildah';
  const docker = (): Promise<DockerBuilder> =>
    DockerBuilder.create({
      exec,
      binary: dockerBinary,
      provenance: options.provenance,
      env: options.env,
    });
  const buildah = (): BuildahBuilder =>
    new BuildahBuilder({ exec, binary: buildahBinary, env: options.env });

  if (kind !== 'buildah' && (await dockerDaemonAnswers(exec, dockerBinary, options.env)))
    return docker();
  if (kind === 'docker') {
    throw new BuildError(
      `builder: docker, but no docker daemon answers to "${dockerBinary} version": start dockerd ` +
        `(Debian: apt-get install docker.io) or set builder: buildah`,
    );
  }
  if (await buildahAvailable(exec, buildahBinary, options.env)) return buildah();
  throw new BuildError(
    kind === 'buildah'
      ? `builder: buildah, but "${buildahBinary} version" does not run: install buildah (Debian/Ubuntu: apt-get install buildah)`
      : 'no builder found: no docker daemon answers and buildah is not installed. Start a Docker ' +
          'daemon (apt-get install docker.io) or install buildah (apt-get install buildah)',
  );
}
