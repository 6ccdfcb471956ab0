/**
 * Compose export: the workflow as composed services (the Compose specification), for workflows
 * whose steps include long-running services (`service: true`: a database, a web API the other
 * steps call). `compose.yaml` has
 *
 * - one service per service step, in its group's image (the entrypoint starts the step), with a
 *   health check — healthy once the container listens on a TCP port, read from `/proc/net/tcp`,
 *   which needs nothing of the image but `/bin/sh`, `cat` and `grep`;
 * - each batch step as a one-off service (`restart: "no"`) that starts once every service is
 *   healthy and the steps whose outputs it reads completed successfully;
 * - the workflow's folder bound at /workflow, the steps' working folder: found from the Compose
 *   file's own folder (`../../..`), so the export works wherever the checkout is, or
 *   `${STOWAGE_WORKDIR}`. (Not a named volume of the local driver: its `device` must be an
 *   absolute path, fixed when the volume is first made — a moved checkout would keep the old
 *   folder — and podman-compose 1.0 ignores `driver_opts`.);
 * - one private network for them all; nothing is published on the host;
 * - every step run as the user who exported (`${STOWAGE_UID}`/`${STOWAGE_GID}` override it).
 *
 * `docker compose -f compose.yaml up` (or `podman-compose`) brings it up. Every value from the
 * workflow is written with `composeString` (YAML double-quoted, `$` doubled against Compose's
 * interpolation); service names are plain.
 */
import { posix } from 'node:path';
import { composeString, yamlComment, yamlString } from '../common/escape/yaml.js';
import { buildGraph } from '../workflow/graph.js';
import type { Step } from '../workflow/model.js';
import { shellQuote } from '../common/escape/shell.js';
import { pinningOf, pinningSentence, stepsInGroupImages } from './common.js';
import { outputFolders } from '../workflow/output-folders.js';
import type { ExportInput, ExportResult, StepImage } from './types.js';

export const COMPOSE_FILE = 'compose.yaml';
/** Where the workflow's folder is mounted in every container, and their working folder. */
export const WORKDIR = '/workflow';
export const NETWORK = 'private';
/** Where the images' entrypoint lives (see src/plan/dockerfile.ts). */
const ENTRYPOINT = '/usr/local/bin/stowage-entrypoint.sh';

/**
 * Healthy once something in the container listens on TCP (state 0A in /proc/net/tcp or tcp6,
 * which belong to the container's own network namespace).
 */
export const LISTENING =
  "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q '^ *[0-9]*: [0-9A-Fa-f]*:[0-9A-Fa-f]* [0-9A-Fa-f]*:[0-9A-Fa-f]* 0A '";

/** A Compose service name per step: plain characters, unique (ignoring case). */
function serviceNames(steps: readonly Step[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const step of steps) {
    const base = step.id.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[._-]/, 's');
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    names.set(step.id, name);
  }
  return names;
}

/** `${NAME:-default}` when the default can stand inside it as is, else `${NAME:?why}`. */
function variable(name: string, fallback: string | undefined, why: string): string {
  return fallback !== undefined && /^[A-Za-z0-9_./+@%=,:-]*$/.test(fallback) && fallback !== ''
    ? `\${${name}:-${fallback}}`
    : `\${${name}:?${why}}`;
}

