/** Chooses the builder backend: the `builder` input (`auto|docker|buildah`). */
import { BuildahBuilder, buildahAvailable } from './buildah.js';
import {
  BuildError,
  execTool,
  type Builder,
  type BuilderKind,
  type ExecFn,
  type Provenance,
} from './builder.js';
import { DockerBuilder, dockerDaemonAnswers } from './docker.js';

export interface SelectBuilderOptions {
  exec?: ExecFn;
  /** The docker client (default `docker`; on hosts with an old client first on PATH, `/usr/bin/docker`). */
  dockerBinary?: string;
  buildahBinary?: string;
  provenance?: Provenance;
  /** Extra environment for every tool call. */
  env?: Record<string, string>;
}

export function parseBuilderKind(value: string): BuilderKind {
  const v = value.trim().toLowerCase() || 'auto';
  if (v === 'auto' || v === 'docker' || v === 'buildah') return v;
  throw new BuildError(`builder must be auto, docker or buildah, not ${JSON.stringify(value)}`);
}

/**
 * `docker`: a daemon must answer. `buildah`: buildah must run. `auto`: docker when a daemon
 * answers, else buildah, else an error that says what to install.
 */
export async function selectBuilder(
  kind: BuilderKind,
  options: SelectBuilderOptions = {},
): Promise<Builder> {
  const exec = options.exec ?? execTool;
  const dockerBinary = options.dockerBinary ?? 'docker';
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
