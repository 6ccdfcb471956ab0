/**
 * A group's build as it goes, for people watching it: a line when the builder starts each step of
 * the Dockerfile (`[python] step 3/9 RUN micromamba install … (42 s)`), every line of the build's
 * output in verbose mode, and a line now and then when a step runs long without finishing. Reads
 * the builders' own progress lines: BuildKit's plain progress (`#8 [stage-1 3/9] RUN …`), buildah's
 * (`STEP 3/9: RUN …`) and the classic engine's (`Step 3/9 : RUN …`).
 */

/** The Dockerfile step a builder's output line says it started, e.g. `3/9 RUN apt-get …`. */
export function stepStarted(line: string): { step: string; instruction: string } | undefined {
  const buildkit = /^#\d+ \[(?:[^\]\s]+ )?(\d+\/\d+)\] (.+)$/.exec(line.trim());
  const buildah = /^STEP (\d+\/\d+): (.+)$/.exec(line.trim());
  const classic = /^Step (\d+\/\d+) : (.+)$/.exec(line.trim());
  const m = buildkit ?? buildah ?? classic;
  return m ? { step: m[1]!, instruction: m[2]! } : undefined;
}

export interface ProgressOptions {
  group: string;
  /** Every output line, not only the steps. */
  verbose: boolean;
  /** Where the lines go. */
  print: (line: string) => void;
  now?: () => number;
}

/** Seconds as `42 s` or `3m 05s`. */
export function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export class BuildProgress {
  private readonly started: number;
  private current?: { step: string; instruction: string; since: number };
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** One line of the builder's output. */
  feed(line: string): void {
    const step = stepStarted(line);
    if (step) {
      this.current = { ...step, since: this.now() };
      if (!this.options.verbose)
        this.say(`step ${step.step} ${shorten(step.instruction)} (${this.elapsed()})`);
    }
    if (this.options.verbose) this.say(line);
  }

  /** The step the build is on, and for how long: for a heartbeat or a stall's reason. */
  get step(): { step: string; instruction: string; runningMs: number } | undefined {
    return this.current && { ...this.current, runningMs: this.now() - this.current.since };
  }

  /** A line that the build is still on its step (called now and then while nothing happens). */
  heartbeat(): void {
    const step = this.step;
    if (step)
      this.say(
        `still on step ${step.step} ${shorten(step.instruction, 60)} (${elapsed(step.runningMs)} on it, ${this.elapsed()} in all)`,
      );
  }

  private elapsed(): string {
    return elapsed(this.now() - this.started);
  }

  private say(text: string): void {
    this.options.print(`[${this.options.group}] ${text}`);
  }
}

function shorten(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
