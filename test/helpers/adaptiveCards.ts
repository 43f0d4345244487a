// The official Adaptive Cards parser (the `adaptivecards` package, which Teams' renderer is built from), run
// in Node over a jsdom DOM: every parse and validation event it reports about a card, in words.
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

interface AcEvent {
  event: number;
  phase: number;
  message: string;
}
interface AcModule {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: AcEvent[] };
    version: { toString(): string };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): AcEvent };
  ValidationEvent: Record<number, string>;
}

let ac: AcModule | undefined;
let dom: JSDOM | undefined;

/**
 * Runs `f` with jsdom's window and document as globals, then takes them away again: left in place, they
 * make other libraries in the same process (axios, in the Teams SDK) believe they run in a browser.
 */
function withDom<T>(f: () => T): T {
  dom ??= new JSDOM("<!doctype html><html><body></body></html>");
  const g = globalThis as Record<string, unknown>;
  const saved = { window: g.window, document: g.document, HTMLElement: g.HTMLElement };
  Object.assign(g, { window: dom.window, document: dom.window.document, HTMLElement: dom.window.HTMLElement });
  try {
    return f();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete g[key];
      else g[key] = value;
    }
  }
}

/** The parser's errors and warnings about `card` (empty when it parses cleanly), and the version it read. */
export function adaptiveCardProblems(card: unknown): { problems: string[]; version: string } {
  return withDom(() => {
    ac ??= createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js") as AcModule;
    const AC = ac;
    const parsed = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    parsed.parse(card, context);
    const problems: string[] = [];
    for (let i = 0; i < context.eventCount; i++) {
      const e = context.getEventAt(i);
      problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
    }
    for (const e of parsed.validateProperties().validationEvents) problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
    return { problems, version: parsed.version.toString() };
  });
}
