// Sends, replies and updates through the SDK, paced and retried by Delivery. The messenger also knows which
// tenants the bot serves, so that what picks a stored conversation (the digest's channel, a personal chat)
// never picks one of another tenant, even one stored before the tenant check existed.
import { toThreadedConversationId, type App } from "@microsoft/teams.apps";
import { CARD_CONTENT_TYPE, MESSAGE_LIMIT_BYTES, type CardMessage } from "./cards.js";
import { failureOf, type Delivery, type RunOptions } from "./delivery.js";
import { failureForLog } from "./logging.js";
import { t } from "../../i18n/index.js";

/** Room kept, in bytes counted in UTF-16, for what the SDK adds to an activity (from, recipient, conversation, ids). */
const ENVELOPE_BYTES = 2_048;

/** In a job, the longest wait before a retry inside the call; anything longer goes back to the queue. */
export const JOB_MAX_WAIT_MS = 2_000;

/**
 * A Bot Connector call that failed for good (after Delivery's retries). The SDK's HTTP client error carries the
 * request (the bot's bearer token, the whole card): it never leaves the messenger; this keeps the status,
 * Teams' error code and a short message, and `response.status` and its Retry-After for what decides on it
 * (failureOf).
 */
export class TeamsCallError extends Error {
  readonly response: { status: number | undefined; headers: { "retry-after"?: string } };
  readonly code: string | undefined;
  constructor(error: unknown) {
    const failure = failureForLog(error);
    const { retryAfterMs } = failureOf(error);
    // i18n-exempt: the error's message is for the logs and the admins' failed-job notice (Teams' own words).
    super(failure.status ? `Teams answered HTTP ${failure.status}${failure.code ? ` (${failure.code})` : ""}` : failure.message);
    this.name = "TeamsCallError";
    this.response = { status: failure.status, headers: retryAfterMs === null ? {} : { "retry-after": String(retryAfterMs / 1000) } };
    this.code = failure.code;
  }
}

/** Runs a send through Delivery; a final failure comes out as a TeamsCallError. */
async function guarded<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new TeamsCallError(error);
  }
}

/** The conversation id of a channel message's thread; chats have no threads: the conversation itself. */
export function threadOf(conversationId: string, rootId: string): string {
  return /^\d+$/.test(rootId) && rootId !== "0" ? toThreadedConversationId(conversationId, rootId) : conversationId;
}

/** A message carrying other attachments than one Adaptive Card (file consent, file info). */
export interface FileMessage {
  text: string;
  attachments: Array<Record<string, unknown>>;
}

export class TeamsMessenger {
  constructor(
    private readonly app: App,
    readonly delivery: Delivery,
    /** The tenants the bot serves (lower case): stored conversations of any other are never spoken to. */
    readonly tenants: readonly string[],
    private readonly runOptions: RunOptions = {},
  ) {}

  /**
   * The same messenger for durable jobs: a Retry-After or backoff longer than JOB_MAX_WAIT_MS is not waited
   * here but thrown (a TeamsCallError with the status and Retry-After), for the job queue to retry later.
   */
  forJobs(): TeamsMessenger {
    return new TeamsMessenger(this.app, this.delivery, this.tenants, { maxWaitMs: JOB_MAX_WAIT_MS });
  }

  private activity(message: CardMessage | FileMessage | string): Record<string, unknown> {
    if (typeof message === "string") return { type: "message", text: message };
    if ("attachments" in message) return { type: "message", summary: message.text, attachments: message.attachments };
    return { type: "message", summary: message.text, attachments: [{ contentType: CARD_CONTENT_TYPE, content: message.card }] };
  }

  async post(conversationId: string, message: CardMessage | FileMessage | string): Promise<string> {
    const sent = await guarded(
      this.delivery.run(conversationId, () => this.app.send(conversationId, this.activity(message) as never), this.runOptions),
    );
    return sent.id;
  }

  /** Posts in the thread of a channel message (in chats, where there are no threads, in the conversation). */
  async reply(conversationId: string, rootId: string, message: CardMessage | string): Promise<{ conversationId: string; id: string }> {
    const threaded = threadOf(conversationId, rootId);
    return { conversationId: threaded, id: await this.post(threaded, message) };
  }

  /** An image (PNG) with a caption, inline: what Teams displays in channels and chats alike. */
  async replyWithImage(
    conversationId: string,
    rootId: string,
    caption: string,
    name: string,
    png: Buffer,
    locale: string,
  ): Promise<{ conversationId: string; id: string }> {
    const threaded = threadOf(conversationId, rootId);
    const activity = {
      type: "message",
      text: caption,
      attachments: [{ contentType: "image/png", contentUrl: `data:image/png;base64,${png.toString("base64")}`, name }],
    };
    // An image Teams would refuse (over 40 KB counted in UTF-16) is announced in words instead of failing the digest.
    // The SDK adds the envelope (from, recipient, conversation, ids) to what is measured here: room is kept for
    // it (an image measured just under 40 KB was refused once enveloped).
    const size = Buffer.byteLength(JSON.stringify(activity), "utf16le");
    const sendable =
      size <= MESSAGE_LIMIT_BYTES - ENVELOPE_BYTES
        ? activity
        : {
            type: "message",
            text: t(locale, "teams.chartTooLarge", { caption, size: Math.ceil(size / 1024), max: MESSAGE_LIMIT_BYTES / 1024 }),
          };
    const sent = await guarded(this.delivery.run(threaded, () => this.app.send(threaded, sendable as never), this.runOptions));
    return { conversationId: threaded, id: sent.id };
  }

  async update(conversationId: string, activityId: string, message: CardMessage): Promise<void> {
    await guarded(
      this.delivery.run(
        conversationId,
        () => this.app.send(conversationId, { ...this.activity(message), id: activityId } as never),
        this.runOptions,
      ),
    );
  }
}
