// Parses Mermaid diagrams with the real Mermaid library, outside Jest (whose module sandbox and
// global guards break jsdom). Protocol: one JSON string (a diagram) per line on stdin; for each,
// one line on stdout: `null` when it parses, else Mermaid's error message as a JSON string.
// Exits when stdin closes.
import { createInterface } from 'node:readline';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

for await (const line of createInterface({ input: process.stdin })) {
  let result = null;
  try {
    await mermaid.parse(JSON.parse(line));
  } catch (error) {
    result = String(error?.message ?? error);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
