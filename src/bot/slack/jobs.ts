// The Slack side of a decision's effects, run by the job queue (src/jobs/queue.ts, ADR 0005), never in the
// request that recorded the vote: re-render every digest message showing the action, announce the decision in
// the digest's thread, post the issued letter there. Each handler can run twice and do the thing once:
// - a refresh re-renders the action as it stands now (running it again sends the same message);
// - a post is recorded (posted_message, job "effect", slot = the job's key) right after Slack accepted it,
//   and a retry that finds the record skips the post.
// Slack's refusals are sorted once (slackJobError): rate limits come back after Slack's Retry-After, refusals
// that no retry can fix fail the job at once (the admins are told), anything else is retried with backoff.
import { failedJobNotice } from "../messages.js";
import { issuedLetter } from "../../services/issuedLetter.js";
import { chatIdentitiesWithRole } from "../../services/people.js";
import { ErrorCode, WebClient } from "@slack/web-api";
import type { Database } from "../../db/database.js";
import { loadLocale } from "../../db/settings.js";
import type { Policy } from "../../domain/policy.js";
import { AppError } from "../../errors.js";
import { describeFailure, PermanentJobError, RetryLaterError, type JobHandler, type JobRecord } from "../../jobs/queue.js";
import { digestPartView, NOT_POSTED, WEEKLY_DIGEST, type PostedRef } from "../../jobs/weeklyDigest.js";
import type { Logger } from "../../log.js";
import { JOB_KINDS } from "../../usecases/effects.js";
import { plainText } from "./blocks.js";
import { announceInThread, sendDirectMessage, updateDigestPart, uploadLetter } from "./effects.js";

/** Slack's refusals that the same call will meet again however often it is retried. */
export const PERMANENT_SLACK_ERRORS = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "not_authed",
  "missing_scope",
  "msg_too_long",
  "invalid_blocks",
  "no_text",
  "invalid_arguments",
  "user_not_found",
  "cannot_dm_bot",
]);

/** The Retry-After used when Slack rate-limits without saying how long (seconds). */
const DEFAULT_RETRY_AFTER_S = 30;

/**
 * What the queue should do about a failed Slack call: RetryLaterError for a rate limit (not before Slack's
 * Retry-After), PermanentJobError for a refusal no retry can fix, the error itself (retried with backoff)
 * otherwise (a 5xx, a timeout, a lost connection, an unknown refusal).
 */
export function slackJobError(error: unknown): Error {
  const e = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string; response_metadata?: { retryAfter?: number } };
  };
  if (e?.code === ErrorCode.RateLimitedError) {
    const seconds = typeof e.retryAfter === "number" && e.retryAfter > 0 ? e.retryAfter : DEFAULT_RETRY_AFTER_S;
    return new RetryLaterError(`Slack rate-limited the call: retry after ${seconds} s`, seconds * 1000, { cause: error });
  }
  const refusal = e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
  if (refusal === "ratelimited" || refusal === "rate_limited") {
    const seconds = e.data?.response_metadata?.retryAfter ?? DEFAULT_RETRY_AFTER_S;
    return new RetryLaterError(`Slack rate-limited the call: retry after ${seconds} s`, seconds * 1000, { cause: error });
  }
  if (refusal && PERMANENT_SLACK_ERRORS.has(refusal)) return new PermanentJobError(`Slack refused the call: ${refusal}`, { cause: error });
  if (e?.code === ErrorCode.HTTPError && e.statusCode === 429) {
    return new RetryLaterError("Slack rate-limited the call (HTTP 429)", DEFAULT_RETRY_AFTER_S * 1000, { cause: error });
  }
  return error instanceof Error ? error : new Error(describeFailure(error));
}

async function slackCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw slackJobError(error);
  }
}

/**
 * A client for jobs built from the app's (same token and API address): it gives a rate limit back at once
 * instead of sleeping through it, and does not retry by itself, so the queue does the retrying, with backoff,
 * while the job's lease holds.
 */
export function jobClient(client: WebClient): WebClient {
  return new WebClient(client.token, {
    slackApiUrl: client.slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 20_000,
    logger: silentSlackLogger,
  });
}

// The SDK's own logger writes to the console; our logs carry the job's id and outcome instead.
const silentSlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => "error" as never,
  setName: () => undefined,
};

export interface SlackJobDeps {
  client: WebClient;
  db: Database;
  policy: Policy;
  logger: Logger;
}

const EFFECT_JOB = "effect";
const EFFECT_PART = "post";

/** The post a job already made (recorded after Slack accepted it), if any. */
async function postedBy(db: Database, job: JobRecord): Promise<PostedRef | null> {
  const row = await db.prisma.postedMessage.findUnique({
    where: { platform_job_slot_part: { platform: "SLACK", job: EFFECT_JOB, slot: job.key, part: EFFECT_PART } },
  });
  return row ? { channel: row.channel, ts: row.ts } : null;
}

async function recordPost(db: Database, job: JobRecord, ref: PostedRef): Promise<void> {
  await db.prisma.postedMessage.createMany({
    data: [
      { platform: "SLACK", job: EFFECT_JOB, slot: job.key, part: EFFECT_PART, channel: ref.channel, ts: ref.ts || "posted", actionIds: [] },
    ],
    skipDuplicates: true,
  });
}

/** The Slack messages (digest parts) that show the action and were really posted. */
async function postedPartsShowing(db: Database, actionId: number) {
  return db.prisma.postedMessage.findMany({
    where: { platform: "SLACK", job: WEEKLY_DIGEST, actionIds: { has: actionId }, ts: { not: NOT_POSTED } },
    orderBy: { id: "asc" },
  });
}

