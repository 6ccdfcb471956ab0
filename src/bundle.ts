/**
 * The bundle's one entry (dist/stowage.js): the action and the command line together, so they
 * share every file of dist/ — the solver's chunk, the shell parser's WebAssembly — instead of each
 * shipping its own copy. dist/index.js (the action, as action.yml runs it) and dist/cli/index.js
 * (the `stowage` command) each call one of these.
 */
import { run } from './action/main.js';
import { boundHeapGrowth } from './host/heap.js';
import { interruptOnSignals } from './host/signals.js';

export { runCli } from './cli/run-cli.js';

export function runAction(): void {
  boundHeapGrowth();
  const interrupted = interruptOnSignals();
  void run(interrupted.signal).then(() => {
    if (interrupted.signal.aborted) process.exitCode = interrupted.exitCode();
  });
}
