/**
 * Ctrl-C and SIGTERM as a run's abort signal: the first one stops the programs the run started
 * (they get the signal through the process runner), lets it remove its temporary folders and
 * leave its results as they were; a second one ends the process at once.
 */
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function interruptOnSignals(): { signal: AbortSignal; exitCode(): number } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (name: NodeJS.Signals) => {
    if (received !== undefined) process.exit(EXIT_CODES[name] ?? 1);
    received = name;
    controller.abort(new Error(`interrupted (${name})`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    exitCode: () => EXIT_CODES[received ?? 'SIGINT'] ?? 1,
  };
}
