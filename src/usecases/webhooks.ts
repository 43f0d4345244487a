// The endpoints told of the committee's decisions (`ccbot webhooks add|list|remove|test`).
import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";
import { ALL_EVENTS, EVENT_TYPES, isEventType, TEST_EVENT_TYPE, WEBHOOK_EVENT_VERSION, type EventOf } from "../domain/webhookEvents.js";
import { AppError } from "../errors.js";
import { phrase } from "../i18n/index.js";

export interface EndpointView {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  createdAt: Date;
  removedAt: Date | null;
}

/** The longest URL accepted (characters). */
export const WEBHOOK_URL_MAX = 2048;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Checks a receiver's URL: https, or http on this machine only (the events carry customers' names and amounts). */
export function readEndpointUrl(text: string): string {
  const value = text.trim();
  if (value.length > WEBHOOK_URL_MAX)
    throw new AppError("input.invalid", phrase("usecase.webhook.urlTooLong", { max: WEBHOOK_URL_MAX }));
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError(
      "input.invalid",
      phrase("usecase.webhook.notUrl", { value: value.slice(0, 100) }),
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname)))
    throw new AppError(
      "input.invalid",
      phrase("usecase.webhook.https"),
    );
  if (url.username || url.password)
    throw new AppError(
      "input.invalid",
      phrase("usecase.webhook.credentials"),
    );
  return url.toString();
}

/** Reads `--events a,b`: known types only, or "*" (every type, present and future). */
export function readEventTypes(text: string | undefined): string[] {
  if (text === undefined) return [ALL_EVENTS];
  const types = [
    ...new Set(
      text
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (types.length === 0)
    throw new AppError("input.invalid", phrase("usecase.webhook.eventsEmpty"));
  if (types.includes(ALL_EVENTS)) return [ALL_EVENTS];
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0)
    throw new AppError(
      "input.invalid",
      phrase("usecase.webhook.eventsUnknown", { unknown: unknown.map((u) => `"${u.slice(0, 60)}"`).join(", "), known: EVENT_TYPES.join(", ") }),
    );
  return types;
}

/** A new endpoint and its signing secret (shown once: only its owner should know it). */
export async function addEndpoint(
  db: Database,
  input: { url: string; events?: string },
  now = new Date(),
): Promise<EndpointView & { secret: string }> {
  const url = readEndpointUrl(input.url);
  const events = readEventTypes(input.events);
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const row = await db.prisma.webhookEndpoint.create({ data: { url, secret, events, createdAt: now } });
  return { ...view(row), secret };
}

export async function listEndpoints(db: Database): Promise<EndpointView[]> {
  const rows = await db.prisma.webhookEndpoint.findMany({ orderBy: { id: "asc" } });
  return rows.map(view);
}

/** Stops sending to an endpoint (its pending deliveries are dropped); the row stays, its secret wiped. */
export async function removeEndpoint(db: Database, id: number, now = new Date()): Promise<EndpointView> {
  const existing = await db.prisma.webhookEndpoint.findUnique({ where: { id } });
  if (!existing) throw new AppError("not_found", phrase("usecase.webhook.noEndpoint", { id }));
  if (!existing.active)
    throw new AppError(
      "conflict",
      existing.removedAt
        ? phrase("usecase.webhook.alreadyRemoved", { id, date: existing.removedAt.toISOString().slice(0, 10) })
        : phrase("usecase.webhook.alreadyRemovedEarlier", { id }),
    );
  const row = await db.prisma.webhookEndpoint.update({ where: { id }, data: { active: false, removedAt: now, secret: "" } });
  return view(row);
}

/** An active endpoint with its secret, for a test delivery. */
export async function activeEndpoint(db: Database, id: number): Promise<{ id: number; url: string; secret: string }> {
  const row = await db.prisma.webhookEndpoint.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", phrase("usecase.webhook.noEndpoint", { id }));
  if (!row.active) throw new AppError("conflict", phrase("usecase.webhook.removed", { id }));
  return { id: row.id, url: row.url, secret: row.secret };
}

export function testEvent(now = new Date()): EventOf<"webhook.test"> {
  return {
    id: `test-${randomUUID()}`,
    type: TEST_EVENT_TYPE,
    version: WEBHOOK_EVENT_VERSION,
    occurredAt: now.toISOString(),
    // i18n-exempt: the test event's payload, read by the receiving system's developers (docs/webhooks.md), the same in every language
    data: { message: "Test event from credit-committee-bot: if your signature check passes, the endpoint is ready." },
  };
}

function view(row: { id: number; url: string; events: string[]; active: boolean; createdAt: Date; removedAt: Date | null }): EndpointView {
  return { id: row.id, url: row.url, events: row.events, active: row.active, createdAt: row.createdAt, removedAt: row.removedAt };
}
