// A local stand-in for Slack: the Web API (auth.test, chat.postMessage, chat.update, views.open) and
// response_url endpoints. It
// checks what real Slack checks before accepting a message (channel given, at most 50 blocks, section text
// at most 3000 characters, header at most 150, at most 10 fields) and records every call.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  path: string;
  body: Record<string, unknown>;
}

function parseBody(req: IncomingMessage, raw: string): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(raw));
  const out: Record<string, unknown> = { ...form };
  if (typeof form.blocks === "string") out.blocks = JSON.parse(form.blocks);
  return out;
}

/** What real Slack answers with invalid_blocks or similar; null when the message is acceptable. */
export function blockKitProblem(body: Record<string, unknown>): string | null {
  const blocks = body.blocks as Array<Record<string, unknown>> | undefined;
  if (!blocks) return body.text ? null : "no_text";
  if (blocks.length > 50) return "invalid_blocks: more than 50 blocks";
  let total = 0;
  for (const block of blocks) {
    const text = (block.text as { text?: string } | undefined)?.text ?? "";
    total += JSON.stringify(block).length;
    if (block.type === "section" && text.length > 3000) return "invalid_blocks: section text over 3000 characters";
    if (block.type === "header" && text.length > 150) return "invalid_blocks: header text over 150 characters";
    const fields = block.fields as unknown[] | undefined;
    if (fields && fields.length > 10) return "invalid_blocks: more than 10 fields";
  }
  if (total > 13_000) return "msg_too_long";
  return null;
}

export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        const path = req.url ?? "";
        const body = parseBody(req, raw);
        this.calls.push({ path, body });
        const reply = (status: number, payload: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(payload));
        };
        if (path.startsWith("/api/auth.test"))
          return reply(200, { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", user: "ccbot" });
        if (path.startsWith("/api/chat.postMessage")) {
          if (!body.channel) return reply(200, { ok: false, error: "channel_not_found" });
          const problem = blockKitProblem(body);
          return reply(200, problem ? { ok: false, error: problem } : { ok: true, channel: body.channel, ts: `${Date.now() / 1000}` });
        }
        if (path.startsWith("/api/views.open")) {
          if (body.trigger_id === "expired") return reply(200, { ok: false, error: "expired_trigger_id" });
          const view = (typeof body.view === "string" ? JSON.parse(body.view) : body.view) as
            { title?: { text?: string }; blocks?: unknown[] } | undefined;
          if (!view?.title?.text || view.title.text.length > 24 || (view.blocks?.length ?? 0) > 100)
            return reply(200, { ok: false, error: "invalid_arguments" });
          return reply(200, { ok: true, view: { id: "V1" } });
        }
        if (path.startsWith("/api/chat.update")) {
          if (!body.channel || !body.ts) return reply(200, { ok: false, error: body.channel ? "message_not_found" : "channel_not_found" });
          const problem = blockKitProblem(body);
          return reply(200, problem ? { ok: false, error: problem } : { ok: true, channel: body.channel, ts: body.ts });
        }
        if (path.startsWith("/response/")) {
          const problem = blockKitProblem(body);
          return problem ? reply(400, { ok: false, error: problem }) : reply(200, { ok: true });
        }
        return reply(200, { ok: false, error: "unknown_method" });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Waits (bounded) for a call whose path starts with `prefix`, after `from` calls. */
  async waitFor(prefix: string, from = 0, timeoutMs = 5000): Promise<RecordedCall> {
    const start = Date.now();
    for (;;) {
      const call = this.calls.slice(from).find((c) => c.path.startsWith(prefix));
      if (call) return call;
      if (Date.now() - start > timeoutMs)
        throw new Error(`no call to ${prefix} within ${timeoutMs} ms (got ${this.calls.map((c) => c.path).join(", ")})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
