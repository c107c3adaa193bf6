// Parses Mermaid diagrams with the real Mermaid parser (mermaid.parse, in a jsdom window).
// Reads a JSON list of diagram texts on stdin; prints a JSON list of
// {"ok": true, "type": "flowchart-v2"} or {"ok": false, "error": "..."}.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({ ok: false, error: String(error && error.message || error) });
  }
}
process.stdout.write(JSON.stringify(results));
