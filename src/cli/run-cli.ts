/** The command line as a process: its arguments, streams and exit code around `main`. */
import { boundHeapGrowth } from '../host/heap.js';
import { interruptOnSignals } from '../host/signals.js';
import { main } from './main.js';

export function runCli(): void {
  boundHeapGrowth();
  const interrupted = interruptOnSignals();
  main(process.argv.slice(2), {
    signal: interrupted.signal,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  }).then(
    (code) => {
      // 130 for Ctrl-C, 143 for SIGTERM, as a shell reports a process those signals ended.
      process.exitCode = interrupted.signal.aborted ? interrupted.exitCode() : code;
    },
    (error: unknown) => {
      process.stderr.write(
        `stowage: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
