/**
 * What the action prints, through the log escapers (src/common/escape/log.ts): a name from the
 * workflow, a file name or a registry's answer can neither start a workflow command (`::` at a
 * line's start, `##[` anywhere), nor drive the log's terminal, nor reorder what a reader sees. Log lines are kept on one line; annotations (notice,
 * warning, error) keep their line breaks, which `@actions/core` encodes as `%0A`.
 */
import * as core from './runner.js';
import { annotationText, logLine } from '../common/escape/log.js';

const oneLine = logLine;
const annotation = annotationText;

export const log = {
  info: (message: string): void => core.info(oneLine(message)),
  notice: (message: string): void => core.notice(annotation(message)),
  warning: (message: string): void => core.warning(annotation(message)),
  error: (message: string): void => core.error(annotation(message)),
  /** Fails the step with an error annotation. */
  failed: (message: string): void => core.setFailed(annotation(message)),
  group: <T>(title: string, fn: () => Promise<T>): Promise<T> => core.group(oneLine(title), fn),
};
