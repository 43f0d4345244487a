// A local stand-in of the Bot Connector service (the `serviceUrl` Teams gives a bot): it accepts what the real
// one accepts for our calls (create, reply, update activities), refuses what it refuses (no bearer token,
// no activity type, over 40 KB counted as Teams does, in UTF-16: the limit its docs said, safe under the ~100 KB they say now) and, beyond Teams, runs every Adaptive Card through the official parser.
// It records each call and can answer with failures (429 with Retry-After, 412, 502...) to test retries:
// the next few calls (failNext), or every call of a kind for as long as a rule stays (failWhile); and it can
// hold calls unanswered (holdWhile) to show what does not wait on Teams.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { adaptiveCardProblems } from "./adaptiveCards.js";

export interface ConnectorCall {
  method: string;
  conversationId: string;
  activityId: string | null;
  body: Record<string, unknown>;
  status: number;
  at: number;
}

const MAX_BYTES = 40 * 1024;

/** What a rule sees of a call before answering it. */
export interface CallShape {
  method: string;
  conversationId: string;
  activityId: string | null;
}

interface Rule {
  when: (call: CallShape) => boolean;
  status: number;
  retryAfter?: number;
}

export class BotConnectorStandIn {
  readonly calls: ConnectorCall[] = [];
  private server: Server | undefined;
  private nextId = 1_700_000_000_000;
  private failures: Array<{ status: number; retryAfter?: number }> = [];
  private rules: Rule[] = [];
  private holds: Array<{ when: (call: CallShape) => boolean; waiting: Array<() => void> }> = [];
  /** Files uploaded after a file consent, by name. */
  readonly uploads = new Map<string, { data: Buffer; range: string }>();
  /** Conversations whose user blocked the bot: 403, as Teams answers. */
  readonly blocked = new Set<string>();
  url = "";

  /** The next `count` calls fail with `status` (and a Retry-After in seconds, if given). */
  failNext(status: number, count = 1, retryAfter?: number): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter });
  }

  /** Every call matching `when` fails with `status` (and Retry-After seconds) until the returned function is called. */
  failWhile(when: (call: CallShape) => boolean, status: number, retryAfter?: number): () => void {
    const rule: Rule = { when, status, retryAfter };
    this.rules.push(rule);
    return () => {
      this.rules = this.rules.filter((r) => r !== rule);
    };
  }

  /**
   * Calls matching `when` are held unanswered (their HTTP request stays open) until `release()`; `held()` says
   * how many are waiting now.
   */
  holdWhile(when: (call: CallShape) => boolean): { held: () => number; release: () => void } {
    const hold = { when, waiting: [] as Array<() => void> };
    this.holds.push(hold);
    return {
      held: () => hold.waiting.length,
      release: () => {
        this.holds = this.holds.filter((h) => h !== hold);
        for (const go of hold.waiting.splice(0)) go();
      },
    };
  }

  /** Resolves once `predicate` holds (e.g. a call is being held), polling every 20 ms for at most `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`the Bot Connector stand-in waited ${timeoutMs} ms for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    if ((req.url ?? "").startsWith("/upload/")) {
      // Stands in for the OneDrive upload session Teams hands out after a file consent.
      this.uploads.set(decodeURIComponent((req.url ?? "").slice("/upload/".length)), {
        data: raw,
        range: String(req.headers["content-range"] ?? ""),
      });
      res.writeHead(201, { "content-type": "application/json" });
      res.end("{}");
      return;
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? "");
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (!match) return answer(404, { error: { code: "NotFound", message: `no route ${req.method} ${req.url}` } });
    const conversationId = decodeURIComponent(match[1] ?? "");
    const activityId = match[2] ? decodeURIComponent(match[2]) : null;
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return answer(400, { error: { code: "BadSyntax", message: "invalid JSON" } });
    }
    const record = (status: number) =>
      this.calls.push({ method: req.method ?? "", conversationId, activityId, body, status, at: Date.now() });
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) {
      record(401);
      return answer(401, { message: "Authorization has been denied for this request." });
    }
    const shape: CallShape = { method: req.method ?? "", conversationId, activityId };
    const hold = this.holds.find((h) => h.when(shape));
    if (hold) await new Promise<void>((go) => hold.waiting.push(go));
    const failure = this.failures.shift() ?? this.rules.find((r) => r.when(shape));
    if (failure) {
      record(failure.status);
      return answer(
        failure.status,
        failure.status === 429
          ? { error: { code: "Throttled", message: "try later" } }
          : { error: { code: `Http${failure.status}`, message: "injected failure" } },
        failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {},
      );
    }
    if (this.blocked.has(conversationId.split(";")[0] ?? "")) {
      record(403);
      return answer(403, { error: { code: "ConversationBlockedByUser", message: "User blocked the conversation with the bot." } });
    }
    // Teams measures an activity in UTF-16 (two bytes a character): 40 KB is 20,480 characters.
    const size = Buffer.byteLength(raw.toString("utf8"), "utf16le");
    if (size > MAX_BYTES) {
      record(413);
      return answer(413, { error: { code: "MessageSizeTooBig", message: `${size} bytes` } });
    }
    if (typeof body.type !== "string") {
      record(400);
      return answer(400, { error: { code: "BadArgument", message: "Activity type is required" } });
    }
    for (const attachment of (body.attachments as Array<{ contentType?: string; content?: unknown }> | undefined) ?? []) {
      if (attachment.contentType !== "application/vnd.microsoft.card.adaptive") continue;
      const { problems } = adaptiveCardProblems(attachment.content);
      if (problems.length > 0) {
        record(400);
        return answer(400, { error: { code: "BadArgument", message: `invalid Adaptive Card: ${problems.join("; ")}` } });
      }
    }
    record(200);
    if (req.method === "PUT") return answer(200, { id: activityId });
    this.nextId += 1;
    return answer(201, { id: String(this.nextId) });
  }

  async stop(): Promise<void> {
    for (const hold of this.holds.splice(0)) for (const go of hold.waiting.splice(0)) go();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Successful calls since `from` (an index into calls). */
  accepted(from = 0): ConnectorCall[] {
    return this.calls.slice(from).filter((c) => c.status < 300);
  }

  /** Resolves with the first accepted call after `from` matching `predicate`. */
  async waitFor(predicate: (call: ConnectorCall) => boolean, from = 0, timeoutMs = 5000): Promise<ConnectorCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.accepted(from).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching Bot Connector call after ${timeoutMs} ms (${this.calls.length} calls)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
