// The Teams side of a decision's effects, run by the durable job queue (src/jobs/queue.ts) after the vote's
// transaction enqueued them (src/usecases/effects.ts): every posted digest card showing the action re-rendered
// as it stands, the decision announced in the digest's thread, the issued letter shown there; and the admins
// told in their personal chat when an effect fails for good.
//
// Each handler can run more than once (a retry, a crash after the call): an update re-renders current state,
// and a post is recorded (posted_message, job "effect", slot = the job's key) right after Teams accepted it, so
// a retry finds it and does not post again. Teams is called through the messenger's job mode: a Retry-After or
// backoff longer than a couple of seconds is not slept in the worker but handed back to the queue
// (RetryLaterError), and a refusal (401, 403, 404, a malformed card) fails the job at once (PermanentJobError).
import { failedJobNotice } from "../messages.js";
import { chatIdentitiesWithRole } from "../../services/people.js";
import { z } from "zod";
import type { Database } from "../../db/database.js";
import { loadLocale } from "../../db/settings.js";
import { t as tr } from "../../i18n/index.js";
import type { Policy } from "../../domain/policy.js";
import { AppError } from "../../errors.js";
import { describeFailure, PermanentJobError, RetryLaterError, type JobHandler, type JobRecord } from "../../jobs/queue.js";
import { digestPartView, NOT_POSTED } from "../../jobs/weeklyDigest.js";
import type { Logger } from "../../log.js";
import { issuedLetter } from "../../services/issuedLetter.js";
import { JOB_KINDS } from "../../usecases/effects.js";
import { actionsCard, letterCard } from "./cards.js";
import { personalConversation, refreshUserIds } from "./conversations.js";
import { failureOf, RETRIED_STATUSES } from "./delivery.js";
import type { TeamsMessenger } from "./messenger.js";
import { inert } from "./text.js";

/** posted_message.job of a message an effect job posted (slot: the job's key). */
export const EFFECT_POSTS = "effect";

export const TEAMS_JOB_KINDS = {
  refreshAction: JOB_KINDS.refreshAction("TEAMS"),
  announceDecision: JOB_KINDS.announceDecision("TEAMS"),
  postLetter: JOB_KINDS.postLetter("TEAMS"),
  /** A committee member's comment on an action, echoed in the digest's thread (enqueued by the Comment invoke). */
  announceComment: "teams.announce-comment",
} as const;

/** Statuses that no retry will change: the bot is not allowed, the conversation or message is gone, the card is refused. */
const REFUSED_STATUSES = new Set([400, 401, 403, 404, 413]);

export interface TeamsJobDeps {
  messenger: TeamsMessenger;
  db: Database;
  policy: Policy;
  logger: Logger;
}

const actionPayload = z.object({ actionId: z.number().int().positive() });
const announcePayload = actionPayload.extend({ text: z.string().min(1) });
const commentPayload = actionPayload.extend({ personName: z.string(), customerName: z.string(), text: z.string().min(1) });

/** The job's payload read with `schema`; a payload that does not fit fails the job, naming the field. */
function payloadOf<T>(job: JobRecord, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(job.payload);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
  throw new PermanentJobError(`job ${job.kind} #${job.id} has an invalid payload (${fields})`);
}

/** A Bot Connector call made from a job: transient answers go back to the queue, refusals fail the job. */
async function teamsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { status, retryAfterMs } = failureOf(error);
    const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    if (status !== null && RETRIED_STATUSES.has(status)) throw new RetryLaterError(message, retryAfterMs ?? 0, { cause: error });
    if (status !== null && REFUSED_STATUSES.has(status)) throw new PermanentJobError(message, { cause: error });
    throw error;
  }
}

/** The digest replies of Teams that show the action and were posted (parts planned but not posted are skipped). */
function postedPartsShowing(db: Database, actionId: number) {
  return db.prisma.postedMessage.findMany({
    where: { platform: "TEAMS", actionIds: { has: actionId }, ts: { not: NOT_POSTED }, channel: { not: NOT_POSTED } },
    orderBy: { id: "asc" },
  });
}

/** The thread of the newest digest reply showing the action (the conversation id of that thread), if any. */
async function threadOfAction(db: Database, actionId: number): Promise<string | null> {
  return (await postedPartsShowing(db, actionId)).at(-1)?.channel ?? null;
}

/**
 * Whether a refresh job enqueued after `job` (a later vote) for one of `actionIds` has yet to run: it will render
 * the message with everything we would show, and more.
 */
async function laterRefreshPending(db: Database, job: JobRecord, actionIds: number[]): Promise<boolean> {
  const rows = await db.withConnection((sql) =>
    sql.query(
      `SELECT 1 FROM job WHERE kind = $1 AND id > $2 AND state = 'PENDING' AND (payload->>'actionId')::int = ANY($3::int[]) LIMIT 1`,
      [job.kind, job.id.toString(), actionIds],
    ),
  );
  return rows.length > 0;
}