/** The thread of the newest digest that shows the action (its summary message), or null. */
async function threadOf(db: Database, actionId: number): Promise<PostedRef | null> {
  const parts = await postedPartsShowing(db, actionId);
  for (const part of parts.reverse()) {
    const summary = await db.prisma.postedMessage.findUnique({
      where: { platform_job_slot_part: { platform: "SLACK", job: part.job, slot: part.slot, part: "summary" } },
    });
    if (summary && summary.ts !== NOT_POSTED) return { channel: summary.channel, ts: summary.ts };
  }
  return null;
}

function actionIdOf(job: JobRecord): number {
  const actionId = Number(job.payload.actionId);
  if (!Number.isInteger(actionId) || actionId <= 0)
    throw new PermanentJobError(`job ${job.kind} #${job.id} has no valid actionId in its payload`);
  return actionId;
}

export function slackJobHandlers(deps: SlackJobDeps): Record<string, JobHandler> {
  const { db, policy } = deps;
  const client = jobClient(deps.client);

  /** Every posted message showing the action, re-rendered as it stands now (decided: no buttons). */
  const refreshAction: JobHandler = async (job, { logger }) => {
    const actionId = actionIdOf(job);
    const parts = await postedPartsShowing(db, actionId);
    const failures: Error[] = [];
    for (const part of parts) {
      const rendered = { ...(await digestPartView(db, policy, { ...part, platform: "SLACK" })), locale: await db.withConnection(loadLocale) };
      try {
        await slackCall(() => updateDigestPart(client, part, rendered));
      } catch (error) {
        // The other messages are still updated; the job's fate follows the worst failure.
        failures.push(error as Error);
      }
    }
    if (failures.length > 0) {
      logger.warn({ actionId, messages: parts.length, failed: failures.length }, "digest messages not all updated");
      const retryable = failures.filter((f) => !(f instanceof PermanentJobError));
      const later = retryable.filter((f): f is RetryLaterError => f instanceof RetryLaterError);
      if (later.length === retryable.length && later.length > 0) throw later.reduce((a, b) => (a.retryAfterMs >= b.retryAfterMs ? a : b));
      throw retryable[0] ?? failures[0];
    }
    logger.info({ actionId, messages: parts.length }, "digest messages updated");
  };

  /** The decision, said once in the digest's thread (the text carries names: escaped, never logged). */
  const announceDecision: JobHandler = async (job, { logger }) => {
    const actionId = actionIdOf(job);
    if (typeof job.payload.text !== "string" || !job.payload.text) throw new PermanentJobError(`job ${job.kind} #${job.id} has no text`);
    if (await postedBy(db, job)) return logger.info({ actionId }, "decision already announced");
    const thread = await threadOf(db, actionId);
    if (!thread) return logger.info({ actionId }, "no posted digest shows the action: nothing to announce in");
    const text = job.payload.text;
    await recordPost(db, job, await slackCall(() => announceInThread(client, thread, text)));
    logger.info({ actionId }, "decision announced in the digest's thread");
  };

  /** The issued letter (PDF) uploaded once into the digest's thread, with its fingerprint. */
  const postLetter: JobHandler = async (job, { logger }) => {
    const actionId = actionIdOf(job);
    if (await postedBy(db, job)) return logger.info({ actionId }, "letter already in the thread");
    // The letter as its job issued it (services/issuedLetter.ts, shared with Teams); one that cannot be read back
    // will not become readable by retrying.
    let letter: Awaited<ReturnType<typeof issuedLetter>>;
    try {
      letter = await issuedLetter(db, actionId);
    } catch (error) {
      if (error instanceof AppError) throw new PermanentJobError(error.message, { cause: error });
      throw error;
    }
    const thread = await threadOf(db, actionId);
    if (!thread) return logger.info({ actionId }, "no posted digest shows the action: no thread for the letter");
    const ts = await slackCall(() =>
      uploadLetter(client, thread, { filename: letter.filename, title: letter.title, pdf: letter.pdf, summary: letter.summary }),
    );
    await recordPost(db, job, { channel: thread.channel, ts });
    logger.info({ actionId }, "letter posted in the digest's thread");
  };

  return {
    [JOB_KINDS.refreshAction("SLACK")]: refreshAction,
    [JOB_KINDS.announceDecision("SLACK")]: announceDecision,
    [JOB_KINDS.postLetter("SLACK")]: postLetter,
  };
}

/**
 * Tells every active admin with a Slack identity, by direct message, that an effect failed for good and how
 * to run it again once the cause is fixed (for JobWorker's onFailed). One admin's refusal does not stop the
 * others'; the reason is describeFailure's (status, code, short message), never a token or a body.
 */
export function slackAdminNotifier(client: WebClient, db: Database, logger?: Logger): (job: JobRecord, reason: string) => Promise<void> {
  const direct = jobClient(client);
  return async (job, reason) => {
    const text = plainText(failedJobNotice(job, reason, await db.withConnection(loadLocale)));
    let told = 0;
    for (const identity of await chatIdentitiesWithRole(db, "SLACK", "ADMIN")) {
      try {
        await sendDirectMessage(direct, identity.externalId, { text });
        told++;
      } catch (error) {
        logger?.warn({ jobId: job.id.toString(), err: describeFailure(error) }, "an admin could not be told about a failed job");
      }
    }
    logger?.info({ jobId: job.id.toString(), admins: told }, "admins told about a failed job");
  };
}