export function exportCompose(input: ExportInput): ExportResult {
  // Composed services are for a Stowage spec with long-running steps; nothing else has them.
  const notApplicable =
    input.workflow.format !== 'stowage'
      ? `a ${input.workflow.format} pipeline's steps run under its engine, not as composed services: there is nothing to compose`
      : !input.workflow.steps.some((s) => s.service)
        ? 'no step is a service (`service: true`): there is nothing to compose'
        : undefined;
  if (notApplicable !== undefined)
    return {
      engine: 'compose',
      files: {},
      pinning: 'none',
      notApplicable,
      steps: [],
      skipped: [],
      usage: '',
    };
  const { steps, skipped } = stepsInGroupImages(input, ': its entrypoint cannot start the step');
  const outDir = input.outDir ?? '.stowage/export/compose';
  const graph = buildGraph(input.workflow);
  const names = serviceNames(steps.map((s) => s.step));
  const exported = new Set(steps.map((s) => s.step.id));
  const services = steps.filter((s) => s.step.service);
  const host = input.host;
  const user = `${variable('STOWAGE_UID', host ? String(host.uid) : undefined, 'set STOWAGE_UID')}:${variable('STOWAGE_GID', host ? String(host.gid) : undefined, 'set STOWAGE_GID')}`;
  const workflowDir = posix.dirname(input.workflow.file.replace(/\\/g, '/'));
  const source = variable(
    'STOWAGE_WORKDIR',
    posix.relative(outDir, workflowDir === '' ? '.' : workflowDir) || '.',
    "set STOWAGE_WORKDIR to the workflow's folder",
  );
  const lines = [
    yamlComment(
      `Generated by Stowage: workflow ${input.workflow.name} as composed services; its service steps stay up, its batch steps run once.`,
    ),
    yamlComment(
      `Use: docker compose -f ${posix.join(outDir, COMPOSE_FILE)} up   (or podman-compose -f … up; stop with … down -v)`,
    ),
    '# The workflow folder: STOWAGE_WORKDIR; the user the steps run as: STOWAGE_UID, STOWAGE_GID.',
    'services:',
  ];
  const dropped: string[] = [];
  for (const { step, image } of steps) {
    lines.push(...serviceLines(step, image, names, user, source));
    const after = new Map<string, string>();
    if (!step.service)
      for (const s of services) after.set(names.get(s.step.id)!, 'service_healthy');
    for (const edge of graph.upstream.get(step.id) ?? []) {
      if (!exported.has(edge.from)) {
        dropped.push(`${step.id} ← ${edge.from}`);
        continue;
      }
      const from = graph.steps.get(edge.from)!;
      after.set(
        names.get(edge.from)!,
        from.service ? 'service_healthy' : 'service_completed_successfully',
      );
    }
    if (after.size > 0) {
      lines.push('    depends_on:');
      for (const [name, condition] of after)
        lines.push(`      ${yamlString(name)}:`, `        condition: ${yamlString(condition)}`);
    }
  }
  lines.push('networks:', `  ${yamlString(NETWORK)}: {}`, '');
  const pinning = pinningOf(steps.map((s) => s.image));
  const file = posix.join(outDir, COMPOSE_FILE);
  return {
    engine: 'compose',
    files: steps.length > 0 ? { [COMPOSE_FILE]: lines.join('\n') } : {},
    pinning,
    steps: steps.map((s) => s.step.id),
    skipped,
    usage: [
      `docker compose -f ${file} up (or podman-compose -f ${file} up; ${services.length} service(s), ${steps.length - services.length} batch step(s)) — ${pinningSentence(pinning)}`,
      ...(dropped.length > 0
        ? [
            `steps that start without the steps they read from (not exported): ${dropped.join(', ')}`,
          ]
        : []),
    ].join('\n'),
  };
}

function serviceLines(
  step: Step,
  image: StepImage,
  names: ReadonlyMap<string, string>,
  user: string,
  source: string,
): string[] {
  const gpu = image.group?.gpu ?? false;
  const folders = outputFolders(step);
  return [
    `  ${yamlString(names.get(step.id)!)}:`,
    `    image: ${composeString(image.ref)}`,
    // The image's entrypoint runs the step by its name, once the folders of its outputs exist.
    ...(folders.length > 0
      ? [
          `    entrypoint: ["/bin/sh", "-c", ${composeString(`mkdir -p ${folders.map(shellQuote).join(' ')} && exec /bin/sh ${ENTRYPOINT} "$@"`)}, "stowage"]`,
        ]
      : []),
    `    command: [${composeString(step.id)}]`,
    `    user: ${yamlString(user)}`,
    `    working_dir: ${yamlString(WORKDIR)}`,
    '    volumes:',
    '      - type: "bind"',
    `        source: ${yamlString(source)}`,
    `        target: ${yamlString(WORKDIR)}`,
    `    networks: [${yamlString(NETWORK)}]`,
    ...(step.service
      ? [
          '    restart: "unless-stopped"',
          '    healthcheck:',
          `      test: ["CMD-SHELL", ${composeString(LISTENING)}]`,
          '      interval: "2s"',
          '      timeout: "5s"',
          '      retries: 30',
          '      start_period: "2s"',
        ]
      : ['    restart: "no"']),
    ...(gpu
      ? [
          '    deploy:',
          '      resources:',
          '        reservations:',
          '          devices: [{ capabilities: ["gpu"] }]',
        ]
      : []),
  ];
}
