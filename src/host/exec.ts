/**
 * The real command runner the adapters hand to the use cases: `@actions/exec` (no shell: every
 * argument reaches the tool as one argv entry), silent, with output streamed line by line.
 * The core only knows the `ExecFn` type, so tests inject their own.
 */
import * as actionsExec from '@actions/exec';
import { ToolMissingError, type ExecFn } from '../images/builder.js';

/** The real ExecFn: `@actions/exec`, silent (output goes to `onLine`), never throwing on exit codes. */
export const execTool: ExecFn = async (command, args, options = {}) => {
  const env = options.env
    ? ({ ...process.env, ...options.env } as Record<string, string>)
    : undefined;
  let partial = '';
  const feed = (data: Buffer): void => {
    if (!options.onLine) return;
    const text = partial + data.toString('utf8');
    const lines = text.split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  };
  try {
    const result = await actionsExec.getExecOutput(command, [...args], {
      input: options.input,
      env,
      cwd: options.cwd,
      silent: true,
      ignoreReturnCode: true,
      listeners: { stdout: feed, stderr: feed },
    });
    if (partial && options.onLine) options.onLine(partial);
    return result;
  } catch (err) {
    // @actions/exec throws when the executable cannot be found or started.
    throw new ToolMissingError(`cannot run ${command}: ${(err as Error).message}`);
  }
};
