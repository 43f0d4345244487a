// `teams.notify-reply`: the collector of a customer who replied by e-mail is told in their personal chat
// with the bot (src/mail/notices.ts). Enqueued by the inbox poller in the transaction that records the reply.
import type { Database } from "../../db/database.js";
import { PermanentJobError, type JobHandler } from "../../jobs/queue.js";
import { NOTIFY_REPLY } from "../../mail/inbox.js";
import { replyNotice } from "../../mail/notices.js";
import { personalConversation } from "./conversations.js";
import type { TeamsMessenger } from "./messenger.js";
import { inertLines } from "./text.js";

export function teamsMailJobHandlers(deps: { messenger: TeamsMessenger; db: Database }): Record<string, JobHandler> {
  const send = deps.messenger.forJobs();
  return {
    [NOTIFY_REPLY("TEAMS")]: async (job, { db, logger }) => {
      const notice = await replyNotice(db, Number(job.payload.inboundId));
      const identity = notice.collectorId === null ? null : await db.prisma.chatIdentity.findFirst({ where: { personId: notice.collectorId, platform: "TEAMS" } });
      if (!identity) throw new PermanentJobError("the customer's collector has no Teams identity (ccbot people add)");
      const ref = await personalConversation(db, identity.externalId, deps.messenger.tenants);
      if (!ref) throw new PermanentJobError("the collector has no personal chat with the bot yet");
      await send.post(ref.conversationId, inertLines(notice.text));
      logger.info({ inboundId: job.payload.inboundId }, "collector told of a customer's reply");
    },
  };
}
