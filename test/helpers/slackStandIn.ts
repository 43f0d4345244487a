// A local stand-in for Slack: the Web API (auth.test, chat.postMessage, chat.update, views.open) and
// response_url endpoints. It
// checks what real Slack checks before accepting a message (channel given, at most 50 blocks, section text
// at most 3000 characters, header at most 150, at most 10 fields) and records every call. Failures can be
// injected (failNext: a refusal, or a 429 with Retry-After) and answers held back (holdNext).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  path: string;
  body: Record<string, unknown>;
  /** When it arrived (ms since epoch). */
  at?: number;
}

function parseBody(req: IncomingMessage, raw: string): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(raw));
  const out: Record<string, unknown> = { ...form };
  if (typeof form.blocks === "string") out.blocks = JSON.parse(form.blocks);
  return out;
}

/** The file sent to an upload URL: the raw body, or the file part of a multipart form (what the SDK sends). */
function uploadedBytes(req: IncomingMessage, body: Buffer): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers["content-type"] ?? "");
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`), headersEnd);
  return headersEnd < 0 || end < 0 ? body : body.subarray(headersEnd + 4, end);
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
  /** Files uploaded through files.getUploadURLExternal + the upload URL, by file id. */
  readonly uploads = new Map<
    string,
    { filename: string; length: number; data: Buffer | null; completed: boolean; channel?: string; threadTs?: string }
  >();
  private server: Server | undefined;
  private failures: Array<{ method: string; error: string; retryAfter?: number }> = [];
  private holds: Array<{ prefix: string; released: Promise<void> }> = [];
  /** What auth.test answers: the workspace (and Enterprise Grid org) of the bot token, or Slack's refusal. */
  auth: { teamId: string; enterpriseId?: string; error?: "invalid_auth" | "token_revoked" | "account_inactive" } = { teamId: "T1" };
  private readonly responseUses = new Map<string, number>();
  url = "";

  /** The next call to `method` answers 429 with Retry-After (seconds), as Slack does past a method's tier. */
  rateLimitNext(method: string, retryAfter: number): void {
    this.failNext(method, "ratelimited", retryAfter);
  }

  /**
   * The next call to `method` fails: with `retryAfter` (seconds), HTTP 429 and that Retry-After (Slack's rate
   * limit); otherwise HTTP 200 with `{ ok: false, error }` (channel_not_found, not_in_channel, internal_error…).
   */
  failNext(method: string, error: string, retryAfter?: number): void {
    this.failures.push({ method, error, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  /** The next request whose path starts with `prefix` is recorded but not answered until release() is called. */
  holdNext(prefix: string): { release: () => void } {
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ prefix, released });
    return { release };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "";
        const bytes = Buffer.concat(chunks);
        const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(JSON.stringify(payload));
        };
        if (path.startsWith("/upload/")) {
          const upload = this.uploads.get(path.slice("/upload/".length));
          const data = uploadedBytes(req, bytes);
          this.calls.push({ path, body: { bytes: data.length } });
          if (!upload || upload.length !== data.length) {
            res.writeHead(400);
            return res.end("length mismatch");
          }
          upload.data = data;
          res.writeHead(200, { "content-type": "text/plain" });
          return res.end(`OK - ${bytes.length}`);
        }
        const body = parseBody(req, bytes.toString("utf8"));
        this.calls.push({ path, body, at: Date.now() });
        const held = this.holds.findIndex((h) => path.startsWith(h.prefix));
        if (held >= 0) {
          const [hold] = this.holds.splice(held, 1);
          return void hold?.released.then(() => reply(200, { ok: true }));
        }
        const failing = this.failures.findIndex((f) => path.startsWith(`/api/${f.method}`));
        if (failing >= 0) {
          const [failure] = this.failures.splice(failing, 1);
          if (failure?.retryAfter !== undefined)
            return reply(429, { ok: false, error: failure.error }, { "retry-after": String(failure.retryAfter) });
          return reply(200, { ok: false, error: failure?.error });
        }
        if (path.startsWith("/api/files.getUploadURLExternal")) {
          const length = Number(body.length);
          if (!body.filename || !Number.isInteger(length) || length <= 0) return reply(200, { ok: false, error: "invalid_arguments" });
          const id = `F${this.uploads.size + 1}`;
          this.uploads.set(id, { filename: String(body.filename), length, data: null, completed: false });
          return reply(200, { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id });
        }
        if (path.startsWith("/api/files.completeUploadExternal")) {
          const files = (typeof body.files === "string" ? JSON.parse(body.files) : body.files) as Array<{ id: string; title?: string }>;
          for (const f of files ?? []) {
            const upload = this.uploads.get(f.id);
            if (!upload?.data) return reply(200, { ok: false, error: "file_not_found" });
          }
          if (body.thread_ts && !body.channel_id) return reply(200, { ok: false, error: "invalid_arguments" });
          for (const f of files) {
            const upload = this.uploads.get(f.id);
            if (upload) Object.assign(upload, { completed: true, channel: body.channel_id, threadTs: body.thread_ts });
          }
          return reply(200, { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) });
        }
        if (path.startsWith("/api/auth.test")) {
          if (this.auth.error) return reply(200, { ok: false, error: this.auth.error });
          return reply(200, {
            ok: true,
            user_id: "UBOT",
            bot_id: "BBOT",
            team_id: this.auth.teamId,
            user: "ccbot",
            ...(this.auth.enterpriseId ? { enterprise_id: this.auth.enterpriseId, is_enterprise_install: false } : {}),
          });
        }
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
        if (path.startsWith("/api/conversations.open")) {
          if (!body.users) return reply(200, { ok: false, error: "invalid_arguments" });
          return reply(200, { ok: true, channel: { id: `D${String(body.users)}` } });
        }
        if (path.startsWith("/api/views.publish")) {
          const view = (typeof body.view === "string" ? JSON.parse(body.view) : body.view) as
            { type?: string; blocks?: unknown[] } | undefined;
          if (!body.user_id) return reply(200, { ok: false, error: "invalid_arguments" });
          if (view?.type !== "home" || !view.blocks || view.blocks.length > 100)
            return reply(200, { ok: false, error: "invalid_arguments" });
          const problem = blockKitProblem({ blocks: view.blocks.slice(0, 50) });
          return reply(200, problem ? { ok: false, error: problem } : { ok: true, view: { id: "VHOME" } });
        }
        if (path.startsWith("/api/chat.update")) {
          if (!body.channel || !body.ts) return reply(200, { ok: false, error: body.channel ? "message_not_found" : "channel_not_found" });
          const problem = blockKitProblem(body);
          return reply(200, problem ? { ok: false, error: problem } : { ok: true, channel: body.channel, ts: body.ts });
        }
        if (path.startsWith("/response/")) {
          // A response_url works 5 times within 30 minutes; "expired" ones stand for those past 30 minutes.
          const uses = (this.responseUses.get(path) ?? 0) + 1;
          this.responseUses.set(path, uses);
          if (path.startsWith("/response/expired")) return reply(404, { ok: false, error: "expired_url" });
          if (uses > 5) return reply(404, { ok: false, error: "used_url" });
          const problem = blockKitProblem(body);
          return problem ? reply(400, { ok: false, error: problem }) : reply(200, { ok: true });
        }
        if (path.startsWith("/api/chat.postEphemeral")) {
          if (!body.channel || !body.user)
            return reply(200, { ok: false, error: body.channel ? "user_not_in_channel" : "channel_not_found" });
          const problem = blockKitProblem(body);
          return reply(200, problem ? { ok: false, error: problem } : { ok: true, message_ts: `${Date.now() / 1000}` });
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
