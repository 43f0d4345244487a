// What a dispute makes happen in Teams besides the answer to the person who asked: the collector's notice.
// A failed effect is logged (status and Teams' code, no token, no card, no name) and does not undo what was
// recorded. A decision's effects (everyone's card, the thread, the letter) are durable jobs: see jobs.ts.
import type { FlaggedDispute } from "../../usecases/disputes.js";
import { disputeNoticeText } from "../../usecases/disputes.js";
import { localeOf, type TeamsContext } from "./context.js";
import { personalConversation } from "./conversations.js";
import { failureForLog } from "./logging.js";
import { inert, md } from "./text.js";

/** Runs an effect; a failure is logged with ids only and reported as false. */
async function attempt(t: TeamsContext, effect: string, ids: Record<string, unknown>, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    t.logger.error({ effect, ...ids, failure: failureForLog(error) }, "a Teams message could not be sent or updated");
    return false;
  }
}

/** Tells the account's collector, in their personal chat with the bot, that a dispute paused dunning. */
export async function notifyCollector(t: TeamsContext, flaggedBy: string, dispute: FlaggedDispute, reason: string): Promise<boolean> {
  if (dispute.collectorId === null) return false;
  const collector = await t.db.prisma.chatIdentity.findFirst({ where: { personId: dispute.collectorId, platform: "TEAMS" } });
  const ref = collector ? await personalConversation(t.db, collector.externalId, t.messenger.tenants) : null;
  if (!ref) return false;
  const notice = disputeNoticeText(
    inert(flaggedBy),
    { ...dispute, invoiceNumber: inert(dispute.invoiceNumber), customerName: inert(dispute.customerName) },
    inert(reason),
    await localeOf(t),
  );
  return attempt(t, "dispute.notify_collector", { disputeId: dispute.disputeId }, () =>
    t.messenger.post(
      ref.conversationId,
      md`
⏸️
      ` + notice,
    ),
  );
}
