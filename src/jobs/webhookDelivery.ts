// Delivering one event to one endpoint (docs/webhooks.md): a signed POST with a timeout, and what its answer
// means for the job. 2xx: delivered. 429 or 503 with Retry-After: again, not before then. 408, 429, 5xx, a
// timeout, a connection refused or closed: again, with backoff. Any other answer (4xx, a redirect): the
// receiver refuses, trying again would not help, the job is FAILED at once. The secret, the URL (it may
// carry a token) and the body are never logged nor kept in the job's last error: the endpoint's id is.
import type { Database } from "../db/database.js";
import {
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  signatureOf,
  TIMESTAMP_HEADER,
  type WebhookEvent,
} from "../domain/webhookEvents.js";
import type { DeliveryPayload } from "../usecases/events.js";
import { PermanentJobError, RetryLaterError, type JobHandler } from "./queue.js";

/** How long a receiver has to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export const USER_AGENT = "credit-committee-bot-webhooks/1";

/** A failed attempt that may succeed later; `status` (when the receiver answered) is kept in the job's last error. */
export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "WebhookDeliveryError";
  }
}

export interface DeliveryOptions {
  timeoutMs?: number;
  now?: () => Date;
}

export interface Delivered {
  status: number;
  /** Milliseconds from sending to the answer's headers. */
  elapsedMs: number;
}

/**
 * POSTs `event` to the endpoint, signed with its secret. Resolves on a 2xx; otherwise throws a RetryLaterError,
 * a PermanentJobError or a WebhookDeliveryError (retry with backoff), each naming the endpoint by its id.
 */
export async function deliver(
  endpoint: { id: number; url: string; secret: string },
  event: WebhookEvent,
  options: DeliveryOptions = {},
): Promise<Delivered> {
  const now = options.now ?? (() => new Date());
  const body = JSON.stringify(event);
  const timestamp = String(Math.floor(now().getTime() / 1000));
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signatureOf(endpoint.secret, timestamp, body),
      },
      body,
      // A redirect would resend the body elsewhere (or drop it, 301/302 turn POST into GET): not followed.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new WebhookDeliveryError(`endpoint ${endpoint.id}: ${networkFailure(error, timeoutMs)}`);
  }
  // The answer's body is not read (nor logged): release the connection.
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  const elapsedMs = Math.round(performance.now() - started);
  if (status >= 200 && status < 300) return { status, elapsedMs };
  const what = `endpoint ${endpoint.id} answered ${status}`;
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
    if (retryAfterMs !== null)
      throw Object.assign(new RetryLaterError(`${what}, retry after ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs), { status });
    throw new WebhookDeliveryError(what, status);
  }
  if (status === 408 || status >= 500) throw new WebhookDeliveryError(what, status);
  if (status >= 300 && status < 400)
    throw Object.assign(new PermanentJobError(`${what} (a redirect): update the endpoint's URL with ccbot webhooks`), { status });
  throw Object.assign(new PermanentJobError(`${what}: the receiver refuses the event, retrying would not help`), { status });
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/** Why a request got no answer, in words that carry no URL or body. */
function networkFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: unknown; name?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const code = typeof e?.cause?.code === "string" ? e.cause.code : e?.cause?.name;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "UND_ERR_SOCKET":
    case "ECONNRESET":
      return "connection closed before an answer";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    default:
      return `request failed${code ? ` (${code})` : ""}`;
  }
}

/** The `webhook.deliver` job: the endpoint as it is now (removed: nothing sent), the event as it was decided. */
export function webhookDeliveryHandler(options: DeliveryOptions = {}): JobHandler {
  return async (job, { db, logger, now }) => {
    const payload = job.payload as Partial<DeliveryPayload>;
    if (typeof payload.endpointId !== "number" || typeof payload.event?.id !== "string" || typeof payload.event.type !== "string")
      throw new PermanentJobError("webhook job without an endpoint number or an event: nothing to send");
    const endpoint = await loadEndpoint(db, Number(payload.endpointId));
    const log = logger.child({ endpointId: payload.endpointId, eventId: payload.event.id, eventType: payload.event.type });
    if (!endpoint) {
      log.info("webhook endpoint removed: event not sent");
      return;
    }
    const delivered = await deliver(endpoint, payload.event, { now, ...options });
    log.info({ status: delivered.status, elapsedMs: delivered.elapsedMs }, "webhook delivered");
  };
}

async function loadEndpoint(db: Database, id: number) {
  return db.prisma.webhookEndpoint.findFirst({ where: { id, active: true }, select: { id: true, url: true, secret: true } });
}
