/**
 * Checks diagrams with the real Mermaid parser (what GitHub renders with). Mermaid runs in one
 * child Node process per test file (see mermaid-check.mjs), started on first use; call
 * `stopMermaid()` in `afterAll`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const script = path.join(process.cwd(), '__tests__', 'report', 'mermaid-check.mjs');

let child: ChildProcessWithoutNullStreams | undefined;
const waiting: ((line: string) => void)[] = [];

function checker(): ChildProcessWithoutNullStreams {
  if (!child) {
    child = spawn(process.execPath, [script]);
    createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  }
  return child;
}

/** Null when the diagram parses, else Mermaid's error message. */
export function mermaidError(text: string): Promise<string | null> {
  const process = checker();
  return new Promise((resolve) => {
    waiting.push((line) => resolve(JSON.parse(line) as string | null));
    process.stdin.write(`${JSON.stringify(text)}\n`);
  });
}

/** Rejects with Mermaid's message when the diagram does not parse. */
export async function parseMermaid(text: string): Promise<void> {
  const error = await mermaidError(text);
  if (error) throw new Error(`Mermaid rejects the diagram: ${error}\n${text}`);
}

export function stopMermaid(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running) return Promise.resolve();
  return new Promise((resolve) => {
    running.on('close', () => resolve());
    running.stdin.end();
  });
}
