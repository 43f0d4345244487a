// A message in the digest's thread is committee discussion: into the history (once per message). Nothing is
// said back, so nothing is shown to the writer; who wrote it is recorded (an unregistered writer by Slack id).
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { digestOfThread } from "../../../../jobs/weeklyDigest.js";
import { recordDiscussion } from "../../../../usecases/discussion.js";
import type { ListenerDeps } from "../../deps.js";
import type { SlackPerson } from "../../trust.js";

export function threadMessage(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ event, context }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs): Promise<void> => {
    const m = event as { subtype?: string; thread_ts?: string; ts: string; channel: string; user?: string; text?: string; bot_id?: string };
    if (m.subtype || m.bot_id || !m.thread_ts || m.thread_ts === m.ts || !m.user || !m.text?.trim()) return;
    const digest = await digestOfThread(db, "SLACK", m.channel, m.thread_ts);
    if (!digest) return;
    const person = context.person as SlackPerson | null;
    try {
      await recordDiscussion(
        db,
        person ? { personId: person.id, origin: "SLACK" } : { personId: null, label: `slack:${m.user}`, origin: "SLACK" },
        { messageId: `slack:${m.channel}:${m.ts}`, period: digest.period, text: m.text, actionIds: digest.actionIds },
        now(),
      );
    } catch (error) {
      logger.error({ err: error, code: error instanceof AppError ? error.code : "unexpected" }, "committee discussion not recorded");
    }
  };
}