/** Posts once per job key: a retry after Teams accepted the post finds the record and does nothing. */
async function postOnce(
  db: Database,
  job: JobRecord,
  conversationId: string,
  post: () => Promise<string>,
): Promise<"posted" | "already posted"> {
  const where = { platform: "TEAMS" as const, job: EFFECT_POSTS, slot: job.key, part: "post" };
  if (await db.prisma.postedMessage.findFirst({ where })) return "already posted";
  const id = await post();
  await db.prisma.postedMessage.create({ data: { ...where, channel: conversationId, ts: id, actionIds: [] } });
  return "posted";
}

export function teamsJobHandlers(deps: TeamsJobDeps): Record<string, JobHandler> {
  const messenger = deps.messenger.forJobs();
  const { policy } = deps;

  const announce = async (job: JobRecord, db: Database, logger: Logger, actionId: number, text: string) => {
    const thread = await threadOfAction(db, actionId);
    if (!thread) {
      logger.info({ actionId }, "no posted Teams digest shows the action: nothing to announce");
      return;
    }
    const done = await postOnce(db, job, thread, () => teamsCall("thread post", () => messenger.post(thread, text)));
    logger.info({ actionId, done }, "announced in the Teams digest thread");
  };

  return {
    [TEAMS_JOB_KINDS.refreshAction]: async (job, { db, logger }) => {
      const { actionId } = payloadOf(job, actionPayload);
      const parts = await postedPartsShowing(db, actionId);
      const users = parts.length > 0 ? await refreshUserIds(db) : [];
      let skipped = 0;
      for (const message of parts) {
        // A later refresh still to run for an action of this message renders it after us: one update for a burst.
        if (await laterRefreshPending(db, job, message.actionIds)) {
          skipped += 1;
          continue;
        }
        // Rendered now, from the database: whatever votes came since the job was enqueued are shown too.
        const { views, part, parts: total } = await digestPartView(db, policy, { ...message, platform: "TEAMS" });
        const locale = await db.withConnection(loadLocale);
        await teamsCall("card update", () => messenger.update(message.channel, message.ts, actionsCard(views, part, total, users, locale)));
      }
      logger.info({ actionId, updated: parts.length - skipped, leftToLaterJob: skipped }, "Teams digest cards refreshed");
    },

    [TEAMS_JOB_KINDS.announceDecision]: async (job, { db, logger }) => {
      const { actionId, text } = payloadOf(job, announcePayload);
      // The decision's line names people: shown as text, never as markup or mentions.
      await announce(job, db, logger, actionId, inert(text, 1000));
    },

    [TEAMS_JOB_KINDS.announceComment]: async (job, { db, logger }) => {
      const { actionId, personName, customerName, text } = payloadOf(job, commentPayload);
      const locale = await db.withConnection(loadLocale);
      await announce(job, db, logger, actionId, inert(tr(locale, "bot.commentEcho", { person: personName, actionId, customer: customerName, text }), 3000));
    },

    [TEAMS_JOB_KINDS.postLetter]: async (job, { db, logger }) => {
      const { actionId } = payloadOf(job, actionPayload);
      const thread = await threadOfAction(db, actionId);
      if (!thread) {
        logger.info({ actionId }, "no posted Teams digest shows the action: the letter is not posted");
        return;
      }
      let letter: Awaited<ReturnType<typeof issuedLetter>>;
      try {
        letter = await issuedLetter(db, actionId);
      } catch (error) {
        // No letter issued, or its files gone: retrying will not bring them back; the admins are told.
        if (error instanceof AppError) throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      // Bots cannot drop files into a channel (that needs SharePoint through Graph): the thread gets the letter
      // in a card with its fingerprint; the PDF is in DOCUMENTS_DIR and in the evidence file.
      const locale = await db.withConnection(loadLocale);
      const done = await postOnce(db, job, thread, () => teamsCall("letter post", () => messenger.post(thread, letterCard(letter, locale))));
      logger.info({ actionId, done }, "letter shown in the Teams digest thread");
    },
  };
}

/**
 * For the job worker's `onFailed`: tells every active admin with a personal chat with the bot (in the bot's own
 * tenant) which effect failed for good, why (status and code, no data) and how to run it again.
 */
export function teamsAdminNotifier(messenger: TeamsMessenger, db: Database, logger?: Logger) {
  const send = messenger.forJobs();
  return async (job: JobRecord, reason: string): Promise<void> => {
    const admins = await chatIdentitiesWithRole(db, "TEAMS", "ADMIN");
    const text = inert(failedJobNotice(job, reason, await db.withConnection(loadLocale)));
    let told = 0;
    for (const admin of admins) {
      const ref = await personalConversation(db, admin.externalId, messenger.tenants);
      if (!ref) continue;
      try {
        await send.post(ref.conversationId, text);
        told += 1;
      } catch (error) {
        // One admin who blocked the bot does not keep the others from being told.
        logger?.warn(
          { jobId: job.id.toString(), personId: admin.personId, err: describeFailure(error) },
          "could not tell an admin in Teams",
        );
      }
    }
    if (told === 0)
      logger?.warn(
        { jobId: job.id.toString(), kind: job.kind },
        "no Teams admin could be told of the failed job (none has a personal chat with the bot)",
      );
  };
}
