// Requests as Slack sends them to the bot: signed with the signing secret, form-encoded.
import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import type { App } from "@slack/bolt";
import { createSlackApp } from "../../src/bot/slack/app.js";
import { readSlackConfig } from "../../src/config/slack.js";
import type { Database } from "../../src/db/database.js";
import { defaultPolicy, type Policy } from "../../src/domain/policy.js";
import { createLogger } from "../../src/log.js";

export const SIGNING_SECRET = "test-signing-secret-1234";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/**
 * POSTs a form-encoded body to the bot's /slack/events, signed (by `secret`, `age` seconds ago; a negative age
 * dates it in the future); returns the status.
 */
export async function postToBot(
  port: number,
  form: Record<string, string>,
  options: { secret?: string; age?: number } = {},
): Promise<number> {
  return (await exchangeWithBot(port, form, options)).status;
}

/** The same, with the response body too (a modal's field errors come back in it). */
export async function exchangeWithBot(
  port: number,
  form: Record<string, string>,
  options: { secret?: string; age?: number } = {},
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  const timestamp = Math.floor(Date.now() / 1000) - (options.age ?? 0);
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(body, timestamp, options.secret),
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}

/** An Events API callback (JSON, signed like the rest), e.g. a message posted in a channel. */
export async function postEvent(port: number, event: Record<string, unknown>, eventId: string, team = "T1"): Promise<number> {
  const body = JSON.stringify({ type: "event_callback", team_id: team, api_app_id: "A1", event_id: eventId, event_time: 1, event });
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(body, timestamp),
    },
    body,
  });
  return res.status;
}

/** A block_actions interaction (a button click) as Slack delivers it. */
export function buttonClick(input: {
  user: string;
  channel: string;
  message: { ts: string; thread_ts?: string; blocks?: unknown[] };
  responseUrl: string;
  action: { action_id: string; block_id?: string; value?: string; action_ts: string };
  /** The workspace the click comes from (default T1, the stand-in's). */
  team?: string;
}): Record<string, string> {
  const payload = {
    type: "block_actions",
    user: { id: input.user, team_id: input.team ?? "T1" },
    team: { id: input.team ?? "T1" },
    api_app_id: "A1",
    token: "x",
    container: { type: "message", channel_id: input.channel, message_ts: input.message.ts },
    channel: { id: input.channel },
    message: input.message,
    response_url: input.responseUrl,
    trigger_id: "1.2.3",
    actions: [{ type: "button", ...input.action }],
  };
  return { payload: JSON.stringify(payload) };
}

/** A modal submitted (view_submission), with its input values. */
export function viewSubmission(input: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
  team?: string;
}): Record<string, string> {
  const payload = {
    type: "view_submission",
    user: { id: input.user, team_id: input.team ?? "T1" },
    team: { id: input.team ?? "T1" },
    api_app_id: "A1",
    token: "x",
    trigger_id: "1.2.3",
    view: {
      id: "V1",
      type: "modal",
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: { values: input.values },
    },
  };
  return { payload: JSON.stringify(payload) };
}

/** The real Bolt app over HTTP on a free port, its Web API calls sent to the stand-in. */
export async function startSlackBot(
  db: Database,
  slackUrl: string,
  options: { now?: () => Date; documentsDir?: string; afterAck?: { concurrency: number; maxWaiting: number }; policy?: Policy; mailReady?: boolean } = {},
): Promise<{ app: App; port: number }> {
  const config = readSlackConfig({
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_MODE: "http",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${slackUrl}/api/`,
  });
  if (!config) throw new Error("the Slack test configuration did not parse");
  const port = await freePort();
  const { app, init } = createSlackApp({
    config,
    db,
    policy: options.policy ?? defaultPolicy,
    logger: createLogger(process.env.TEST_LOG ?? "silent"),
    ...(options.mailReady ? { mailReady: true } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.documentsDir ? { documentsDir: options.documentsDir } : {}),
    ...(options.afterAck ? { afterAck: options.afterAck } : {}),
  });
  await init();
  await app.start(port);
  return { app, port };
}

/** A Slack button as the tests read it. */
export type SlackButton = { action_id: string; value: string; text: { text: string } };

/** The buttons of a Block Kit message, block by block. */
export const buttonsOf = (blocks: unknown) =>
  (blocks as Array<{ type: string; block_id?: string; elements?: SlackButton[] }>)
    .filter((b) => b.type === "actions")
    .map((b) => ({ block: b.block_id ?? "", buttons: b.elements ?? [] }));
