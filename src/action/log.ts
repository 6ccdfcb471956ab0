/**
 * What the action prints, through the one escaper (`escapeText`): a name from the workflow, a
 * file name or a registry's answer can neither start a workflow command, nor drive the log's
 * terminal, nor reorder what a reader sees. Log lines are kept on one line; annotations (notice,
 * warning, error) keep their line breaks, which `@actions/core` encodes as `%0A`.
 */
import * as core from '@actions/core';
import { escapeText } from '../common/text.js';

const oneLine = (message: string): string => escapeText(message);
const annotation = (message: string): string => escapeText(message, { lineBreaks: true });

export const log = {
  info: (message: string): void => core.info(oneLine(message)),
  notice: (message: string): void => core.notice(annotation(message)),
  warning: (message: string): void => core.warning(annotation(message)),
  /** Fails the step with an error annotation. */
  failed: (message: string): void => core.setFailed(annotation(message)),
  group: <T>(title: string, fn: () => Promise<T>): Promise<T> => core.group(oneLine(title), fn),
};
