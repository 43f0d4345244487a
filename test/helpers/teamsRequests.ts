// Activities as Teams sends them to the bot's messaging endpoint, and the real Teams SDK App started on a
// free port with its outgoing calls sent to the Bot Connector stand-in.
import type { App } from "@microsoft/teams.apps";
import { createTeamsApp, type TeamsMessenger } from "../../src/bot/teams/app.js";
import { Delivery } from "../../src/bot/teams/delivery.js";
import { teamsAdminNotifier, teamsJobHandlers } from "../../src/bot/teams/jobs.js";
import { letterJobHandlers } from "../../src/jobs/effects.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { readTeamsConfig } from "../../src/config/teams.js";
import type { Database } from "../../src/db/database.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createLogger, type Logger } from "../../src/log.js";
import { freePort } from "./slackRequests.js";

export const BOT_ID = "00000000-0000-4000-8000-00000000b0b0";
export const TENANT = "11111111-1111-4111-8111-111111111111";
export const CHANNEL = "19:committee0123456789@thread.tacv2";

/** An unsigned JWT: the stand-in only checks that a bearer token is sent. */
export function fakeJwt(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ aud: "https://api.botframework.com", exp: 4_102_444_800 })}.x`;
}

export async function startTeamsBot(
  db: Database,
  connectorUrl: string,
  options: { now?: () => Date; authenticate?: boolean; documentsDir?: string; logger?: Logger; mailReady?: boolean } = {},
): Promise<{ app: App; port: number; messenger: TeamsMessenger }> {
  const config = readTeamsConfig({
    TEAMS_APP_ID: BOT_ID,
    TEAMS_APP_PASSWORD: "not-used-in-tests",
    TEAMS_TENANT_ID: TENANT,
    TEAMS_SERVICE_URL: connectorUrl,
  });
  if (!config) throw new Error("the Teams test configuration did not parse");
  const port = await freePort();
  const { app, messenger } = createTeamsApp({
    config,
    db,
    policy: defaultPolicy,
    logger: options.logger ?? createLogger("silent"),
    testing: {
      token: fakeJwt,
      dangerouslyAllowUnauthenticatedRequests: !options.authenticate,
      delivery: new Delivery({ minGapMs: 0, baseDelayMs: 5 }),
      // The Bot Connector stand-in plays OneDrive's upload URL.
      uploadHosts: ["127.0.0.1", "localhost"],
    },
    ...(options.now ? { now: options.now } : {}),
    ...(options.documentsDir ? { documentsDir: options.documentsDir } : {}),
    ...(options.mailReady ? { mailReady: true } : {}),
  });
  await app.start(port);
  return { app, port, messenger };
}

/**
 * The job worker `npm start` runs beside the Teams app: the letter and the Teams effects, failures reported to
 * the admins. No jitter and a 1 ms backoff step, so that a plain failure is retried within the same runDue();
 * a Retry-After still sets the next attempt's time.
 */
export function teamsWorker(
  db: Database,
  messenger: TeamsMessenger,
  options: { now?: () => Date; documentsDir?: string; logger?: Logger; pollMs?: number; concurrency?: number } = {},
): JobWorker {
  const logger = options.logger ?? createLogger("silent");
  return new JobWorker({
    db,
    logger,
    handlers: {
      ...letterJobHandlers({ policy: defaultPolicy, documentsDir: options.documentsDir ?? "data/documents" }),
      ...teamsJobHandlers({ messenger, db, policy: defaultPolicy, logger }),
    },
    onFailed: teamsAdminNotifier(messenger, db, logger),
    random: () => 0,
    baseBackoffMs: 1,
    pollMs: options.pollMs ?? 50,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

export interface Member {
  id: string;
  aadObjectId: string;
  name: string;
}

let sequence = 0;

function base(serviceUrl: string, from: Member, conversation: { id: string; conversationType: string }) {
  sequence += 1;
  return {
    id: `act-${sequence}`,
    channelId: "msteams",
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: { id: `28:${BOT_ID}`, name: "Credit committee" },
    conversation: { ...conversation, tenantId: TENANT },
    channelData: {
      tenant: { id: TENANT },
      ...(conversation.conversationType === "channel" ? { team: { id: "19:team@thread.tacv2", name: "Finance" } } : {}),
    },
  };
}

export const personalChat = (member: Member) => ({ id: `a:personal-${member.aadObjectId}`, conversationType: "personal" });
export const channel = (id = CHANNEL) => ({ id, conversationType: "channel" });

export function messageActivity(
  serviceUrl: string,
  from: Member,
  conversation: { id: string; conversationType: string },
  text: string,
  value?: unknown,
) {
  return { ...base(serviceUrl, from, conversation), type: "message", text, ...(value ? { value } : {}) };
}

export function installActivity(
  serviceUrl: string,
  from: Member,
  conversation: { id: string; conversationType: string },
  action: "add" | "remove" = "add",
) {
  return { ...base(serviceUrl, from, conversation), type: "installationUpdate", action };
}

/** A Universal Action (Action.Execute) click on the card of message `replyToId`. */
export function executeActivity(
  serviceUrl: string,
  from: Member,
  conversation: { id: string; conversationType: string },
  replyToId: string,
  verb: string,
  data: Record<string, unknown>,
) {
  return {
    ...base(serviceUrl, from, conversation),
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId,
    value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
  };
}

export function invokeActivity(
  serviceUrl: string,
  from: Member,
  conversation: { id: string; conversationType: string },
  name: string,
  value: unknown,
) {
  return { ...base(serviceUrl, from, conversation), type: "invoke", name, value };
}

/** POSTs an activity to the bot's /api/messages; returns the HTTP status and the parsed body. */
export async function sendActivity(
  port: number,
  activity: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** A pino logger at debug level whose lines the test reads (what an operator's log would hold). */
export function capturedLogger(): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: "debug", base: { app: "ccbot" } }, sink);
  return { logger, lines, text: () => lines.join("\n") };
}

/** The same activity, as if sent from another tenant (both places Teams states the tenant), or with them disagreeing. */
export function fromTenant<T extends { conversation: object; channelData: object }>(
  activity: T,
  tenant: string,
  where: "both" | "channelData" = "both",
): T {
  return {
    ...activity,
    conversation: where === "both" ? { ...activity.conversation, tenantId: tenant } : activity.conversation,
    channelData: { ...activity.channelData, tenant: { id: tenant } },
  };
}

/** POSTs raw bytes to /api/messages: status, content type and the body as text. */
export async function postRaw(
  port: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}
