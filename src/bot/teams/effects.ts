// What a decision or a dispute makes happen in Teams besides the answer to the person who asked: the digest
// card refreshed for everyone, the announcement in the thread, the letters, the collector's notice. One small
// function each, so that a durable job queue can take them over one by one. A failed effect is logged (status
// and Teams' code, no token, no card, no name) and does not undo what was recorded.
import type { FlaggedDispute } from "../../usecases/disputes.js";
import { disputeNoticeText } from "../../usecases/disputes.js";
import type { VoteResult } from "../../usecases/votes.js";
import { decisionDocuments } from "../../services/decisionDocuments.js";
import { letterCard, type CardMessage } from "./cards.js";
import { userMessage, type TeamsContext } from "./context.js";
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

/** Everyone's copy of a digest reply shows the new votes. */
export function refreshDigestCard(t: TeamsContext, part: { channel: string; ts: string; card: CardMessage }): Promise<boolean> {
  return attempt(t, "digest.card.update", { activityId: part.ts }, () => t.messenger.update(part.channel, part.ts, part.card));
}

/** A line in the digest's thread: a decision, or a comment (already made inert by the caller). */
export function announceInThread(t: TeamsContext, channel: string, text: string): Promise<boolean> {
  return attempt(t, "thread.announce", {}, () => t.messenger.post(channel, text));
}

/**
 * The letters a decision produces. Bots cannot drop files into a channel (that needs SharePoint through
 * Graph), so the thread gets the letter itself in a card with its fingerprint; the PDF is in DOCUMENTS_DIR
 * and in the evidence file.
 */
export async function postDecisionLetters(t: TeamsContext, channel: string, personId: number, result: VoteResult): Promise<void> {
  let docs: Awaited<ReturnType<typeof decisionDocuments>>;
  try {
    docs = await decisionDocuments(t.db, t.policy, { personId, origin: "TEAMS" }, result, t.documentsDir, t.now());
  } catch (error) {
    await announceInThread(t, channel, `The letter for #${result.actionId} could not be produced: ${userMessage(t, error)}`);
    return;
  }
  for (const doc of docs)
    await attempt(t, "letter.post", { actionId: result.actionId }, () =>
      t.messenger.post(channel, letterCard(doc)),
    );
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
  );
  return attempt(t, "dispute.notify_collector", { disputeId: dispute.disputeId }, () => t.messenger.post(ref.conversationId, md`⏸️ ` + notice));
}
