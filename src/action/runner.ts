/**
 * The runner's side of the action: inputs from `INPUT_*`, outputs and the job summary through the
 * files the runner names, and workflow commands on stdout (annotations, masks, groups), as
 * GitHub's "workflow commands" document them.
 *
 * Why not `@actions/core`: it loads its OIDC HTTP client (undici, ~1 MB) when imported, which
 * alone doubled the action's start (measured: +0.15 s over `node -e 0`, bench/cold-start.ts),
 * and a lint run needs none of it. The commands and files here are the same as its own: a test
 * (__tests__/action/runner.test.ts) holds each to what `@actions/core` writes.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { escapeData, escapeProperty, type AnnotationProps } from '../report/annotations.js';

/** An input, trimmed; '' when not given. Names as in action.yml (`fail-on`). */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function command(name: string, properties: string, message: string): void {
  process.stdout.write(
    `::${name}${properties ? ` ${properties}` : ''}::${escapeData(message)}${EOL}`,
  );
}

/** The properties of an annotation, in @actions/core's names (`col`, not `startColumn`). */
function annotationProperties(props?: Partial<AnnotationProps>): string {
  if (!props) return '';
  const pairs: [string, string | number | undefined][] = [
    ['title', props.title],
    ['file', props.file],
    ['line', props.startLine],
    ['endLine', props.endLine],
    ['col', props.startColumn],
    ['endColumn', props.endColumn],
  ];
  return pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function debug(message: string): void {
  command('debug', '', message);
}

export function notice(message: string, props?: Partial<AnnotationProps>): void {
  command('notice', annotationProperties(props), message);
}

export function warning(message: string, props?: Partial<AnnotationProps>): void {
  command('warning', annotationProperties(props), message);
}

export function error(message: string, props?: Partial<AnnotationProps>): void {
  command('error', annotationProperties(props), message);
}

/** The step fails (exit code 1) with an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** The runner masks the value in every later log line. */
export function setSecret(secret: string): void {
  command('add-mask', '', secret);
}

export function startGroup(title: string): void {
  command('group', '', title);
}

export function endGroup(): void {
  command('endgroup', '', '');
}

export async function group<T>(title: string, work: () => Promise<T>): Promise<T> {
  startGroup(title);
  try {
    return await work();
  } finally {
    endGroup();
  }
}

/**
 * An output, through the runner's `GITHUB_OUTPUT` file as a heredoc whose delimiter is random (and
 * checked absent from the name and the value, so neither can end it early).
 */
export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) {
    command('set-output', `name=${escapeProperty(name)}`, value);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`output ${name}: the value holds its own delimiter`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

/** Appends Markdown to the job summary (`GITHUB_STEP_SUMMARY`); nothing when there is none. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown, 'utf8');
}
