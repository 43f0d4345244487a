// Handlers of the platform-independent effect jobs (src/usecases/effects.ts): the formal notice letter an
// approved action asks for, and the webhooks telling other systems of a decision (src/usecases/events.ts).
// The chat adapters add their own (message refresh, announcement, letter post).
import type { HistoryOrigin } from "../db/history.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import { enqueueLetterPosts, JOB_KINDS } from "../usecases/effects.js";
import { issueFormalNotice } from "../usecases/formalNotice.js";
import { WEBHOOK_DELIVER } from "../usecases/events.js";
import { NOTICE_LEVEL_ID } from "../mail/noticeEmail.js";
import { EMAIL_SEND, noticeEmailKey, type EmailSendPayload } from "./mailSend.js";
import { enqueue, PermanentJobError, type JobHandler } from "./queue.js";
import { webhookDeliveryHandler, type DeliveryOptions } from "./webhookDelivery.js";

/** `webhook.deliver`: one event POSTed to one endpoint, signed (docs/webhooks.md). */
export function webhookJobHandlers(options: DeliveryOptions = {}): Record<string, JobHandler> {
  return { [WEBHOOK_DELIVER]: webhookDeliveryHandler(options) };
}

/** The attempts a formal notice's e-mail gets (sending window and 4xx included), as a reminder's. */
const NOTICE_EMAIL_MAX_ATTEMPTS = 20;

/**
 * `mailReady`: SMTP is configured (the `email.send` handler runs); then a segment whose policy says
 * `formalNoticeEmail: "also" | "instead"` gets the issued letter by e-mail too, one job per action.
 */
export function letterJobHandlers(deps: { policy: Policy; documentsDir: string; mailReady?: boolean }): Record<string, JobHandler> {
  return {
    [JOB_KINDS.formalNoticeLetter]: async (job, { db, logger, now }) => {
      const actionId = Number(job.payload.actionId);
      const personId = typeof job.payload.personId === "number" ? job.payload.personId : null;
      const origin = (typeof job.payload.origin === "string" ? job.payload.origin : "JOB") as HistoryOrigin;
      const settings = await db.withConnection(loadSettings);
      try {
        // Idempotent: a letter already issued for this action is returned, not written again.
        const issued = await issueFormalNotice(
          db,
          deps.policy,
          { personId, origin },
          { actionId, letterDate: calendarDateAt(now(), settings.timeZone), outDir: deps.documentsDir },
          now(),
        );
        logger.info({ actionId, alreadyIssued: issued.alreadyIssued }, "formal notice letter issued");
      } catch (error) {
        // A letter that cannot be composed (an action that is not an approved formal notice, a missing
        // reference rate) will not compose by retrying: failed, visible, reported to the admins.
        if (error instanceof AppError) throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      const action = await db.prisma.proposedAction.findUniqueOrThrow({ where: { id: actionId }, select: { customerId: true, customer: { select: { segment: true } } } });
      const byEmail = deps.policy.segments[action.customer.segment].formalNoticeEmail !== "off";
      if (byEmail && !deps.mailReady) logger.warn({ actionId }, "the policy sends this formal notice by e-mail but SMTP is not configured: registered letter only");
      await db.prisma.$transaction(async (tx) => {
        await enqueueLetterPosts(tx, actionId);
        if (byEmail && deps.mailReady) {
          const payload: EmailSendPayload = {
            customerId: action.customerId,
            levelId: NOTICE_LEVEL_ID,
            asOf: calendarDateAt(now(), settings.timeZone),
            personId,
            origin,
            actionId,
          };
          await enqueue(tx, { kind: EMAIL_SEND, key: noticeEmailKey(actionId), payload: payload as unknown as Record<string, unknown>, maxAttempts: NOTICE_EMAIL_MAX_ATTEMPTS });
        }
      });
    },
  };
}
