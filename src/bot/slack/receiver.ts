// Slack's HTTP receiver, with what Bolt's does not check: a request dated more than 5 minutes in the future
// is refused like one more than 5 minutes old (Bolt refuses only the latter). Errors reach clients as bare
// status codes: no stack, no path (Bolt's defaults, kept; test/slack/trust.test.ts proves it).
import type { IncomingMessage, ServerResponse } from "node:http";
import { HTTPReceiver, type HTTPReceiverOptions } from "@slack/bolt";

/** How far a request's timestamp may be from our clock, either way (Slack's own rule: 5 minutes). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** True when the request carries an x-slack-request-timestamp more than 5 minutes ahead of `nowMs`. */
export function datedInTheFuture(req: IncomingMessage, nowMs: number): boolean {
  const header = req.headers["x-slack-request-timestamp"];
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value > Math.floor(nowMs / 1000) + TIMESTAMP_TOLERANCE_SECONDS;
}

export class SlackHttpReceiver extends HTTPReceiver {
  constructor(options: HTTPReceiverOptions, onRefused: (reason: string) => void) {
    super(options);
    const verified = this.requestListener;
    this.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      if (datedInTheFuture(req, Date.now())) {
        onRefused("request timestamp more than 5 minutes in the future");
        res.writeHead(401);
        res.end();
        return;
      }
      verified(req, res);
    };
  }
}
